"""What nova-lite's database and the image service's own have in common:
each is reached through its own oslo.db enginefacade, set up the same way,
and their models share the timestamp columns.

Neither ``nova_lite.db`` nor ``nova_lite.image.service.db`` imports the
other: the image service is a service apart with a database apart, and
this module is the only code they share.
"""

import functools
import re
import threading
import types

from oslo_db import api as oslo_db_api
from oslo_db import exception as db_exc
from oslo_db.sqlalchemy import enginefacade
from oslo_db.sqlalchemy import engines
from oslo_db.sqlalchemy import models as oslo_db_models
from oslo_utils import timeutils
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from nova_lite import conf
from nova_lite import exception

CONF = conf.CONF

_MYSQL = ('mysql', 'mariadb')


def now():
    """The current UTC time as a naive datetime, as the tables hold it."""
    return timeutils.utcnow()


class TimestampMixin(oslo_db_models.TimestampMixin):
    """oslo.db's ``created_at``/``updated_at``; ``created_at`` is NOT NULL
    in both schemas (as the migrations made it)."""

    created_at = sa.Column(sa.DateTime, default=now, nullable=False)


def backend_of(url):
    return sa.engine.make_url(url).get_backend_name()


def _utf8mb4(url):
    """``url`` with ``charset=utf8mb4`` unless it names a charset.

    NOTE: the tables hold utf8mb4; oslo.db would otherwise ask for
    ``utf8`` (MySQL's three-byte utf8mb3), which refuses an emoji in a
    server name.
    """
    parsed = sa.engine.make_url(url)
    if backend_of(url) not in _MYSQL or 'charset' in parsed.query:
        return url
    return parsed.update_query_dict({'charset': 'utf8mb4'}).render_as_string(
        hide_password=False)


def _sqlite_regexp(pattern, value):
    if value is None:
        return None
    return re.search(pattern, str(value)) is not None


def _sqlite_pragmas(dbapi_conn, _record):
    # NOTE: oslo.db's REGEXP matches NULL as the text 'None'; a NULL
    # column matches no pattern, as on MariaDB and PostgreSQL.
    dbapi_conn.create_function('regexp', 2, _sqlite_regexp,
                               deterministic=True)
    cursor = dbapi_conn.cursor()
    # NOTE: WAL lets readers run beside a writer, and the busy timeout makes
    # a second writer wait instead of failing at once (nova-lite-all runs
    # every service on one sqlite file).
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA busy_timeout=30000')
    cursor.close()


def _mysql_read_committed(dbapi_conn, _record):
    # NOTE: claims rely on reading committed rows between retries, as on
    # PostgreSQL. Set once per connection, not per checkout.
    cursor = dbapi_conn.cursor()
    cursor.execute('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED')
    cursor.close()


def _on_engine_create(engine):
    backend = engine.url.get_backend_name()
    if backend == 'sqlite':
        sa.event.listen(engine, 'connect', _sqlite_pragmas)
    elif backend in _MYSQL:
        sa.event.listen(engine, 'connect', _mysql_read_committed)
    # NOTE: oslo.db's first connection (its start-up test) was made before
    # these listeners; it must not serve a transaction.
    engine.pool.dispose()


def create_engine(url):
    """A one-off engine on ``url``, set up as a ``Database``'s, that does
    not wait for the database to come up (its first use fails at once)."""
    engine = engines.create_engine(_utf8mb4(url), sqlite_fk=True,
                                   max_retries=0)
    _on_engine_create(engine)
    return engine


class Database:
    """One database behind its own enginefacade transaction context.

    :param url: a callable answering the SQLAlchemy URL; read when the
        engine starts, so that a test (or ``dispose``) may change it.
    """

    def __init__(self, url):
        self._url = url
        self._facade = None
        self._lock = threading.Lock()

    def url(self):
        return self._url()

    def _context_manager(self):
        with self._lock:
            if self._facade is None:
                url = self._url()
                facade = enginefacade.transaction_context()
                options = {}
                if backend_of(url) == 'sqlite':
                    # NOTE: oslo.db gives a sqlite file no pool (NullPool),
                    # which would refuse the pool options.
                    options = dict(max_pool_size=None, max_overflow=None,
                                   pool_timeout=None)
                facade.configure(connection=_utf8mb4(url), sqlite_fk=True,
                                 **options)
                facade.append_on_engine_create(_on_engine_create)
                self._facade = facade
            return self._facade

    def get_engine(self):
        return self._context_manager().writer.get_engine()

    def dispose(self):
        """Close the pool and forget the engine; the next use starts one
        on the URL as it is then."""
        with self._lock:
            facade, self._facade = self._facade, None
        if facade is not None:
            facade.dispose_pool()

    def writer(self):
        """``with writer() as session``: one transaction, committed when
        the block ends, rolled back if it raises."""
        return self._context_manager().writer.using(types.SimpleNamespace())

    def reader(self):
        """``with reader() as session``: a transaction that only reads."""
        return self._context_manager().reader.using(types.SimpleNamespace())


def _is_conflict(error):
    if isinstance(error, exception.ResourceProviderGenerationConflict):
        return True
    # NOTE: oslo.db names no sqlite error a deadlock; a writer that found
    # the file locked past the busy timeout (or whose snapshot went stale,
    # which sqlite answers at once) lost the same kind of race. Some of
    # these reach here unwrapped: an executemany's error escapes oslo.db's
    # filters.
    return (isinstance(error, (db_exc.DBError, sa_exc.OperationalError)) and
            'database is locked' in str(error).lower())


def retry_on_conflict(func):
    """Run ``func`` again when its transaction lost a race or the
    database went away; after ``[database] db_max_retries`` tries, raise
    ``DBRetryExhausted``.

    A lost race (deadlock, stale resource provider generation) is tried
    again soon, with jitter, so that the racers spread out; a lost
    connection is tried again after ``db_retry_interval`` seconds, growing
    to ``db_max_retry_interval``, so that a database restart is waited
    out rather than failed.

    NOTE: wrap a whole transaction, never a part of one: a retry starts
    over from its first read.
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        opts = CONF.database
        on_race = oslo_db_api.wrap_db_retry(
            max_retries=opts.db_max_retries, retry_interval=0.01,
            inc_retry_interval=True, max_retry_interval=0.5,
            retry_on_deadlock=True, exception_checker=_is_conflict,
            jitter=True)
        on_disconnect = oslo_db_api.wrap_db_retry(
            max_retries=opts.db_max_retries,
            retry_interval=opts.db_retry_interval,
            inc_retry_interval=opts.db_inc_retry_interval,
            max_retry_interval=opts.db_max_retry_interval,
            retry_on_disconnect=True)
        try:
            return on_disconnect(on_race(func))(*args, **kwargs)
        except (db_exc.DBDeadlock, db_exc.DBConnectionError,
                exception.ResourceProviderGenerationConflict) as error:
            raise exception.DBRetryExhausted(reason=type(error).__name__)
    return wrapper

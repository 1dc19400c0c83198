"""The database machinery: engine, sessions, transactions, retries on
conflict and named locks. The queries live one domain per module beside it
(``instance_api``, ``flavor_api``, ``service_api``, ...).

Callers get detached model rows (or plain values) back; the objects layer
turns them into versioned objects. Compute services never reach the
database: their reads and writes go through the conductor.
"""

import contextlib
import datetime
import functools
import hashlib
import os
import random
import threading
import time

from oslo_log import log as logging
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy import orm

from nova_lite import conf
from nova_lite import exception

CONF = conf.CONF
LOG = logging.getLogger(__name__)

_ENGINE = None
_SESSIONMAKER = None
_ENGINE_LOCK = threading.Lock()


def now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def database_url():
    if CONF.database.connection:
        return CONF.database.connection
    os.makedirs(CONF.state_path, exist_ok=True)
    return 'sqlite:///' + os.path.join(CONF.state_path, 'nova-lite.sqlite')


def _sqlite_pragmas(dbapi_conn, _record):
    cursor = dbapi_conn.cursor()
    # NOTE: WAL lets readers run beside a writer, and the busy timeout makes
    # a second writer wait instead of failing at once.
    cursor.execute('PRAGMA journal_mode=WAL')
    cursor.execute('PRAGMA busy_timeout=30000')
    cursor.execute('PRAGMA foreign_keys=ON')
    cursor.close()


_MYSQL = ('mysql', 'mariadb')


def _mysql_utf8mb4(url):
    """``url`` with ``charset=utf8mb4`` unless it names a charset.

    NOTE: the tables hold utf8mb4 (migration 0013); a connection in
    another charset (latin1 is MySQLdb's default) would refuse or mangle
    any text outside it, an emoji in a server name included.
    """
    parsed = sa.engine.make_url(url)
    if 'charset' in parsed.query:
        return parsed
    return parsed.update_query_dict({'charset': 'utf8mb4'})


def get_engine():
    global _ENGINE, _SESSIONMAKER
    with _ENGINE_LOCK:
        if _ENGINE is None:
            url = database_url()
            kwargs = {'future': True}
            if url.startswith('sqlite'):
                kwargs['connect_args'] = {'check_same_thread': False,
                                          'timeout': 30}
            else:
                kwargs.update(
                    pool_size=CONF.database.max_pool_size,
                    max_overflow=CONF.database.max_overflow,
                    pool_timeout=CONF.database.pool_timeout,
                    pool_recycle=CONF.database.connection_recycle_time,
                    pool_pre_ping=True)
                if url.startswith('mysql'):
                    # NOTE: claims rely on reading committed rows between
                    # retries, as on PostgreSQL.
                    kwargs['isolation_level'] = 'READ COMMITTED'
            engine = sa.create_engine(
                _mysql_utf8mb4(url) if url.startswith(_MYSQL) else url,
                **kwargs)
            if url.startswith('sqlite'):
                sa.event.listen(engine, 'connect', _sqlite_pragmas)
            _ENGINE = engine
            _SESSIONMAKER = orm.sessionmaker(bind=engine,
                                             expire_on_commit=False)
        return _ENGINE


def dispose_engine():
    global _ENGINE, _SESSIONMAKER
    with _ENGINE_LOCK:
        if _ENGINE is not None:
            _ENGINE.dispose()
        _ENGINE = None
        _SESSIONMAKER = None


class _Transaction:
    def __enter__(self):
        get_engine()
        self.session = _SESSIONMAKER()
        self.session.begin()
        return self.session

    def __exit__(self, exc_type, exc, tb):
        try:
            if exc_type is None:
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()
        return False


def transaction():
    """``with transaction() as session``: commit on success, else roll back."""
    return _Transaction()


def _is_retryable(error):
    if isinstance(error, exception.ResourceProviderGenerationConflict):
        return True
    if isinstance(error, sa_exc.OperationalError):
        text = str(error.orig).lower()
        return ('deadlock' in text or 'database is locked' in text or
                'could not serialize' in text or '1213' in text or
                'lock wait timeout' in text)
    return False


def retry_on_conflict(func):
    """Retry a transaction that lost a race, with jittered back-off."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        attempt = 0
        while True:
            try:
                return func(*args, **kwargs)
            except Exception as error:
                if not _is_retryable(error):
                    raise
                attempt += 1
                if attempt > CONF.database.max_retries:
                    LOG.warning('%s gave up after %d attempts: %s',
                                func.__name__, attempt, error)
                    raise exception.DBRetryExhausted(
                        reason=type(error).__name__)
                time.sleep(random.uniform(0, 0.05 * attempt))
    return wrapper


# ---- named locks -----------------------------------------------------------

# NOTE: sqlite serves one process (nova-lite-all); its locks are that
# process's own.
_LOCAL_LOCKS = {}
_LOCAL_LOCKS_GUARD = threading.Lock()


@contextlib.contextmanager
def named_lock(name, timeout):
    """Hold the lock ``name``, shared by every process on the database,
    for the ``with`` block.

    MariaDB/MySQL ``GET_LOCK``, PostgreSQL's advisory locks (on a hash of
    the name); with sqlite, a lock of this process. A waiter holds no
    pooled connection while it waits (it tries, then sleeps, with
    jittered back-off), so waiters cannot take the connections the holder
    needs to finish; the holder keeps one connection for the lock.

    :param timeout: seconds to wait for the lock.
    :returns: (as the ``with`` target) whether the lock is held: False
        after ``timeout``, and the block runs anyway; the caller decides
        whether that is safe.
    """
    url = database_url()
    if url.startswith('sqlite'):
        with _LOCAL_LOCKS_GUARD:
            lock = _LOCAL_LOCKS.setdefault(name, threading.Lock())
        held = lock.acquire(timeout=timeout)
        try:
            yield held
        finally:
            if held:
                lock.release()
        return
    mysql = url.startswith(_MYSQL)
    digest = hashlib.sha256(name.encode('utf-8')).digest()
    if mysql:
        # NOTE: MySQL lock names are at most 64 characters.
        key = 'nova_lite.' + digest.hex()[:40]
        take, give = 'SELECT GET_LOCK(:key, 0)', 'SELECT RELEASE_LOCK(:key)'
    else:
        key = int.from_bytes(digest[:8], 'big', signed=True)
        take = 'SELECT pg_try_advisory_lock(:key)'
        give = 'SELECT pg_advisory_unlock(:key)'
    deadline = time.monotonic() + timeout
    delay = 0.01
    while True:
        conn = get_engine().connect()
        try:
            held = bool(conn.execute(sa.text(take), {'key': key}).scalar())
            # NOTE: both locks belong to the session, not the transaction.
            conn.commit()
        except Exception:
            conn.close()
            raise
        if held:
            break
        conn.close()
        if time.monotonic() >= deadline:
            LOG.warning('Lock %s not taken in %ss', name, timeout)
            yield False
            return
        time.sleep(random.uniform(delay / 2, delay))
        delay = min(delay * 2, 0.2)
    try:
        yield True
    finally:
        try:
            conn.execute(sa.text(give), {'key': key})
            conn.commit()
        except Exception:
            # NOTE: a connection that may still hold the lock must not go
            # back to the pool; the server frees a closed session's locks.
            LOG.exception('Could not release lock %s', name)
            conn.invalidate()
        conn.close()

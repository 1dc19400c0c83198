"""The database machinery: transactions (oslo.db's enginefacade, through
``nova_lite.sql``), retries on conflict or disconnect, and named locks.
The queries live one domain per module beside it (``instance_api``,
``flavor_api``, ``service_api``, ...).

Callers get detached model rows (or plain values) back; the objects layer
turns them into versioned objects. Compute services never reach the
database: their reads and writes go through the conductor.
"""

import contextlib
import hashlib
import os
import random
import threading
import time

from oslo_log import log as logging
import sqlalchemy as sa

from nova_lite import conf
from nova_lite import sql

CONF = conf.CONF
LOG = logging.getLogger(__name__)

now = sql.now
retry_on_conflict = sql.retry_on_conflict


def database_url():
    if CONF.database.connection:
        return CONF.database.connection
    os.makedirs(CONF.state_path, exist_ok=True)
    return 'sqlite:///' + os.path.join(CONF.state_path, 'nova-lite.sqlite')


_DATABASE = sql.Database(database_url)

get_engine = _DATABASE.get_engine
dispose_engine = _DATABASE.dispose


def transaction():
    """``with transaction() as session``: commit on success, else roll
    back (an oslo.db enginefacade writer)."""
    return _DATABASE.writer()


def reader():
    """``with reader() as session``: a read-only enginefacade reader."""
    return _DATABASE.reader()


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
    backend = sql.backend_of(database_url())
    if backend == 'sqlite':
        with _LOCAL_LOCKS_GUARD:
            lock = _LOCAL_LOCKS.setdefault(name, threading.Lock())
        held = lock.acquire(timeout=timeout)
        try:
            yield held
        finally:
            if held:
                lock.release()
        return
    mysql = backend in ('mysql', 'mariadb')
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

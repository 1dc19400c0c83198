"""The database door: engine, transactions and every query nova-lite makes.

Callers get detached model rows (or plain values) back; the objects layer
turns them into versioned objects. Compute services never reach this
module: their reads and writes go through the conductor.
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
from oslo_utils import uuidutils
import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy import orm

from nova_lite import conf
from nova_lite.db import instance_list_api
from nova_lite.db import models
from nova_lite import exception

CONF = conf.CONF
LOG = logging.getLogger(__name__)

_ENGINE = None
_SESSIONMAKER = None
_ENGINE_LOCK = threading.Lock()


def _now():
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


# ---- services --------------------------------------------------------------

def service_create(values):
    with transaction() as session:
        row = models.Service(**values)
        session.add(row)
        session.flush()
        return row


def service_get_by_host_and_binary(host, binary):
    with transaction() as session:
        return session.scalars(
            sa.select(models.Service).filter_by(host=host, binary=binary)
        ).first()


def service_get(service_id):
    with transaction() as session:
        row = session.get(models.Service, service_id)
        if row is None:
            raise exception.ServiceNotFound(service_id=service_id)
        return row


def service_get_all(binary=None, host=None):
    with transaction() as session:
        query = sa.select(models.Service).order_by(models.Service.id)
        if binary:
            query = query.filter_by(binary=binary)
        if host:
            query = query.filter_by(host=host)
        return list(session.scalars(query))


def service_update(service_id, values):
    with transaction() as session:
        row = session.get(models.Service, service_id)
        if row is None:
            raise exception.ServiceNotFound(service_id=service_id)
        for key, value in values.items():
            setattr(row, key, value)
        return row


def service_heartbeat(service_id):
    """Record that a service is alive; returns the updated row."""
    with transaction() as session:
        now = _now()
        session.execute(
            sa.update(models.Service).where(models.Service.id == service_id)
            .values(report_count=models.Service.report_count + 1,
                    last_seen_up=now, updated_at=now))
        row = session.get(models.Service, service_id)
        if row is None:
            raise exception.ServiceNotFound(service_id=service_id)
        return row


def service_destroy(service_id):
    with transaction() as session:
        session.execute(sa.delete(models.Service)
                        .where(models.Service.id == service_id))


# ---- compute nodes and allocations -----------------------------------------

def compute_node_get_all():
    with transaction() as session:
        return list(session.scalars(
            sa.select(models.ComputeNode).order_by(models.ComputeNode.id)))


def compute_node_get_by_host_and_nodename(host, nodename):
    with transaction() as session:
        row = session.scalars(
            sa.select(models.ComputeNode)
            .filter_by(host=host, hypervisor_hostname=nodename)).first()
        if row is None:
            raise exception.ComputeNodeNotFound(host=host)
        return row


def compute_node_create_or_update(host, nodename, values):
    """Create the node of ``host``/``nodename`` or refresh its inventory.

    A refresh that changes capacity bumps the generation, so a claim that
    read the old capacity is retried against the new one.
    """
    with transaction() as session:
        row = session.scalars(
            sa.select(models.ComputeNode)
            .filter_by(host=host, hypervisor_hostname=nodename)
            .with_for_update()).first()
        if row is None:
            row = models.ComputeNode(host=host, hypervisor_hostname=nodename,
                                     uuid=uuidutils.generate_uuid(),
                                     generation=0, **values)
            session.add(row)
        else:
            changed = any(getattr(row, k) != v for k, v in values.items())
            if changed:
                for key, value in values.items():
                    setattr(row, key, value)
                row.generation = row.generation + 1
        session.flush()
        return row


def instance_count_by_node():
    """``{(host, node): live instances}`` over every node."""
    inst = models.Instance
    with transaction() as session:
        rows = session.execute(
            sa.select(inst.host, inst.node, sa.func.count(inst.id))
            .where(inst.deleted == 0, inst.host.is_not(None))
            .group_by(inst.host, inst.node))
        return {(host, node): int(count) for host, node, count in rows}


def allocation_usages():
    """``{compute_node_id: {resource_class: used}}`` over every node."""
    with transaction() as session:
        rows = session.execute(
            sa.select(models.Allocation.compute_node_id,
                      models.Allocation.resource_class,
                      sa.func.sum(models.Allocation.used))
            .group_by(models.Allocation.compute_node_id,
                      models.Allocation.resource_class))
        usages = {}
        for node_id, rc, used in rows:
            usages.setdefault(node_id, {})[rc] = int(used or 0)
        return usages


def _capacity(node):
    return {
        'VCPU': int((node.vcpus - node.reserved_vcpus) *
                    node.cpu_allocation_ratio),
        'MEMORY_MB': int((node.memory_mb - node.reserved_memory_mb) *
                         node.ram_allocation_ratio),
        'DISK_GB': int((node.local_gb - node.reserved_disk_gb) *
                       node.disk_allocation_ratio),
    }


def capacity_of(node):
    """Usable amount of each resource class of a compute node row."""
    return _capacity(node)


@retry_on_conflict
def allocation_claim(compute_node_id, consumer_id, resources):
    """Claim ``resources`` ({class: amount}) on a node for a consumer.

    The node's row is locked first, so claims on one node queue up instead
    of deadlocking on the allocation rows; the capacity check and the write
    then happen in that one transaction, which also moves the node's
    generation forward only if nobody else did meanwhile (the guard on
    sqlite, which has no row locks): a lost race is retried from a fresh
    read. Any previous allocation of the consumer on that node is replaced.

    :returns: True if claimed, False if the node cannot fit the request.
    """
    with transaction() as session:
        return allocation_claim_in_session(session, compute_node_id,
                                           consumer_id, resources)


def allocation_claim_in_session(session, compute_node_id, consumer_id,
                                resources):
    """The claim of :func:`allocation_claim` inside the caller's
    transaction, so another check (a server group's rule) can be part of
    the same atomic step; the caller retries on conflict."""
    node = session.get(models.ComputeNode, compute_node_id,
                       with_for_update=True)
    if node is None:
        return False
    generation = node.generation
    used = dict(session.execute(
        sa.select(models.Allocation.resource_class,
                  sa.func.sum(models.Allocation.used))
        .where(models.Allocation.compute_node_id == compute_node_id,
               models.Allocation.consumer_id != consumer_id)
        .group_by(models.Allocation.resource_class)).all())
    capacity = _capacity(node)
    for rc, amount in resources.items():
        if amount and (used.get(rc) or 0) + amount > capacity.get(rc, 0):
            return False
    previous = session.scalars(sa.select(models.Allocation.id).where(
        models.Allocation.consumer_id == consumer_id,
        models.Allocation.compute_node_id == compute_node_id)).all()
    if previous:
        session.execute(sa.delete(models.Allocation).where(
            models.Allocation.id.in_(previous)))
    for rc, amount in resources.items():
        if amount:
            session.add(models.Allocation(
                compute_node_id=compute_node_id, consumer_id=consumer_id,
                resource_class=rc, used=amount))
    result = session.execute(
        sa.update(models.ComputeNode)
        .where(models.ComputeNode.id == compute_node_id,
               models.ComputeNode.generation == generation)
        .values(generation=generation + 1))
    if result.rowcount != 1:
        raise exception.ResourceProviderGenerationConflict(
            host=node.host)
    return True


def allocation_delete_by_consumer(consumer_id):
    with transaction() as session:
        session.execute(sa.delete(models.Allocation).where(
            models.Allocation.consumer_id == consumer_id))


def allocation_get_by_consumer(consumer_id):
    with transaction() as session:
        return list(session.scalars(sa.select(models.Allocation).where(
            models.Allocation.consumer_id == consumer_id)))


# ---- flavors ---------------------------------------------------------------

def flavor_get_by_flavor_id(flavorid):
    with transaction() as session:
        row = session.scalars(sa.select(models.Flavor)
                              .filter_by(flavorid=str(flavorid))).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        return row


def flavor_get(flavor_pk):
    with transaction() as session:
        row = session.get(models.Flavor, flavor_pk)
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavor_pk)
        return row


def flavor_get_by_name(name):
    with transaction() as session:
        row = session.scalars(sa.select(models.Flavor)
                              .filter_by(name=name)).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=name)
        return row


_FLAVOR_SORT_KEYS = ('flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb',
                     'ephemeral_gb', 'swap', 'rxtx_factor', 'id',
                     'created_at', 'description', 'is_public', 'disabled')


def flavor_get_all(inactive=False, filters=None, sort_key='flavorid',
                   sort_dir='asc', limit=None, marker=None,
                   project_id=None):
    """List flavors; ``project_id`` also shows private flavors it may use."""
    filters = filters or {}
    if sort_key not in _FLAVOR_SORT_KEYS:
        raise exception.InvalidSortKey()
    with transaction() as session:
        query = sa.select(models.Flavor)
        if not inactive or filters.get('disabled') is False:
            query = query.filter_by(disabled=False)
        if 'min_memory_mb' in filters:
            query = query.where(
                models.Flavor.memory_mb >= filters['min_memory_mb'])
        if 'min_root_gb' in filters:
            query = query.where(
                models.Flavor.root_gb >= filters['min_root_gb'])
        if 'is_public' in filters and filters['is_public'] is not None:
            visible = models.Flavor.is_public == filters['is_public']
            if filters['is_public'] and project_id:
                visible = sa.or_(visible, models.Flavor.projects.any(
                    models.FlavorProject.project_id == project_id))
            query = query.where(visible)
        column = getattr(models.Flavor, sort_key)
        order = [column.asc() if sort_dir == 'asc' else column.desc(),
                 models.Flavor.id.asc()]
        rows = list(session.scalars(query.order_by(*order)))
    if marker is not None:
        ids = [r.flavorid for r in rows]
        if str(marker) not in ids:
            raise exception.MarkerNotFound(marker=marker)
        rows = rows[ids.index(str(marker)) + 1:]
    if limit is not None:
        rows = rows[:limit]
    return rows


def flavor_create(values, extra_specs=None, projects=None):
    with transaction() as session:
        if session.scalars(sa.select(models.Flavor)
                           .filter_by(name=values['name'])).first():
            raise exception.FlavorExists(name=values['name'])
        if session.scalars(sa.select(models.Flavor)
                           .filter_by(flavorid=values['flavorid'])).first():
            raise exception.FlavorIdExists(flavor_id=values['flavorid'])
        row = models.Flavor(**values)
        row.extra_specs = [models.FlavorExtraSpec(key=k, value=v)
                           for k, v in (extra_specs or {}).items()]
        row.projects = [models.FlavorProject(project_id=p)
                        for p in (projects or [])]
        session.add(row)
        try:
            session.flush()
        except sa_exc.IntegrityError:
            raise exception.FlavorExists(name=values['name'])
        return row


def flavor_update(flavorid, values):
    with transaction() as session:
        row = session.scalars(sa.select(models.Flavor)
                              .filter_by(flavorid=flavorid)).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        for key, value in values.items():
            setattr(row, key, value)
        return row


def flavor_destroy(flavorid):
    with transaction() as session:
        row = session.scalars(sa.select(models.Flavor)
                              .filter_by(flavorid=flavorid)).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        session.delete(row)


def flavor_extra_specs_update(flavorid, specs):
    with transaction() as session:
        row = session.scalars(sa.select(models.Flavor)
                              .filter_by(flavorid=flavorid)).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        current = {spec.key: spec for spec in row.extra_specs}
        for key, value in specs.items():
            if key in current:
                current[key].value = value
            else:
                row.extra_specs.append(
                    models.FlavorExtraSpec(key=key, value=value))
        session.flush()
        return {spec.key: spec.value for spec in row.extra_specs}


def flavor_extra_specs_delete(flavorid, key):
    with transaction() as session:
        row = session.scalars(sa.select(models.Flavor)
                              .filter_by(flavorid=flavorid)).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        for spec in list(row.extra_specs):
            if spec.key == key:
                row.extra_specs.remove(spec)
                return
        raise exception.FlavorExtraSpecsNotFound(flavor_id=flavorid,
                                                 extra_specs_key=key)


def flavor_access_add(flavorid, project_id):
    """Let ``project_id`` use the private flavor ``flavorid``.

    :returns: the projects with access, after the change.
    :raises: FlavorNotFound, FlavorAccessExists
    """
    with transaction() as session:
        row = session.scalars(sa.select(models.Flavor)
                              .filter_by(flavorid=flavorid)).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        if any(access.project_id == project_id for access in row.projects):
            raise exception.FlavorAccessExists(flavor_id=flavorid,
                                               project_id=project_id)
        row.projects.append(models.FlavorProject(project_id=project_id))
        try:
            session.flush()
        except sa_exc.IntegrityError:
            # NOTE: a concurrent add of the same pair won the race.
            raise exception.FlavorAccessExists(flavor_id=flavorid,
                                               project_id=project_id)
        return [access.project_id for access in row.projects]


def flavor_access_remove(flavorid, project_id):
    """Take the private flavor ``flavorid`` away from ``project_id``.

    :returns: the projects with access, after the change.
    :raises: FlavorNotFound, FlavorAccessNotFound
    """
    with transaction() as session:
        row = session.scalars(sa.select(models.Flavor)
                              .filter_by(flavorid=flavorid)).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        for access in list(row.projects):
            if access.project_id == project_id:
                row.projects.remove(access)
                session.flush()
                return [a.project_id for a in row.projects]
        raise exception.FlavorAccessNotFound(flavor_id=flavorid,
                                             project_id=project_id)


# ---- key pairs -------------------------------------------------------------

def key_pair_create(values):
    with transaction() as session:
        exists = session.scalars(sa.select(models.KeyPair).filter_by(
            user_id=values['user_id'], name=values['name'])).first()
        if exists:
            raise exception.KeyPairExists(key_name=values['name'])
        row = models.KeyPair(**values)
        session.add(row)
        try:
            session.flush()
        except sa_exc.IntegrityError:
            raise exception.KeyPairExists(key_name=values['name'])
        return row


def key_pair_get(user_id, name):
    with transaction() as session:
        row = session.scalars(sa.select(models.KeyPair).filter_by(
            user_id=user_id, name=name)).first()
        if row is None:
            raise exception.KeypairNotFound(user_id=user_id, name=name)
        return row


def key_pair_get_all_by_user(user_id, limit=None, marker=None):
    """A user's key pairs in Nova's page order (oldest first, by id);
    ``marker`` is the name of the last key pair of the previous page."""
    with transaction() as session:
        query = (sa.select(models.KeyPair).filter_by(user_id=user_id)
                 .order_by(models.KeyPair.id))
        if marker is not None:
            marker_row = session.scalars(sa.select(models.KeyPair).filter_by(
                user_id=user_id, name=marker)).first()
            if marker_row is None:
                raise exception.MarkerNotFound(marker=marker)
            query = query.where(models.KeyPair.id > marker_row.id)
        if limit is not None:
            query = query.limit(limit)
        return list(session.scalars(query))


def key_pair_count_by_user(user_id):
    with transaction() as session:
        return session.scalar(sa.select(sa.func.count(models.KeyPair.id))
                              .filter_by(user_id=user_id))


def key_pair_destroy(user_id, name):
    with transaction() as session:
        result = session.execute(sa.delete(models.KeyPair).where(
            models.KeyPair.user_id == user_id, models.KeyPair.name == name))
        if result.rowcount == 0:
            raise exception.KeypairNotFound(user_id=user_id, name=name)


# ---- instances -------------------------------------------------------------

def _instance_query(read_deleted='no'):
    query = sa.select(models.Instance)
    if read_deleted == 'no':
        query = query.where(models.Instance.deleted == 0)
    elif read_deleted == 'only':
        query = query.where(models.Instance.deleted != 0)
    return query


def instance_create(values, metadata=None):
    values = dict(values)
    # NOTE: set at once so that changes-since, which filters on
    # updated_at, sees a new instance.
    values.setdefault('updated_at', _now())
    with transaction() as session:
        row = models.Instance(**values)
        row.metadata_items = [models.InstanceMetadata(key=k, value=v)
                              for k, v in (metadata or {}).items()]
        session.add(row)
        session.flush()
        # NOTE: load the (viewonly, so never assigned) tags while the
        # session is open: the caller reads them after it closed.
        session.refresh(row, ['tags'])
        return row


def instance_get_by_uuid(uuid, read_deleted='no'):
    with transaction() as session:
        row = session.scalars(_instance_query(read_deleted)
                              .filter_by(uuid=uuid)).first()
        if row is None:
            raise exception.InstanceNotFound(instance_id=uuid)
        return row


def instance_get_all(filters=None, limit=None, marker=None, sort_keys=None,
                     sort_dirs=None, read_deleted='no'):
    """Instances matching ``filters``, sorted, one page at a time.

    Nova's server list filters, all in SQL, with keyset pagination: the
    page after ``marker`` (an instance uuid) starts past the marker's sort
    values, so each page is one query (see db/instance_list_api.py).

    :raises: MarkerNotFound, InvalidSortKey, InvalidInput
    """
    with transaction() as session:
        return instance_list_api.instance_get_all(
            session, filters=filters, limit=limit, marker=marker,
            sort_keys=sort_keys, sort_dirs=sort_dirs,
            read_deleted=read_deleted)


def instance_update(uuid, values, expected=None):
    """Update an instance, optionally only if some columns hold values.

    ``expected`` maps column -> allowed value(s); the update is a single
    conditional UPDATE so two services racing on one instance cannot both
    win (e.g. a delete during a build).

    :raises: InstanceNotFound, UnexpectedTaskStateError
    :returns: the updated row
    """
    values = dict(values)
    metadata = values.pop('metadata', None)
    with transaction() as session:
        conditions = [models.Instance.uuid == uuid,
                      models.Instance.deleted == 0]
        for column, allowed in (expected or {}).items():
            allowed = (list(allowed) if isinstance(allowed, (list, tuple,
                                                             set))
                       else [allowed])
            col = getattr(models.Instance, column)
            options = []
            concrete = [a for a in allowed if a is not None]
            if concrete:
                options.append(col.in_(concrete))
            if None in allowed:
                options.append(col.is_(None))
            conditions.append(sa.or_(*options))
        values.setdefault('updated_at', _now())
        result = session.execute(sa.update(models.Instance)
                                 .where(*conditions).values(**values))
        row = session.scalars(_instance_query('yes')
                              .filter_by(uuid=uuid)).first()
        if row is None or (row.deleted and result.rowcount == 0):
            raise exception.InstanceNotFound(instance_id=uuid)
        if result.rowcount == 0:
            column = next(iter(expected))
            actual = getattr(row, column)
            error = exception.UnexpectedTaskStateError
            if column == 'task_state' and actual == 'deleting':
                error = exception.UnexpectedDeletingTaskStateError
            raise error(instance_uuid=uuid, expected=expected[column],
                        actual=actual)
        if metadata is not None:
            _set_metadata(session, row, metadata)
        session.refresh(row)
        return row


def _set_metadata(session, row, metadata):
    current = {item.key: item for item in row.metadata_items}
    for key, item in current.items():
        if key not in metadata:
            row.metadata_items.remove(item)
    for key, value in metadata.items():
        if key in current:
            current[key].value = value
        else:
            row.metadata_items.append(
                models.InstanceMetadata(key=key, value=value))
    session.flush()


def instance_destroy(uuid):
    """Soft-delete an instance and everything only it used.

    :returns: the deleted row
    """
    with transaction() as session:
        row = session.scalars(_instance_query('no')
                              .filter_by(uuid=uuid)).first()
        if row is None:
            raise exception.InstanceNotFound(instance_id=uuid)
        now = _now()
        row.deleted = row.id
        row.deleted_at = now
        row.updated_at = now
        row.terminated_at = row.terminated_at or now
        row.vm_state = 'deleted'
        row.task_state = None
        session.execute(sa.delete(models.Allocation).where(
            models.Allocation.consumer_id == uuid))
        session.execute(sa.delete(models.RequestSpec).where(
            models.RequestSpec.instance_uuid == uuid))
        session.execute(sa.delete(models.InstanceMetadata).where(
            models.InstanceMetadata.instance_uuid == uuid))
        session.execute(sa.delete(models.Tag).where(
            models.Tag.resource_id == uuid))
        # NOTE: a deleted server leaves its server group (Nova's members).
        session.execute(sa.delete(models.InstanceGroupMember).where(
            models.InstanceGroupMember.instance_uuid == uuid))
        session.flush()
        session.expunge(row)
        return row


# ---- server tags -----------------------------------------------------------

def _check_instance_exists(session, uuid):
    """:raises: InstanceNotFound unless a live instance ``uuid`` exists."""
    found = session.scalar(sa.select(models.Instance.id).where(
        models.Instance.uuid == uuid, models.Instance.deleted == 0))
    if found is None:
        raise exception.InstanceNotFound(instance_id=uuid)


def _instance_tags(session, uuid):
    return list(session.scalars(
        sa.select(models.Tag.tag).where(models.Tag.resource_id == uuid)
        .order_by(models.Tag.tag)))


def instance_tag_get_by_instance_uuid(uuid):
    """The tags of an instance, sorted.

    :raises: InstanceNotFound
    """
    with transaction() as session:
        _check_instance_exists(session, uuid)
        return _instance_tags(session, uuid)


def instance_tag_exists(uuid, tag):
    """:raises: InstanceNotFound"""
    with transaction() as session:
        _check_instance_exists(session, uuid)
        return session.scalar(sa.select(models.Tag.tag).where(
            models.Tag.resource_id == uuid,
            models.Tag.tag == tag)) is not None


def instance_tag_add(uuid, tag):
    """Tag an instance (nothing happens if it already has the tag).

    :raises: InstanceNotFound
    :returns: the instance's tags afterwards.
    """
    with transaction() as session:
        _check_instance_exists(session, uuid)
        if tag not in _instance_tags(session, uuid):
            session.add(models.Tag(resource_id=uuid, tag=tag))
            session.flush()
        return _instance_tags(session, uuid)


def instance_tag_set(uuid, tags):
    """Replace the tags of an instance by ``tags`` (duplicates collapse).

    :raises: InstanceNotFound
    :returns: the instance's tags afterwards.
    """
    wanted = set(tags)
    with transaction() as session:
        _check_instance_exists(session, uuid)
        current = set(_instance_tags(session, uuid))
        gone = current - wanted
        if gone:
            session.execute(sa.delete(models.Tag).where(
                models.Tag.resource_id == uuid, models.Tag.tag.in_(gone)))
        session.add_all(models.Tag(resource_id=uuid, tag=tag)
                        for tag in sorted(wanted - current))
        session.flush()
        return _instance_tags(session, uuid)


def instance_tag_delete(uuid, tag):
    """:raises: InstanceNotFound, InstanceTagNotFound"""
    with transaction() as session:
        _check_instance_exists(session, uuid)
        result = session.execute(sa.delete(models.Tag).where(
            models.Tag.resource_id == uuid, models.Tag.tag == tag))
        if result.rowcount == 0:
            raise exception.InstanceTagNotFound(instance_id=uuid, tag=tag)


def instance_tag_delete_all(uuid):
    """:raises: InstanceNotFound"""
    with transaction() as session:
        _check_instance_exists(session, uuid)
        session.execute(sa.delete(models.Tag).where(
            models.Tag.resource_id == uuid))


def instance_usage_by_project(project_id, user_id=None):
    """Live instances, vCPUs and RAM a project uses, counted from rows."""
    inst = models.Instance
    with transaction() as session:
        query = sa.select(sa.func.count(inst.id),
                          sa.func.coalesce(sa.func.sum(inst.vcpus), 0),
                          sa.func.coalesce(sa.func.sum(inst.memory_mb), 0)
                          ).where(inst.deleted == 0,
                                  inst.project_id == project_id)
        if user_id:
            query = query.where(inst.user_id == user_id)
        count, cores, ram = session.execute(query).one()
        return {'instances': int(count), 'cores': int(cores),
                'ram': int(ram)}


# ---- per-project quota limits ----------------------------------------------

def quota_get_all_by_project(project_id):
    """:returns: {resource: hard_limit} an admin set for the project."""
    with transaction() as session:
        return {row.resource: row.hard_limit for row in session.scalars(
            sa.select(models.Quota).where(
                models.Quota.project_id == project_id))}


def quota_set(project_id, limits):
    """Set several limits of a project at once (all or none)."""
    with transaction() as session:
        rows = {row.resource: row for row in session.scalars(
            sa.select(models.Quota).where(
                models.Quota.project_id == project_id))}
        for resource, hard_limit in limits.items():
            if resource in rows:
                rows[resource].hard_limit = hard_limit
            else:
                session.add(models.Quota(project_id=project_id,
                                         resource=resource,
                                         hard_limit=hard_limit))
        session.flush()


def quota_destroy_all_by_project(project_id):
    """Forget the project's limits: the defaults apply again."""
    with transaction() as session:
        session.execute(sa.delete(models.Quota).where(
            models.Quota.project_id == project_id))


# ---- faults, actions, request specs ----------------------------------------

def instance_fault_create(values):
    with transaction() as session:
        row = models.InstanceFault(**values)
        session.add(row)
        session.flush()
        return row


def instance_fault_get_latest(instance_uuids):
    """``{uuid: newest fault row}`` for the instances that have one."""
    if not instance_uuids:
        return {}
    with transaction() as session:
        rows = session.scalars(
            sa.select(models.InstanceFault)
            .where(models.InstanceFault.instance_uuid.in_(
                list(instance_uuids)))
            .order_by(models.InstanceFault.id.desc()))
        latest = {}
        for row in rows:
            latest.setdefault(row.instance_uuid, row)
        return latest


def action_start(values):
    with transaction() as session:
        row = models.InstanceAction(**values)
        session.add(row)
        session.flush()
        return row


def _action_by_request(session, instance_uuid, request_id):
    return session.scalars(
        sa.select(models.InstanceAction)
        .filter_by(instance_uuid=instance_uuid, request_id=request_id)
        .order_by(models.InstanceAction.id.desc())).first()


def action_get_by_request_id(instance_uuid, request_id):
    with transaction() as session:
        return _action_by_request(session, instance_uuid, request_id)


def action_get_by_instance(instance_uuid):
    with transaction() as session:
        return list(session.scalars(
            sa.select(models.InstanceAction)
            .filter_by(instance_uuid=instance_uuid)
            .order_by(models.InstanceAction.id.desc())))


def action_event_start(instance_uuid, request_id, event, host,
                       start_time=None):
    with transaction() as session:
        action = _action_by_request(session, instance_uuid, request_id)
        if action is None:
            raise exception.InstanceActionNotFound(
                request_id=request_id, instance_uuid=instance_uuid)
        row = models.InstanceActionEvent(
            action_id=action.id, event=event, host=host,
            start_time=start_time or _now())
        session.add(row)
        action.updated_at = _now()
        session.flush()
        return row


def action_event_finish(instance_uuid, request_id, event, result,
                        traceback=None, details=None):
    with transaction() as session:
        action = _action_by_request(session, instance_uuid, request_id)
        if action is None:
            raise exception.InstanceActionNotFound(
                request_id=request_id, instance_uuid=instance_uuid)
        row = session.scalars(
            sa.select(models.InstanceActionEvent)
            .filter_by(action_id=action.id, event=event)
            .order_by(models.InstanceActionEvent.id.desc())).first()
        now = _now()
        if row is None:
            row = models.InstanceActionEvent(action_id=action.id,
                                             event=event, start_time=now)
            session.add(row)
        row.finish_time = now
        row.result = result
        row.traceback = traceback
        row.details = details
        action.updated_at = now
        if result.lower() == 'error':
            action.message = 'Error'
        session.flush()
        return row


def action_events_get(action_id):
    with transaction() as session:
        return list(session.scalars(
            sa.select(models.InstanceActionEvent)
            .filter_by(action_id=action_id)
            .order_by(models.InstanceActionEvent.id)))


def request_spec_create(instance_uuid, spec):
    with transaction() as session:
        row = models.RequestSpec(instance_uuid=instance_uuid, spec=spec)
        session.add(row)
        session.flush()
        return row


def request_spec_get(instance_uuid):
    with transaction() as session:
        row = session.scalars(sa.select(models.RequestSpec)
                              .filter_by(instance_uuid=instance_uuid)).first()
        if row is None:
            raise exception.RequestSpecNotFound(instance_uuid=instance_uuid)
        return row


def request_spec_get_all_by_instance_uuids(instance_uuids):
    """The request specs of ``instance_uuids`` (those that have one)."""
    with transaction() as session:
        return list(session.scalars(
            sa.select(models.RequestSpec).where(
                models.RequestSpec.instance_uuid.in_(
                    list(instance_uuids)))))


def request_spec_update(instance_uuid, spec):
    with transaction() as session:
        session.execute(sa.update(models.RequestSpec)
                        .where(models.RequestSpec.instance_uuid ==
                               instance_uuid)
                        .values(spec=spec, updated_at=_now()))

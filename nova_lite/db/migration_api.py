"""The database door of migrations (resizes) and of the allocations a
migration holds while it is under way.

Like ``db/api.py`` every function answers with detached rows. Compute
hosts reach these functions only through the conductor, by way of
``objects/migration.py``.

NOTE: during a resize the source host's allocation belongs to the
migration (its uuid is the consumer), the destination's to the instance,
as Nova does with placement: both are counted, so nothing is
over-committed, and a confirm drops one while a revert drops the other.
"""

import datetime

from oslo_utils import uuidutils
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite import exception

transaction = db_api.transaction

# Columns a caller may write.
_COLUMNS = ('uuid', 'source_compute', 'dest_compute', 'source_node',
            'dest_node', 'dest_host', 'old_instance_type_id',
            'new_instance_type_id', 'instance_uuid', 'status',
            'migration_type', 'user_id', 'project_id', 'memory_total',
            'memory_processed', 'memory_remaining', 'disk_total',
            'disk_processed', 'disk_remaining')


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _live():
    return sa.select(models.Migration).where(models.Migration.deleted == 0)


def migration_create(values):
    """Record a migration; a uuid is made when none is given."""
    values = {k: v for k, v in values.items() if k in _COLUMNS}
    values.setdefault('uuid', uuidutils.generate_uuid())
    with transaction() as session:
        row = models.Migration(**values)
        session.add(row)
        session.flush()
        session.refresh(row)
        return row


def migration_get(migration_id):
    """:raises: MigrationNotFound"""
    with transaction() as session:
        row = session.scalars(_live().where(
            models.Migration.id == migration_id)).first()
        if row is None:
            raise exception.MigrationNotFound(migration_id=migration_id)
        return row


def migration_get_by_uuid(uuid):
    """:raises: MigrationNotFound"""
    with transaction() as session:
        row = session.scalars(_live().where(
            models.Migration.uuid == uuid)).first()
        if row is None:
            raise exception.MigrationNotFound(migration_id=uuid)
        return row


def migration_get_by_instance_and_status(instance_uuid, status):
    """The newest migration of an instance in ``status``.

    :raises: MigrationNotFoundByStatus
    """
    with transaction() as session:
        row = session.scalars(_live().where(
            models.Migration.instance_uuid == instance_uuid,
            models.Migration.status == status)
            .order_by(models.Migration.id.desc())).first()
        if row is None:
            raise exception.MigrationNotFoundByStatus(
                instance_id=instance_uuid, status=status)
        return row


def migration_update(migration_id, values):
    """Write ``values``; :raises: MigrationNotFound."""
    values = {k: v for k, v in values.items() if k in _COLUMNS}
    with transaction() as session:
        row = session.scalars(_live().where(
            models.Migration.id == migration_id)).first()
        if row is None:
            raise exception.MigrationNotFound(migration_id=migration_id)
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = _now()
        session.flush()
        session.refresh(row)
        return row


def migration_get_unconfirmed_by_dest_compute(confirm_window, dest_compute):
    """Finished resizes onto ``dest_compute`` older than the window."""
    limit = _now() - datetime.timedelta(seconds=confirm_window)
    with transaction() as session:
        return list(session.scalars(_live().where(
            models.Migration.status == 'finished',
            models.Migration.dest_compute == dest_compute,
            sa.func.coalesce(models.Migration.updated_at,
                             models.Migration.created_at) <= limit)
            .order_by(models.Migration.id)))


def migration_get_all(filters=None, limit=None, marker=None):
    """Migrations newest first, filtered by equality on ``filters``
    (``instance_uuid``, ``status``, ``migration_type``, ``source_compute``,
    ``user_id``, ``project_id``, ``changes-since``, ``changes-before``).

    :param marker: the uuid of the last migration of the previous page.
    :raises: MarkerNotFound for an unknown marker.
    """
    filters = dict(filters or {})
    query = _live()
    since = filters.pop('changes-since', None)
    before = filters.pop('changes-before', None)
    host = filters.pop('host', None)
    for key, value in filters.items():
        if value is None or key not in _COLUMNS:
            continue
        query = query.where(getattr(models.Migration, key) == value)
    if host:
        query = query.where(sa.or_(models.Migration.source_compute == host,
                                   models.Migration.dest_compute == host))
    changed = sa.func.coalesce(models.Migration.updated_at,
                               models.Migration.created_at)
    if since is not None:
        query = query.where(changed >= _naive(since))
    if before is not None:
        query = query.where(changed <= _naive(before))
    with transaction() as session:
        if marker is not None:
            marker_row = session.scalars(_live().where(
                models.Migration.uuid == marker)).first()
            if marker_row is None:
                raise exception.MarkerNotFound(marker=marker)
            query = query.where(models.Migration.id < marker_row.id)
        query = query.order_by(models.Migration.created_at.desc(),
                               models.Migration.id.desc())
        if limit is not None:
            query = query.limit(limit)
        return list(session.scalars(query))


# Statuses after which a migration no longer moves anything (Nova's
# list for "in progress"; an evacuation's ``done`` leaves a guest on the
# source, which that host destroys when it starts again).
FINISHED_STATUSES = ('confirmed', 'reverted', 'error', 'failed',
                     'completed', 'cancelled', 'done')


def migration_get_in_progress_by_host(host):
    """Migrations under way with ``host`` as source or destination, oldest
    first."""
    with transaction() as session:
        return list(session.scalars(_live().where(
            sa.or_(models.Migration.source_compute == host,
                   models.Migration.dest_compute == host),
            models.Migration.status.notin_(FINISHED_STATUSES))
            .order_by(models.Migration.id)))


def _naive(moment):
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(
            tzinfo=None)
    return moment


# ---- allocations held by a migration ---------------------------------------

def allocation_move(from_consumer, to_consumer):
    """Hand every allocation of ``from_consumer`` to ``to_consumer``.

    Whatever ``to_consumer`` held on the same nodes is replaced (a revert
    gives the source back to the instance, whose destination claim has
    just been dropped). Capacity does not change, so no check is needed.

    :returns: the number of allocation rows moved.
    """
    with transaction() as session:
        nodes = session.scalars(
            sa.select(models.Allocation.compute_node_id).where(
                models.Allocation.consumer_id == from_consumer)
            .distinct()).all()
        if not nodes:
            return 0
        session.execute(sa.delete(models.Allocation).where(
            models.Allocation.consumer_id == to_consumer,
            models.Allocation.compute_node_id.in_(nodes)))
        result = session.execute(
            sa.update(models.Allocation)
            .where(models.Allocation.consumer_id == from_consumer)
            .values(consumer_id=to_consumer))
        return result.rowcount

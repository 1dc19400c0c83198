"""The database door of instances: records, conditional updates,
metadata, tags, usage counts and faults."""

import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import instance_list_api
from nova_lite.db import models
from nova_lite import exception


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
    values.setdefault('updated_at', db_api.now())
    with db_api.transaction() as session:
        row = models.Instance(**values)
        row.metadata_items = [models.InstanceMetadata(key=k, value=v)
                              for k, v in (metadata or {}).items()]
        session.add(row)
        session.flush()
        # NOTE: load the (viewonly, so never assigned) tags while the
        # session is open: the caller reads them after it closed.
        session.refresh(row, ['tags'])
        return row


@db_api.retry_on_conflict
def instance_get_by_uuid(uuid, read_deleted='no'):
    with db_api.reader() as session:
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
    with db_api.reader() as session:
        return instance_list_api.instance_get_all(
            session, filters=filters, limit=limit, marker=marker,
            sort_keys=sort_keys, sort_dirs=sort_dirs,
            read_deleted=read_deleted)


@db_api.retry_on_conflict
def instance_update(uuid, values, expected=None):
    """Update an instance, optionally only if some columns hold values.

    ``expected`` maps column -> allowed value(s); the update is a single
    conditional UPDATE so two services racing on one instance cannot both
    win (e.g. a delete during a build).

    :raises: InstanceNotFound, UnexpectedTaskStateError (or its Deleting
        variant), UnexpectedVMStateError
    :returns: the updated row
    """
    values = dict(values)
    metadata = values.pop('metadata', None)
    with db_api.transaction() as session:
        conditions = [models.Instance.uuid == uuid,
                      models.Instance.deleted == 0]
        for column, allowed in (expected or {}).items():
            allowed = _as_list(allowed)
            col = getattr(models.Instance, column)
            options = []
            concrete = [a for a in allowed if a is not None]
            if concrete:
                options.append(col.in_(concrete))
            if None in allowed:
                options.append(col.is_(None))
            conditions.append(sa.or_(*options))
        values.setdefault('updated_at', db_api.now())
        result = session.execute(sa.update(models.Instance)
                                 .where(*conditions).values(**values))
        row = session.scalars(_instance_query('yes')
                              .filter_by(uuid=uuid)).first()
        if row is None or (row.deleted and result.rowcount == 0):
            raise exception.InstanceNotFound(instance_id=uuid)
        if result.rowcount == 0:
            raise _unexpected_state(row, expected)
        if metadata is not None:
            _set_metadata(session, row, metadata)
        session.refresh(row)
        return row


def _as_list(allowed):
    """The allowed values of an expectation: one value or several."""
    if isinstance(allowed, (list, tuple, set)):
        return list(allowed)
    return [allowed]


def _unexpected_state(row, expected):
    """The error for a conditional update that matched no row.

    As Nova's ``_instance_update``: a task_state conflict wins over a
    vm_state one; each names the column that differs and its values.
    """
    conflicts = {}
    for column, allowed in expected.items():
        allowed = _as_list(allowed)
        actual = getattr(row, column)
        if actual not in allowed:
            conflicts[column] = (allowed, actual)
    if 'task_state' in conflicts:
        error = exception.UnexpectedTaskStateError
        if conflicts['task_state'][1] == 'deleting':
            error = exception.UnexpectedDeletingTaskStateError
        column = 'task_state'
    elif 'vm_state' in conflicts:
        error, column = exception.UnexpectedVMStateError, 'vm_state'
    else:
        # NOTE: the row changed between the UPDATE and the read back;
        # report the first expectation, as before.
        column = next(iter(expected))
        error = exception.UnexpectedTaskStateError
        conflicts[column] = (expected[column], getattr(row, column))
    allowed, actual = conflicts[column]
    return error(instance_uuid=row.uuid, expected=allowed, actual=actual)


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


@db_api.retry_on_conflict
def instance_destroy(uuid):
    """Soft-delete an instance and everything only it used.

    :returns: the deleted row
    """
    with db_api.transaction() as session:
        row = session.scalars(_instance_query('no')
                              .filter_by(uuid=uuid)).first()
        if row is None:
            raise exception.InstanceNotFound(instance_id=uuid)
        now = db_api.now()
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
    with db_api.transaction() as session:
        _check_instance_exists(session, uuid)
        return _instance_tags(session, uuid)


def instance_tag_exists(uuid, tag):
    """:raises: InstanceNotFound"""
    with db_api.transaction() as session:
        _check_instance_exists(session, uuid)
        return session.scalar(sa.select(models.Tag.tag).where(
            models.Tag.resource_id == uuid,
            models.Tag.tag == tag)) is not None


def instance_tag_add(uuid, tag):
    """Tag an instance (nothing happens if it already has the tag).

    :raises: InstanceNotFound
    :returns: the instance's tags afterwards.
    """
    with db_api.transaction() as session:
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
    with db_api.transaction() as session:
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
    with db_api.transaction() as session:
        _check_instance_exists(session, uuid)
        result = session.execute(sa.delete(models.Tag).where(
            models.Tag.resource_id == uuid, models.Tag.tag == tag))
        if result.rowcount == 0:
            raise exception.InstanceTagNotFound(instance_id=uuid, tag=tag)


def instance_tag_delete_all(uuid):
    """:raises: InstanceNotFound"""
    with db_api.transaction() as session:
        _check_instance_exists(session, uuid)
        session.execute(sa.delete(models.Tag).where(
            models.Tag.resource_id == uuid))


def instance_usage_by_project(project_id, user_id=None):
    """Live instances, vCPUs and RAM a project uses, counted from rows."""
    inst = models.Instance
    with db_api.transaction() as session:
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


# ---- faults ----------------------------------------------------------------

@db_api.retry_on_conflict
def instance_fault_create(values):
    with db_api.transaction() as session:
        row = models.InstanceFault(**values)
        session.add(row)
        session.flush()
        return row


def instance_fault_get_latest(instance_uuids):
    """``{uuid: newest fault row}`` for the instances that have one."""
    if not instance_uuids:
        return {}
    with db_api.transaction() as session:
        rows = session.scalars(
            sa.select(models.InstanceFault)
            .where(models.InstanceFault.instance_uuid.in_(
                list(instance_uuids)))
            .order_by(models.InstanceFault.id.desc()))
        latest = {}
        for row in rows:
            latest.setdefault(row.instance_uuid, row)
        return latest

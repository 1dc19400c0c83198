"""The database door of server groups: groups, members, and the claim that
keeps a group's policy under concurrent placements.

Like ``db/api.py`` every function answers with detached rows (a group row
comes with its ``members`` loaded). Where members run is read from the
allocations (the claims), not from ``instances.host``: a claim is made
before the instance row names its host, and the claim is what the
scheduler and the conductor race on.

A claim for a member of an affinity or anti-affinity group first takes
the group's row lock (an UPDATE of its generation: a row lock on MariaDB
and PostgreSQL, the write lock on sqlite), then counts the members per
node and claims the node's resources in the same transaction. Claims into
one group thus queue up, and each sees the ones before it: the rule holds
whatever the number of schedulers and conductors.
"""

from oslo_serialization import jsonutils
from oslo_utils import uuidutils
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import compute_node_api as node_db
from nova_lite.db import models
from nova_lite import exception

AFFINITY = 'affinity'
ANTI_AFFINITY = 'anti-affinity'
SOFT_AFFINITY = 'soft-affinity'
SOFT_ANTI_AFFINITY = 'soft-anti-affinity'
POLICIES = (AFFINITY, ANTI_AFFINITY, SOFT_AFFINITY, SOFT_ANTI_AFFINITY)
# NOTE: only these are rules a claim must keep; the soft ones are
# preferences, left to the weighers.
HARD_POLICIES = (AFFINITY, ANTI_AFFINITY)


def rules_of(row):
    """The rules of a group row as a dict."""
    if not row.rules:
        return {}
    return jsonutils.loads(row.rules)


def max_server_per_host(rules):
    """How many members of an anti-affinity group one host may run."""
    return int((rules or {}).get('max_server_per_host', 1))


def _group_query(project_id=None):
    query = sa.select(models.InstanceGroup)
    if project_id is not None:
        query = query.where(models.InstanceGroup.project_id == project_id)
    return query


def instance_group_create(values, members=None):
    """Create a group; ``values`` has name, user_id, project_id, policy and
    optionally rules (a dict) and uuid.

    :returns: the new row, with its members.
    """
    values = dict(values)
    values.setdefault('uuid', uuidutils.generate_uuid())
    rules = values.pop('rules', None)
    with db_api.transaction() as session:
        row = models.InstanceGroup(
            rules=jsonutils.dumps(rules) if rules else None, **values)
        session.add(row)
        session.flush()
        for instance_uuid in members or []:
            session.add(models.InstanceGroupMember(
                group_id=row.id, instance_uuid=instance_uuid))
        session.flush()
        group_id = row.id
    return _get(group_id)


def _get(group_id):
    with db_api.transaction() as session:
        return session.scalars(_group_query().where(
            models.InstanceGroup.id == group_id)).one()


def instance_group_get(group_uuid, project_id=None):
    """A group by uuid, only within ``project_id`` when one is given.

    :raises: InstanceGroupNotFound
    """
    with db_api.transaction() as session:
        row = session.scalars(_group_query(project_id).where(
            models.InstanceGroup.uuid == group_uuid)).first()
    if row is None:
        raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
    return row


def instance_group_get_all(project_id=None, limit=None, offset=None):
    """Groups oldest first (all projects' when ``project_id`` is None)."""
    query = _group_query(project_id).order_by(models.InstanceGroup.id)
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    with db_api.transaction() as session:
        return list(session.scalars(query))


def instance_group_count_by_project(project_id):
    with db_api.transaction() as session:
        return session.scalar(
            sa.select(sa.func.count(models.InstanceGroup.id))
            .where(models.InstanceGroup.project_id == project_id))


def instance_group_destroy(group_uuid, project_id=None):
    """Delete a group; its members go on running, outside any group.

    :raises: InstanceGroupNotFound
    """
    with db_api.transaction() as session:
        row = session.scalars(_group_query(project_id).where(
            models.InstanceGroup.uuid == group_uuid)).first()
        if row is None:
            raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
        session.execute(sa.delete(models.InstanceGroupMember).where(
            models.InstanceGroupMember.group_id == row.id))
        session.delete(row)


def instance_group_members_add(group_uuid, instance_uuids):
    """Add instances to a group.

    :returns: the group row with its members.
    :raises: InstanceGroupNotFound
    """
    with db_api.transaction() as session:
        row = session.scalars(_group_query().where(
            models.InstanceGroup.uuid == group_uuid)).first()
        if row is None:
            raise exception.InstanceGroupNotFound(group_uuid=group_uuid)
        for instance_uuid in instance_uuids:
            session.add(models.InstanceGroupMember(
                group_id=row.id, instance_uuid=instance_uuid))
        group_id = row.id
    return _get(group_id)


def instance_group_member_count(group_uuid, user_id=None):
    """Members of a group (``user_id``'s only when given), as Nova's
    ``server_group_members`` quota counts them."""
    member = models.InstanceGroupMember
    query = (sa.select(sa.func.count(member.id))
             .join(models.InstanceGroup,
                   models.InstanceGroup.id == member.group_id)
             .where(models.InstanceGroup.uuid == group_uuid))
    if user_id is not None:
        query = query.join(
            models.Instance,
            sa.and_(models.Instance.uuid == member.instance_uuid,
                    models.Instance.deleted == 0)).where(
                models.Instance.user_id == user_id)
    with db_api.transaction() as session:
        return session.scalar(query)


def instance_group_uuids_by_instances(instance_uuids):
    """``{instance_uuid: [group_uuid]}`` in one query (2.71 server views).
    """
    if not instance_uuids:
        return {}
    member = models.InstanceGroupMember
    with db_api.transaction() as session:
        rows = session.execute(
            sa.select(member.instance_uuid, models.InstanceGroup.uuid)
            .join(models.InstanceGroup,
                  models.InstanceGroup.id == member.group_id)
            .where(member.instance_uuid.in_(list(instance_uuids))))
        result = {}
        for instance_uuid, group_uuid in rows:
            result.setdefault(instance_uuid, []).append(group_uuid)
        return result


def _members_by_node_query(group_id, exclude=None):
    alloc = models.Allocation
    member = models.InstanceGroupMember
    query = (sa.select(alloc.compute_node_id, alloc.consumer_id)
             .join(member, member.instance_uuid == alloc.consumer_id)
             .where(member.group_id == group_id)
             .distinct())
    if exclude is not None:
        query = query.where(alloc.consumer_id != exclude)
    return query


def _members_by_node(session, group_id, exclude=None):
    result = {}
    for node_id, consumer in session.execute(
            _members_by_node_query(group_id, exclude)):
        result.setdefault(node_id, set()).add(consumer)
    return result


def instance_group_members_by_node(group_uuid):
    """``{compute_node_id: {member instance uuid}}`` of the members that
    hold a claim, in one query; {} for an unknown group."""
    with db_api.transaction() as session:
        group_id = session.scalar(sa.select(models.InstanceGroup.id).where(
            models.InstanceGroup.uuid == group_uuid))
        if group_id is None:
            return {}
        return _members_by_node(session, group_id)


def check_policy(policy, rules, members_by_node, compute_node_id):
    """Why placing one more member on the node breaks a hard policy, or
    None when it does not.

    :param members_by_node: ``{compute_node_id: {uuid}}`` of the other
        members.
    """
    here = len(members_by_node.get(compute_node_id, ()))
    if policy == ANTI_AFFINITY:
        limit = max_server_per_host(rules)
        if here >= limit:
            return ('%d member(s) already on the host, max_server_per_host '
                    'is %d' % (here, limit))
    elif policy == AFFINITY:
        elsewhere = [node for node, members in members_by_node.items()
                     if members and node != compute_node_id]
        if elsewhere and not here:
            return 'the other members are on another host'
    return None


@db_api.retry_on_conflict
def allocation_claim(group_uuid, compute_node_id, consumer_id, resources):
    """:func:`nova_lite.db.compute_node_api.allocation_claim` for a member
    of a group: the group's policy is checked against every other member's
    claim in the same transaction.

    :param group_uuid: the group, or None for a plain claim.
    :returns: True if claimed, False if the node cannot fit the request.
    :raises: GroupAffinityViolation when the node would break the policy.
    """
    if group_uuid is None:
        return node_db.allocation_claim(compute_node_id, consumer_id,
                                        resources)
    group = models.InstanceGroup
    with db_api.transaction() as session:
        # NOTE: the write comes first so that on sqlite the transaction
        # holds the write lock before it reads the members.
        locked = session.execute(
            sa.update(group).where(group.uuid == group_uuid)
            .values(generation=group.generation + 1))
        row = None
        if locked.rowcount:
            row = session.scalars(sa.select(group).where(
                group.uuid == group_uuid).with_for_update()).first()
        if row is not None and row.policy in HARD_POLICIES:
            reason = check_policy(
                row.policy, rules_of(row),
                _members_by_node(session, row.id, exclude=consumer_id),
                compute_node_id)
            if reason:
                raise exception.GroupAffinityViolation(policy=row.policy,
                                                       reason=reason)
        # NOTE: a group deleted meanwhile has no rule left to keep.
        return node_db.allocation_claim_in_session(
            session, compute_node_id, consumer_id, resources)

"""The database door of compute nodes and their allocations: the
inventory the scheduler reads and the claims it makes."""

from oslo_utils import uuidutils
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite import exception


def compute_node_get_all():
    with db_api.transaction() as session:
        return list(session.scalars(
            sa.select(models.ComputeNode).order_by(models.ComputeNode.id)))


def compute_node_get_by_host_and_nodename(host, nodename):
    with db_api.transaction() as session:
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
    with db_api.transaction() as session:
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
    with db_api.transaction() as session:
        rows = session.execute(
            sa.select(inst.host, inst.node, sa.func.count(inst.id))
            .where(inst.deleted == 0, inst.host.is_not(None))
            .group_by(inst.host, inst.node))
        return {(host, node): int(count) for host, node, count in rows}


def allocation_usages():
    """``{compute_node_id: {resource_class: used}}`` over every node."""
    with db_api.transaction() as session:
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


def host_state_rows(binary, seen_since, seen_until):
    """Every compute node with its service's state and what is allocated
    on it, in one query: what the scheduler reads per request.

    Only the columns the scheduler uses, as plain rows (no ORM objects):
    at a thousand hosts the row and object building cost more than the
    query. A node without a service record of ``binary`` has None in the
    ``service_*`` columns; the ``*_used`` columns are 0 where nothing is
    allocated.

    :returns: a list of rows ordered by node id, with the attributes
        ``id, uuid, host, hypervisor_hostname, hypervisor_type,
        hypervisor_version, vcpus, memory_mb, local_gb, reserved_vcpus,
        reserved_memory_mb, reserved_disk_gb, cpu_allocation_ratio,
        ram_allocation_ratio, disk_allocation_ratio, cpu_info,
        service_id, service_disabled, service_disabled_reason,
        service_forced_down, service_seen, VCPU_used, MEMORY_MB_used,
        DISK_GB_used``.
    """
    alloc = models.Allocation
    node = models.ComputeNode
    service = models.Service
    usage = (sa.select(alloc.compute_node_id.label('node_id'), *[
        sa.func.sum(sa.case((alloc.resource_class == rc, alloc.used),
                            else_=0)).label('%s_used' % rc)
        for rc in ('VCPU', 'MEMORY_MB', 'DISK_GB')])
        .group_by(alloc.compute_node_id).subquery())
    query = (sa.select(
        node.id, node.uuid, node.host, node.hypervisor_hostname,
        node.hypervisor_type, node.hypervisor_version, node.vcpus,
        node.memory_mb, node.local_gb, node.reserved_vcpus,
        node.reserved_memory_mb, node.reserved_disk_gb,
        node.cpu_allocation_ratio, node.ram_allocation_ratio,
        node.disk_allocation_ratio, node.cpu_info,
        service.id.label('service_id'),
        service.disabled.label('service_disabled'),
        service.disabled_reason.label('service_disabled_reason'),
        service.forced_down.label('service_forced_down'),
        sa.func.coalesce(service.last_seen_up, service.updated_at,
                         service.created_at)
        .between(seen_since, seen_until).label('service_seen'),
        *[sa.func.coalesce(usage.c['%s_used' % rc], 0).label(
            '%s_used' % rc) for rc in ('VCPU', 'MEMORY_MB', 'DISK_GB')])
        .outerjoin(service, sa.and_(service.host == node.host,
                                    service.binary == binary))
        .outerjoin(usage, usage.c.node_id == node.id)
        .order_by(node.id))
    with db_api.reader() as session:
        return session.execute(query).all()


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


@db_api.retry_on_conflict
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
    with db_api.transaction() as session:
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


@db_api.retry_on_conflict
def allocation_delete_by_consumer(consumer_id):
    with db_api.transaction() as session:
        session.execute(sa.delete(models.Allocation).where(
            models.Allocation.consumer_id == consumer_id))


def allocation_get_by_consumer(consumer_id):
    with db_api.transaction() as session:
        return list(session.scalars(sa.select(models.Allocation).where(
            models.Allocation.consumer_id == consumer_id)))


def allocation_get_all(host=None):
    """Every allocation, or those on the nodes of ``host``, with the host
    of its node: ``(Allocation row, host)`` pairs, by consumer.

    NOTE: what the orphan audit (compute/audit.py) reads; no
    instance join, so an allocation whose consumer is gone shows too.
    """
    query = (sa.select(models.Allocation, models.ComputeNode.host)
             .join(models.ComputeNode, models.ComputeNode.id ==
                   models.Allocation.compute_node_id)
             .order_by(models.Allocation.consumer_id,
                       models.Allocation.id))
    if host is not None:
        query = query.where(models.ComputeNode.host == host)
    with db_api.reader() as session:
        return [(row, node_host) for row, node_host in
                session.execute(query).all()]

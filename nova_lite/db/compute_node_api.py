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


def allocation_delete_by_consumer(consumer_id):
    with db_api.transaction() as session:
        session.execute(sa.delete(models.Allocation).where(
            models.Allocation.consumer_id == consumer_id))


def allocation_get_by_consumer(consumer_id):
    with db_api.transaction() as session:
        return list(session.scalars(sa.select(models.Allocation).where(
            models.Allocation.consumer_id == consumer_id)))

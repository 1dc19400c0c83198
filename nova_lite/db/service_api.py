"""The database door of services: their records and heartbeats, a service
by uuid, and removing a compute host for good.

Like every ``db/*_api.py`` module it answers with detached rows.
"""

from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite import exception


def service_create(values):
    """:raises: ServiceExists: one of that host and binary is recorded
    (another worker process of the same service made it first)."""
    try:
        with db_api.transaction() as session:
            row = models.Service(**values)
            session.add(row)
            session.flush()
            return row
    except db_exc.DBDuplicateEntry as error:
        raise exception.ServiceExists(host=values.get('host'),
                                      binary=values.get('binary')) from error


def service_get_by_host_and_binary(host, binary):
    with db_api.transaction() as session:
        return session.scalars(
            sa.select(models.Service).filter_by(host=host, binary=binary)
        ).first()


def service_get(service_id):
    with db_api.transaction() as session:
        row = session.get(models.Service, service_id)
        if row is None:
            raise exception.ServiceNotFound(service_id=service_id)
        return row


def service_get_all(binary=None, host=None):
    with db_api.transaction() as session:
        query = sa.select(models.Service).order_by(models.Service.id)
        if binary:
            query = query.filter_by(binary=binary)
        if host:
            query = query.filter_by(host=host)
        return list(session.scalars(query))


def service_update(service_id, values):
    with db_api.transaction() as session:
        row = session.get(models.Service, service_id)
        if row is None:
            raise exception.ServiceNotFound(service_id=service_id)
        for key, value in values.items():
            setattr(row, key, value)
        return row


def service_heartbeat(service_id):
    """Record that a service is alive; returns the updated row."""
    with db_api.transaction() as session:
        now = db_api.now()
        session.execute(
            sa.update(models.Service).where(models.Service.id == service_id)
            .values(report_count=models.Service.report_count + 1,
                    last_seen_up=now, updated_at=now))
        row = session.get(models.Service, service_id)
        if row is None:
            raise exception.ServiceNotFound(service_id=service_id)
        return row


def service_destroy(service_id):
    with db_api.transaction() as session:
        session.execute(sa.delete(models.Service)
                        .where(models.Service.id == service_id))


def service_get_by_uuid(uuid):
    """:raises: ServiceNotFound"""
    with db_api.transaction() as session:
        row = session.scalars(sa.select(models.Service)
                              .filter_by(uuid=uuid)).first()
        if row is None:
            raise exception.ServiceNotFound(service_id=uuid)
        return row


def service_destroy_with_host(service_id, compute_binary):
    """Delete a service; for a compute service also its compute nodes
    (with any allocations left on them), its host's aggregate membership
    and its tunnel address (other hosts stop sending to it), in one
    transaction.

    :raises: ServiceNotFound, ComputeServiceInUse (a live instance is
        still on the compute host: nothing is deleted)
    """
    with db_api.transaction() as session:
        service = session.get(models.Service, service_id,
                              with_for_update=True)
        if service is None:
            raise exception.ServiceNotFound(service_id=service_id)
        if service.binary == compute_binary:
            host = service.host
            hosted = session.scalar(
                sa.select(sa.func.count(models.Instance.id))
                .where(models.Instance.host == host,
                       models.Instance.deleted == 0))
            if hosted:
                raise exception.ComputeServiceInUse(host=host)
            node_ids = sa.select(models.ComputeNode.id).where(
                models.ComputeNode.host == host)
            session.execute(sa.delete(models.Allocation).where(
                models.Allocation.compute_node_id.in_(node_ids)))
            session.execute(sa.delete(models.ComputeNode)
                            .where(models.ComputeNode.host == host))
            session.execute(sa.delete(models.AggregateHost)
                            .where(models.AggregateHost.host == host))
            session.execute(sa.delete(models.TunnelEndpoint)
                            .where(models.TunnelEndpoint.host == host))
        session.delete(service)

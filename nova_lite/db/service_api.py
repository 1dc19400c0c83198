"""The database door of service management (os-services): a service by
uuid, and removing a compute host for good.

Like ``db/api.py`` every function answers with detached rows.
"""

import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite import exception


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

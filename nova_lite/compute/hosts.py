"""The hosts API: compute services, hypervisors and availability zones, as
administrators see and manage them (os-services, os-hypervisors,
os-availability-zone)."""

from nova_lite.compute import aggregates
from nova_lite.compute import host_cleanup
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite import exception
from nova_lite.network import api as network_api
from nova_lite import objects
from nova_lite.objects import migration as migration_obj
from nova_lite.objects import service as service_obj


class HostAPI:
    """Services and hosts, as admins see them."""

    def service_get_all(self, context, host=None, binary=None):
        return objects.ServiceList.get_all(context, binary=binary, host=host)

    # ---- os-services management ----

    @staticmethod
    def service_get_by_id(context, service_id):
        """:raises: ServiceNotFound"""
        return objects.Service.get_by_id(context, service_id)

    @staticmethod
    def service_get_by_uuid(context, service_uuid):
        """:raises: ServiceNotFound"""
        return objects.Service.get_by_uuid(context, service_uuid)

    @staticmethod
    def service_get_by_host_and_binary(context, host, binary):
        """:raises: HostBinaryNotFound"""
        service = objects.Service.get_by_host_and_binary(context, host,
                                                         binary)
        if service is None:
            raise exception.HostBinaryNotFound(host=host, binary=binary)
        return service

    @staticmethod
    def service_update(service, values):
        """Set ``disabled``, ``disabled_reason`` and/or ``forced_down``;
        the scheduler sees the change at its next request."""
        for key, value in values.items():
            setattr(service, key, value)
        service.save()
        return service

    @staticmethod
    def service_delete(service):
        """Delete a service; a compute service takes its compute nodes
        and aggregate membership with it, and the addresses held for the
        guests of servers deleted while it was down are released: the
        host is gone for good.

        :raises: ComputeServiceInUse while instances are on the host
        """
        service.destroy_with_host(service_obj.COMPUTE_BINARY)
        if service.binary == service_obj.COMPUTE_BINARY:
            # NOTE: after the delete, so a refused one (instances still on
            # the host) releases nothing. Should this fail, a compute that
            # starts again under the name releases what no guest uses.
            network_api.API().release_held(service._context, service.host)
            _end_evacuations_from(service._context, service.host)

    # ---- hypervisors ----

    @staticmethod
    def compute_node_get_all(context):
        """Every compute node, by id."""
        return list(objects.ComputeNodeList.get_all(context))

    def compute_node_get(self, context, compute_id):
        """The node of integer id or uuid ``compute_id`` (2.53).

        :raises: ComputeHostNotFound"""
        for node in self.compute_node_get_all(context):
            if str(compute_id) in (str(node.id), node.uuid):
                return node
        raise exception.ComputeHostNotFound(host=compute_id)

    def get_host_uptime(self, context, host):
        """The uptime the hypervisor of ``host`` reports (an RPC call).

        :raises: ComputeServiceUnavailable when its compute service is
            down; NotImplementedError when its driver cannot tell.
        """
        service = objects.Service.get_by_host_and_binary(
            context, host, service_obj.COMPUTE_BINARY)
        if service is None or not service.is_up():
            raise exception.ComputeServiceUnavailable(host=host)
        return compute_rpcapi.ComputeAPI().get_host_uptime(context,
                                                           host=host)

    def compute_node_search_by_hypervisor(self, context, pattern):
        """Nodes whose hypervisor_hostname contains ``pattern``."""
        return [node for node in self.compute_node_get_all(context)
                if pattern in node.hypervisor_hostname]

    @staticmethod
    def compute_node_usages(context):
        """(``{node id: {resource class: allocated}}``,
        ``{(host, node): live instances}``)."""
        return (objects.ComputeNodeList.get_usages(context),
                objects.ComputeNodeList.get_instance_counts(context))

    @staticmethod
    def instance_get_all_by_host_and_node(context, host, node):
        # NOTE: list filters on node are regular expressions, as Nova's;
        # this lookup must be exact.
        return [instance for instance in objects.InstanceList.get_by_filters(
                context, {'host': host}) if instance.node == node]

    @staticmethod
    def host_zones(context):
        """``{host: zone}`` that aggregates set (see compute.aggregates)."""
        return aggregates.host_zones(context)

    @staticmethod
    def service_zone(service, zones):
        """The availability zone of a service, given :meth:`host_zones`:
        its aggregate's for a compute host, else ``internal``."""
        return aggregates.service_zone(service, zones)

    def get_availability_zones(self, context):
        """Zones with an enabled service, and zones with only disabled
        ones: ``(available, not_available)``, lists of names."""
        return aggregates.get_availability_zones(
            context, self.service_get_all(context))


def _end_evacuations_from(context, host):
    """The evacuations away from a host that is gone for good will never
    be cleaned up there: they end (their allocations on its compute nodes
    went with them)."""
    migrations = objects.MigrationList.get_by_filters(
        context, {'source_compute': host,
                  'migration_type': migration_obj.EVACUATION})
    for migration in migrations:
        if migration.status in migration_obj.EVACUATION_NOT_CLEANED:
            migration.status = host_cleanup.COMPLETED
            migration.save()

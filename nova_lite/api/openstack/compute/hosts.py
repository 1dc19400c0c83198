"""The /os-hosts controller (below microversion 2.43; 404 from 2.43, as in
Nova, which moved it to os-services and os-hypervisors).

A host's status is its compute service's: disabling the host disables the
service, so the scheduler places nothing new there. Maintenance mode and
the power actions are what Nova's libvirt driver cannot do: 501.
"""

import webob.exc

from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import hosts as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import hosts as compute_hosts
from nova_lite import exception
from nova_lite.objects import service as service_obj
from nova_lite.policies import hosts as hosts_policies

POLICY = hosts_policies.PREFIX
# NOTE: the last microversion of os-hosts (2.43 removed it).
MAX_VERSION = '2.42'
NOT_SUPPORTED = 'The requested functionality is not supported.'


def _topic(service):
    """The service's topic as Nova names it: compute, conductor, ..."""
    return service.topic or service.binary.rsplit('-', 1)[-1]


def _resource(host, project, cpu, memory_mb, disk_gb):
    return {'resource': {'host': host, 'project': project, 'cpu': cpu,
                         'memory_mb': memory_mb, 'disk_gb': disk_gb}}


class HostController(wsgi.Controller):
    """Physical hosts: their services, resources and status."""

    def __init__(self):
        super().__init__()
        self.host_api = compute_hosts.HostAPI()

    def _compute_service(self, context, host):
        """:raises: HTTPNotFound for a host without a compute service."""
        try:
            return self.host_api.service_get_by_host_and_binary(
                context, host, service_obj.COMPUTE_BINARY)
        except exception.HostBinaryNotFound:
            raise webob.exc.HTTPNotFound(
                explanation=exception.ComputeHostNotFound(
                    host=host).format_message())

    # ---- index --------------------------------------------------------------

    @wsgi.api_version('2.1', MAX_VERSION)
    @wsgi.expected_errors(())
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response)
    def index(self, req):
        """The enabled services' hosts, of ``zone`` if given."""
        context = req.environ['nova.context']
        context.can(POLICY % 'list', target={})
        zone = req.GET.get('zone')
        zones = self.host_api.host_zones(context)
        hosts = []
        for service in self.host_api.service_get_all(context):
            if service.disabled:
                continue
            service_zone = self.host_api.service_zone(service, zones)
            if zone and service_zone != zone:
                continue
            hosts.append({'host_name': service.host,
                          'service': _topic(service),
                          'zone': service_zone})
        return {'hosts': hosts}

    @wsgi.api_version('2.43')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.gone_response)
    def index(self, req):  # noqa: F811
        common.method_gone(req)

    # ---- show ---------------------------------------------------------------

    @wsgi.api_version('2.1', MAX_VERSION)
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response)
    def show(self, req, id):
        """The host's resources: total, in use now, the most its servers
        may use, and that per project."""
        context = req.environ['nova.context']
        context.can(POLICY % 'show', target={})
        nodes = sorted((node for node in
                        self.host_api.compute_node_get_all(context)
                        if node.host == id), key=lambda node: node.id)
        if not nodes:
            raise webob.exc.HTTPNotFound(
                explanation=exception.ComputeHostNotFound(
                    host=id).format_message())
        # NOTE: as Nova, the host's first node stands for the host.
        node = nodes[0]
        usages, _counts = self.host_api.compute_node_usages(context)
        used = usages.get(node.id, {})
        resources = [
            _resource(id, '(total)', node.vcpus, node.memory_mb,
                      node.local_gb),
            # NOTE: reserved amounts count as used, as in os-hypervisors.
            _resource(id, '(used_now)', used.get('VCPU', 0),
                      node.reserved_memory_mb + used.get('MEMORY_MB', 0),
                      node.reserved_disk_gb + used.get('DISK_GB', 0)),
        ]
        instances = []
        for each in nodes:
            instances.extend(self.host_api.instance_get_all_by_host_and_node(
                context, id, each.hypervisor_hostname))
        totals = [0, 0, 0]
        by_project = {}
        for instance in instances:
            amounts = (instance.vcpus, instance.memory_mb,
                       instance.root_gb + instance.ephemeral_gb)
            project = by_project.setdefault(instance.project_id, [0, 0, 0])
            for index, amount in enumerate(amounts):
                totals[index] += amount
                project[index] += amount
        resources.append(_resource(id, '(used_max)', *totals))
        resources.extend(_resource(id, project_id, *amounts)
                         for project_id, amounts in by_project.items())
        return {'host': resources}

    @wsgi.api_version('2.43')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.gone_response)
    def show(self, req, id):  # noqa: F811
        common.method_gone(req)

    # ---- update -------------------------------------------------------------

    @wsgi.api_version('2.1', MAX_VERSION)
    @wsgi.expected_errors((400, 404, 501))
    @validation.schema(schema.update)
    @validation.response_body_schema(schema.update_response)
    def update(self, req, id, body):
        """Enable or disable the host (its compute service).

        :raises: HTTPNotFound for an unknown host, HTTPNotImplemented for
            maintenance mode (no nova-lite driver evacuates a host).
        """
        context = req.environ['nova.context']
        context.can(POLICY % 'update', target={})
        service = self._compute_service(context, id)
        if 'maintenance_mode' in body:
            raise webob.exc.HTTPNotImplemented(explanation=NOT_SUPPORTED)
        result = {'host': id}
        enabled = body['status'].lower() == 'enable'
        self.host_api.service_update(service, {
            'disabled': not enabled, 'disabled_reason': None})
        result['status'] = 'enabled' if enabled else 'disabled'
        return result

    @wsgi.api_version('2.43')
    @wsgi.expected_errors(404)
    @validation.schema(schema.update_gone)
    @validation.response_body_schema(schema.gone_response)
    def update(self, req, id, body):  # noqa: F811
        common.method_gone(req)

    # ---- power actions ------------------------------------------------------

    def _power_action(self, req, host, action):
        """:raises: HTTPNotFound for an unknown host; otherwise
        HTTPNotImplemented, as Nova's libvirt driver answers."""
        context = req.environ['nova.context']
        context.can(POLICY % action, target={})
        self._compute_service(context, host)
        raise webob.exc.HTTPNotImplemented(explanation=NOT_SUPPORTED)

    @wsgi.api_version('2.1', MAX_VERSION)
    @wsgi.expected_errors((400, 404, 501))
    @validation.query_schema(schema.startup_query)
    @validation.response_body_schema(schema.power_action_response)
    def startup(self, req, id):
        """Power the host up: not something a driver of nova-lite does."""
        return self._power_action(req, id, 'start')

    @wsgi.api_version('2.43')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.startup_query)
    @validation.response_body_schema(schema.gone_response)
    def startup(self, req, id):  # noqa: F811
        common.method_gone(req)

    @wsgi.api_version('2.1', MAX_VERSION)
    @wsgi.expected_errors((400, 404, 501))
    @validation.query_schema(schema.shutdown_query)
    @validation.response_body_schema(schema.power_action_response)
    def shutdown(self, req, id):
        """Shut the host down: not something a driver of nova-lite does."""
        return self._power_action(req, id, 'shutdown')

    @wsgi.api_version('2.43')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.shutdown_query)
    @validation.response_body_schema(schema.gone_response)
    def shutdown(self, req, id):  # noqa: F811
        common.method_gone(req)

    @wsgi.api_version('2.1', MAX_VERSION)
    @wsgi.expected_errors((400, 404, 501))
    @validation.query_schema(schema.reboot_query)
    @validation.response_body_schema(schema.power_action_response)
    def reboot(self, req, id):
        """Reboot the host: not something a driver of nova-lite does."""
        return self._power_action(req, id, 'reboot')

    @wsgi.api_version('2.43')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.reboot_query)
    @validation.response_body_schema(schema.gone_response)
    def reboot(self, req, id):  # noqa: F811
        common.method_gone(req)

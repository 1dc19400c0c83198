"""The /os-hypervisors controller: compute nodes as admins see them
(list, detail, show, statistics, search and servers by hostname).

Ids are the nodes' integer ids (2.53 changes them to UUIDs and folds
search/servers into query parameters: later versions slot in as new
method variants).
"""

from oslo_serialization import jsonutils
import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import hypervisors as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite import exception
from nova_lite.policies import hypervisors as hv_policies

POLICY = hv_policies.PREFIX

_STATISTICS_FIELDS = ('count', 'vcpus', 'memory_mb', 'local_gb',
                      'vcpus_used', 'memory_mb_used', 'local_gb_used',
                      'free_ram_mb', 'free_disk_gb', 'current_workload',
                      'running_vms', 'disk_available_least')


class HypervisorsController(wsgi.Controller):

    _view_builder_class = common.ViewBuilder

    def __init__(self):
        super().__init__()
        self.host_api = compute.HostAPI()

    # ---- views -------------------------------------------------------------

    def _context(self, req, action):
        context = req.environ['nova.context']
        context.can(POLICY % action, target={})
        return context

    def _services_by_host(self, context):
        return {service.host: service for service in
                self.host_api.service_get_all(
                    context, binary=compute.COMPUTE_BINARY)}

    @staticmethod
    def _usage(node, usages, counts):
        """What a node has in use, as Nova's resource tracker reports it:
        reserved amounts count as used."""
        used = usages.get(node.id, {})
        vcpus_used = used.get('VCPU', 0)
        memory_mb_used = node.reserved_memory_mb + used.get('MEMORY_MB', 0)
        local_gb_used = node.reserved_disk_gb + used.get('DISK_GB', 0)
        free_disk_gb = node.local_gb - local_gb_used
        return {
            'vcpus_used': vcpus_used,
            'memory_mb_used': memory_mb_used,
            'local_gb_used': local_gb_used,
            'free_ram_mb': node.memory_mb - memory_mb_used,
            'free_disk_gb': free_disk_gb,
            'current_workload': 0,
            'running_vms': counts.get((node.host, node.hypervisor_hostname),
                                      0),
            'disk_available_least': free_disk_gb,
        }

    def _view(self, req, node, service, detail, usage=None, servers=None):
        view = {
            'id': node.id,
            'hypervisor_hostname': node.hypervisor_hostname,
            'state': 'up' if service is not None and service.is_up()
            else 'down',
            'status': 'disabled' if service is None or service.disabled
            else 'enabled',
        }
        if detail:
            view.update({
                'vcpus': node.vcpus,
                'memory_mb': node.memory_mb,
                'local_gb': node.local_gb,
                'hypervisor_type': node.hypervisor_type,
                'hypervisor_version': node.hypervisor_version,
                'host_ip': node.host_ip,
                'service': {
                    'host': node.host,
                    'id': service.id if service is not None else None,
                    'disabled_reason': (service.disabled_reason
                                        if service is not None else None),
                },
            })
            view.update(usage)
            cpu_info = node.cpu_info or '{}'
            if api_version_request.is_supported(req, '2.28'):
                # NOTE: 2.28 shows cpu_info as the object it encodes.
                try:
                    cpu_info = jsonutils.loads(cpu_info)
                except ValueError:
                    cpu_info = {}
            view['cpu_info'] = cpu_info
        if servers:
            view['servers'] = [{'name': instance.name,
                                'uuid': instance.uuid}
                               for instance in servers]
        return view

    def _list(self, req, context, detail):
        nodes = self.host_api.compute_node_get_all(context)
        limit = marker = None
        if api_version_request.is_supported(req, '2.33'):
            limit, marker = common.get_limit_and_marker(req)
        if marker is not None:
            ids = [str(node.id) for node in nodes]
            if marker not in ids:
                raise webob.exc.HTTPBadRequest(
                    explanation='marker [%s] not found' % marker)
            nodes = nodes[ids.index(marker) + 1:]
        if limit is not None:
            nodes = nodes[:limit]
        services = self._services_by_host(context)
        usages, counts = ({}, {})
        if detail:
            usages, counts = self.host_api.compute_node_usages(context)
        hypervisors = [
            self._view(req, node, services.get(node.host), detail,
                       self._usage(node, usages, counts) if detail else None)
            for node in nodes]
        result = {'hypervisors': hypervisors}
        if limit is not None:
            links = self._view_builder._get_collection_links(
                req, hypervisors, 'os-hypervisors', id_key='id')
            if links:
                result['hypervisors_links'] = links
        return result

    # ---- lists -------------------------------------------------------------

    @wsgi.expected_errors(400)
    @validation.query_schema(schema.index_query_v233, '2.33')
    @validation.query_schema(schema.index_query, '2.1', '2.32')
    def index(self, req):
        """``{"hypervisors": [{id, hypervisor_hostname, state, status}]}``."""
        context = self._context(req, 'list')
        return self._list(req, context, detail=False)

    @wsgi.expected_errors(400)
    @validation.query_schema(schema.index_query_v233, '2.33')
    @validation.query_schema(schema.index_query, '2.1', '2.32')
    def detail(self, req):
        """Every hypervisor with its resources and usage."""
        context = self._context(req, 'list-detail')
        return self._list(req, context, detail=True)

    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    def show(self, req, id):
        """One hypervisor in detail; 404 for an unknown id."""
        context = self._context(req, 'show')
        try:
            node = self.host_api.compute_node_get(context, id)
        except exception.ComputeHostNotFound:
            raise webob.exc.HTTPNotFound(
                explanation="Hypervisor with ID '%s' could not be found."
                            % id)
        usages, counts = self.host_api.compute_node_usages(context)
        service = self._services_by_host(context).get(node.host)
        return {'hypervisor': self._view(
            req, node, service, True, self._usage(node, usages, counts))}

    # NOTE: Nova drops statistics at 2.88 (404 from then on): bound this
    # with @wsgi.api_version('2.1', '2.87') once the maximum passes 2.87
    # (the route checker wants every routed range to stay open until then).
    @wsgi.expected_errors(())
    @validation.query_schema(schema.statistics_query)
    def statistics(self, req):
        """Sums over every hypervisor."""
        context = self._context(req, 'statistics')
        nodes = self.host_api.compute_node_get_all(context)
        usages, counts = self.host_api.compute_node_usages(context)
        stats = dict.fromkeys(_STATISTICS_FIELDS, 0)
        for node in nodes:
            stats['count'] += 1
            for field in ('vcpus', 'memory_mb', 'local_gb'):
                stats[field] += getattr(node, field)
            for field, value in self._usage(node, usages, counts).items():
                stats[field] += value
        return {'hypervisor_statistics': stats}

    # ---- by hostname (below 2.53) ------------------------------------------

    def _matching(self, req, context, pattern):
        nodes = self.host_api.compute_node_search_by_hypervisor(context,
                                                                pattern)
        if not nodes:
            raise webob.exc.HTTPNotFound(
                explanation="No hypervisor matching '%s' could be found."
                            % pattern)
        return nodes

    # NOTE: 2.53 replaces search and servers by the list's
    # hypervisor_hostname_pattern and with_servers parameters: bound both
    # with @wsgi.api_version('2.1', '2.52') when the maximum passes 2.52.
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.search_query)
    def search(self, req, id):
        """Hypervisors whose hostname contains ``id``."""
        context = self._context(req, 'search')
        services = self._services_by_host(context)
        return {'hypervisors': [
            self._view(req, node, services.get(node.host), False)
            for node in self._matching(req, context, id)]}

    @wsgi.expected_errors(404)
    @validation.query_schema(schema.servers_query)
    def servers(self, req, id):
        """Those hypervisors with the servers on each."""
        context = self._context(req, 'servers')
        services = self._services_by_host(context)
        result = []
        for node in self._matching(req, context, id):
            instances = self.host_api.instance_get_all_by_host_and_node(
                context, node.host, node.hypervisor_hostname)
            result.append(self._view(req, node, services.get(node.host),
                                     False, servers=instances))
        return {'hypervisors': result}

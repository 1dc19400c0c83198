"""The /os-hypervisors controller: compute nodes as admins see them
(list, detail, show, statistics, uptime, and below 2.53 search and
servers by hostname).

Below 2.53 ids are the nodes' integers; from 2.53 they are uuids (of the
node, and of its service) and search/servers become the list's
``hypervisor_hostname_pattern`` and ``with_servers`` parameters (the old
routes 404). From 2.88 show and detail drop the resource figures and
cpu_info and carry the host's ``uptime``; statistics and uptime 404. A
node whose compute service is gone is left out, as Nova does.
"""

from oslo_serialization import jsonutils
from oslo_utils import strutils
from oslo_utils import uuidutils
import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import hypervisors as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import hosts as compute_hosts
from nova_lite import exception
from nova_lite.objects import service as service_obj
from nova_lite.policies import hypervisors as hv_policies

POLICY = hv_policies.PREFIX
UUID_FOR_ID_MIN_VERSION = '2.53'
# NOTE: 2.88 drops the resource figures (placement has them) and the
# statistics and uptime routes.
RESOURCES_MAX_VERSION = '2.87'

_STATISTICS_FIELDS = ('count', 'vcpus', 'memory_mb', 'local_gb',
                      'vcpus_used', 'memory_mb_used', 'local_gb_used',
                      'free_ram_mb', 'free_disk_gb', 'current_workload',
                      'running_vms', 'disk_available_least')


def _not_found(id):
    return webob.exc.HTTPNotFound(
        explanation="Hypervisor with ID '%s' could not be found." % id)


class HypervisorsController(wsgi.Controller):

    _view_builder_class = common.ViewBuilder

    def __init__(self):
        super().__init__()
        self.host_api = compute_hosts.HostAPI()

    # ---- views -------------------------------------------------------------

    def _context(self, req, action):
        context = req.environ['nova.context']
        context.can(POLICY % action, target={})
        return context

    def _services_by_host(self, context):
        return {service.host: service for service in
                self.host_api.service_get_all(
                    context, binary=service_obj.COMPUTE_BINARY)}

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

    def _uptime(self, context, service):
        """The host's uptime for 2.88 views; None when it cannot tell."""
        if not service.is_up():
            return None
        try:
            return self.host_api.get_host_uptime(context, service.host)
        except (NotImplementedError, exception.ComputeServiceUnavailable,
                exception.HostUptimeNotAvailable):
            return None

    def _view(self, req, node, service, detail, usage=None, servers=None,
              with_servers=False):
        uuid_ids = api_version_request.is_supported(
            req, UUID_FOR_ID_MIN_VERSION)
        view = {
            'id': node.uuid if uuid_ids else node.id,
            'hypervisor_hostname': node.hypervisor_hostname,
            'state': 'up' if service.is_up() else 'down',
            'status': 'disabled' if service.disabled else 'enabled',
        }
        if detail:
            view.update({
                'hypervisor_type': node.hypervisor_type,
                'hypervisor_version': node.hypervisor_version,
                'host_ip': node.host_ip,
                'service': {
                    'host': node.host,
                    'id': service.uuid if uuid_ids else service.id,
                    'disabled_reason': service.disabled_reason,
                },
            })
            if api_version_request.is_supported(
                    req, max_version=RESOURCES_MAX_VERSION):
                view.update({'vcpus': node.vcpus,
                             'memory_mb': node.memory_mb,
                             'local_gb': node.local_gb})
                view.update(usage)
                cpu_info = node.cpu_info or '{}'
                if api_version_request.is_supported(req, '2.28'):
                    # NOTE: 2.28 shows cpu_info as the object it encodes.
                    try:
                        cpu_info = jsonutils.loads(cpu_info)
                    except ValueError:
                        cpu_info = {}
                view['cpu_info'] = cpu_info
            else:
                view['uptime'] = self._uptime(req.environ['nova.context'],
                                              service)
        if servers:
            view['servers'] = [{'name': instance.name,
                                'uuid': instance.uuid}
                               for instance in servers]
        elif with_servers and api_version_request.is_supported(req, '2.75'):
            # NOTE: from 2.75 with_servers always shows the list.
            view['servers'] = []
        return view

    @staticmethod
    def _check_id(req, id):
        """A uuid from 2.53 (400 otherwise), an integer before (404)."""
        if api_version_request.is_supported(req, UUID_FOR_ID_MIN_VERSION):
            if not uuidutils.is_uuid_like(id):
                raise webob.exc.HTTPBadRequest(
                    explanation='Invalid uuid %s' % id)
        elif not str(id).isdigit():
            raise _not_found(id)

    def _node_and_service(self, context, id):
        try:
            node = self.host_api.compute_node_get(context, id)
        except exception.ComputeHostNotFound:
            raise _not_found(id)
        service = self._services_by_host(context).get(node.host)
        if service is None:
            raise _not_found(id)
        return node, service

    @staticmethod
    def _with_servers(req):
        if not api_version_request.is_supported(req,
                                                UUID_FOR_ID_MIN_VERSION):
            return False
        return strutils.bool_from_string(req.GET.get('with_servers', False),
                                         strict=True)

    def _list(self, req, context, detail):
        pattern = None
        if api_version_request.is_supported(req, UUID_FOR_ID_MIN_VERSION):
            pattern = req.GET.get('hypervisor_hostname_pattern')
        with_servers = self._with_servers(req)
        limit = marker = None
        if api_version_request.is_supported(req, '2.33'):
            limit, marker = common.get_limit_and_marker(req)
        if pattern is not None:
            if 'limit' in req.GET or marker:
                raise webob.exc.HTTPBadRequest(
                    explanation='Paging over hypervisors with the '
                                'hypervisor_hostname_pattern query '
                                'parameter is not supported.')
            nodes = self._matching(context, pattern)
            limit = None
        else:
            nodes = self.host_api.compute_node_get_all(context)
        services = self._services_by_host(context)
        nodes = [node for node in nodes if node.host in services]
        id_key = ('uuid' if api_version_request.is_supported(
            req, UUID_FOR_ID_MIN_VERSION) else 'id')
        if marker is not None:
            ids = [str(getattr(node, id_key)) for node in nodes]
            if marker not in ids:
                raise webob.exc.HTTPBadRequest(
                    explanation='marker [%s] not found' % marker)
            nodes = nodes[ids.index(marker) + 1:]
        if limit is not None:
            nodes = nodes[:limit]
        usages, counts = ({}, {})
        if detail:
            usages, counts = self.host_api.compute_node_usages(context)
        hypervisors = []
        for node in nodes:
            servers = None
            if with_servers:
                servers = self.host_api.instance_get_all_by_host_and_node(
                    context, node.host, node.hypervisor_hostname)
            hypervisors.append(self._view(
                req, node, services[node.host], detail,
                self._usage(node, usages, counts) if detail else None,
                servers=servers, with_servers=with_servers))
        result = {'hypervisors': hypervisors}
        if limit is not None:
            links = self._view_builder._get_collection_links(
                req, hypervisors,
                'os-hypervisors/detail' if detail else 'os-hypervisors',
                id_key='id')
            if links:
                result['hypervisors_links'] = links
        return result

    def _matching(self, context, pattern):
        nodes = self.host_api.compute_node_search_by_hypervisor(context,
                                                                pattern)
        if not nodes:
            raise webob.exc.HTTPNotFound(
                explanation="No hypervisor matching '%s' could be found."
                            % pattern)
        return nodes

    # ---- lists -------------------------------------------------------------

    @wsgi.expected_errors((400, 404))
    @validation.query_schema(schema.index_query, '2.1', '2.32')
    @validation.query_schema(schema.index_query_v233, '2.33', '2.52')
    @validation.query_schema(schema.index_query_v253, '2.53')
    @validation.response_body_schema(schema.index_response, '2.1', '2.52')
    @validation.response_body_schema(schema.index_response_v253, '2.53')
    def index(self, req):
        """``{"hypervisors": [{id, hypervisor_hostname, state, status}]}``;
        404 when no hostname matches the pattern."""
        context = self._context(req, 'list')
        return self._list(req, context, detail=False)

    @wsgi.expected_errors((400, 404))
    @validation.query_schema(schema.index_query, '2.1', '2.32')
    @validation.query_schema(schema.index_query_v233, '2.33', '2.52')
    @validation.query_schema(schema.index_query_v253, '2.53')
    @validation.response_body_schema(schema.detail_response, '2.1', '2.27')
    @validation.response_body_schema(schema.detail_response_v228, '2.28',
                                     '2.52')
    @validation.response_body_schema(schema.detail_response_v253, '2.53',
                                     '2.87')
    @validation.response_body_schema(schema.detail_response_v288, '2.88')
    def detail(self, req):
        """Every hypervisor with its resources and usage (its uptime
        instead from 2.88)."""
        context = self._context(req, 'list-detail')
        return self._list(req, context, detail=True)

    @wsgi.expected_errors((400, 404))
    @validation.query_schema(schema.show_query, '2.1', '2.52')
    @validation.query_schema(schema.show_query_v253, '2.53')
    @validation.response_body_schema(schema.show_response, '2.1', '2.27')
    @validation.response_body_schema(schema.show_response_v228, '2.28',
                                     '2.52')
    @validation.response_body_schema(schema.show_response_v253, '2.53',
                                     '2.87')
    @validation.response_body_schema(schema.show_response_v288, '2.88')
    def show(self, req, id):
        """One hypervisor in detail; 404 for an unknown id, 400 for a
        malformed uuid from 2.53."""
        context = self._context(req, 'show')
        self._check_id(req, id)
        node, service = self._node_and_service(context, id)
        usages, counts = self.host_api.compute_node_usages(context)
        with_servers = self._with_servers(req)
        servers = None
        if with_servers:
            servers = self.host_api.instance_get_all_by_host_and_node(
                context, node.host, node.hypervisor_hostname)
        return {'hypervisor': self._view(
            req, node, service, True, self._usage(node, usages, counts),
            servers=servers, with_servers=with_servers)}

    @wsgi.api_version('2.1', RESOURCES_MAX_VERSION)
    @wsgi.expected_errors(())
    @validation.query_schema(schema.statistics_query)
    @validation.response_body_schema(schema.statistics_response)
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

    @wsgi.api_version('2.88')  # noqa: F811
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.statistics_query)
    @validation.response_body_schema(schema.gone_response)
    def statistics(self, req):  # noqa: F811
        """Gone from 2.88."""
        common.method_gone(req)

    @wsgi.api_version('2.1', RESOURCES_MAX_VERSION)
    @wsgi.expected_errors((400, 404, 501))
    @validation.query_schema(schema.uptime_query)
    @validation.response_body_schema(schema.uptime_response, '2.1', '2.52')
    @validation.response_body_schema(schema.uptime_response_v253, '2.53')
    def uptime(self, req, id):
        """The host's uptime as its hypervisor reports it: 400 when its
        compute service is down, 501 when the driver cannot tell."""
        context = self._context(req, 'uptime')
        self._check_id(req, id)
        node, service = self._node_and_service(context, id)
        try:
            uptime = self.host_api.get_host_uptime(context, node.host)
        except NotImplementedError:
            raise webob.exc.HTTPNotImplemented(
                explanation='Virt driver does not implement uptime '
                            'function.')
        except exception.HostUptimeNotAvailable as error:
            raise webob.exc.HTTPNotImplemented(
                explanation=error.format_message())
        except exception.ComputeServiceUnavailable as error:
            raise webob.exc.HTTPBadRequest(
                explanation=error.format_message())
        view = self._view(req, node, service, False)
        view['uptime'] = uptime
        return {'hypervisor': view}

    @wsgi.api_version('2.88')  # noqa: F811
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.uptime_query)
    @validation.response_body_schema(schema.gone_response)
    def uptime(self, req, id):  # noqa: F811
        """Gone from 2.88: show has the uptime."""
        common.method_gone(req)

    # ---- by hostname (below 2.53) ------------------------------------------

    def _by_hostname(self, req, context, pattern, with_servers):
        services = self._services_by_host(context)
        result = []
        for node in self._matching(context, pattern):
            service = services.get(node.host)
            if service is None:
                continue
            servers = None
            if with_servers:
                servers = self.host_api.instance_get_all_by_host_and_node(
                    context, node.host, node.hypervisor_hostname)
            result.append(self._view(req, node, service, False,
                                     servers=servers))
        return {'hypervisors': result}

    @wsgi.api_version('2.1', '2.52')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.search_query)
    @validation.response_body_schema(schema.search_response)
    def search(self, req, id):
        """Hypervisors whose hostname contains ``id``."""
        context = self._context(req, 'search')
        return self._by_hostname(req, context, id, with_servers=False)

    @wsgi.api_version(UUID_FOR_ID_MIN_VERSION)  # noqa: F811
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.search_query)
    @validation.response_body_schema(schema.gone_response)
    def search(self, req, id):  # noqa: F811
        """Gone from 2.53: GET /os-hypervisors?hypervisor_hostname_pattern.
        """
        common.method_gone(req)

    @wsgi.api_version('2.1', '2.52')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.servers_query)
    @validation.response_body_schema(schema.servers_response)
    def servers(self, req, id):
        """Those hypervisors with the servers on each."""
        context = self._context(req, 'servers')
        return self._by_hostname(req, context, id, with_servers=True)

    @wsgi.api_version(UUID_FOR_ID_MIN_VERSION)  # noqa: F811
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.servers_query)
    @validation.response_body_schema(schema.gone_response)
    def servers(self, req, id):  # noqa: F811
        """Gone from 2.53: GET /os-hypervisors?with_servers=true."""
        common.method_gone(req)

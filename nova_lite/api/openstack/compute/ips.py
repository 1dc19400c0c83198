"""The /servers/{server_id}/ips controller: a server's addresses, by
network label."""

import webob.exc

from nova_lite.api.openstack.compute.schemas import ips as schema
from nova_lite.api.openstack.compute.views import addresses as views_addresses
from nova_lite.api.openstack.compute.views import servers as views_servers
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite.policies import ips as ips_policies


class IPsController(wsgi.Controller):
    """Read-only views of the fixed IPs a server holds."""

    _view_builder_class = views_addresses.ViewBuilder

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    def _networks(self, req, server_id, action):
        """``{label: {'ips': [...], 'floating_ips': [...]}}`` of a server.

        :raises: InstanceNotFound (404), also for another project's server.
        """
        context = req.environ['nova.context']
        instance = self.compute_api.get(context, server_id)
        context.can(ips_policies.PREFIX % action,
                    target={'project_id': instance.project_id})
        return views_addresses.networks_from_nw_info(
            views_servers.network_info_of(instance))

    @wsgi.expected_errors(404)
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response)
    def index(self, req, server_id):
        """``{"addresses": {label: [{"version", "addr"}]}}``."""
        return self._view_builder.index(
            self._networks(req, server_id, 'index'))

    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response)
    def show(self, req, server_id, id):
        """``{label: [{"version", "addr"}]}`` for the network ``id`` (a
        label); 404 when the server has no address on it."""
        networks = self._networks(req, server_id, 'show')
        if id not in networks:
            raise webob.exc.HTTPNotFound(
                explanation='Instance is not a member of specified network')
        return self._view_builder.show(networks[id], id)

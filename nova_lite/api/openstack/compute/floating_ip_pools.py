"""The /os-floating-ip-pools controller: a nova-network proxy API.

nova-lite's networks are flat, with no floating addresses, so the list is
always empty. It still answers (until 2.35, 404 from 2.36, as in Nova)
because openstacksdk's create_server asks for it by default to decide
whether to attach a floating IP.
"""

from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute import networks
from nova_lite.api.openstack.compute.schemas import floating_ip_pools \
    as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.policies import floating_ip_pools as fip_policies


class FloatingIPPoolsController(wsgi.Controller):

    @wsgi.api_version('2.1', networks.MAX_PROXY_API_SUPPORT_VERSION)
    @wsgi.expected_errors(())
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response)
    def index(self, req):
        context = req.environ['nova.context']
        context.can(fip_policies.POLICY_NAME, target={})
        return {'floating_ip_pools': []}

    @wsgi.api_version('2.36')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response_v236)
    def index(self, req):  # noqa: F811
        """Gone from 2.36: 404, as for any method not at a version."""
        common.method_gone(req)

"""GET /servers/{server_id}/diagnostics: a running server's figures, read
from its hypervisor (admin only by default).

Before 2.48 the answer is the driver's own flat dict; from 2.48 the
standard shape every driver fills the same way.
"""

import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import server_diagnostics \
    as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite import exception
from nova_lite.policies import server_diagnostics as sd_policies


class ServerDiagnosticsController(wsgi.Controller):
    """Asks a server's compute host for the guest's counters."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    @wsgi.expected_errors((400, 404, 409, 501))
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response, None, '2.47')
    @validation.response_body_schema(schema.index_response_v248, '2.48')
    def index(self, req, server_id):
        """The diagnostics of a running server; 409 when it does not run
        (or has no host yet), 501 when its driver has none."""
        context = req.environ['nova.context']
        instance = self.compute_api.get(context, server_id)
        context.can(sd_policies.BASE_POLICY_NAME,
                    target={'project_id': instance.project_id})
        if api_version_request.is_supported(req, '2.48'):
            call = self.compute_api.get_instance_diagnostics
        else:
            call = self.compute_api.get_diagnostics
        try:
            return common.act_on_instance('get_diagnostics', server_id,
                                          call, context, instance)
        except exception.InstanceNotFoundOnHypervisor as error:
            # NOTE: the guest is gone from its host (a delete overtook
            # the request): it does not run, the conflict the power state
            # check would have found a moment later.
            raise webob.exc.HTTPConflict(explanation=error.format_message())

"""The suspend and resume server actions."""

from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import suspend_server as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite.policies import suspend_server as ss_policies


class SuspendServerController(wsgi.Controller):
    """Saves a server's memory to disk (SUSPENDED) and restores it."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    def _act(self, req, id, action, call):
        common.act_on_server(self.compute_api, req, id,
                             ss_policies.POLICY_ROOT % action, action, call)

    @wsgi.response(202)
    @wsgi.expected_errors((404, 409))
    @wsgi.action('suspend')
    @validation.schema(schema.suspend)
    @validation.response_body_schema(schema.suspend_response)
    def _suspend(self, req, id, body):
        """Suspend an ACTIVE server; it goes to SUSPENDED."""
        self._act(req, id, 'suspend', self.compute_api.suspend)

    @wsgi.response(202)
    @wsgi.expected_errors((404, 409))
    @wsgi.action('resume')
    @validation.schema(schema.resume)
    @validation.response_body_schema(schema.resume_response)
    def _resume(self, req, id, body):
        """Resume a SUSPENDED server; it goes back to ACTIVE."""
        self._act(req, id, 'resume', self.compute_api.resume)

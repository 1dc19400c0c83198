"""The pause and unpause server actions."""

from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import pause_server as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite.policies import pause_server as ps_policies


class PauseServerController(wsgi.Controller):
    """Freezes a server in memory (PAUSED) and lets it run again."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    def _act(self, req, id, action, call):
        common.act_on_server(self.compute_api, req, id,
                             ps_policies.POLICY_ROOT % action, action, call)

    @wsgi.response(202)
    @wsgi.expected_errors((404, 409, 501))
    @wsgi.action('pause')
    @validation.schema(schema.pause)
    @validation.response_body_schema(schema.pause_response)
    def _pause(self, req, id, body):
        """Pause an ACTIVE server; it goes to PAUSED."""
        self._act(req, id, 'pause', self.compute_api.pause)

    @wsgi.response(202)
    @wsgi.expected_errors((404, 409, 501))
    @wsgi.action('unpause')
    @validation.schema(schema.unpause)
    @validation.response_body_schema(schema.unpause_response)
    def _unpause(self, req, id, body):
        """Unpause a PAUSED server; it goes back to ACTIVE."""
        self._act(req, id, 'unpause', self.compute_api.unpause)

"""Administrators' server actions: os-resetState."""

from nova_lite.api.openstack.compute.schemas import admin_actions as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite.policies import admin_actions as aa_policies
from nova_lite.states import vm_states

# The only states os-resetState may set, as in Nova.
STATE_MAP = {'active': vm_states.ACTIVE, 'error': vm_states.ERROR}


class AdminActionsController(wsgi.Controller):
    """Repairs a stuck server's recorded state."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    @wsgi.response(202)
    @wsgi.expected_errors((400, 404))
    @wsgi.action('os-resetState')
    @validation.schema(schema.reset_state)
    @validation.response_body_schema(schema.reset_state_response)
    def _reset_state(self, req, id, body):
        """Set vm_state to active or error and clear the task state."""
        context = req.environ['nova.context']
        instance = self.compute_api.get(context, id)
        context.can(aa_policies.POLICY_ROOT % 'reset_state',
                    target={'project_id': instance.project_id})
        state = STATE_MAP[body['os-resetState']['state']]
        self.compute_api.reset_state(context, instance, state)

"""The lock and unlock server actions: a database change, no RPC."""

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack.compute.schemas import lock_server as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite.policies import lock_server as ls_policies


class LockServerController(wsgi.Controller):
    """Locks a server against non-admins' actions, and unlocks it."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    @wsgi.response(202)
    @wsgi.expected_errors(404)
    @wsgi.action('lock')
    @validation.schema(schema.lock, '2.1', '2.72')
    @validation.schema(schema.lock_v273, '2.73')
    @validation.response_body_schema(schema.lock_response)
    def _lock(self, req, id, body):
        """Lock a server; from 2.73 with an optional ``locked_reason``."""
        context = req.environ['nova.context']
        instance = self.compute_api.get(context, id)
        context.can(ls_policies.POLICY_ROOT % 'lock',
                    target={'user_id': instance.user_id,
                            'project_id': instance.project_id})
        reason = None
        if (api_version_request.is_supported(req, '2.73') and
                body['lock'] is not None):
            reason = body['lock'].get('locked_reason')
        self.compute_api.lock(context, instance, reason=reason)

    @wsgi.response(202)
    @wsgi.expected_errors(404)
    @wsgi.action('unlock')
    @validation.schema(schema.unlock)
    @validation.response_body_schema(schema.unlock_response)
    def _unlock(self, req, id, body):
        """Unlock a server; a lock set by the other side (owner or admin)
        needs ``unlock:unlock_override`` too."""
        context = req.environ['nova.context']
        instance = self.compute_api.get(context, id)
        target = {'project_id': instance.project_id}
        context.can(ls_policies.POLICY_ROOT % 'unlock', target=target)
        if not self.compute_api.is_expected_locked_by(context, instance):
            context.can(ls_policies.POLICY_ROOT % 'unlock:unlock_override',
                        target=target)
        self.compute_api.unlock(context, instance)

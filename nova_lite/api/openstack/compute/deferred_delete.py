"""The restore and forceDelete server actions (soft deleted servers)."""

from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import deferred_delete as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite.policies import deferred_delete as dd_policies


class DeferredDeleteController(wsgi.Controller):
    """Restores a soft deleted server, or deletes one for good now."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    @wsgi.response(202)
    @wsgi.expected_errors((403, 404, 409))
    @wsgi.action('restore')
    @validation.schema(schema.restore)
    @validation.response_body_schema(schema.restore_response)
    def _restore(self, req, id, body):
        """Bring a SOFT_DELETED server back: ACTIVE."""
        common.act_on_server(self.compute_api, req, id,
                             dd_policies.BASE_POLICY_NAME % 'restore',
                             'restore', self.compute_api.restore)

    @wsgi.response(202)
    @wsgi.expected_errors((404, 409))
    @wsgi.action('forceDelete')
    @validation.schema(schema.force_delete)
    @validation.response_body_schema(schema.force_delete_response)
    def _force_delete(self, req, id, body):
        """Delete a server for good now, soft deleted or not."""
        common.act_on_server(self.compute_api, req, id,
                             dd_policies.BASE_POLICY_NAME % 'force',
                             'forceDelete', self.compute_api.force_delete)

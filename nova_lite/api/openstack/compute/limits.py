"""The /limits controller: a project's absolute limits and usage."""

from nova_lite.api.openstack.compute.schemas import limits as schema
from nova_lite.api.openstack.compute.views import limits as limits_view
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.policies import limits as limits_policies
from nova_lite import quota


class LimitsController(wsgi.Controller):

    @wsgi.expected_errors(())
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response, '2.1', '2.35')
    @validation.response_body_schema(schema.index_response_v236, '2.36',
                                     '2.38')
    @validation.response_body_schema(schema.index_response_v239, '2.39',
                                     '2.56')
    @validation.response_body_schema(schema.index_response_v257, '2.57')
    def index(self, req):
        """Limits of the caller's project, or (admins) of ``tenant_id``."""
        context = req.environ['nova.context']
        context.can(limits_policies.BASE_POLICY_NAME, target={})
        project_id = context.project_id
        user_id = context.user_id
        if 'tenant_id' in req.GET:
            project_id = req.GET.get('tenant_id')
            context.can(limits_policies.OTHER_PROJECT_LIMIT_POLICY_NAME,
                        target={'project_id': project_id})
            user_id = None
        return limits_view.build(req, quota.get_project_quotas(project_id),
                                 quota.project_usage(project_id, user_id))

"""Flavor access: which projects may use a private flavor (admins).

``GET /flavors/{flavor_id}/os-flavor-access`` lists them;
``POST /flavors/{id}/action`` with ``addTenantAccess`` or
``removeTenantAccess`` changes the list. From 2.7 a public flavor cannot
be given to a project (409).
"""

import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack.compute.schemas import flavor_access as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite import exception
from nova_lite import objects
from nova_lite.policies import flavor_access as fa_policies


def _access_list(flavor):
    return {'flavor_access': [
        {'flavor_id': flavor.flavorid, 'tenant_id': project_id}
        for project_id in flavor.projects]}


class FlavorAccessController(wsgi.Controller):
    """The access list of a private flavor."""

    @wsgi.expected_errors(404)
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.access_list_response)
    def index(self, req, flavor_id):
        """The projects that may use the private flavor; 404 for a public
        one, which every project may use."""
        context = req.environ['nova.context']
        context.can(fa_policies.BASE_POLICY_NAME, target={})
        flavor = objects.Flavor.get_by_flavor_id(context, flavor_id)
        if flavor.is_public:
            raise webob.exc.HTTPNotFound(
                explanation='Access list not available for public flavors.')
        return _access_list(flavor)


class FlavorActionController(wsgi.Controller):
    """The actions of ``POST /flavors/{id}/action``."""

    @wsgi.action('addTenantAccess')
    @wsgi.expected_errors((400, 403, 404, 409))
    @validation.schema(schema.add_tenant_access)
    @validation.response_body_schema(schema.access_list_response)
    def _add_tenant_access(self, req, id, body):
        """Give the flavor to a project; 409 when it has it already."""
        context = req.environ['nova.context']
        context.can(fa_policies.PREFIX % 'add_tenant_access', target={})
        tenant = body['addTenantAccess']['tenant']
        flavor = objects.Flavor.get_by_flavor_id(context, id)
        if (flavor.is_public and
                api_version_request.is_supported(req, '2.7')):
            raise webob.exc.HTTPConflict(
                explanation='Can not add access to a public flavor.')
        try:
            flavor.add_access(tenant)
        except exception.FlavorAccessExists as error:
            raise webob.exc.HTTPConflict(explanation=error.format_message())
        return _access_list(flavor)

    @wsgi.action('removeTenantAccess')
    @wsgi.expected_errors((400, 403, 404))
    @validation.schema(schema.remove_tenant_access)
    @validation.response_body_schema(schema.access_list_response)
    def _remove_tenant_access(self, req, id, body):
        """Take the flavor away from a project; 404 when it has none."""
        context = req.environ['nova.context']
        context.can(fa_policies.PREFIX % 'remove_tenant_access', target={})
        tenant = body['removeTenantAccess']['tenant']
        flavor = objects.Flavor.get_by_flavor_id(context, id)
        flavor.remove_access(tenant)
        return _access_list(flavor)

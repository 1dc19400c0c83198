"""Flavor management (admins): POST /flavors and DELETE /flavors/{id}."""

from oslo_utils import strutils
from oslo_utils import uuidutils

from nova_lite.api.openstack.compute.schemas import flavor_manage as schema
from nova_lite.api.openstack.compute.views import flavors as views_flavors
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite import objects
from nova_lite.policies import flavor_manage as fm_policies


class FlavorManageController(wsgi.Controller):

    _view_builder_class = views_flavors.ViewBuilder

    @wsgi.response(202)
    @wsgi.expected_errors(404)
    @validation.response_body_schema(schema.delete_response)
    def delete(self, req, id):
        """Delete a flavor; servers that use it keep their copy."""
        context = req.environ['nova.context']
        context.can(fm_policies.PREFIX % 'delete', target={})
        flavor = objects.Flavor(context=context, flavorid=id)
        flavor.destroy()

    @wsgi.expected_errors((400, 409))
    @validation.schema(schema.create, '2.1', '2.54')
    @validation.schema(schema.create_v255, '2.55')
    @validation.response_body_schema(schema.create_response, '2.1', '2.54')
    @validation.response_body_schema(schema.create_response_v255,
                                     '2.55', '2.60')
    @validation.response_body_schema(schema.create_response_v261,
                                     '2.61', '2.74')
    @validation.response_body_schema(schema.create_response_v275, '2.75')
    def create(self, req, body):
        """Create a flavor (200, the full flavor, as in Nova)."""
        context = req.environ['nova.context']
        context.can(fm_policies.PREFIX % 'create', target={})
        vals = body['flavor']
        flavorid = vals.get('id')
        if flavorid is None:
            flavorid = uuidutils.generate_uuid()
        flavor = objects.Flavor(
            context=context,
            name=vals['name'].strip(),
            # NOTE: ids are text; JSON may carry them as numbers.
            flavorid=str(flavorid),
            memory_mb=int(vals['ram']),
            vcpus=int(vals['vcpus']),
            root_gb=int(vals['disk']),
            ephemeral_gb=int(vals.get('OS-FLV-EXT-DATA:ephemeral', 0)),
            swap=int(vals.get('swap', 0)),
            rxtx_factor=float(vals.get('rxtx_factor', 1.0)),
            is_public=strutils.bool_from_string(
                vals.get('os-flavor-access:is_public', True)),
            description=vals.get('description'))
        flavor.create()
        return self._view_builder.show(req, flavor)

    @wsgi.api_version('2.55')
    @wsgi.expected_errors((400, 404))
    @validation.schema(schema.update_v255)
    @validation.response_body_schema(schema.create_response_v255,
                                     '2.55', '2.60')
    @validation.response_body_schema(schema.create_response_v261,
                                     '2.61', '2.74')
    @validation.response_body_schema(schema.create_response_v275, '2.75')
    def update(self, req, id, body):
        """Change a flavor's description (2.55); the rest of a flavor
        never changes."""
        context = req.environ['nova.context']
        context.can(fm_policies.PREFIX % 'update', target={})
        flavor = objects.Flavor.get_by_flavor_id(context, id)
        flavor.description = body['flavor']['description']
        flavor.save()
        return self._view_builder.show(req, flavor)

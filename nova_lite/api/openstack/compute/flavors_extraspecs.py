"""Flavor extra specs: /flavors/{flavor_id}/os-extra_specs[/{key}]."""

import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack.compute import flavors
from nova_lite.api.openstack.compute.schemas import flavors_extraspecs \
    as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.api.validation import extra_specs as extra_specs_validation
from nova_lite import objects
from nova_lite.policies import flavor_extra_specs as fes_policies

POLICY = fes_policies.PREFIX


def _as_stored(specs):
    """Extra spec values as stored: text, even when sent as numbers.

    :raises: HTTPBadRequest for a numeric value longer than 255 characters
        (the schema can only bound the length of strings).
    """
    stored = {}
    for key, value in specs.items():
        value = str(value)
        if len(value) > 255:
            raise webob.exc.HTTPBadRequest(
                explanation='extra_specs value has more than 255 '
                            'characters.')
        stored[key] = value
    return stored


def _validate(req, specs):
    """From 2.86 values of known extra specs are checked.

    :raises: ValidationError (400).
    """
    if not api_version_request.is_supported(req, '2.86'):
        return
    for key, value in specs.items():
        extra_specs_validation.validate(key, value)


class FlavorExtraSpecsController(wsgi.Controller):

    @wsgi.expected_errors(404)
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response)
    def index(self, req, flavor_id):
        """Every extra spec of the flavor."""
        context = req.environ['nova.context']
        context.can(POLICY % 'index',
                    target={'project_id': context.project_id})
        flavor = flavors.get_visible(context, flavor_id)
        return {'extra_specs': dict(flavor.extra_specs)}

    @wsgi.expected_errors((400, 404, 409))
    @validation.schema(schema.create)
    @validation.response_body_schema(schema.create_response)
    def create(self, req, flavor_id, body):
        """Add or change several extra specs; answers with the body."""
        context = req.environ['nova.context']
        context.can(POLICY % 'create', target={})
        specs = _as_stored(body['extra_specs'])
        _validate(req, specs)
        flavor = objects.Flavor.get_by_flavor_id(context, flavor_id)
        flavor.update_extra_specs(specs)
        return body

    @wsgi.expected_errors((400, 404, 409))
    @validation.schema(schema.update)
    @validation.response_body_schema(schema.update_response)
    def update(self, req, flavor_id, id, body):
        """Set the one extra spec named in the URL (and the body)."""
        context = req.environ['nova.context']
        context.can(POLICY % 'update', target={})
        specs = _as_stored(body)
        if id not in body:
            raise webob.exc.HTTPBadRequest(
                explanation='Request body and URI mismatch')
        _validate(req, specs)
        flavor = objects.Flavor.get_by_flavor_id(context, flavor_id)
        flavor.update_extra_specs(specs)
        return body

    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response)
    def show(self, req, flavor_id, id):
        """One extra spec: ``{key: value}``."""
        context = req.environ['nova.context']
        context.can(POLICY % 'show',
                    target={'project_id': context.project_id})
        flavor = flavors.get_visible(context, flavor_id)
        try:
            return {id: flavor.extra_specs[id]}
        except KeyError:
            raise webob.exc.HTTPNotFound(
                explanation='Flavor %s has no extra specs with key %s.' % (
                    flavor_id, id))

    # NOTE: 200 with no body, as in Nova (204 would have been right).
    @wsgi.expected_errors(404)
    @validation.response_body_schema(schema.delete_response)
    def delete(self, req, flavor_id, id):
        """Remove one extra spec."""
        context = req.environ['nova.context']
        context.can(POLICY % 'delete', target={})
        flavor = objects.Flavor.get_by_flavor_id(context, flavor_id)
        if id not in flavor.extra_specs:
            raise webob.exc.HTTPNotFound(
                explanation='Flavor %s has no extra specs with key %s.' % (
                    flavor_id, id))
        flavor.delete_extra_spec(id)

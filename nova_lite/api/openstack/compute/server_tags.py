"""The /servers/{server_id}/tags controller (microversion 2.26): list,
replace, add, check and remove a server's tags."""

import jsonschema
import webob.exc

from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import server_tags as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.api.validation import parameter_types
from nova_lite.compute import api as compute
from nova_lite import exception
from nova_lite import objects
from nova_lite.objects import tag as tag_obj
from nova_lite.policies import server_tags as st_policies
from nova_lite.states import vm_states

POLICY = st_policies.PREFIX

# NOTE: Nova changes tags only of a server at rest in one of these states.
_TAGGABLE_STATES = (vm_states.ACTIVE, vm_states.PAUSED, vm_states.SUSPENDED,
                    vm_states.STOPPED)


def _names(tags):
    return [tag.tag for tag in tags]


class ServerTagsController(wsgi.Controller):
    """Tags of one server; the tag itself is the URL's last segment."""

    _view_builder_class = common.ViewBuilder

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    def _instance(self, req, server_id, action, conflict_action=None):
        """The server, once the caller may ``action`` its tags.

        :param conflict_action: for changes, Nova's name of the change;
            the server must then be in a taggable state.
        :raises: InstanceNotFound (404), also for another project's
            server; HTTPConflict (409) for a server in the wrong state.
        """
        context = req.environ['nova.context']
        instance = self.compute_api.get(context, server_id)
        context.can(POLICY % action,
                    target={'project_id': instance.project_id})
        if (conflict_action is not None and
                instance.vm_state not in _TAGGABLE_STATES):
            error = exception.InstanceInvalidState(
                attr='vm_state', state=instance.vm_state,
                instance_uuid=instance.uuid, method=conflict_action)
            common.raise_http_conflict_for_instance_invalid_state(
                error, conflict_action, server_id)
        return context, instance

    def _location(self, req, server_id, tag):
        prefix = self._view_builder._update_compute_link_prefix(
            req.application_url)
        return common.url_join(prefix,
                               self._view_builder._get_project_id(req),
                               'servers', server_id, 'tags', tag)

    @wsgi.api_version('2.26')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response)
    def index(self, req, server_id):
        """``{"tags": [...]}``."""
        context, _instance = self._instance(req, server_id, 'index')
        tags = objects.TagList.get_by_resource_id(context, server_id)
        return {'tags': _names(tags)}

    @wsgi.api_version('2.26')
    @wsgi.expected_errors(404)
    @wsgi.response(204)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response)
    def show(self, req, server_id, id):
        """204 if the server has the tag ``id``, else 404."""
        context, _instance = self._instance(req, server_id, 'show')
        if not objects.Tag.exists(context, server_id, id):
            raise webob.exc.HTTPNotFound(
                explanation="Server %s has no tag '%s'" % (server_id, id))

    @wsgi.api_version('2.26')
    @wsgi.expected_errors((400, 404, 409))
    @validation.schema(schema.update)
    @validation.response_body_schema(schema.update_response)
    def update(self, req, server_id, id, body):
        """Add the tag ``id``: 201 with ``Location``, or 204 if the server
        already has it."""
        context, _instance = self._instance(req, server_id, 'update',
                                            'update tag')
        try:
            jsonschema.validate(id, parameter_types.tag)
        except jsonschema.ValidationError as error:
            raise webob.exc.HTTPBadRequest(
                explanation="Tag '%s' is invalid. It must be a non empty "
                            "string without characters '/' and ','. "
                            "Validation error message: %s"
                            % (id, error.message))
        tags = _names(objects.TagList.get_by_resource_id(context, server_id))
        if id in tags:
            return wsgi.ResponseObject(None, code=204)
        if len(tags) >= tag_obj.MAX_TAG_COUNT:
            raise webob.exc.HTTPBadRequest(
                explanation='The number of tags exceeded the per-server '
                            'limit %d' % tag_obj.MAX_TAG_COUNT)
        objects.Tag(context, resource_id=server_id, tag=id).create()
        return wsgi.ResponseObject(
            None, code=201,
            headers={'Location': self._location(req, server_id, id)})

    @wsgi.api_version('2.26')
    @wsgi.expected_errors((400, 404, 409))
    @validation.schema(schema.update_all)
    @validation.response_body_schema(schema.update_all_response)
    def update_all(self, req, server_id, body):
        """Replace the server's tags; answers with them."""
        context, _instance = self._instance(req, server_id, 'update_all',
                                            'update tags')
        tags = objects.TagList.create(context, server_id, body['tags'])
        return {'tags': _names(tags)}

    @wsgi.api_version('2.26')
    @wsgi.expected_errors((404, 409))
    @wsgi.response(204)
    @validation.response_body_schema(schema.delete_response)
    def delete(self, req, server_id, id):
        """Remove the tag ``id``."""
        context, _instance = self._instance(req, server_id, 'delete',
                                            'delete tag')
        objects.Tag.destroy(context, server_id, id)

    @wsgi.api_version('2.26')
    @wsgi.expected_errors((404, 409))
    @wsgi.response(204)
    @validation.response_body_schema(schema.delete_all_response)
    def delete_all(self, req, server_id):
        """Remove every tag of the server."""
        context, _instance = self._instance(req, server_id, 'delete_all',
                                            'delete tags')
        objects.TagList.destroy(context, server_id)

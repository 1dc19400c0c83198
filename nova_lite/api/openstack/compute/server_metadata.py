"""The /servers/{server_id}/metadata controller: a server's key/value
metadata, read, merged, replaced, or changed one item at a time."""

import webob.exc

from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import server_metadata \
    as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite import exception
from nova_lite.policies import server_metadata as sm_policies

POLICY = sm_policies.PREFIX


class ServerMetadataController(wsgi.Controller):
    """Metadata of one server; every change answers with the result."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    def _instance(self, req, server_id, action):
        """The server, once the caller may ``action`` its metadata.

        :raises: InstanceNotFound (404), also for another project's server.
        """
        context = req.environ['nova.context']
        instance = self.compute_api.get(context, server_id)
        context.can(POLICY % action,
                    target={'project_id': instance.project_id})
        return context, instance

    def _update(self, req, server_id, metadata, delete, action):
        context, instance = self._instance(req, server_id, action)
        try:
            return self.compute_api.update_instance_metadata(
                context, instance, metadata, delete=delete)
        except exception.InstanceInvalidState as error:
            common.raise_http_conflict_for_instance_invalid_state(
                error, 'update metadata', server_id)

    @wsgi.expected_errors(404)
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response)
    def index(self, req, server_id):
        """``{"metadata": {key: value}}``."""
        _context, instance = self._instance(req, server_id, 'index')
        return {'metadata': dict(instance.metadata)}

    @wsgi.expected_errors((403, 404, 409))
    @validation.schema(schema.create)
    @validation.response_body_schema(schema.create_response)
    def create(self, req, server_id, body):
        """Merge the body's items into the server's; answers with all."""
        return {'metadata': self._update(req, server_id, body['metadata'],
                                         False, 'create')}

    @wsgi.expected_errors((400, 403, 404, 409))
    @validation.schema(schema.update)
    @validation.response_body_schema(schema.update_response)
    def update(self, req, server_id, id, body):
        """Set the one item named in the URL (and in the body's ``meta``)."""
        meta_item = body['meta']
        if id not in meta_item:
            raise webob.exc.HTTPBadRequest(
                explanation='Request body and URI mismatch')
        self._update(req, server_id, meta_item, False, 'update')
        return {'meta': meta_item}

    @wsgi.expected_errors((403, 404, 409))
    @validation.schema(schema.update_all)
    @validation.response_body_schema(schema.update_all_response)
    def update_all(self, req, server_id, body):
        """Replace the server's metadata by the body's; answers with it."""
        return {'metadata': self._update(req, server_id, body['metadata'],
                                         True, 'update_all')}

    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response)
    def show(self, req, server_id, id):
        """``{"meta": {key: value}}`` of the item ``id``."""
        _context, instance = self._instance(req, server_id, 'show')
        if id not in instance.metadata:
            raise webob.exc.HTTPNotFound(
                explanation='Metadata item was not found')
        return {'meta': {id: instance.metadata[id]}}

    @wsgi.expected_errors((404, 409))
    @wsgi.response(204)
    @validation.response_body_schema(schema.delete_response)
    def delete(self, req, server_id, id):
        """Remove the item ``id``."""
        context, instance = self._instance(req, server_id, 'delete')
        if id not in instance.metadata:
            raise webob.exc.HTTPNotFound(
                explanation='Metadata item was not found')
        try:
            self.compute_api.delete_instance_metadata(context, instance, id)
        except exception.InstanceInvalidState as error:
            common.raise_http_conflict_for_instance_invalid_state(
                error, 'delete metadata', server_id)

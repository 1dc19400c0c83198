"""/images/{image_id}/metadata: an image's custom properties, read and
written through the image service, until 2.35 (404 from 2.36).

Writes count against ``[quota] metadata_items`` (403 past it, as Nova).
"""

import webob.exc

from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute import images
from nova_lite.api.openstack.compute.schemas import image_metadata as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite import exception
from nova_lite.image import glance

MAX_PROXY_API_SUPPORT_VERSION = images.MAX_PROXY_API_SUPPORT_VERSION


class ImageMetadataController(wsgi.Controller):

    def __init__(self):
        super().__init__()
        self.image_api = glance.API()

    def _get_properties(self, context, image_id):
        """The image's custom properties.

        :raises: HTTPNotFound for an image the caller may not see.
        """
        try:
            image = self.image_api.get(context, image_id)
        except exception.ImageNotFound:
            raise webob.exc.HTTPNotFound(explanation='Image not found.')
        return glance.properties_of(image)

    def _write(self, context, image_id, current, wanted):
        """Make the image's properties ``wanted`` (from ``current``).

        :returns: the properties after the change.
        :raises: HTTPForbidden past the metadata quota or for an image the
            caller may not change.
        """
        if wanted:
            try:
                compute.check_metadata_quota(context, wanted)
            except exception.MetadataLimitExceeded:
                raise webob.exc.HTTPForbidden(
                    explanation='Image metadata limit exceeded')
        changed = {key: value for key, value in wanted.items()
                   if current.get(key) != value or key not in current}
        removed = [key for key in current if key not in wanted]
        try:
            image = self.image_api.update_properties(
                context, image_id, changed, removed)
        except exception.ImageServiceRequestFailed as error:
            if error.kwargs.get('status') == 403:
                raise webob.exc.HTTPForbidden(
                    explanation=exception.ImageNotAuthorized(
                        image_id=image_id).format_message())
            raise images.refusal(error)
        return glance.properties_of(image)

    # ---- read ---------------------------------------------------------------

    @wsgi.api_version('2.1', MAX_PROXY_API_SUPPORT_VERSION)
    @wsgi.expected_errors((403, 404))
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.metadata_response)
    def index(self, req, image_id):
        """All of the image's metadata."""
        context = req.environ['nova.context']
        return {'metadata': self._get_properties(context, image_id)}

    @wsgi.api_version('2.36')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.gone_response)
    def index(self, req, image_id):  # noqa: F811
        common.method_gone(req)

    @wsgi.api_version('2.1', MAX_PROXY_API_SUPPORT_VERSION)
    @wsgi.expected_errors((403, 404))
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.meta_response)
    def show(self, req, image_id, id):
        """One metadata item; 404 when the image has no such key."""
        context = req.environ['nova.context']
        metadata = self._get_properties(context, image_id)
        if id not in metadata:
            raise webob.exc.HTTPNotFound()
        return {'meta': {id: metadata[id]}}

    @wsgi.api_version('2.36')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.gone_response)
    def show(self, req, image_id, id):  # noqa: F811
        common.method_gone(req)

    # ---- write --------------------------------------------------------------

    @wsgi.api_version('2.1', MAX_PROXY_API_SUPPORT_VERSION)
    @wsgi.expected_errors((400, 403, 404))
    @validation.schema(schema.create)
    @validation.response_body_schema(schema.metadata_response)
    def create(self, req, image_id, body):
        """Add or change the given items; others stay."""
        context = req.environ['nova.context']
        current = self._get_properties(context, image_id)
        wanted = dict(current, **body['metadata'])
        return {'metadata': self._write(context, image_id, current, wanted)}

    @wsgi.api_version('2.36')
    @wsgi.expected_errors(404)
    @validation.schema(schema.gone_body)
    @validation.response_body_schema(schema.gone_response)
    def create(self, req, image_id, body):  # noqa: F811
        common.method_gone(req)

    @wsgi.api_version('2.1', MAX_PROXY_API_SUPPORT_VERSION)
    @wsgi.expected_errors((400, 403, 404))
    @validation.schema(schema.update_all)
    @validation.response_body_schema(schema.metadata_response)
    def update_all(self, req, image_id, body):
        """Replace all of the image's metadata."""
        context = req.environ['nova.context']
        current = self._get_properties(context, image_id)
        metadata = body['metadata']
        self._write(context, image_id, current, metadata)
        return {'metadata': metadata}

    @wsgi.api_version('2.36')
    @wsgi.expected_errors(404)
    @validation.schema(schema.gone_body)
    @validation.response_body_schema(schema.gone_response)
    def update_all(self, req, image_id, body):  # noqa: F811
        common.method_gone(req)

    @wsgi.api_version('2.1', MAX_PROXY_API_SUPPORT_VERSION)
    @wsgi.expected_errors((400, 403, 404))
    @validation.schema(schema.update)
    @validation.response_body_schema(schema.meta_response)
    def update(self, req, image_id, id, body):
        """Set one item; the URL's key must be the body's."""
        context = req.environ['nova.context']
        meta = body['meta']
        if id not in meta:
            raise webob.exc.HTTPBadRequest(
                explanation='Request body and URI mismatch')
        current = self._get_properties(context, image_id)
        self._write(context, image_id, current, dict(current, **meta))
        return {'meta': meta}

    @wsgi.api_version('2.36')
    @wsgi.expected_errors(404)
    @validation.schema(schema.gone_body)
    @validation.response_body_schema(schema.gone_response)
    def update(self, req, image_id, id, body):  # noqa: F811
        common.method_gone(req)

    @wsgi.api_version('2.1', MAX_PROXY_API_SUPPORT_VERSION)
    @wsgi.response(204)
    @wsgi.expected_errors((403, 404))
    @validation.response_body_schema(schema.delete_response)
    def delete(self, req, image_id, id):
        """Remove one item; 404 when the image has no such key."""
        context = req.environ['nova.context']
        current = self._get_properties(context, image_id)
        if id not in current:
            raise webob.exc.HTTPNotFound(
                explanation='Invalid metadata key')
        wanted = dict(current)
        del wanted[id]
        self._write(context, image_id, current, wanted)

    @wsgi.api_version('2.36')
    @wsgi.expected_errors(404)
    @validation.response_body_schema(schema.gone_response)
    def delete(self, req, image_id, id):  # noqa: F811
        common.method_gone(req)

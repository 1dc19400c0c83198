"""The /images proxy: Glance's images as the Compute API showed them,
until 2.35 (404 from 2.36, as in Nova).

Every call goes to the image service with the caller's token, so the image
service decides what the caller may see and change.
"""

import webob.exc

from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import images as schema
from nova_lite.api.openstack.compute.views import images as views_images
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite import exception
from nova_lite.image import glance

# NOTE: the last microversion of the proxy APIs (2.36 removed them).
MAX_PROXY_API_SUPPORT_VERSION = '2.35'

# The Compute API's list filters and the Glance v2 filters they become;
# ``property-<name>`` filters pass through as ``<name>``.
SUPPORTED_FILTERS = {
    'name': 'name',
    'status': 'status',
    'changes-since': 'changes-since',
    'server': 'property-instance_uuid',
    'type': 'property-image_type',
    'minRam': 'min_ram',
    'minDisk': 'min_disk',
}


def glance_filters(params):
    """The Glance v2 query of a Compute API image list query."""
    filters = {}
    for param in params:
        if param in SUPPORTED_FILTERS or param.startswith('property-'):
            filters[SUPPORTED_FILTERS.get(param, param)] = params.get(param)
    server = filters.get('property-instance_uuid')
    if server:
        # NOTE: a server may be named by its URL.
        filters['property-instance_uuid'] = server.rsplit('/', 1)[-1]
    if 'status' in filters:
        filters['status'] = filters['status'].lower()
    query = {}
    for name, value in filters.items():
        if name.startswith('property-'):
            query[name[len('property-'):]] = value
        elif name == 'changes-since':
            query['updated_at'] = 'gte:' + value
        else:
            query[name] = value
    return query


def refusal(error):
    """The HTTP error for the image service's refusal ``error``."""
    status = error.kwargs.get('status')
    reason = error.kwargs.get('reason') or error.format_message()
    if status == 404:
        return webob.exc.HTTPNotFound(explanation='Image not found.')
    if status == 403:
        return webob.exc.HTTPForbidden(explanation=reason)
    return webob.exc.HTTPBadRequest(explanation=reason)


class ImagesController(wsgi.Controller):
    """List, show and delete the images the caller may see."""

    _view_builder_class = views_images.ViewBuilder

    def __init__(self):
        super().__init__()
        self.image_api = glance.API()

    def _list(self, req):
        context = req.environ['nova.context']
        query = glance_filters(req.GET)
        limit = None
        for name in ('limit', 'page_size'):
            if name in req.GET:
                limit = int(req.GET[name])
        if 'marker' in req.GET:
            query['marker'] = req.GET['marker']
        if limit is not None:
            query['limit'] = limit
        try:
            return self.image_api.list(context, query, limit=limit)
        except exception.ImageServiceRequestFailed as error:
            raise refusal(error)

    @wsgi.api_version('2.1', MAX_PROXY_API_SUPPORT_VERSION)
    @wsgi.expected_errors(400)
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response)
    def index(self, req):
        """Brief list: id, name, links."""
        return self._view_builder.index(req, self._list(req))

    @wsgi.api_version('2.36')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.gone_response)
    def index(self, req):  # noqa: F811
        common.method_gone(req)

    @wsgi.api_version('2.1', MAX_PROXY_API_SUPPORT_VERSION)
    @wsgi.expected_errors(400)
    @validation.query_schema(schema.detail_query)
    @validation.response_body_schema(schema.detail_response)
    def detail(self, req):
        """Full list."""
        return self._view_builder.detail(req, self._list(req))

    @wsgi.api_version('2.36')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.detail_query)
    @validation.response_body_schema(schema.gone_response)
    def detail(self, req):  # noqa: F811
        common.method_gone(req)

    @wsgi.api_version('2.1', MAX_PROXY_API_SUPPORT_VERSION)
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response)
    def show(self, req, id):
        """One image; 404 for one the caller may not see."""
        context = req.environ['nova.context']
        try:
            image = self.image_api.get(context, id)
        except exception.ImageNotFound:
            raise webob.exc.HTTPNotFound(explanation='Image not found.')
        return self._view_builder.show(req, image)

    @wsgi.api_version('2.36')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.gone_response)
    def show(self, req, id):  # noqa: F811
        common.method_gone(req)

    @wsgi.api_version('2.1', MAX_PROXY_API_SUPPORT_VERSION)
    @wsgi.response(204)
    @wsgi.expected_errors((403, 404))
    @validation.response_body_schema(schema.delete_response)
    def delete(self, req, id):
        """Delete an image the caller owns (the image service decides)."""
        context = req.environ['nova.context']
        try:
            self.image_api.delete(context, id)
        except exception.ImageServiceRequestFailed as error:
            if error.kwargs.get('status') == 403:
                raise webob.exc.HTTPForbidden(
                    explanation='You are not allowed to delete the image.')
            raise webob.exc.HTTPNotFound(explanation='Image not found.')

    @wsgi.api_version('2.36')
    @wsgi.expected_errors(404)
    @validation.response_body_schema(schema.gone_response)
    def delete(self, req, id):  # noqa: F811
        common.method_gone(req)

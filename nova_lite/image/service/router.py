"""The route table of the image service: every path, its methods and
controllers.

An unknown path answers 404; a known path asked with another method 405
with ``Allow``, as Glance's router does.
"""

import webob.dec
import webob.exc

from nova_lite.image.service import image_data
from nova_lite.image.service import images
from nova_lite.image.service import schemas
from nova_lite.image.service import wsgi
from nova_lite import routing

ROUTE_LIST = (
    ('/v2/images', {
        'GET': (images.ImagesController, 'index'),
        'POST': (images.ImagesController, 'create'),
    }),
    ('/v2/images/{image_id}', {
        'GET': (images.ImagesController, 'show'),
        'PATCH': (images.ImagesController, 'update'),
        'DELETE': (images.ImagesController, 'delete'),
    }),
    ('/v2/images/{image_id}/tasks', {
        'GET': (images.ImagesController, 'tasks'),
    }),
    ('/v2/images/{image_id}/file', {
        'GET': (image_data.ImageDataController, 'download'),
        'PUT': (image_data.ImageDataController, 'upload'),
    }),
    ('/v2/schemas/image', {
        'GET': (schemas.SchemasController, 'image'),
    }),
    ('/v2/schemas/images', {
        'GET': (schemas.SchemasController, 'images'),
    }),
)


class APIRouter(object):
    """Route a request to the ``Resource`` of its controller.

    :param route_list: (path, {method: (controller class, action)}) pairs;
        one controller instance serves all of its routes.
    """

    def __init__(self, route_list=ROUTE_LIST):
        self.table = routing.RouteTable(route_list, wsgi.Resource)

    @webob.dec.wsgify
    def __call__(self, req):
        handlers, match = self.table.match(req.path_info)
        if handlers is None:
            raise webob.exc.HTTPNotFound()
        if req.method not in handlers:
            raise webob.exc.HTTPMethodNotAllowed(
                headers=[('Allow', ', '.join(sorted(handlers)))])
        resource, action = handlers[req.method]
        match['action'] = action
        req.environ['wsgiorg.routing_args'] = ((), match)
        return req.get_response(resource)

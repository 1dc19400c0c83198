"""The WSGI framework of the image service: resources and JSON answers.

Errors leave as Glance answers them: webob's own error responses
(``webob.exc.HTTP*`` with an ``explanation``), whose body webob renders
for the request's ``Accept`` (HTML by default, JSON when asked, else
plain text). A controller raises them itself, or raises a nova-lite error
below 500, which becomes the webob error of its code; anything else is
left to the fault wrapper, which logs it and answers 500.
"""

from oslo_log import log as logging
from oslo_serialization import jsonutils
import webob
import webob.dec
import webob.exc

from nova_lite import exception
from nova_lite import http_input

LOG = logging.getLogger(__name__)

# NOTE: where the auth middleware leaves the RequestContext, as in the
# Compute API, so keystone can slot in without the controllers knowing.
ENV_CONTEXT = 'nova.context'

CHUNK_SIZE = 64 * 1024


def context_of(req):
    """The RequestContext the auth middleware built for ``req``."""
    return req.environ[ENV_CONTEXT]


def json_response(body, status=200, location=None):
    """A JSON response; ``location`` sets the Location header."""
    response = webob.Response(status=status, content_type='application/json',
                              charset='UTF-8')
    response.text = jsonutils.dumps(body, ensure_ascii=False)
    if location is not None:
        response.location = location
    return response


def json_body(req):
    """The parsed JSON body of ``req``.

    :raises: HTTPBadRequest when there is none, it is not JSON, or it
        holds what :func:`nova_lite.http_input.loads` refuses (too deep,
        a NUL, a lone surrogate).
    """
    if not req.body:
        raise webob.exc.HTTPBadRequest(
            explanation='Body expected in request.')
    try:
        return http_input.loads(req.body)
    except exception.MalformedRequestBody as error:
        if error.kwargs.get('reason') == http_input.NOT_JSON:
            explanation = 'Malformed JSON in request body.'
        else:
            explanation = error.format_message()
        raise webob.exc.HTTPBadRequest(explanation=explanation)


def http_error(error):
    """The webob error response of a nova-lite error below 500."""
    error_class = webob.exc.status_map.get(error.code,
                                           webob.exc.HTTPBadRequest)
    return error_class(explanation=error.format_message())


class Resource(object):
    """Calls one controller method per routed request.

    The router leaves ``{'action': name, **path variables}`` in
    ``wsgiorg.routing_args``; the method takes the request and the path
    variables and returns a ``webob.Response``.
    """

    def __init__(self, controller):
        self.controller = controller

    @webob.dec.wsgify
    def __call__(self, req):
        args = dict(req.urlvars)
        action = args.pop('action')
        method = getattr(self.controller, action)
        try:
            return method(req, **args)
        except webob.exc.HTTPException as error:
            return error
        except exception.NovaException as error:
            if error.code >= 500:
                raise
            return http_error(error)

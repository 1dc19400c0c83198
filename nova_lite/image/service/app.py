"""The image service as one WSGI application: ``make_app()``.

The middleware stack, outermost first:

1. ``RequestId`` (oslo.middleware): the request's ``req-<uuid>`` before
   anything can log, and ``x-openstack-request-id`` on every response,
   including the 500s made by the next layer.
2. ``FaultWrapper``: whatever escapes below becomes a logged 500, never a
   traceback on the wire.
3. ``VersionsMiddleware``: a URL that is not UTF-8 text ends here (404
   for a path, 400 for a query); ``/`` and ``/versions`` answer here,
   before authentication, so clients can discover the API.
4. auth (``[image_service] auth_strategy``, else ``[api]
   auth_strategy``; see ``auth.py``): the RequestContext into
   ``environ['nova.context']``; 401 without a valid token.
5. ``APIRouter``: the route table; 404 for unknown paths, 405 with
   ``Allow`` for known paths asked with another method.
"""

from oslo_log import log as logging
from oslo_middleware import request_id
import webob.dec
import webob.exc

from nova_lite import conf
from nova_lite.image.service import auth
from nova_lite.image.service import router
from nova_lite.image.service import versions

CONF = conf.CONF
LOG = logging.getLogger(__name__)


class FaultWrapper(object):
    """Call the app below; turn any escaping exception into a logged 500."""

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, req):
        try:
            return req.get_response(self.application)
        except Exception as error:
            LOG.exception('Caught error: %s', error)
            # NOTE: the path as received: decoding it (req.url) may be
            # what failed, and must not turn this answer into an empty one.
            LOG.info('%s %s returned with HTTP 500', req.method,
                     req.environ.get('RAW_PATH_INFO') or
                     req.environ.get('PATH_INFO'))
            # NOTE: the message stays generic on purpose; the exception's
            # text may carry internals (SQL, paths) clients must not see.
            return webob.exc.HTTPInternalServerError()


def make_app():
    """The whole image service WSGI application, configured from CONF.

    The caller has parsed the configuration and set up logging.

    :returns: a WSGI application.
    """
    app = router.APIRouter()
    app = auth.auth_middleware(auth.strategy())(app)
    app = versions.VersionsMiddleware(app)
    app = FaultWrapper(app)
    app = request_id.RequestId(app)
    return app

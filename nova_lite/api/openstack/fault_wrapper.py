"""Fault wrapper middleware: an error nobody handled becomes a logged 500.

Everything the API means to answer is already a fault by the time it gets
here; what is left is a bug, so the client learns only that the server
erred, and the log gets the traceback with the request id.
"""

from oslo_log import log as logging
import webob.dec
import webob.exc

from nova_lite.api.openstack import wsgi

LOG = logging.getLogger(__name__)


class FaultWrapper(object):
    """Call the app below; turn any escaping exception into a fault."""

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify(RequestClass=wsgi.Request)
    def __call__(self, req):
        try:
            return req.get_response(self.application)
        except Exception as exc:
            return self._error(exc, req)

    @staticmethod
    def _error(inner, req):
        found = wsgi.fault_from_exception(inner)
        if found is not None:
            return found
        LOG.exception('Caught error: %s', inner)
        # NOTE: the URL as received: decoding it (req.url) may be what
        # failed, and must not turn this answer into an empty one.
        LOG.info('%(method)s %(path)s returned with HTTP 500',
                 {'method': req.method,
                  'path': req.environ.get('RAW_PATH_INFO') or
                  req.environ.get('PATH_INFO')})
        # NOTE: the message stays generic on purpose; the exception's text
        # may carry internals (SQL, hosts, paths) that clients must not see.
        outer = webob.exc.HTTPInternalServerError()
        if getattr(inner, 'safe', False):
            outer.explanation = '%s: %s' % (inner.__class__.__name__,
                                            inner.format_message())
        return wsgi.Fault(outer)

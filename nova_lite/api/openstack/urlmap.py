"""The top of the API's URL space: version documents, /v2.1/ and /v2/.

``/`` lists the API versions, ``/v2.1`` (or ``/v2.1/``) describes v2.1
and ``/v2`` (or ``/v2/``) the legacy v2.0; all answer without
authentication, so a client can discover the API before it has a token
(Nova asks one for the slashed forms; a version document tells nothing
a token would protect, and clients do probe them without one).
Everything under ``/v2.1/`` goes to the API application with ``/v2.1``
moved into SCRIPT_NAME, so links the API builds from the request's
application URL keep any prefix it is mounted under; everything under
``/v2/`` too, marked as a legacy v2.0 request.
``/networking/`` goes, the same way, to the read-only networks view
clients without a catalog look networks up in (``networking.py``). A URL
that is not UTF-8 text ends here: 404 for such a path, 400 for such a
query (``nova_lite.http_input.url_error``).
"""

import webob.dec

from nova_lite.api.openstack.compute import versions
from nova_lite.api.openstack import networking
from nova_lite.api.openstack import version_negotiation
from nova_lite.api.openstack import wsgi
from nova_lite import http_input

API_PREFIX = '/v2.1'
# NOTE: Nova's legacy v2.0 endpoint: the same API at the base microversion,
# with no microversion negotiated (version_negotiation.py).
LEGACY_PREFIX = '/v2'


class URLMap(object):

    def __init__(self, api_app, networking_app=None):
        self.api_app = api_app
        self.networking_app = networking_app
        self.versions = wsgi.Resource(versions.Versions())
        self.version_v21 = wsgi.Resource(versions.VersionsController())
        # NOTE: /v2.1/ is the API's root: the document, with the
        # microversion negotiated and echoed as on any API path.
        self.version_v21_api = version_negotiation.VersionNegotiation(
            self.version_v21)
        self.version_v20 = wsgi.Resource(
            versions.VersionsController(version_id='v2.0'))

    @webob.dec.wsgify(RequestClass=wsgi.Request)
    def __call__(self, req):
        # NOTE: first, as webob would raise on such a URL wherever it is
        # first read (here, the router, a controller's query).
        refused = http_input.url_error(req.environ)
        if refused is not None:
            return wsgi.fault(*refused)
        path = req.path_info
        if path in ('', '/'):
            return self._document(req, self.versions, 'index')
        # NOTE: with or without the trailing slash, the version document
        # needs no token.
        if path == API_PREFIX:
            return self._document(req, self.version_v21, 'show')
        if path == API_PREFIX + '/':
            req.path_info_pop()
            return self._document(req, self.version_v21_api, 'show')
        if path in (LEGACY_PREFIX, LEGACY_PREFIX + '/'):
            req.path_info_pop()
            return self._document(req, self.version_v20, 'show')
        if path.startswith(API_PREFIX + '/'):
            req.path_info_pop()
            return req.get_response(self.api_app)
        if path.startswith(LEGACY_PREFIX + '/'):
            req.path_info_pop()
            req.environ[version_negotiation.ENV_LEGACY_V2] = True
            return req.get_response(self.api_app)
        if (self.networking_app is not None and
                (path + '/').startswith(networking.PREFIX + '/')):
            req.path_info_pop()
            return req.get_response(self.networking_app)
        return wsgi.fault(404)

    @staticmethod
    def _document(req, resource, action):
        if req.method != 'GET':
            return wsgi.fault(
                405, 'The method %s is not allowed for this resource.'
                % req.method, headers={'Allow': 'GET'})
        req.environ['wsgiorg.routing_args'] = ((), {'action': action})
        return req.get_response(resource)

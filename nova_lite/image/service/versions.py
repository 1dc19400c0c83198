"""The version documents: ``GET /`` (300 Multiple Choices, as Glance
answers) and ``GET /versions`` (200), served before authentication so that
clients can discover the API; and, at the top of the URL space, the end of
URLs that are not UTF-8 text (404 for a path, 400 for a query)."""

import webob.dec
import webob.exc

from nova_lite import http_input
from nova_lite.image.service import wsgi

# NOTE: the image API versions whose features nova-lite-image serves:
# 2.7 added os_hidden and the os_hash_algo/os_hash_value multihash.
CURRENT = 'v2.7'
SUPPORTED = ('v2.6', 'v2.5', 'v2.4', 'v2.3', 'v2.2', 'v2.1', 'v2.0')


def versions_document(host_url):
    """Every version, each linking to ``<host_url>/v2/``."""
    href = host_url.rstrip('/') + '/v2/'
    return {'versions': [
        {'id': version, 'status': status,
         'links': [{'rel': 'self', 'href': href}]}
        for version, status in ([(CURRENT, 'CURRENT')] +
                                [(v, 'SUPPORTED') for v in SUPPORTED])]}


class VersionsMiddleware(object):
    """Answers ``/`` and ``/versions``; passes everything else on."""

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, req):
        # NOTE: first, as webob would raise on such a URL wherever it is
        # first read; Glance's words, webob's page.
        refused = http_input.url_error(req.environ)
        if refused is not None:
            status, explanation = refused
            return webob.exc.status_map[status](explanation=explanation)
        path = req.path_info
        if path in ('', '/', '/versions', '/versions/') and \
                req.method in ('GET', 'HEAD'):
            status = 300 if path in ('', '/') else 200
            return wsgi.json_response(versions_document(req.host_url),
                                      status=status)
        return req.get_response(self.application)

"""Microversion negotiation middleware for everything under /v2.1/.

It reads the requested microversion once, answers 400 for a malformed one
and 406 for one outside [MIN_VERSION, MAX_VERSION], and otherwise stores it
for the controllers and echoes it (with ``Vary``) on whatever the layers
below answer, faults included.
"""

import webob.dec

from nova_lite.api.openstack import wsgi
from nova_lite import exception


class VersionNegotiation(object):

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify(RequestClass=wsgi.Request)
    def __call__(self, req):
        try:
            req.set_api_version_request()
        except exception.InvalidAPIVersionString as exc:
            return wsgi.fault(400, exc.format_message())
        except exception.InvalidGlobalAPIVersion as exc:
            return wsgi.fault(406, exc.format_message())
        response = req.get_response(self.application)
        wsgi.add_version_headers(response, req.api_version_request)
        return response

"""Microversion negotiation middleware for everything under /v2.1/ (and
the base version, without negotiation, under the legacy /v2/).

It reads the requested microversion once, answers 400 for a malformed one
and 406 for one outside [MIN_VERSION, MAX_VERSION], and otherwise stores it
for the controllers and echoes it (with ``Vary``) on whatever the layers
below answer, faults included.
"""

import webob.dec

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack import wsgi
from nova_lite import exception

# NOTE: set by urlmap.py on requests under /v2/ (the legacy v2.0 API).
ENV_LEGACY_V2 = 'nova.legacy_v2'


class VersionNegotiation(object):

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify(RequestClass=wsgi.Request)
    def __call__(self, req):
        if req.environ.get(ENV_LEGACY_V2):
            # NOTE: v2.0 is the base microversion whatever the headers
            # ask, and answers without version headers, as Nova's.
            req.api_version_request = api_version_request.APIVersionRequest(
                api_version_request.MIN_VERSION)
            return req.get_response(self.application)
        try:
            req.set_api_version_request()
        except exception.InvalidAPIVersionString as exc:
            return wsgi.fault(400, exc.format_message())
        except exception.InvalidGlobalAPIVersion as exc:
            return wsgi.fault(406, exc.format_message())
        response = req.get_response(self.application)
        wsgi.add_version_headers(response, req.api_version_request)
        return response

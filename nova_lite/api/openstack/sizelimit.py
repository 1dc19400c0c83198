"""Request body size limit: ``[api] max_request_body_size``, else 413.

Nova's ``sizelimit`` filter (oslo.middleware's ``RequestBodySizeLimiter``)
with two differences: the answer is Nova's fault body
(``{"overLimit": {"code": 413, ...}}``), not webob's page, and the limit is
passed in from nova-lite's own option rather than registered by the library
as ``[oslo_middleware] max_request_body_size``.

A body whose ``Content-Length`` is over the limit is refused before any of
it is read or parsed. A body without one (chunked, where the server lets
the app read it) is read up to one byte past the limit, no further.
"""

import webob.dec

from nova_lite.api.openstack import wsgi


class RequestBodySizeLimiter(object):
    """Refuse request bodies over ``limit`` bytes with a 413 fault.

    :param application: the WSGI app below.
    :param limit: the largest body accepted, in bytes.
    """

    def __init__(self, application, limit):
        self.application = application
        self.limit = limit

    @webob.dec.wsgify(RequestClass=wsgi.Request)
    def __call__(self, req):
        length = req.content_length
        if length is not None and length > self.limit:
            return self._too_large()
        if length is None and req.is_body_readable:
            body = req.body_file_raw.read(self.limit + 1)
            if len(body) > self.limit:
                return self._too_large()
            req.body = body
        return req.get_response(self.application)

    def _too_large(self):
        return wsgi.fault(413, 'Request is too large. Larger than '
                               'max_request_body_size (%d).' % self.limit,
                          headers={'Connection': 'close'})

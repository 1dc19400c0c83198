"""Request id middleware: every response names the request it answers.

oslo.middleware generates ``req-<uuid>`` into
``environ['openstack.request_id']``, keeps a well-formed incoming
``X-OpenStack-Request-ID`` as ``environ['openstack.global_request_id']``,
and sets ``x-openstack-request-id`` on the response; Nova's clients also
read ``x-compute-request-id``, so it is set too.
"""

from oslo_middleware import request_id

ENV_REQUEST_ID = request_id.ENV_REQUEST_ID
ENV_GLOBAL_REQUEST_ID = request_id.GLOBAL_REQ_ID
HTTP_RESP_HEADER_REQUEST_ID = 'x-compute-request-id'


class ComputeReqIdMiddleware(request_id.RequestId):
    compat_headers = [HTTP_RESP_HEADER_REQUEST_ID]

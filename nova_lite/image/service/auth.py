"""Authentication of the image service: who is asking, as a RequestContext.

The same scheme as the Compute API: ``noauth`` trusts ``X-Auth-Token:
<user>:<project>`` (a bare token is both), and user ``admin`` is an
administrator. ``keystone`` slots in here later; it must leave the same
``environ['nova.context']`` behind.
"""

from oslo_middleware import request_id
import webob.dec
import webob.exc

from nova_lite import context
from nova_lite.image.service import wsgi


class NoAuthMiddleware(object):
    """Trust the token; 401 when there is none."""

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify
    def __call__(self, req):
        token = req.headers.get('X-Auth-Token')
        if not token:
            raise webob.exc.HTTPUnauthorized(
                explanation='Authentication required')
        user_id, _sep, project_id = token.partition(':')
        project_id = project_id or user_id
        is_admin = user_id == 'admin'
        req.environ[wsgi.ENV_CONTEXT] = context.RequestContext(
            user_id=user_id, project_id=project_id,
            roles=['admin'] if is_admin else ['member', 'reader'],
            is_admin=is_admin, auth_token=token,
            request_id=req.environ.get(request_id.ENV_REQUEST_ID),
            global_request_id=req.environ.get(request_id.GLOBAL_REQ_ID))
        return req.get_response(self.application)


_STRATEGIES = {
    'noauth': NoAuthMiddleware,
}


def auth_middleware(strategy):
    """The middleware class for ``[image_service] auth_strategy``.

    :raises: ValueError for a strategy nova-lite does not implement yet.
    """
    try:
        return _STRATEGIES[strategy]
    except KeyError:
        raise ValueError('auth_strategy %r is not implemented' % strategy)

"""Authentication middleware: who is asking, as a RequestContext.

``[api] auth_strategy`` picks the middleware. ``noauth`` (or Nova's name,
``noauth2``) trusts ``X-Auth-Token: <user>:<project>``; a bare token is
both user and project, and user ``admin`` is an administrator. It is for
labs and tests only. ``keystone`` slots in here later: it must leave the
same ``environ['nova.context']`` behind.
"""

import webob.dec

from nova_lite.api.openstack import request_id
from nova_lite.api.openstack import wsgi
from nova_lite import context


def _context_from(req, user_id, project_id, roles, is_admin):
    """The RequestContext of ``req``, carrying its request ids for the logs."""
    return context.RequestContext(
        user_id=user_id, project_id=project_id, roles=roles,
        is_admin=is_admin,
        request_id=req.environ.get(request_id.ENV_REQUEST_ID),
        global_request_id=req.environ.get(
            request_id.ENV_GLOBAL_REQUEST_ID))


class NoAuthMiddleware(object):
    """Trust the token; 401 when there is none."""

    def __init__(self, application):
        self.application = application

    @webob.dec.wsgify(RequestClass=wsgi.Request)
    def __call__(self, req):
        token = req.headers.get('X-Auth-Token')
        if not token:
            # NOTE: Nova's noauth answers 204 with a made-up token here
            # (a relic of the v1.1 auth protocol); a plain 401 tells a
            # client what is missing and is what keystone mode answers.
            return wsgi.fault(401, 'Authentication required')
        user_id, _sep, project_id = token.partition(':')
        project_id = project_id or user_id
        is_admin = user_id == 'admin'
        roles = ['admin'] if is_admin else ['member', 'reader']
        req.environ[wsgi.ENV_CONTEXT] = _context_from(
            req, user_id, project_id, roles, is_admin)
        return req.get_response(self.application)


_STRATEGIES = {
    'noauth': NoAuthMiddleware,
    'noauth2': NoAuthMiddleware,
}


def auth_middleware(strategy):
    """The middleware class for ``[api] auth_strategy``.

    :raises: ValueError for a strategy nova-lite does not implement yet.
    """
    try:
        return _STRATEGIES[strategy]
    except KeyError:
        raise ValueError('auth_strategy %r is not implemented' % strategy)

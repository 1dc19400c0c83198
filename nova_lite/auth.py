"""Authentication of nova-lite's HTTP services: who asks, as a RequestContext.

The Compute API and the image service share it; each leaves the
RequestContext in ``environ['nova.context']`` and answers a refusal in its
own error shape (the ``unauthorized`` callable each passes in).

Two strategies, named by ``[api] auth_strategy``:

``noauth`` (or Nova's name, ``noauth2``)
    Trust ``X-Auth-Token: <user>:<project>``; a bare token is both user and
    project. Every user is ``member`` and ``reader`` of its project, and
    the user ``admin`` is ``admin`` too, the roles Keystone's bootstrap
    makes (``admin`` implies ``member`` implies ``reader``), so the same
    policy defaults apply in both modes. For labs and tests only.

``keystone``
    keystonemiddleware's ``auth_token`` validates the token with Keystone
    (options in ``[keystone_authtoken]``) and leaves the identity in
    ``X-User-Id``, ``X-Project-Id``, ``X-Roles``, ``X-Service-Catalog``...;
    ``KeystoneContext`` turns those into the RequestContext, as Nova's
    ``NovaKeystoneContext`` does. A missing, malformed, expired or revoked
    token never gets past ``auth_token``: it answers 401 with
    ``WWW-Authenticate: Keystone uri="<www_authenticate_uri>"`` and
    Keystone's error body (``{"error": {"code": 401, "title":
    "Unauthorized", ...}}``), which is what Nova answers too.
"""

from oslo_log import log as logging
from oslo_middleware import request_id
from oslo_serialization import jsonutils
import webob.dec
import webob.exc

from nova_lite import context

LOG = logging.getLogger(__name__)

# NOTE: where the middleware leaves the RequestContext; both services'
# controllers read it from here, as Nova's do.
ENV_CONTEXT = 'nova.context'

NOAUTH = ('noauth', 'noauth2')
KEYSTONE = 'keystone'
STRATEGIES = NOAUTH + (KEYSTONE,)

ADMIN_USER = 'admin'
# NOTE: the roles Keystone's bootstrap creates, with its implications
# (admin -> member -> reader) already expanded, as a token lists them.
MEMBER_ROLES = ('member', 'reader')
ADMIN_ROLES = ('admin',) + MEMBER_ROLES

# NOTE: the catalog entries a RequestContext keeps: the services nova-lite
# calls on the user's behalf. The whole catalog would ride along on every
# RPC message for nothing.
CATALOG_SERVICE_TYPES = ('image', 'network', 'block-storage', 'volumev3')


def noauth_identity(token):
    """The ``(user_id, project_id, roles)`` a noauth token stands for.

    :param token: ``<user>:<project>``, or a bare ``<user>`` that is also
        the project.
    """
    user_id, _sep, project_id = token.partition(':')
    project_id = project_id or user_id
    roles = ADMIN_ROLES if user_id == ADMIN_USER else MEMBER_ROLES
    return user_id, project_id, list(roles)


def _request_ids(environ):
    """The request ids oslo.middleware's RequestId left in ``environ``."""
    return {'request_id': environ.get(request_id.ENV_REQUEST_ID),
            'global_request_id': environ.get(request_id.GLOBAL_REQ_ID)}


class _Middleware(object):
    """Calls ``application``; refuses with ``unauthorized(message)``."""

    def __init__(self, application, unauthorized):
        self.application = application
        self.unauthorized = unauthorized


class NoAuthMiddleware(_Middleware):
    """Trust the token; 401 when there is none."""

    @webob.dec.wsgify
    def __call__(self, req):
        token = req.headers.get('X-Auth-Token')
        if not token:
            # NOTE: Nova's noauth answers 204 with a made-up token here
            # (a relic of the v1.1 auth protocol); a plain 401 tells a
            # client what is missing, as keystone mode does.
            return self.unauthorized('Authentication required')
        user_id, project_id, roles = noauth_identity(token)
        # NOTE: is_admin None lets policy's context_is_admin decide, from
        # the roles, exactly as for a Keystone token.
        req.environ[ENV_CONTEXT] = context.RequestContext(
            user_id=user_id, project_id=project_id, roles=roles,
            is_admin=None, auth_token=token, **_request_ids(req.environ))
        return req.get_response(self.application)


class KeystoneContext(_Middleware):
    """The RequestContext from the headers ``auth_token`` set.

    It sits right behind keystonemiddleware's ``auth_token``, which has
    validated the token and replaced any identity header the client sent.
    """

    @webob.dec.wsgify
    def __call__(self, req):
        if req.headers.get('X-Identity-Status') != 'Confirmed':
            # NOTE: only with [keystone_authtoken] delay_auth_decision does
            # an unauthenticated request get this far.
            return self.unauthorized('Authentication required')
        try:
            catalog = _service_catalog(req.headers.get('X-Service-Catalog'))
        except ValueError:
            return webob.exc.HTTPInternalServerError(
                explanation='Invalid service catalog json.')
        ctx = context.RequestContext.from_environ(
            req.environ, is_admin=None, service_catalog=catalog)
        if ctx.user_id is None:
            LOG.debug('Neither X-User-Id nor X-User found in request')
            return self.unauthorized('Authentication required')
        req.environ[ENV_CONTEXT] = ctx
        return req.get_response(self.application)


def _service_catalog(header):
    """The entries of ``X-Service-Catalog`` a RequestContext keeps.

    :raises: ValueError when the header is not a JSON list.
    """
    if header is None:
        return []
    catalog = jsonutils.loads(header)
    if not isinstance(catalog, list):
        raise ValueError('the service catalog is not a list')
    return [entry for entry in catalog
            if isinstance(entry, dict) and
            entry.get('type') in CATALOG_SERVICE_TYPES]


def keystone_pipeline(application, unauthorized, conf):
    """``auth_token`` -> ``KeystoneContext`` -> ``application``.

    :param conf: the ConfigOpts holding ``[keystone_authtoken]``;
        auth_token registers its options there.
    """
    # NOTE: imported here so that the noauth services (and the compute
    # hosts, which serve no HTTP) do not load keystoneauth and oslo.cache.
    from keystonemiddleware import auth_token
    return auth_token.AuthProtocol(
        KeystoneContext(application, unauthorized),
        {'oslo_config_config': conf})


def pipeline(strategy, application, unauthorized, conf):
    """``application`` behind the authentication of ``strategy``.

    :param strategy: one of ``STRATEGIES``.
    :param unauthorized: ``unauthorized(message)`` -> the service's 401.
    :param conf: the ConfigOpts the keystone strategy reads.
    :returns: a WSGI application.
    :raises: ValueError for a strategy nova-lite does not implement.
    """
    if strategy in NOAUTH:
        return NoAuthMiddleware(application, unauthorized)
    if strategy == KEYSTONE:
        return keystone_pipeline(application, unauthorized, conf)
    raise ValueError('auth_strategy %r is not implemented' % strategy)


def middleware_factory(strategy, unauthorized, conf):
    """The middleware factory of a service for ``strategy``.

    Checked at once, so that a service with an unknown strategy fails at
    start-up rather than at its first request.

    :returns: ``factory(app)`` -> ``app`` behind authentication.
    :raises: ValueError for a strategy nova-lite does not implement.
    """
    if strategy not in STRATEGIES:
        raise ValueError('auth_strategy %r is not implemented' % strategy)

    def factory(application):
        return pipeline(strategy, application, unauthorized, conf)
    return factory

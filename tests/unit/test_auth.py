"""The shared authentication middleware: noauth tokens, the RequestContext
built from auth_token's headers, and the strategy selection."""

import json

from keystonemiddleware import auth_token
from oslo_middleware import request_id
import pytest
import webob
import webob.dec
import webob.exc

from nova_lite.api.openstack import wsgi as api_wsgi
from nova_lite import auth
from nova_lite import conf
from nova_lite.image.service import wsgi as image_wsgi

CONF = conf.CONF

CATALOG = [
    {'type': 'compute', 'name': 'nova',
     'endpoints': [{'url': 'http://127.0.0.1:8774/v2.1'}]},
    {'type': 'image', 'name': 'glance',
     'endpoints': [{'url': 'http://127.0.0.1:9292'}]},
    {'type': 'identity', 'name': 'keystone',
     'endpoints': [{'url': 'http://127.0.0.1:5000/v3'}]},
]


def _unauthorized(message):
    return webob.exc.HTTPUnauthorized(explanation='refused: %s' % message)


class _Seen(object):
    """An app that records the RequestContext it was called with."""

    def __init__(self):
        self.context = None

    @webob.dec.wsgify
    def __call__(self, req):
        self.context = req.environ[auth.ENV_CONTEXT]
        return webob.Response(status=200)


def _call(middleware, headers=None):
    req = webob.Request.blank('/v2.1/servers', headers=headers or {})
    req.environ[request_id.ENV_REQUEST_ID] = 'req-local'
    req.environ[request_id.GLOBAL_REQ_ID] = 'req-global'
    return req.get_response(middleware)


def test_both_services_read_the_context_where_auth_leaves_it():
    assert api_wsgi.ENV_CONTEXT == auth.ENV_CONTEXT
    assert image_wsgi.ENV_CONTEXT == auth.ENV_CONTEXT


# ---- noauth ----------------------------------------------------------------

@pytest.mark.parametrize('token, user, project, roles', [
    ('alice:proj1', 'alice', 'proj1', ['member', 'reader']),
    ('admin:proj1', 'admin', 'proj1', ['admin', 'member', 'reader']),
    ('bob', 'bob', 'bob', ['member', 'reader']),
    ('admin', 'admin', 'admin', ['admin', 'member', 'reader']),
    ('carol:', 'carol', 'carol', ['member', 'reader']),
])
def test_noauth_identity(token, user, project, roles):
    assert auth.noauth_identity(token) == (user, project, roles)


@pytest.mark.parametrize('token, is_admin', [
    ('alice:proj1', False),
    ('admin:proj1', True),
])
def test_noauth_middleware_builds_the_context(token, is_admin):
    app = _Seen()
    response = _call(auth.NoAuthMiddleware(app, _unauthorized),
                     {'X-Auth-Token': token})
    assert response.status_int == 200
    ctx = app.context
    assert ctx.is_admin is is_admin
    # NOTE: the token travels on, so the compute service can forward it
    # to the image service.
    assert ctx.auth_token == token
    assert (ctx.request_id, ctx.global_request_id) == ('req-local',
                                                       'req-global')


def test_noauth_middleware_refuses_a_missing_token():
    app = _Seen()
    response = _call(auth.NoAuthMiddleware(app, _unauthorized))
    assert response.status_int == 401
    assert 'refused: Authentication required' in response.text
    assert app.context is None


# ---- the context from auth_token's headers ---------------------------------

def _keystone_headers(**overrides):
    """The headers auth_token sets for a valid project-scoped token."""
    headers = {
        'X-Identity-Status': 'Confirmed',
        'X-Auth-Token': 'gAAAA-token',
        'X-User-Id': 'u-1', 'X-User-Name': 'alice',
        'X-User-Domain-Id': 'default', 'X-User-Domain-Name': 'Default',
        'X-Project-Id': 'p-1', 'X-Project-Name': 'project-a',
        'X-Project-Domain-Id': 'default',
        'X-Project-Domain-Name': 'Default',
        'X-Roles': 'member,reader',
        'X-Service-Catalog': json.dumps(CATALOG),
    }
    headers.update(overrides)
    return {k: v for k, v in headers.items() if v is not None}


def test_keystone_context_from_headers():
    app = _Seen()
    response = _call(auth.KeystoneContext(app, _unauthorized),
                     _keystone_headers())
    assert response.status_int == 200
    ctx = app.context
    assert (ctx.user_id, ctx.user_name) == ('u-1', 'alice')
    assert (ctx.project_id, ctx.project_name) == ('p-1', 'project-a')
    assert (ctx.user_domain_id, ctx.project_domain_id) == ('default',
                                                           'default')
    assert ctx.roles == ['member', 'reader']
    assert ctx.is_admin is False
    assert ctx.auth_token == 'gAAAA-token'
    assert (ctx.request_id, ctx.global_request_id) == ('req-local',
                                                       'req-global')
    # Only what nova-lite calls on the user's behalf rides along.
    assert [entry['type'] for entry in ctx.service_catalog] == ['image']


@pytest.mark.parametrize('roles, is_admin', [
    ('admin,member,manager,reader', True),
    ('admin', True),
    ('reader', False),
    ('', False),
])
def test_keystone_context_admin_follows_the_roles(roles, is_admin):
    app = _Seen()
    _call(auth.KeystoneContext(app, _unauthorized),
          _keystone_headers(**{'X-Roles': roles}))
    assert app.context.is_admin is is_admin


@pytest.mark.parametrize('overrides', [
    # What auth_token leaves for a bad token with delay_auth_decision.
    {'X-Identity-Status': 'Invalid', 'X-User-Id': None,
     'X-Project-Id': None},
    {'X-Identity-Status': None},
    {'X-User-Id': None},
])
def test_keystone_context_refuses_an_unconfirmed_identity(overrides):
    app = _Seen()
    response = _call(auth.KeystoneContext(app, _unauthorized),
                     _keystone_headers(**overrides))
    assert response.status_int == 401
    assert app.context is None


@pytest.mark.parametrize('catalog', ['not json', '{"type": "image"}'])
def test_keystone_context_bad_catalog_is_500(catalog):
    app = _Seen()
    response = _call(auth.KeystoneContext(app, _unauthorized),
                     _keystone_headers(**{'X-Service-Catalog': catalog}))
    assert response.status_int == 500
    assert app.context is None


def test_keystone_context_without_catalog():
    app = _Seen()
    _call(auth.KeystoneContext(app, _unauthorized),
          _keystone_headers(**{'X-Service-Catalog': None}))
    assert app.context.service_catalog == []


# ---- strategy selection ----------------------------------------------------

@pytest.mark.parametrize('strategy', ['noauth', 'noauth2'])
def test_noauth_strategies(strategy):
    app = _Seen()
    wrapped = auth.pipeline(strategy, app, _unauthorized, CONF)
    assert isinstance(wrapped, auth.NoAuthMiddleware)
    assert wrapped.application is app


def test_keystone_strategy_is_auth_token_then_context():
    app = _Seen()
    wrapped = auth.pipeline('keystone', app, _unauthorized, CONF)
    assert isinstance(wrapped, auth_token.AuthProtocol)
    inner = wrapped._app
    assert isinstance(inner, auth.KeystoneContext)
    assert inner.application is app
    assert inner.unauthorized is _unauthorized


@pytest.mark.parametrize('strategy', ['kerberos', '', None])
def test_unknown_strategy(strategy):
    with pytest.raises(ValueError):
        auth.pipeline(strategy, _Seen(), _unauthorized, CONF)

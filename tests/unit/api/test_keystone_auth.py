"""The Compute API with ``[api] auth_strategy = keystone``: auth_token's
answers and the personas' policy, through make_app() with token validation
faked by keystonemiddleware's own fixture."""

import datetime

import fixtures
from keystonemiddleware import auth_token
from keystonemiddleware import fixture as ksm_fixture
import pytest

from nova_lite import conf
from tests.unit.api import fakes

CONF = conf.CONF

WWW_AUTHENTICATE = 'http://keystone.test/identity'
PROJECT_A = 'a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0'
PROJECT_B = 'b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1'

# token -> (user, project, roles as a token lists them)
TOKENS = {
    'tok-member-a': ('member-a', PROJECT_A, ['member', 'reader']),
    'tok-reader-a': ('reader-a', PROJECT_A, ['reader']),
    'tok-member-b': ('member-b', PROJECT_B, ['member', 'reader']),
    'tok-admin': ('admin', 'admin-project',
                  ['admin', 'member', 'manager', 'reader']),
}


@pytest.fixture
def client(flags):
    fakes.init_conf()
    for group, opts in auth_token.list_opts():
        CONF.register_opts(opts, group=group)
    flags(auth_strategy='keystone', group='api')
    flags(www_authenticate_uri=WWW_AUTHENTICATE,
          group='keystone_authtoken')
    token_fixture = ksm_fixture.AuthTokenFixture()
    with fixtures.Fixture() as holder:
        holder.useFixture(token_fixture)
        for token_id, (user, project, roles) in TOKENS.items():
            token_fixture.add_token_data(
                token_id=token_id, user_id=user, user_name=user,
                project_id=project, project_name=project, role_list=roles,
                user_domain_id='default', project_domain_id='default')
        token_fixture.add_token_data(
            token_id='tok-expired', user_id='member-a',
            project_id=PROJECT_A, role_list=['member', 'reader'],
            expires=datetime.datetime(2020, 1, 1))
        yield fakes.Client()


def _record_context(client):
    seen = {}

    def get_all(context, **kwargs):
        seen['context'] = context
        return []
    client.compute_api.get_all.side_effect = get_all
    return seen


@pytest.mark.parametrize('token', [None, '', 'garbage', 'tok-expired'])
def test_bad_or_missing_token_is_401_with_www_authenticate(client, token):
    resp = client.request('/v2.1/servers', token=token)
    assert resp.status_int == 401
    assert resp.headers['WWW-Authenticate'] == (
        'Keystone uri="%s"' % WWW_AUTHENTICATE)
    # NOTE: auth_token's own body, what Nova answers too.
    assert resp.json['error']['code'] == 401
    assert resp.json['error']['title'] == 'Unauthorized'
    client.compute_api.get_all.assert_not_called()


def test_version_documents_need_no_token(client):
    assert client.request('/', token=None).status_int == 200
    assert client.request('/v2.1', token=None).status_int == 200


@pytest.mark.parametrize('token', sorted(TOKENS))
def test_context_from_the_token(client, token):
    seen = _record_context(client)
    resp = client.request('/v2.1/servers', token=token)
    assert resp.status_int == 200
    ctx = seen['context']
    user, project, roles = TOKENS[token]
    assert (ctx.user_id, ctx.project_id) == (user, project)
    assert sorted(ctx.roles) == sorted(roles)
    assert ctx.is_admin is ('admin' in roles)
    assert ctx.auth_token == token
    assert ctx.request_id == resp.headers['x-openstack-request-id']


def test_client_cannot_forge_identity_headers(client):
    seen = _record_context(client)
    resp = client.request('/v2.1/servers', token='tok-member-a',
                          headers={'X-Roles': 'admin',
                                   'X-Project-Id': PROJECT_B})
    assert resp.status_int == 200
    assert seen['context'].project_id == PROJECT_A
    assert seen['context'].is_admin is False


def test_reader_cannot_create(client):
    resp = client.request(
        '/v2.1/servers', method='POST', token='tok-reader-a',
        body={'server': {'name': 's', 'imageRef': fakes.IMAGE,
                         'flavorRef': '1'}})
    assert resp.status_int == 403
    assert resp.json == {'forbidden': {
        'code': 403,
        'message': "Policy doesn't allow os_compute_api:servers:create "
                   "to be performed."}}
    client.compute_api.create.assert_not_called()


@pytest.mark.parametrize('path, method, body, action', [
    ('/v2.1/flavors', 'POST',
     {'flavor': {'name': 'f', 'ram': 64, 'vcpus': 1, 'disk': 1}},
     'os_compute_api:os-flavor-manage:create'),
    ('/v2.1/os-services', 'GET', None, 'os_compute_api:os-services:list'),
    ('/v2.1/servers?all_tenants=1', 'GET', None,
     'os_compute_api:servers:index:get_all_tenants'),
])
def test_member_gets_403_on_admin_apis(client, path, method, body, action):
    resp = client.request(path, method=method, body=body,
                          token='tok-member-a')
    assert resp.status_int == 403
    assert resp.json == {'forbidden': {
        'code': 403,
        'message': "Policy doesn't allow %s to be performed." % action}}


@pytest.mark.parametrize('query, widened', [
    ('?all_tenants=1', True),
    ('', False),
])
def test_admin_lists_every_project_with_all_tenants(client, query, widened):
    seen = {}

    def get_all(context, search_opts=None, **kwargs):
        seen.update(context=context, search_opts=search_opts)
        return []
    client.compute_api.get_all.side_effect = get_all
    resp = client.request('/v2.1/servers' + query, token='tok-admin')
    assert resp.status_int == 200
    assert seen['context'].is_admin is True
    assert ('project_id' not in seen['search_opts']) is widened

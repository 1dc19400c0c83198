"""The image service's auth strategies: which one runs, and keystone mode
through make_app() with token validation faked by keystonemiddleware."""

import fixtures
from keystonemiddleware import auth_token
from keystonemiddleware import fixture as ksm_fixture
import pytest

from nova_lite import conf
from nova_lite.image.service import app as image_app
from nova_lite.image.service import auth
from tests.unit.image import conftest as image_conftest

CONF = conf.CONF

WWW_AUTHENTICATE = 'http://keystone.test/identity'


@pytest.mark.parametrize('api, image_service, expected', [
    ('noauth', None, 'noauth'),
    ('keystone', None, 'keystone'),
    ('keystone', 'noauth', 'noauth'),
    ('noauth2', 'keystone', 'keystone'),
])
def test_strategy_follows_the_api_unless_set(flags, api, image_service,
                                             expected):
    flags(auth_strategy=api, group='api')
    flags(auth_strategy=image_service, group='image_service')
    assert auth.strategy() == expected


def test_unknown_strategy():
    with pytest.raises(ValueError):
        auth.auth_middleware('kerberos')


def test_noauth_refusal_is_webob_401(client):
    response = client.get('/v2/images', token=None,
                          headers={'Accept': 'application/json'})
    assert response.status_int == 401
    assert response.json['code'] == '401 Unauthorized'
    assert 'Authentication required' in response.json['message']


@pytest.fixture
def keystone_client(image_database, flags, store_path):
    for group, opts in auth_token.list_opts():
        CONF.register_opts(opts, group=group)
    flags(store_path=str(store_path), group='image_service')
    flags(auth_strategy='keystone', group='api')
    flags(www_authenticate_uri=WWW_AUTHENTICATE,
          group='keystone_authtoken')
    token_fixture = ksm_fixture.AuthTokenFixture()
    with fixtures.Fixture() as holder:
        holder.useFixture(token_fixture)
        for token_id, project, roles in [
                ('tok-a', 'project-a', ['member', 'reader']),
                ('tok-b', 'project-b', ['member', 'reader']),
                ('tok-admin', 'admin', ['admin', 'member', 'reader'])]:
            token_fixture.add_token_data(
                token_id=token_id, user_id='user-' + token_id,
                project_id=project, role_list=roles)
        yield image_conftest.Client(image_app.make_app())


@pytest.mark.parametrize('token', [None, 'garbage'])
def test_keystone_bad_or_missing_token_is_401(keystone_client, token):
    response = keystone_client.get('/v2/images', token=token)
    assert response.status_int == 401
    assert response.headers['WWW-Authenticate'] == (
        'Keystone uri="%s"' % WWW_AUTHENTICATE)


def test_keystone_versions_need_no_token(keystone_client):
    assert keystone_client.get('/', token=None).status_int == 300


def test_keystone_projects_see_their_own_images(keystone_client):
    image = keystone_client.create(token='tok-a', name='private-a')
    assert image['owner'] == 'project-a'
    assert keystone_client.get('/v2/images/%s' % image['id'],
                               token='tok-b').status_int == 404
    assert keystone_client.get('/v2/images/%s' % image['id'],
                               token='tok-a').status_int == 200
    listed = keystone_client.get('/v2/images', token='tok-admin').json
    assert image['id'] in [i['id'] for i in listed['images']]

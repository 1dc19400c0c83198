"""nova-lite behind a real Keystone: ``[api] auth_strategy = keystone``.

The services run as real processes (api, conductor, scheduler, one fake
compute, the image service) on RabbitMQ and MariaDB, validating tokens
with the Keystone of tests/fixtures/keystone.py through keystonemiddleware.
The personas are Keystone's: a project member, a project reader, a member
of another project and the admin. The last tests drive the cloud with
python-novaclient and openstacksdk, through the catalog, as a user would.
"""

import uuid

import openstack
from novaclient import client as nova_client
from novaclient import exceptions as nova_exceptions
import pytest
import requests

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures import keystone as keystone_mod
from tests.fixtures.pytest_support import use_fixture

pytestmark = [pytest.mark.rabbitmq, pytest.mark.mysql]

BOOT_TIMEOUT = 90


@pytest.fixture(scope='module')
def cloud(base_tmp, keystone):
    with use_fixture(cloud_mod.MultiProcessCloud(
            str(base_tmp / 'keystone-cloud'), computes={'host-a': {}},
            image_service=True, keystone=keystone)) as cloud:
        yield cloud


def _client(cloud, keystone, user):
    """A Compute API client carrying a fresh Keystone token of ``user``."""
    return client_mod.ApiClient(cloud.endpoint,
                                project=keystone.project_id(user),
                                token=keystone.token(user))


def _image_request(cloud, method, path, token, **kwargs):
    headers = kwargs.pop('headers', {})
    if token:
        headers['X-Auth-Token'] = token
    return requests.request(method, cloud.image_endpoint + path,
                            headers=headers, timeout=30, **kwargs)


@pytest.fixture(scope='module')
def image_id(cloud, keystone):
    """A public active image in the image service, made by the admin."""
    token = keystone.token(keystone_mod.ADMIN)
    response = _image_request(cloud, 'POST', '/v2/images', token, json={
        'name': 'cirros-keystone', 'disk_format': 'raw',
        'container_format': 'bare', 'visibility': 'public'})
    assert response.status_code == 201, response.text
    image = response.json()
    response = _image_request(
        cloud, 'PUT', '/v2/images/%s/file' % image['id'], token,
        data=b'not really a disk', headers={
            'Content-Type': 'application/octet-stream'})
    assert response.status_code == 204, response.text
    return image['id']


@pytest.fixture(scope='module')
def member_a(cloud, keystone):
    return _client(cloud, keystone, keystone_mod.MEMBER_A)


@pytest.fixture(scope='module')
def server_of_a(member_a, image_id):
    """An ACTIVE server that member-a booted from the image service."""
    server = member_a.create_server('server-of-a', image=image_id)['server']
    server = member_a.wait_for_status(server['id'], 'ACTIVE',
                                      timeout=BOOT_TIMEOUT)
    yield server
    member_a.delete_server(server['id'], expected=(204, 404))
    member_a.wait_for_deleted(server['id'])


def _assert_401_with_www_authenticate(response, keystone):
    assert response.status_code == 401, response.text
    assert response.headers['WWW-Authenticate'] == (
        'Keystone uri="%s"' % keystone.auth_url)
    # NOTE: auth_token's body, as Nova answers it.
    assert response.json()['error']['code'] == 401


# ---- tokens ----------------------------------------------------------------

def test_no_token_is_401(cloud, keystone):
    client = client_mod.ApiClient(cloud.endpoint, token='unused')
    response = client.get('/servers', headers={'X-Auth-Token': None})
    _assert_401_with_www_authenticate(response, keystone)


def test_garbage_token_is_401(cloud, keystone):
    client = client_mod.ApiClient(cloud.endpoint,
                                  token='gAAAAA' + uuid.uuid4().hex)
    _assert_401_with_www_authenticate(client.get('/servers'), keystone)


def test_revoked_token_is_401(cloud, keystone):
    client = _client(cloud, keystone, keystone_mod.MEMBER_A)
    client.get('/servers', expected=200)
    keystone.revoke(client.token)
    assert not keystone.validate(client.token)
    _assert_401_with_www_authenticate(client.get('/servers'), keystone)


def test_version_documents_need_no_token(cloud):
    root = cloud.endpoint.rsplit('/', 1)[0]
    assert requests.get(root + '/', timeout=30).status_code == 200
    assert requests.get(cloud.endpoint, timeout=30).status_code == 200


# ---- personas --------------------------------------------------------------

def test_member_boots_and_sees_the_server(server_of_a, member_a, keystone):
    assert server_of_a['status'] == 'ACTIVE'
    assert server_of_a['tenant_id'] == keystone.project_id(
        keystone_mod.MEMBER_A)
    assert server_of_a['user_id'] == keystone.users[
        keystone_mod.MEMBER_A]['id']
    servers, _ = member_a.list_servers()
    assert server_of_a['id'] in {s['id'] for s in servers}


def test_other_project_gets_404_and_no_listing(cloud, keystone,
                                               server_of_a):
    member_b = _client(cloud, keystone, keystone_mod.MEMBER_B)
    response = member_b.get('/servers/%s' % server_of_a['id'],
                            expected=404)
    assert client_mod.fault_of(response)[0] == 'itemNotFound'
    member_b.delete('/servers/%s' % server_of_a['id'], expected=404)
    for detail in (False, True):
        servers, _ = member_b.list_servers(detail=detail)
        assert server_of_a['id'] not in {s['id'] for s in servers}


def test_reader_lists_but_cannot_change(cloud, keystone, server_of_a,
                                        image_id):
    reader = _client(cloud, keystone, keystone_mod.READER_A)
    servers, _ = reader.list_servers()
    assert server_of_a['id'] in {s['id'] for s in servers}
    assert reader.get_server(server_of_a['id'])['id'] == server_of_a['id']

    response = reader.post('/servers', json={'server': {
        'name': 'not-allowed', 'imageRef': image_id, 'flavorRef': '1',
        'networks': 'none'}}, expected=403)
    assert response.json() == {'forbidden': {
        'code': 403,
        'message': "Policy doesn't allow os_compute_api:servers:create "
                   "to be performed."}}
    response = reader.delete('/servers/%s' % server_of_a['id'],
                             expected=403)
    assert client_mod.fault_of(response)[0] == 'forbidden'


@pytest.mark.parametrize('method, path, body, action', [
    ('POST', '/flavors',
     {'flavor': {'name': 'nope', 'ram': 64, 'vcpus': 1, 'disk': 1}},
     'os_compute_api:os-flavor-manage:create'),
    ('GET', '/os-services', None, 'os_compute_api:os-services:list'),
])
def test_member_gets_403_on_admin_apis(member_a, method, path, body,
                                       action):
    response = member_a.request(method, path, json=body, expected=403)
    assert response.json() == {'forbidden': {
        'code': 403,
        'message': "Policy doesn't allow %s to be performed." % action}}


def test_admin_sees_all_with_all_tenants(cloud, server_of_a):
    services = cloud.admin.get('/os-services', expected=200).json()
    assert 'host-a' in {s['host'] for s in services['services']}
    mine, _ = cloud.admin.list_servers()
    assert server_of_a['id'] not in {s['id'] for s in mine}
    every, _ = cloud.admin.list_servers(params={'all_tenants': '1'})
    assert server_of_a['id'] in {s['id'] for s in every}
    assert cloud.admin.get_server(server_of_a['id'])['id'] == (
        server_of_a['id'])


# ---- the image service -----------------------------------------------------

def test_image_service_refuses_missing_and_bad_tokens(cloud, keystone):
    for token in (None, 'gAAAAA' + uuid.uuid4().hex):
        response = _image_request(cloud, 'GET', '/v2/images', token,
                                  headers={'Accept': 'application/json'})
        assert response.status_code == 401
        assert response.headers['WWW-Authenticate'] == (
            'Keystone uri="%s"' % keystone.auth_url)
    assert requests.get(cloud.image_endpoint + '/',
                        timeout=30).status_code == 300


def test_image_service_keeps_projects_apart(cloud, keystone, image_id):
    token_a = keystone.token(keystone_mod.MEMBER_A)
    token_b = keystone.token(keystone_mod.MEMBER_B)
    response = _image_request(cloud, 'POST', '/v2/images', token_a, json={
        'name': 'private-of-a', 'disk_format': 'raw',
        'container_format': 'bare'})
    assert response.status_code == 201, response.text
    private = response.json()
    assert private['owner'] == keystone.project_id(keystone_mod.MEMBER_A)
    path = '/v2/images/%s' % private['id']
    assert _image_request(cloud, 'GET', path, token_b).status_code == 404
    listed = _image_request(cloud, 'GET', '/v2/images', token_b).json()
    ids = {image['id'] for image in listed['images']}
    assert private['id'] not in ids
    assert image_id in ids
    assert _image_request(cloud, 'DELETE', path, token_a).status_code == 204


def test_boot_from_a_private_image_forwards_the_token(cloud, keystone):
    """The compute API looks the image up with the caller's token, so a
    project's private image boots for that project only."""
    token_a = keystone.token(keystone_mod.MEMBER_A)
    response = _image_request(cloud, 'POST', '/v2/images', token_a, json={
        'name': 'bootable-of-a', 'disk_format': 'raw',
        'container_format': 'bare'})
    assert response.status_code == 201, response.text
    private = response.json()
    response = _image_request(
        cloud, 'PUT', '/v2/images/%s/file' % private['id'], token_a,
        data=b'private disk', headers={
            'Content-Type': 'application/octet-stream'})
    assert response.status_code == 204, response.text

    member_b = _client(cloud, keystone, keystone_mod.MEMBER_B)
    response = member_b.post('/servers', json={'server': {
        'name': 'not-mine', 'imageRef': private['id'], 'flavorRef': '1',
        'networks': 'none'}}, expected=400)
    assert response.json()['badRequest']['message'] == (
        'Can not find requested image')

    member_a = _client(cloud, keystone, keystone_mod.MEMBER_A)
    server = member_a.create_server('from-private', image=private['id'])
    server_id = server['server']['id']
    try:
        member_a.wait_for_status(server_id, 'ACTIVE', timeout=BOOT_TIMEOUT)
    finally:
        member_a.delete_server(server_id, expected=(204, 404))
        member_a.wait_for_deleted(server_id)


# ---- clients ---------------------------------------------------------------

def _wait(predicate, message):
    return client_mod.wait_for(predicate, BOOT_TIMEOUT, 0.5, message)


def test_novaclient_through_keystone(cloud, keystone, image_id):
    nova = nova_client.Client(
        '2.1', session=keystone.session(keystone_mod.MEMBER_A))
    assert '1' in {flavor.id for flavor in nova.flavors.list()}
    server = nova.servers.create('novaclient-server', image=image_id,
                                 flavor='1')
    try:
        active = _wait(lambda: nova.servers.get(server.id).status == 'ACTIVE'
                       and nova.servers.get(server.id),
                       'novaclient server to be ACTIVE')
        assert active.tenant_id == keystone.project_id(keystone_mod.MEMBER_A)
        assert server.id in {s.id for s in nova.servers.list()}
    finally:
        nova.servers.delete(server.id)

    def gone():
        try:
            nova.servers.get(server.id)
        except nova_exceptions.NotFound:
            return True
        return False
    _wait(gone, 'novaclient server to be deleted')


def test_openstacksdk_through_keystone(cloud, keystone, image_id):
    conn = openstack.connect(load_yaml_config=False, load_envvars=False,
                             **keystone.connect_kwargs(keystone_mod.MEMBER_A))
    try:
        assert '1' in {flavor.id for flavor in conn.compute.flavors()}
        server = conn.compute.create_server(
            name='sdk-server', image_id=image_id, flavor_id='1',
            networks='none')
        try:
            server = conn.compute.wait_for_server(server, status='ACTIVE',
                                                  wait=BOOT_TIMEOUT)
            assert server.project_id == keystone.project_id(
                keystone_mod.MEMBER_A)
            assert server.id in {s.id for s in conn.compute.servers()}
        finally:
            conn.compute.delete_server(server)
        conn.compute.wait_for_delete(server, wait=BOOT_TIMEOUT)
    finally:
        conn.close()

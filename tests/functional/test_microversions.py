"""Microversions up to 2.100 across real processes (api, conductor,
scheduler and two fake-driver computes on RabbitMQ and MariaDB), through
python-novaclient at its maximum (2.96) and through plain HTTP at 2.100.
"""

from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
from novaclient import client as nova_client
import pytest
import requests

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures.pytest_support import use_fixture

pytestmark = [pytest.mark.rabbitmq, pytest.mark.mysql]

HOST = {'fake_driver': {'vcpus': 16, 'memory_mb': 8192, 'local_gb': 1024}}
TIMEOUT = 60
NOVACLIENT_MAX = '2.96'


@pytest.fixture(scope='module')
def cloud(base_tmp):
    with use_fixture(cloud_mod.MultiProcessCloud(
            str(base_tmp / 'microversions'), backend='mysql',
            computes={'host-a': HOST, 'host-b': HOST})) as cloud:
        yield cloud


def _client(cloud, version, admin=False):
    client = client_mod.ApiClient(cloud.client.endpoint,
                                  microversion=version)
    return client.admin() if admin else client


@pytest.fixture
def servers(cloud):
    """Server ids to delete after the test."""
    created = []
    yield created
    admin = _client(cloud, '2.1', admin=True)
    for server_id in created:
        admin.delete_server(server_id, expected=(204, 404))
    for server_id in created:
        admin.wait_for_deleted(server_id, timeout=TIMEOUT)


def _novaclient(cloud, user='demo'):
    endpoint = cloud.client.endpoint
    session = ks_session.Session(auth=token_endpoint.Token(
        endpoint, '%s:%s' % (user, user)))
    return nova_client.Client(NOVACLIENT_MAX, session=session,
                              endpoint_override=endpoint)


def test_version_document_advertises_2_100(cloud):
    root = cloud.client.endpoint.rsplit('/v2.1', 1)[0] + '/'
    versions = requests.get(root, timeout=10).json()['versions']
    # NOTE: the legacy v2.0 first, as Nova: no microversions there.
    assert [v['version'] for v in versions] == ['', '2.100']
    resp = _client(cloud, 'latest').get('/flavors', expected=200)
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.100'
    _client(cloud, '2.101').get('/flavors', expected=406)


def test_novaclient_2_96_pinned_availability_zone(cloud, servers):
    nova = _novaclient(cloud)
    image = client_mod.TEST_IMAGE
    pinned = nova.servers.create('mv-pinned', image, '1', nics='none',
                                 availability_zone='nova')
    servers.append(pinned.id)
    unpinned = nova.servers.create('mv-unpinned', image, '1', nics='none')
    servers.append(unpinned.id)
    for server_id in servers:
        cloud.client.wait_for_status(server_id, 'ACTIVE', timeout=TIMEOUT)

    assert nova.servers.get(pinned.id).pinned_availability_zone == 'nova'
    assert nova.servers.get(unpinned.id).pinned_availability_zone is None
    listed = {s.id: s for s in nova.servers.list(detailed=True)}
    assert listed[pinned.id].pinned_availability_zone == 'nova'
    assert listed[unpinned.id].pinned_availability_zone is None
    assert listed[pinned.id].status == 'ACTIVE'

    nova.servers.delete(pinned.id)
    cloud.client.wait_for_deleted(pinned.id, timeout=TIMEOUT)
    assert pinned.id not in {s.id for s in nova.servers.list()}


def test_create_and_show_at_2_100(cloud, servers):
    client = _client(cloud, '2.100')
    body = {'server': {'name': 'mv-hints', 'imageRef': client_mod.TEST_IMAGE,
                       'flavorRef': '1', 'networks': 'none',
                       'hostname': 'web-1.example.org', 'tags': ['blue']},
            'os:scheduler_hints': {'owner_team': 'storage'}}
    server_id = client.post('/servers', json=body,
                            expected=202).json()['server']['id']
    servers.append(server_id)
    client.wait_for_status(server_id, 'ACTIVE', timeout=TIMEOUT)

    server = client.get_server(server_id)
    assert server['scheduler_hints'] == {'owner_team': ['storage']}
    assert server['OS-EXT-SRV-ATTR:hostname'] == 'web-1.example.org'
    assert server['tags'] == ['blue']
    assert server['pinned_availability_zone'] is None
    assert server['locked_reason'] is None
    assert server['trusted_image_certificates'] is None
    assert isinstance(server['image']['properties'], dict)
    detail, _pages = client.list_servers(detail=True)
    assert {s['id']: s for s in detail}[server_id]['scheduler_hints'] == {
        'owner_team': ['storage']}

    older = _client(cloud, '2.99').get_server(server_id)
    assert 'scheduler_hints' not in older
    assert 'properties' in older['image']
    assert 'properties' not in _client(cloud, '2.97').get_server(
        server_id)['image']

    # 2.90 hostname update; 2.75 the answer is the full server.
    resp = client.request('PUT', '/servers/%s' % server_id,
                          json={'server': {'hostname': 'web-2'}},
                          expected=200).json()['server']
    assert resp['OS-EXT-SRV-ATTR:hostname'] == 'web-2'
    assert resp['scheduler_hints'] == {'owner_team': ['storage']}
    _client(cloud, '2.93').request(
        'PUT', '/servers/%s' % server_id,
        json={'server': {'hostname': 'a.b'}}, expected=400)


def test_requested_host_at_2_74(cloud, servers):
    admin = _client(cloud, '2.74', admin=True)
    for host in ('host-b', 'host-a'):
        server_id = admin.create_server('mv-on-%s' % host,
                                        host=host)['server']['id']
        servers.append(server_id)
        admin.wait_for_status(server_id, 'ACTIVE', timeout=TIMEOUT)
        assert admin.get_server(server_id)['OS-EXT-SRV-ATTR:host'] == host
    resp = admin.create_server('mv-nowhere', host='no-such-host',
                               expected=400)
    assert resp['badRequest']['message'] == (
        'Compute host no-such-host could not be found.')
    _client(cloud, '2.74').create_server('mv-member', host='host-a',
                                         expected=403)
    _client(cloud, '2.73', admin=True).create_server(
        'mv-old', host='host-a', expected=400)


def test_instance_actions_paging_and_event_fields(cloud, servers):
    client = _client(cloud, '2.84')
    server_id = client.create_server('mv-actions')['server']['id']
    servers.append(server_id)
    client.wait_for_status(server_id, 'ACTIVE', timeout=TIMEOUT)
    client.post('/servers/%s/action' % server_id, json={'os-stop': None},
                expected=202)
    client.wait_for_status(server_id, 'SHUTOFF', timeout=TIMEOUT)

    path = '/servers/%s/os-instance-actions' % server_id
    page = client.get(path, params={'limit': 1}, expected=200).json()
    assert [a['action'] for a in page['instanceActions']] == ['stop']
    assert page['instanceActions'][0]['updated_at']
    next_page = client.get(page['links'][0]['href'], expected=200).json()
    assert [a['action'] for a in next_page['instanceActions']] == ['create']
    create_req = next_page['instanceActions'][0]['request_id']

    events = client.get('%s/%s' % (path, create_req), expected=200).json()[
        'instanceAction']['events']
    compute_events = [e for e in events if e['event'].startswith('compute')]
    assert compute_events and all(len(e['hostId']) == 56
                                  for e in compute_events)
    assert all('hostId' in e and 'details' in e and 'host' not in e
               for e in events)
    client.get(path, params={'marker': 'req-nope'}, expected=400)
    _client(cloud, '2.65').get(
        path, params={'changes-before': '2030-01-01T00:00:00Z'},
        expected=400)
    assert _client(cloud, '2.66').get(
        path, params={'changes-before': '2000-01-01T00:00:00Z'},
        expected=200).json()['instanceActions'] == []


def test_flavor_description_and_keypair_import(cloud):
    admin = _client(cloud, '2.61', admin=True)
    flavor = admin.post('/flavors', json={'flavor': {
        'name': 'mv-flavor', 'ram': 256, 'vcpus': 1, 'disk': 1,
        'description': 'before'}}, expected=200).json()['flavor']
    try:
        assert flavor['description'] == 'before'
        assert flavor['extra_specs'] == {}
        updated = admin.request(
            'PUT', '/flavors/%s' % flavor['id'],
            json={'flavor': {'description': 'after'}},
            expected=200).json()['flavor']
        assert updated['description'] == 'after'
        shown = _client(cloud, '2.75').get(
            '/flavors/%s' % flavor['id'], expected=200).json()['flavor']
        assert shown['description'] == 'after' and shown['swap'] == 0
    finally:
        admin.delete('/flavors/%s' % flavor['id'], expected=202)

    client = _client(cloud, '2.92')
    client.post('/os-keypairs', json={'keypair': {'name': 'mv-gen'}},
                expected=400)
    public_key = client_mod.ApiClient(
        cloud.client.endpoint, microversion='2.91').post(
        '/os-keypairs', json={'keypair': {'name': 'mv-gen'}},
        expected=201).json()['keypair']['public_key']
    client.delete('/os-keypairs/mv-gen', expected=204)
    imported = client.post('/os-keypairs', json={'keypair': {
        'name': 'me@mv.example', 'public_key': public_key}},
        expected=201).json()['keypair']
    assert imported['type'] == 'ssh' and 'private_key' not in imported
    client.delete('/os-keypairs/me@mv.example', expected=204)

"""Resize (confirm, revert, auto-confirm) and rebuild across real processes:
api, conductor, scheduler and two fake-driver computes on RabbitMQ and
MariaDB, driven over HTTP and read back through the server, the
hypervisors' usage and os-instance-actions.
"""

import base64

import pytest

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures import images as images_mod
from tests.fixtures.pytest_support import use_fixture

pytestmark = [pytest.mark.rabbitmq, pytest.mark.mysql]

# NOTE: small delays, so that a second request surely meets the first
# one's task state.
HOST = {'fake_driver': {'vcpus': 16, 'memory_mb': 8192, 'local_gb': 1024,
                        'power_action_delay': 0.2, 'spawn_delay': 0.3}}
TIMEOUT = 60
HOSTS = ('host-a', 'host-b')
# m1.tiny and m1.small of ``nova-lite-manage bootstrap``.
TINY, SMALL = '1', '2'
TINY_MB, SMALL_MB = 512, 2048


@pytest.fixture(scope='module')
def cloud(base_tmp):
    with use_fixture(cloud_mod.MultiProcessCloud(
            str(base_tmp / 'resize-rebuild'), backend='mysql',
            computes={host: HOST for host in HOSTS},
            conf={'DEFAULT': {'shutdown_timeout': 0}})) as cloud:
        yield cloud


@pytest.fixture
def server(cloud):
    """An ACTIVE m1.tiny server of the demo project, deleted afterwards."""
    with client_mod.active_server(cloud.client, 'resizable', TIMEOUT,
                                  flavor=TINY) as server_id:
        yield server_id


_act = client_mod.act


def _wait_settled(client, server_id, status):
    return client_mod.wait_settled(client, server_id, status, TIMEOUT,
                                   fail_on_error=True)


def _host(cloud, server_id):
    return cloud.admin.get_server(server_id)['OS-EXT-SRV-ATTR:host']


def _memory_used(cloud):
    """{host: memory_mb_used} of every hypervisor."""
    hypervisors = cloud.admin.get('/os-hypervisors/detail').json()[
        'hypervisors']
    return {h['service']['host']: h['memory_mb_used'] for h in hypervisors}


def _wait_memory(cloud, expected):
    return client_mod.wait_for(
        lambda: _memory_used(cloud) == expected, TIMEOUT,
        message='hypervisor usage %s (now %s)' % (expected,
                                                  _memory_used(cloud)))


def _action_events(cloud, server_id, action):
    """{event: result} of the newest ``action`` once all have finished."""
    events = client_mod.finished_action_events(cloud.admin, server_id,
                                               action, timeout=TIMEOUT)
    return {e['event']: e['result'] for e in events}


def _fault(response):
    name, fault = client_mod.fault_of(response)
    return name, fault['message']


def _other(host):
    return HOSTS[1 - HOSTS.index(host)]


# ---- resize and confirm -----------------------------------------------------

def test_resize_confirm_moves_the_server(cloud, server):
    client = cloud.client
    source = _host(cloud, server)
    dest = _other(source)
    _wait_memory(cloud, {source: TINY_MB, dest: 0})

    _act(client, server, {'resize': {'flavorRef': SMALL}})
    shown = _wait_settled(client, server, 'VERIFY_RESIZE')
    assert shown['OS-EXT-STS:vm_state'] == 'resized'
    assert shown['flavor']['original_name'] == 'm1.small'
    assert shown['progress'] == 100
    assert _host(cloud, server) == dest
    # NOTE: until the confirm the source still holds the old size (for
    # the migration), the destination the new one.
    _wait_memory(cloud, {source: TINY_MB, dest: SMALL_MB})
    assert _action_events(cloud, server, 'resize') == {
        'conductor_migrate_server': 'Success',
        'compute_prep_resize': 'Success',
        'compute_resize_instance': 'Success',
        'compute_finish_resize': 'Success'}

    # Nova answers the confirm with 204.
    response = _act(client, server, {'confirmResize': None}, expected=204)
    assert response.text == ''
    shown = _wait_settled(client, server, 'ACTIVE')
    assert shown['flavor']['original_name'] == 'm1.small'
    assert shown['OS-EXT-STS:power_state'] == 1
    assert _host(cloud, server) == dest
    _wait_memory(cloud, {source: 0, dest: SMALL_MB})
    assert _action_events(cloud, server, 'confirmResize') == {
        'compute_confirm_resize': 'Success'}

    # A second confirm finds nothing to confirm: the server is ACTIVE.
    response = _act(client, server, {'confirmResize': None}, expected=409)
    assert client_mod.fault_of(response)[0] == 'conflictingRequest'

    # The migration as os-migrations shows it, per microversion.
    admin = client_mod.ApiClient(cloud.endpoint, 'admin', 'admin',
                                 microversion='2.80')
    migrations = admin.get('/os-migrations', params={
        'instance_uuid': server}).json()['migrations']
    assert len(migrations) == 1
    migration = migrations[0]
    assert (migration['status'], migration['migration_type'],
            migration['source_compute'], migration['dest_compute'],
            migration['user_id'], migration['project_id']) == (
        'confirmed', 'resize', source, dest, 'demo', 'demo')
    assert migration['old_instance_type_id'] != (
        migration['new_instance_type_id'])
    page = admin.get('/os-migrations', params={'limit': 1}).json()
    assert len(page['migrations']) == 1
    assert page['migrations_links'][0]['rel'] == 'next'
    assert 'marker=%s' % page['migrations'][0]['uuid'] in (
        page['migrations_links'][0]['href'])
    old = cloud.admin.get('/os-migrations', headers={
        'OpenStack-API-Version': 'compute 2.1'}).json()['migrations']
    assert 'migration_type' not in old[0] and 'uuid' not in old[0]
    _fault_name = client_mod.fault_of(
        client.get('/os-migrations', expected=403))[0]
    assert _fault_name == 'forbidden'
    admin.get('/os-migrations', params={'marker': 'nope'}, expected=400)
    assert admin.get('/servers/%s/migrations' % server).json() == {
        'migrations': []}
    cloud.admin.get('/servers/%s/migrations' % server, headers={
        'OpenStack-API-Version': 'compute 2.22'}, expected=404)


def test_resize_revert_goes_back(cloud, server):
    client = cloud.client
    source = _host(cloud, server)
    dest = _other(source)
    _act(client, server, {'resize': {'flavorRef': SMALL}})
    _wait_settled(client, server, 'VERIFY_RESIZE')
    _wait_memory(cloud, {source: TINY_MB, dest: SMALL_MB})

    _act(client, server, {'revertResize': None})
    shown = _wait_settled(client, server, 'ACTIVE')
    assert shown['flavor']['original_name'] == 'm1.tiny'
    assert shown['OS-EXT-STS:power_state'] == 1
    assert _host(cloud, server) == source
    _wait_memory(cloud, {source: TINY_MB, dest: 0})
    assert _action_events(cloud, server, 'revertResize') == {
        'compute_revert_resize': 'Success',
        'compute_finish_revert_resize': 'Success'}
    console = client.post('/servers/%s/action' % server,
                          json={'os-getConsoleOutput': {}},
                          expected=200).json()['output']
    assert console.count('NOVA-LITE-GUEST-READY') >= 1


def test_resize_of_a_stopped_server_stays_stopped(cloud, server):
    client = cloud.client
    _act(client, server, {'os-stop': None})
    _wait_settled(client, server, 'SHUTOFF')
    _act(client, server, {'resize': {'flavorRef': SMALL}})
    shown = _wait_settled(client, server, 'VERIFY_RESIZE')
    assert shown['OS-EXT-STS:power_state'] == 4
    _act(client, server, {'confirmResize': None}, expected=204)
    shown = _wait_settled(client, server, 'SHUTOFF')
    assert shown['OS-EXT-STS:vm_state'] == 'stopped'
    assert shown['flavor']['original_name'] == 'm1.small'


# ---- refusals ---------------------------------------------------------------

def test_resize_refusals(cloud, server):
    client = cloud.client
    source = _host(cloud, server)

    response = _act(client, server, {'resize': {'flavorRef': TINY}},
                    expected=400)
    assert _fault(response) == (
        'badRequest', 'When resizing, instances must change flavor!')
    response = _act(client, server, {'resize': {'flavorRef': 'nope'}},
                    expected=400)
    assert client_mod.fault_of(response)[0] == 'badRequest'
    _act(client, server, {'resize': {}}, expected=400)
    _act(client, server, {'resize': {'flavorRef': SMALL, 'x': 1}},
         expected=400)
    other = client.as_user('eve', 'other')
    response = _act(other, server, {'resize': {'flavorRef': SMALL}},
                    expected=404)
    assert client_mod.fault_of(response)[0] == 'itemNotFound'
    # Nothing to confirm or revert on an ACTIVE server.
    for action in ('confirmResize', 'revertResize'):
        response = _act(client, server, {action: None}, expected=409)
        assert client_mod.fault_of(response)[0] == 'conflictingRequest'

    # No host holds 16 GiB: 400 in Nova's words, the server as before
    # and the conductor's event in error.
    response = _act(client, server, {'resize': {'flavorRef': '5'}},
                    expected=400)
    name, message = _fault(response)
    assert name == 'badRequest'
    assert message.startswith('No valid host was found.')
    shown = client.get_server(server)
    assert (shown['status'], shown['OS-EXT-STS:task_state']) == (
        'ACTIVE', None)
    assert _host(cloud, server) == source
    assert _action_events(cloud, server, 'resize') == {
        'conductor_migrate_server': 'Error'}
    _wait_memory(cloud, {source: TINY_MB, _other(source): 0})

    # While a resize is under way every other action is refused.
    _act(client, server, {'resize': {'flavorRef': SMALL}})
    response = _act(client, server, {'resize': {'flavorRef': '3'}},
                    expected=409)
    assert client_mod.fault_of(response)[0] == 'conflictingRequest'
    _act(client, server, {'os-stop': None}, expected=409)
    _wait_settled(client, server, 'VERIFY_RESIZE')
    _act(client, server, {'revertResize': None})
    _wait_settled(client, server, 'ACTIVE')


def test_resize_of_a_locked_server_is_refused(cloud, server):
    client = cloud.client
    _act(client, server, {'lock': None})
    response = _act(client, server, {'resize': {'flavorRef': SMALL}},
                    expected=409)
    assert client_mod.fault_of(response)[0] == 'conflictingRequest'
    _act(client, server, {'unlock': None})


# ---- rebuild ----------------------------------------------------------------

@pytest.fixture(scope='module')
def second_image(cloud):
    return images_mod.create_image(
        cloud.image_endpoint, data=b'second image\n' * 16,
        name='second-image', disk_format='qcow2', container_format='bare',
        visibility='public')


def test_rebuild_at_2_57(cloud, server, second_image):
    client = client_mod.ApiClient(cloud.endpoint, 'demo', 'demo',
                                  microversion='2.57')
    user_data = base64.b64encode(b'#!/bin/sh\necho rebuilt\n').decode()
    body = {'rebuild': {'imageRef': second_image['id'], 'name': 'rebuilt',
                        'metadata': {'role': 'db'}, 'user_data': user_data,
                        'adminPass': 'Secret-123'}}
    rebuilt = _act(client, server, body).json()['server']
    assert rebuilt['id'] == server
    assert rebuilt['name'] == 'rebuilt'
    assert rebuilt['image']['id'] == second_image['id']
    assert rebuilt['metadata'] == {'role': 'db'}
    assert rebuilt['status'] == 'REBUILD'
    assert rebuilt['adminPass'] == 'Secret-123'

    shown = _wait_settled(client, server, 'ACTIVE')
    assert shown['image']['id'] == second_image['id']
    assert shown['name'] == 'rebuilt'
    admin = cloud.admin.get('/servers/%s' % server, headers={
        'OpenStack-API-Version': 'compute 2.57'}).json()['server']
    assert admin['OS-EXT-SRV-ATTR:user_data'] == user_data
    assert _action_events(cloud, server, 'rebuild') == {
        'compute_rebuild_instance': 'Success'}

    # personality is gone from 2.57; user_data is unknown before it.
    _act(client, server, {'rebuild': {'imageRef': second_image['id'],
                                      'personality': []}}, expected=400)
    old = client_mod.ApiClient(cloud.endpoint, 'demo', 'demo',
                               microversion='2.56')
    _act(old, server, {'rebuild': {'imageRef': second_image['id'],
                                   'user_data': user_data}}, expected=400)


def test_rebuild_refusals(cloud, server):
    client = cloud.client
    response = _act(client, server, {'rebuild': {
        'imageRef': '00000000-0000-0000-0000-000000000000'}}, expected=400)
    assert _fault(response) == (
        'badRequest', 'Cannot find image for rebuild')
    _act(client, server, {'rebuild': {}}, expected=400)
    other = client.as_user('eve', 'other')
    _act(other, server, {'rebuild': {'imageRef': images_mod.TEST_IMAGE}},
         expected=404)
    # A rebuild under way refuses a second one.
    _act(client, server, {'rebuild': {'imageRef': images_mod.TEST_IMAGE}})
    response = _act(client, server, {'rebuild': {
        'imageRef': images_mod.TEST_IMAGE}}, expected=409)
    assert client_mod.fault_of(response)[0] == 'conflictingRequest'
    _wait_settled(client, server, 'ACTIVE')


# ---- auto-confirm (last: restarts a compute) --------------------------------

def test_resize_is_confirmed_after_the_window(cloud, server):
    client = cloud.client
    source = _host(cloud, server)
    dest = _other(source)
    _act(client, server, {'resize': {'flavorRef': SMALL}})
    _wait_settled(client, server, 'VERIFY_RESIZE')
    # NOTE: the destination looks for old resizes; 1 s is long past by
    # the time it is back.
    cloud.restart_compute(dest, dict(
        HOST, DEFAULT={'resize_confirm_window': 1}))
    shown = _wait_settled(client, server, 'ACTIVE')
    assert shown['flavor']['original_name'] == 'm1.small'
    _wait_memory(cloud, {source: 0, dest: SMALL_MB})
    assert _action_events(cloud, server, 'confirmResize') == {
        'compute_confirm_resize': 'Success'}

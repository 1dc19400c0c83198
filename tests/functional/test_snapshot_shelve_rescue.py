"""createImage, shelve/unshelve, rescue/unrescue and soft delete with
restore and forceDelete across real processes (api, conductor,
scheduler, two fake-driver computes, the image service) on RabbitMQ and
MariaDB, driven over HTTP.

host-a is large, so the scheduler puts the demo user's servers there; it
offloads shelved servers at once and never reclaims within a test.
host-b keeps shelved guests (``shelved_offload_time = -1``) and reclaims
soft deleted servers after 2 s; admins force servers onto it.
"""

import pytest
import requests

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures import images as images_mod
from tests.fixtures.pytest_support import use_fixture

pytestmark = [pytest.mark.rabbitmq, pytest.mark.mysql]

HOST_A = {'fake_driver': {'vcpus': 64, 'memory_mb': 65536, 'local_gb': 1024,
                          'power_action_delay': 0.2},
          'DEFAULT': {'reclaim_instance_interval': 3600,
                      'shelved_offload_time': 0}}
HOST_B = {'fake_driver': {'vcpus': 4, 'memory_mb': 2048, 'local_gb': 100,
                          'power_action_delay': 0.2},
          'DEFAULT': {'reclaim_instance_interval': 2,
                      'shelved_offload_time': -1}}
TIMEOUT = 60


@pytest.fixture(scope='module')
def cloud(base_tmp):
    with use_fixture(cloud_mod.MultiProcessCloud(
            str(base_tmp / 'snapshot-shelve-rescue'), backend='mysql',
            computes={'host-a': HOST_A, 'host-b': HOST_B},
            conf={'DEFAULT': {'shutdown_timeout': 0,
                              'reclaim_instance_interval': 3600}})) as cloud:
        yield cloud


_act = client_mod.act


def _settled(client, server_id, status, timeout=TIMEOUT):
    return client_mod.wait_settled(client, server_id, status, timeout)


def _force_delete(client, server_id):
    """Delete for good (a plain DELETE only soft deletes here)."""
    def gone():
        response = _act(client, server_id, {'forceDelete': None},
                        expected=(202, 404, 409))
        return response.status_code in (202, 404)
    client_mod.wait_for(gone, TIMEOUT, interval=0.5,
                        message='forceDelete of %s' % server_id)
    client.wait_for_deleted(server_id, timeout=TIMEOUT)


def _boot(client, name, **extra):
    server_id = client.create_server(name, **extra)['server']['id']
    client.wait_for_status(server_id, 'ACTIVE', timeout=TIMEOUT)
    return server_id


@pytest.fixture
def server(cloud):
    """An ACTIVE server of the demo project on host-a."""
    server_id = _boot(cloud.client, 'ssr')
    yield server_id
    _force_delete(cloud.admin, server_id)


@pytest.fixture
def server_b(cloud):
    """An ACTIVE server of the admin project forced onto host-b."""
    server_id = _boot(cloud.admin, 'ssr-b', availability_zone='nova:host-b')
    yield server_id
    _force_delete(cloud.admin, server_id)


def _image(cloud, image_id, token='demo:demo', expected=200):
    response = requests.get(cloud.image_endpoint + '/v2/images/%s'
                            % image_id, headers={'X-Auth-Token': token},
                            timeout=30)
    assert response.status_code == expected, response.text
    return response.json() if expected == 200 else None


def _active_image(cloud, image_id):
    return client_mod.wait_for(
        lambda: (lambda i: i if i['status'] == 'active' else None)(
            _image(cloud, image_id)),
        TIMEOUT, message='image %s to be active' % image_id)


def _events(client, server_id, action):
    """The finished events of the server's newest ``action``."""
    events = client_mod.finished_action_events(
        client, server_id, action, reader=client.admin(), timeout=TIMEOUT)
    return [(e['event'], e['result']) for e in events]


def _vcpus_used(cloud, host):
    hypervisors = cloud.admin.get('/os-hypervisors/detail').json()[
        'hypervisors']
    return next(h['vcpus_used'] for h in hypervisors
                if h['hypervisor_hostname'] == host)


# ---- createImage -----------------------------------------------------------

def test_create_image_then_boot_from_it(cloud, server):
    client = cloud.client
    response = _act(client, server,
                    {'createImage': {'name': 'snap-1',
                                     'metadata': {'meta_var': 'meta_val'}}},
                    headers={'OpenStack-API-Version': 'compute 2.45'})
    assert 'Location' not in response.headers
    image_id = response.json()['image_id']
    image = _active_image(cloud, image_id)
    assert image['name'] == 'snap-1'
    assert image['visibility'] == 'private'
    assert image['owner'] == 'demo'
    assert (image['image_type'], image['instance_uuid'], image['user_id'],
            image['base_image_ref'], image['meta_var']) == (
        'snapshot', server, 'demo', images_mod.TEST_IMAGE, 'meta_val')
    assert image['size'] > 0
    assert _settled(client, server, 'ACTIVE')['progress'] == 100
    assert _events(client, server, 'createImage') == [
        ('compute_snapshot_instance', 'Success')]

    second = _boot(client, 'from-snap', image=image_id)
    try:
        assert client.get_server(second)['image']['id'] == image_id
    finally:
        _force_delete(cloud.admin, second)
        images_mod.delete_image(cloud.image_endpoint, image_id,
                                token='demo:demo')


def test_create_image_before_2_45_answers_a_location(cloud, server):
    response = _act(cloud.client, server, {'createImage': {'name': 'snap'}},
                    headers={'OpenStack-API-Version': 'compute 2.44'})
    assert response.text == ''
    location = response.headers['Location']
    assert location.startswith(cloud.image_endpoint + '/images/')
    image_id = location.rsplit('/', 1)[1]
    _active_image(cloud, image_id)
    images_mod.delete_image(cloud.image_endpoint, image_id, token='demo:demo')


def test_create_image_of_a_server_whose_image_is_gone(cloud):
    client = cloud.client
    base = images_mod.create_image(
        cloud.image_endpoint, token='demo:demo', name='short-lived',
        disk_format='qcow2', container_format='bare',
        data=images_mod.TEST_IMAGE_DATA, hw_rng_model='virtio')
    server_id = _boot(client, 'orphan', image=base['id'])
    try:
        images_mod.delete_image(cloud.image_endpoint, base['id'],
                                token='demo:demo')
        image_id = _act(client, server_id, {'createImage': {'name': 'o'}},
                        headers={'OpenStack-API-Version':
                                 'compute 2.45'}).json()['image_id']
        image = _active_image(cloud, image_id)
        assert image['base_image_ref'] == base['id']
        # NOTE: the gone image's properties were recorded at boot.
        assert image['hw_rng_model'] == 'virtio'
        images_mod.delete_image(cloud.image_endpoint, image_id,
                                token='demo:demo')
    finally:
        _force_delete(cloud.admin, server_id)


def test_create_image_refusals(cloud, server):
    client = cloud.client
    other = client.as_user('eve', 'other')
    response = _act(other, server, {'createImage': {'name': 's'}},
                    expected=404)
    assert client_mod.fault_of(response)[0] == 'itemNotFound'
    for body in ({'createImage': {}}, {'createImage': {'name': ''}},
                 {'createImage': {'name': 's', 'metadata': {'a': 1}}}):
        response = _act(client, server, body, expected=400)
        assert client_mod.fault_of(response)[0] == 'badRequest'
    _act(client, server, {'os-stop': None})
    _settled(client, server, 'SHUTOFF')
    _act(client, server, {'rescue': None}, expected=200)
    _settled(client, server, 'RESCUE')
    response = _act(client, server, {'createImage': {'name': 's'}},
                    expected=409)
    name, fault = client_mod.fault_of(response)
    assert name == 'conflictingRequest'
    assert 'vm_state rescued' in fault['message']


# ---- shelve and unshelve ---------------------------------------------------

def test_shelve_offloads_and_unshelve_brings_it_back(cloud, server):
    client = cloud.client
    used = _vcpus_used(cloud, 'host-a')
    _act(client, server, {'shelve': None})
    shown = _settled(client, server, 'SHELVED_OFFLOADED')
    admin_view = cloud.admin.get_server(server)
    assert admin_view['OS-EXT-SRV-ATTR:host'] is None
    client_mod.wait_for(lambda: _vcpus_used(cloud, 'host-a') == used - 1,
                        TIMEOUT, message='host-a usage to drop')
    images = requests.get(cloud.image_endpoint + '/v2/images',
                          params={'name': '%s-shelved' % shown['name']},
                          headers={'X-Auth-Token': 'demo:demo'},
                          timeout=30).json()['images']
    assert len(images) == 1 and images[0]['status'] == 'active'
    shelved_image = images[0]['id']
    assert images[0]['instance_uuid'] == server
    assert _events(client, server, 'shelve') == [
        ('compute_shelve_instance', 'Success')]

    response = _act(client, server, {'shelve': None}, expected=409)
    assert client_mod.fault_of(response)[0] == 'conflictingRequest'

    _act(client, server, {'unshelve': None})
    _settled(client, server, 'ACTIVE')
    assert _vcpus_used(cloud, 'host-a') == used
    _image(cloud, shelved_image, expected=404)
    assert sorted(_events(client, server, 'unshelve')) == [
        ('compute_unshelve_instance', 'Success'),
        ('schedule_instances', 'Success')]


def test_delete_of_an_offloaded_server_deletes_its_shelved_image(cloud):
    client = cloud.client
    server_id = _boot(client, 'gone-shelved')
    _act(client, server_id, {'shelve': None})
    shown = _settled(client, server_id, 'SHELVED_OFFLOADED')
    (image,) = requests.get(cloud.image_endpoint + '/v2/images',
                            params={'name': '%s-shelved' % shown['name']},
                            headers={'X-Auth-Token': 'demo:demo'},
                            timeout=30).json()['images']
    # NOTE: nothing to keep on a host, so even a soft delete is for good.
    client.delete_server(server_id)
    client.wait_for_deleted(server_id, timeout=TIMEOUT)
    _image(cloud, image['id'], expected=404)


def test_unshelve_microversions(cloud, server):
    client = cloud.client
    _act(client, server, {'unshelve': None}, expected=409)
    _act(client, server, {'shelve': None})
    _settled(client, server, 'SHELVED_OFFLOADED')
    v277 = {'OpenStack-API-Version': 'compute 2.77'}
    v291 = {'OpenStack-API-Version': 'compute 2.91'}
    _act(client, server, {'unshelve': {'availability_zone': 'mars'}},
         expected=400, headers=v277)
    _act(client, server, {'unshelve': {}}, expected=400, headers=v277)
    _act(client, server, {'unshelve': {'host': 'host-b'}}, expected=400,
         headers=v277)
    _act(client, server, {'unshelve': {'host': 'host-b'}}, expected=403,
         headers=v291)
    _act(cloud.admin, server, {'unshelve': {'host': 'nowhere'}},
         expected=400, headers=v291)
    _act(cloud.admin, server, {'unshelve': {'host': 'host-b'}},
         headers=v291)
    _settled(client, server, 'ACTIVE')
    assert cloud.admin.get_server(server)['OS-EXT-SRV-ATTR:host'] == 'host-b'


def test_shelve_keeps_the_guest_where_offload_is_later(cloud, server,
                                                       server_b):
    admin = cloud.admin
    response = _act(cloud.client, server, {'shelveOffload': None},
                    expected=403)
    assert client_mod.fault_of(response)[0] == 'forbidden'
    _act(admin, server_b, {'shelve': None})
    _settled(admin, server_b, 'SHELVED')
    assert admin.get_server(server_b)['OS-EXT-SRV-ATTR:host'] == 'host-b'
    _act(admin, server_b, {'unshelve': {'availability_zone': 'nova'}},
         expected=409, headers={'OpenStack-API-Version': 'compute 2.77'})
    _act(admin, server_b, {'shelveOffload': None})
    _settled(admin, server_b, 'SHELVED_OFFLOADED')
    _act(admin, server_b, {'shelveOffload': None}, expected=409)


# ---- rescue ----------------------------------------------------------------

def test_rescue_and_unrescue(cloud, server):
    client = cloud.client
    _act(client, server, {'unrescue': None}, expected=409)
    for body in ({'rescue': {'rescue_image_ref': 'nope'}},
                 {'rescue': {'other': 1}}):
        _act(client, server, body, expected=400)
    _act(client, server, {'rescue': {
        'rescue_image_ref': '00000000-0000-0000-0000-0000000000ff'}},
        expected=400)
    body = _act(client, server, {'rescue': {'adminPass': 'MySecretPass'}},
                expected=200).json()
    assert body in ({'adminPass': 'MySecretPass'}, {})
    _settled(client, server, 'RESCUE')
    _act(client, server, {'rescue': None}, expected=409)
    _act(client, server, {'unrescue': None})
    _settled(client, server, 'ACTIVE')
    assert _events(client, server, 'rescue') == [
        ('compute_rescue_instance', 'Success')]
    assert _events(client, server, 'unrescue') == [
        ('compute_unrescue_instance', 'Success')]


# ---- soft delete, restore, forceDelete -------------------------------------

def test_soft_delete_restore_and_force_delete(cloud, server):
    client = cloud.client
    _act(client, server, {'restore': None}, expected=409)
    client.delete_server(server)
    shown = _settled(client, server, 'SOFT_DELETED')
    assert shown['OS-EXT-STS:power_state'] == 4
    _act(client.as_user('eve', 'other'), server, {'restore': None},
         expected=404)
    _act(client, server, {'restore': None})
    _settled(client, server, 'ACTIVE')
    assert _events(client, server, 'restore') == [
        ('compute_restore_instance', 'Success')]

    client.delete_server(server)
    _settled(client, server, 'SOFT_DELETED')
    _act(client, server, {'forceDelete': None})
    client.wait_for_deleted(server, timeout=TIMEOUT)


def test_periodic_reclaim(cloud, server_b):
    admin = cloud.admin
    admin.delete_server(server_b)
    _settled(admin, server_b, 'SOFT_DELETED')
    admin.wait_for_deleted(server_b, timeout=TIMEOUT)

"""createImage, shelve/unshelve and rescue/unrescue of a real QEMU guest
through the Compute API: nova-lite-all on the libvirt driver (sqlite,
in-process RPC, its own image service), the test guest imported with
``nova-lite-manage image import-test-guest``.

A snapshot must boot: a second server built from it prints the guest's
READY marker. A shelved server has no domain until it is unshelved; a
rescued one runs from ``disk.rescue`` with its own disk second.
"""

import os
import subprocess

import pytest
import requests

from tests.fixtures import client as client_mod
from tests.integration import conftest as guests
from tests.integration.conftest import BOOT_TIMEOUT, MARKER, URI
from tests.integration.conftest import act as _act
from tests.integration.conftest import domain_exists as _domain_exists


@pytest.fixture(scope='module')
def cloud(libvirtd, test_guest):
    with guests.guest_cloud(libvirtd, test_guest, 'nova-lite-snap-', {
            'shutdown_timeout': 10,
            'shelved_offload_time': 0,
            'instance_name_template': 'isnap-%08x'}) as fixture:
        yield fixture


def _settled(api, server_id, status):
    return client_mod.wait_for(
        lambda: (lambda s: s if (s['status'] == status and
                                 s['OS-EXT-STS:task_state'] is None)
                 else None)(api.get_server(server_id)),
        BOOT_TIMEOUT, interval=0.5,
        message='server %s to be %s and idle' % (server_id, status))


def _boot(cloud, name, image):
    return guests.boot_guest(cloud.client, name, image)


def _wait_for_marker(api, server_id, count=1):
    guests.wait_for_console(api, server_id,
                            '%s uuid=%s' % (MARKER, server_id), count)


def _virsh(*args):
    return subprocess.run(('virsh', '-c', URI) + args,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=30)


def _disk_sources(server_id):
    """The domain's disk files in device order."""
    import xml.etree.ElementTree as ET
    root = ET.fromstring(_virsh('dumpxml', server_id).stdout)
    return [(disk.find('target').get('dev'),
             os.path.basename(disk.find('source').get('file')))
            for disk in root.iter('disk') if disk.get('device') == 'disk']


def _image(cloud, image_id, expected=200):
    response = requests.get(cloud.image_endpoint + '/v2/images/%s'
                            % image_id, headers={'X-Auth-Token':
                                                 'demo:demo'}, timeout=30)
    assert response.status_code == expected, response.text
    return response.json() if expected == 200 else None


def test_snapshot_boots_shelve_and_rescue(cloud):
    api = cloud.client
    server_id = _boot(cloud, 'snap-source', cloud.guest_image)

    # createImage: the snapshot is active and a server boots from it.
    image_id = _act(api, server_id, {'createImage': {'name': 'isnap'}},
                    headers={'OpenStack-API-Version': 'compute 2.45'}
                    ).json()['image_id']
    _settled(api, server_id, 'ACTIVE')
    image = client_mod.wait_for(
        lambda: (lambda i: i if i['status'] == 'active' else None)(
            _image(cloud, image_id)), BOOT_TIMEOUT,
        message='snapshot image to be active')
    assert image['image_type'] == 'snapshot'
    assert image['kernel_id'] and image['ramdisk_id']
    copy_id = _boot(cloud, 'snap-copy', image_id)
    api.delete_server(copy_id)
    api.wait_for_deleted(copy_id, timeout=BOOT_TIMEOUT)

    # shelve (offloaded at once): no domain; unshelve boots it again.
    _act(api, server_id, {'shelve': None})
    _settled(api, server_id, 'SHELVED_OFFLOADED')
    assert not _domain_exists(server_id)
    _act(api, server_id, {'unshelve': None})
    _settled(api, server_id, 'ACTIVE')
    assert _domain_exists(server_id)
    _wait_for_marker(api, server_id)

    # rescue: the rescue disk first, the server's own disk second.
    _act(api, server_id, {'rescue': None}, expected=200)
    _settled(api, server_id, 'RESCUE')
    assert _disk_sources(server_id)[:2] == [('vda', 'disk.rescue'),
                                            ('vdb', 'disk')]
    _wait_for_marker(api, server_id, count=2)
    _act(api, server_id, {'unrescue': None})
    _settled(api, server_id, 'ACTIVE')
    assert _disk_sources(server_id)[0] == ('vda', 'disk')
    _wait_for_marker(api, server_id, count=3)

    api.delete_server(server_id)
    api.wait_for_deleted(server_id, timeout=BOOT_TIMEOUT)
    requests.delete(cloud.image_endpoint + '/v2/images/%s' % image_id,
                    headers={'X-Auth-Token': 'demo:demo'}, timeout=30)

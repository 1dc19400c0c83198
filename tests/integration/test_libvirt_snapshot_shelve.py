"""createImage, shelve/unshelve and rescue/unrescue of a real QEMU guest
through the Compute API: nova-lite-all on the libvirt driver (sqlite,
in-process RPC, its own image service), the test guest imported with
``nova-lite-manage image import-test-guest``.

A snapshot must boot: a second server built from it prints the guest's
READY marker. A shelved server has no domain until it is unshelved; a
rescued one runs from ``disk.rescue`` with its own disk second.
"""

import os
import shutil
import subprocess
import tempfile

import pytest
import requests

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures import process as process_mod

MARKER = 'NOVA-LITE-GUEST-READY'
BOOT_TIMEOUT = 180
URI = 'qemu:///system'


@pytest.fixture(scope='module')
def cloud(libvirtd, test_guest):
    # NOTE: QEMU runs as libvirt-qemu and must reach the disks: a 0755
    # directory under /var/tmp, not pytest's private tmp.
    base = tempfile.mkdtemp(prefix='nova-lite-snap-', dir='/var/tmp')
    os.chmod(base, 0o755)
    fixture = cloud_mod.AllInOneCloud(base, conf={
        'DEFAULT': {'compute_driver': 'libvirt.LibvirtDriver',
                    'shutdown_timeout': 10,
                    'shelved_offload_time': 0,
                    'instance_name_template': 'isnap-%08x'},
        'libvirt': {'virt_type': 'qemu', 'connection_uri': libvirtd},
    })
    fixture.setUp()
    try:
        out = process_mod.run_manage(
            [fixture.conf_file], 'image', 'import-test-guest',
            '--dir', os.path.dirname(test_guest['kernel']), timeout=900)
        fixture.guest_image = out.strip().splitlines()[-1]
        yield fixture
    finally:
        _delete_all(fixture)
        fixture.cleanUp()
        _undefine_left_over(libvirtd, base)
        shutil.rmtree(base, ignore_errors=True)


def _delete_all(cloud):
    admin = cloud.admin
    try:
        servers, _ = admin.list_servers(params={'all_tenants': 1})
        for server in servers:
            admin.delete_server(server['id'], expected=(204, 404))
        for server in servers:
            admin.wait_for_deleted(server['id'], timeout=BOOT_TIMEOUT)
    except Exception as error:  # the safety net below still runs
        print('could not delete every server: %s' % error)


def _undefine_left_over(uri, base):
    import libvirt
    conn = libvirt.open(uri)
    try:
        for dom in conn.listAllDomains():
            if base not in dom.XMLDesc(0):
                continue
            if dom.isActive():
                dom.destroy()
            dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
    finally:
        conn.close()


def _act(api, server_id, body, expected=202, **kw):
    return api.post('/servers/%s/action' % server_id, json=body,
                    expected=expected, **kw)


def _settled(api, server_id, status):
    return client_mod.wait_for(
        lambda: (lambda s: s if (s['status'] == status and
                                 s['OS-EXT-STS:task_state'] is None)
                 else None)(api.get_server(server_id)),
        BOOT_TIMEOUT, interval=0.5,
        message='server %s to be %s and idle' % (server_id, status))


def _boot(cloud, name, image):
    server = cloud.client.create_server(name, image=image,
                                        config_drive=True)['server']
    cloud.client.wait_for_status(server['id'], timeout=BOOT_TIMEOUT)
    _wait_for_marker(cloud.client, server['id'])
    return server['id']


def _console(api, server_id):
    return _act(api, server_id, {'os-getConsoleOutput': {'length': None}},
                expected=200).json()['output']


def _wait_for_marker(api, server_id, count=1):
    line = '%s uuid=%s' % (MARKER, server_id)
    client_mod.wait_for(lambda: _console(api, server_id).count(line) >= count,
                        BOOT_TIMEOUT, interval=1,
                        message='%d x %r on the console' % (count, line))


def _virsh(*args):
    return subprocess.run(('virsh', '-c', URI) + args,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True, timeout=30)


def _domain_exists(server_id):
    return server_id in _virsh('list', '--all', '--uuid').stdout.split()


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

"""Resize and rebuild of a real QEMU guest through the Compute API.

One nova-lite-all process (sqlite, in-process RPC, its own image service)
on the libvirt driver with ``allow_resize_to_same_host``: the one host is
both source and destination. One guest is resized to a bigger flavor (the
domain gets the new memory and vCPUs and the guest boots again from its
grown disk), confirmed, then rebuilt with new user data (the guest boots
again and its marker shows the new config drive).
"""

import base64
import os
import shutil
import tempfile

import pytest

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures import process as process_mod

MARKER = 'NOVA-LITE-GUEST-READY'
BOOT_TIMEOUT = 180
FLAVOR = {'name': 'itest.resized', 'id': 'itest-resized', 'ram': 768,
          'vcpus': 2, 'disk': 2}


@pytest.fixture(scope='module')
def cloud(libvirtd, test_guest):
    # NOTE: QEMU runs as libvirt-qemu and must reach the disks: a 0755
    # directory under /var/tmp, not pytest's private tmp.
    base = tempfile.mkdtemp(prefix='nova-lite-resize-', dir='/var/tmp')
    os.chmod(base, 0o755)
    fixture = cloud_mod.AllInOneCloud(base, conf={
        'DEFAULT': {'compute_driver': 'libvirt.LibvirtDriver',
                    'shutdown_timeout': 30,
                    'allow_resize_to_same_host': True,
                    'instance_name_template': 'itest-rs-%08x'},
        'libvirt': {'virt_type': 'qemu', 'connection_uri': libvirtd},
    })
    fixture.setUp()
    try:
        fixture.guest_image = process_mod.run_manage(
            [fixture.conf_file], 'image', 'import-test-guest', '--dir',
            os.path.dirname(test_guest['kernel']),
            timeout=900).strip().splitlines()[-1]
        fixture.admin.post('/flavors', json={'flavor': FLAVOR},
                           expected=200)
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
            dom.undefine()
    finally:
        conn.close()


def _domain(uri, server_id):
    """(max memory MiB, vCPUs, active) of the guest's libvirt domain."""
    import libvirt
    conn = libvirt.open(uri)
    try:
        dom = conn.lookupByUUIDString(server_id)
        _state, max_mem_kib, _mem, vcpus, _cpu = dom.info()
        return max_mem_kib // 1024, vcpus, bool(dom.isActive())
    finally:
        conn.close()


def _console(api, server_id):
    return api.post('/servers/%s/action' % server_id, json={
        'os-getConsoleOutput': {}}).json()['output']


def _wait_for_console(api, server_id, text):
    client_mod.wait_for(lambda: text in _console(api, server_id),
                        BOOT_TIMEOUT, interval=1,
                        message='%r on the console of %s' % (text,
                                                             server_id))
    return _console(api, server_id)


def _act(api, server_id, body, expected=202):
    return api.post('/servers/%s/action' % server_id, json=body,
                    expected=expected)


def test_resize_confirm_and_rebuild_a_real_guest(cloud, libvirtd):
    api = cloud.client
    first_data = base64.b64encode(b'before').decode()
    server_id = api.create_server(
        'resized-guest', image=cloud.guest_image, config_drive=True,
        user_data=first_data)['server']['id']
    api.wait_for_status(server_id, timeout=BOOT_TIMEOUT)
    _wait_for_console(api, server_id, MARKER)
    assert _domain(libvirtd, server_id) == (512, 1, True)

    _act(api, server_id, {'resize': {'flavorRef': FLAVOR['id']}})
    server = api.wait_for_status(server_id, ('VERIFY_RESIZE',),
                                 timeout=BOOT_TIMEOUT)
    assert server['flavor']['original_name'] == FLAVOR['name']
    assert _domain(libvirtd, server_id) == (768, 2, True)
    # A fresh console log: the guest booted again, from its own disk.
    console = _wait_for_console(api, server_id, MARKER)
    assert 'user_data=%s' % first_data in console
    instance_dir = os.path.join(cloud.state_path, 'instances', server_id)
    assert os.path.isdir(instance_dir + '_resize')

    _act(api, server_id, {'confirmResize': None}, expected=204)
    server = api.wait_for_status(server_id, timeout=BOOT_TIMEOUT)
    client_mod.wait_for(
        lambda: not os.path.exists(instance_dir + '_resize'), 30,
        message='the set-aside disks to go')
    assert _domain(libvirtd, server_id) == (768, 2, True)

    new_data = base64.b64encode(b'after the rebuild').decode()
    rebuild = client_mod.ApiClient(cloud.endpoint, 'demo', 'demo',
                                   microversion='2.57')
    rebuilt = _act(rebuild, server_id, {'rebuild': {
        'imageRef': cloud.guest_image, 'name': 'rebuilt-guest',
        'user_data': new_data}}).json()['server']
    assert rebuilt['name'] == 'rebuilt-guest'
    api.wait_for_status(server_id, timeout=BOOT_TIMEOUT)
    console = _wait_for_console(api, server_id, 'user_data=%s' % new_data)
    assert console.count(MARKER) == 1
    assert _domain(libvirtd, server_id) == (768, 2, True)

    api.delete_server(server_id)
    api.wait_for_deleted(server_id, timeout=BOOT_TIMEOUT)

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

import pytest

from tests.fixtures import client as client_mod
from tests.integration import conftest as guests
from tests.integration.conftest import BOOT_TIMEOUT, MARKER

FLAVOR = {'name': 'itest.resized', 'id': 'itest-resized', 'ram': 768,
          'vcpus': 2, 'disk': 2}


@pytest.fixture(scope='module')
def cloud(libvirtd, test_guest):
    with guests.guest_cloud(libvirtd, test_guest, 'nova-lite-resize-', {
            'shutdown_timeout': 30,
            'allow_resize_to_same_host': True,
            'instance_name_template': 'itest-rs-%08x'}) as fixture:
        fixture.admin.post('/flavors', json={'flavor': FLAVOR},
                           expected=200)
        yield fixture


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


def test_resize_confirm_and_rebuild_a_real_guest(cloud, libvirtd):
    api = cloud.client
    first_data = base64.b64encode(b'before').decode()
    server_id = guests.boot_guest(api, 'resized-guest', cloud.guest_image,
                                  user_data=first_data)
    assert _domain(libvirtd, server_id) == (512, 1, True)

    guests.act(api, server_id, {'resize': {'flavorRef': FLAVOR['id']}})
    server = api.wait_for_status(server_id, ('VERIFY_RESIZE',),
                                 timeout=BOOT_TIMEOUT)
    assert server['flavor']['original_name'] == FLAVOR['name']
    assert _domain(libvirtd, server_id) == (768, 2, True)
    # A fresh console log: the guest booted again, from its own disk.
    console = guests.wait_for_console(api, server_id, MARKER)
    assert 'user_data=%s' % first_data in console
    instance_dir = os.path.join(cloud.state_path, 'instances', server_id)
    assert os.path.isdir(instance_dir + '_resize')

    guests.act(api, server_id, {'confirmResize': None}, expected=204)
    server = api.wait_for_status(server_id, timeout=BOOT_TIMEOUT)
    client_mod.wait_for(
        lambda: not os.path.exists(instance_dir + '_resize'), 30,
        message='the set-aside disks to go')
    assert _domain(libvirtd, server_id) == (768, 2, True)

    new_data = base64.b64encode(b'after the rebuild').decode()
    rebuild = client_mod.ApiClient(cloud.endpoint, 'demo', 'demo',
                                   microversion='2.57')
    rebuilt = guests.act(rebuild, server_id, {'rebuild': {
        'imageRef': cloud.guest_image, 'name': 'rebuilt-guest',
        'user_data': new_data}}).json()['server']
    assert rebuilt['name'] == 'rebuilt-guest'
    api.wait_for_status(server_id, timeout=BOOT_TIMEOUT)
    console = guests.wait_for_console(api, server_id,
                                      'user_data=%s' % new_data)
    assert console.count(MARKER) == 1
    assert _domain(libvirtd, server_id) == (768, 2, True)

    api.delete_server(server_id)
    api.wait_for_deleted(server_id, timeout=BOOT_TIMEOUT)

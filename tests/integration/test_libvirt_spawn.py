"""LibvirtDriver.spawn boots a real guest through libvirtd.

The test guest of tools/build-test-guest.sh (a Debian cloud kernel and a
busybox initramfs) is served as Glance images by a tiny in-test HTTP
server speaking the two routes the compute side uses (``GET
/v2/images/{id}`` and ``GET /v2/images/{id}/file``). The instance's image
is an empty qcow2 whose ``kernel_id``/``ramdisk_id`` properties name the
kernel and initramfs images, so the driver fetches all three into its
image cache, makes the qcow2 overlay and the config drive, and boots the
kernel directly under QEMU software emulation (``[libvirt] virt_type =
qemu``; /dev/kvm is not usable on these machines). The guest prints
``NOVA-LITE-GUEST-READY uuid=<uuid> user_data=<base64>`` on its serial
console once it has read the config drive; the test reads it back with
get_console_output, then powers the guest off (ACPI) and on, and destroys
it.

libvirtd (and virtlogd) are started for the test by
tools/start-libvirt.sh when none answers on ``qemu:///system`` and stopped
after it; the test is skipped only when libvirtd cannot be started.
"""

import base64
import hashlib
import http.server
import json
import os
import shutil
import subprocess
import threading
import time
import types
import uuid

import pytest

from nova_lite.conf import CONF
from nova_lite.image import glance
from nova_lite.objects import image_meta as image_meta_obj
from nova_lite.states import power_state
from nova_lite.virt import driver as virt_driver
from nova_lite.virt import virtapi

URI = 'qemu:///system'
MARKER = 'NOVA-LITE-GUEST-READY'
BOOT_TIMEOUT = 90


class _GlanceHandler(http.server.BaseHTTPRequestHandler):
    """The two Glance v2 routes of a compute host, over ``server.images``."""

    def log_message(self, fmt, *args):
        pass

    def do_GET(self):
        parts = self.path.strip('/').split('/')
        image = None
        if len(parts) in (3, 4) and parts[:2] == ['v2', 'images']:
            image = self.server.images.get(parts[2])
        if image is None or (len(parts) == 4 and parts[3] != 'file'):
            self.send_error(404)
            return
        body, path = image
        if len(parts) == 3:
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        self.server.downloads.append(parts[2])
        self.send_response(200)
        self.send_header('Content-Type', 'application/octet-stream')
        self.send_header('Content-Length', str(os.path.getsize(path)))
        self.end_headers()
        with open(path, 'rb') as f:
            shutil.copyfileobj(f, self.wfile)


def _image_body(image_id, name, path, disk_format, **properties):
    with open(path, 'rb') as f:
        data = f.read()
    body = {'id': image_id, 'name': name, 'status': 'active',
            'disk_format': disk_format, 'container_format': 'bare',
            'size': len(data), 'min_ram': 0, 'min_disk': 0,
            'visibility': 'public',
            'checksum': hashlib.md5(data).hexdigest(),
            'os_hash_algo': 'sha512',
            'os_hash_value': hashlib.sha512(data).hexdigest()}
    body.update(properties)
    return body


@pytest.fixture
def image_service(test_guest, tmp_path):
    """Serve kernel, ramdisk and an empty qcow2 root image; yields ids."""
    root = str(tmp_path / 'root.qcow2')
    subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', root, '64M'],
                   check=True, timeout=60)
    ids = {k: str(uuid.uuid4()) for k in ('kernel', 'ramdisk', 'root')}
    images = {
        ids['kernel']: (_image_body(ids['kernel'], 'test-guest-kernel',
                                    test_guest['kernel'], 'aki'),
                        test_guest['kernel']),
        ids['ramdisk']: (_image_body(ids['ramdisk'], 'test-guest-initramfs',
                                     test_guest['initramfs'], 'ari'),
                         test_guest['initramfs']),
        ids['root']: (_image_body(ids['root'], 'test-guest', root, 'qcow2',
                                  kernel_id=ids['kernel'],
                                  ramdisk_id=ids['ramdisk']), root),
    }
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0),
                                             _GlanceHandler)
    server.images = images
    server.downloads = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield types.SimpleNamespace(
        url='http://127.0.0.1:%d' % server.server_address[1], ids=ids,
        body=images[ids['root']][0], downloads=server.downloads)
    server.shutdown()
    server.server_close()


@pytest.fixture
def drv(libvirtd, image_service, state_path):
    overrides = {
        (None, 'state_path'): state_path,
        (None, 'host'): 'spawn-test-host',
        ('libvirt', 'connection_uri'): libvirtd,
        ('libvirt', 'virt_type'): 'qemu',
        ('glance', 'api_servers'): [image_service.url],
    }
    for (group, name), value in overrides.items():
        CONF.set_override(name, value, group)
    driver = virt_driver.load_compute_driver(virtapi.VirtAPI(), 'libvirt',
                                             image_api=glance.API())
    driver.init_host(CONF.host)
    yield driver
    driver.cleanup_host(CONF.host)
    for group, name in overrides:
        CONF.clear_override(name, group)


def _instance(image_id, user_data):
    suffix = uuid.uuid4().hex[:8]
    return types.SimpleNamespace(
        id=1, uuid=str(uuid.uuid4()), name='nova-lite-spawn-%s' % suffix,
        display_name='spawn-%s' % suffix, hostname='spawn-%s' % suffix,
        flavor=types.SimpleNamespace(memory_mb=256, vcpus=1, root_gb=1,
                                     ephemeral_gb=1, swap=0,
                                     extra_specs={}),
        image_ref=image_id, host='spawn-test-host',
        node='spawn-test-host',
        user_data=base64.b64encode(user_data).decode(),
        config_drive='True', metadata={'role': 'test'},
        key_name='key1', key_data='ssh-ed25519 AAAAC3Nz test@host',
        project_id='p1', availability_zone='nova', launch_index=0)


def _wait_for_marker(drv, instance, since=0, timeout=BOOT_TIMEOUT):
    """The first complete marker line after the ``since``-th one."""
    deadline = time.monotonic() + timeout
    output = ''
    while time.monotonic() < deadline:
        output = drv.get_console_output(None, instance)
        markers = [line.rstrip('\r') for line in output.split('\n')[:-1]
                   if line.startswith(MARKER)]
        if len(markers) > since:
            return markers[since]
        time.sleep(0.2)
    raise AssertionError('no %s line within %ss; console:\n%s'
                         % (MARKER, timeout, output))


def test_spawn_boots_guest_power_cycle_destroy(drv, image_service,
                                               state_path):
    user_data = b'#!/bin/sh\necho hello from nova-lite\n\xff\x00 tail\n'
    instance = _instance(image_service.ids['root'], user_data)
    image_meta = image_meta_obj.ImageMeta.from_dict(image_service.body)
    instance_dir = os.path.join(state_path, 'instances', instance.uuid)
    expected = '%s uuid=%s user_data=%s' % (
        MARKER, instance.uuid, base64.b64encode(user_data).decode())
    try:
        started = time.monotonic()
        drv.spawn(None, instance, image_meta, injected_files=[],
                  admin_password=None, allocations=None, network_info=None)
        spawned = time.monotonic() - started
        assert drv.get_info(instance).state == power_state.RUNNING
        assert _wait_for_marker(drv, instance) == expected
        print('spawn() %.2fs; spawn() call to marker %.2fs'
              % (spawned, time.monotonic() - started))
        # each image was downloaded once, into the cache
        assert sorted(image_service.downloads) == sorted(
            image_service.ids.values())
        for name in ('disk', 'disk.eph0', 'disk.config', 'console.log'):
            assert os.path.exists(os.path.join(instance_dir, name)), name

        before = time.monotonic()
        drv.power_off(instance, timeout=60, retry_interval=10)
        assert drv.get_info(instance).state == power_state.SHUTDOWN
        print('clean power_off %.2fs' % (time.monotonic() - before))
        assert 'NOVA-LITE-GUEST-POWEROFF' in drv.get_console_output(
            None, instance)

        drv.power_on(None, instance, network_info=None)
        assert drv.get_info(instance).state == power_state.RUNNING
        # The log keeps every boot: the second marker follows the first
        # boot's power-off line.
        before = time.monotonic()
        assert _wait_for_marker(drv, instance, since=1) == expected
        print('power_on to marker %.2fs' % (time.monotonic() - before))
        console = drv.get_console_output(None, instance)
        assert (console.index('NOVA-LITE-GUEST-POWEROFF') <
                console.rindex(MARKER))
    finally:
        drv.destroy(None, instance)
    assert not drv.instance_exists(instance)
    assert instance.uuid not in drv.list_instance_uuids()
    assert not os.path.exists(instance_dir)
    # the cache outlives the instance
    assert len(os.listdir(os.path.join(state_path, '_base'))) >= 3

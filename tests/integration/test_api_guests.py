"""Real guests through the Compute API: nova-lite-all on the libvirt driver.

One nova-lite-all process (sqlite, in-process RPC, its own image service)
drives libvirtd with ``virt_type = qemu``. The test guest is imported with
``nova-lite-manage image import-test-guest`` and a network is defined with
``nova-lite-manage network create`` on a bridge of its own, whose gateway
address the test puts on the host so that it can ping the guests. Each
test then works only through the API: boot with user_data and a key pair,
read the marker from ``os-getConsoleOutput``, ping, stop/start, hard
reboot, delete, log in over SSH with a key pair the API generated, and a
build whose image fails its hash check.
"""

import base64
import os
import shutil
import subprocess

import pytest
import requests

from tests.fixtures import client as client_mod
from tests.fixtures import images as images_mod
from tests.fixtures import process as process_mod
from tests.integration import conftest as guests
from tests.integration.conftest import BOOT_TIMEOUT, MARKER
from tests.integration.conftest import console as _console
from tests.integration.conftest import domain_exists as _domain_exists
from tests.integration.conftest import wait_for_console as _wait_for_console

POWEROFF = 'NOVA-LITE-GUEST-POWEROFF'
BRIDGE = 'nlitbr0'
CIDR = '198.51.100.0/24'
GATEWAY = '198.51.100.1'
PUBLIC_KEY = ('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOeXsnF1nI9wGxvaMjsd'
              'QW3rUF2bhFfrMWNIfNxGLwHd integration@nova-lite')


def _ip(*args):
    return subprocess.run(('ip',) + args, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=30)


@pytest.fixture(scope='module')
def cloud(libvirtd, test_guest):
    try:
        with guests.guest_cloud(libvirtd, test_guest, 'nova-lite-api-', {
                'shutdown_timeout': 30,
                'instance_name_template': 'itest-%08x'}) as fixture:
            process_mod.run_manage([fixture.conf_file], 'network', 'create',
                                   '--name', 'itest-net', '--cidr', CIDR,
                                   '--bridge', BRIDGE)
            # os-networks is one of the proxy APIs gone at 2.36.
            admin_21 = client_mod.ApiClient(fixture.endpoint, 'admin',
                                            'admin', microversion='2.1')
            fixture.network = next(
                n for n in admin_21.get('/os-networks').json()['networks']
                if n['label'] == 'itest-net')
            # The host side of the network: the bridge with the gateway's
            # address (the compute service adds bridges without addresses).
            if _ip('link', 'show', BRIDGE).returncode != 0:
                _ip('link', 'add', BRIDGE, 'type', 'bridge')
            _ip('addr', 'replace', GATEWAY + '/24', 'dev', BRIDGE)
            _ip('link', 'set', BRIDGE, 'up')
            yield fixture
    finally:
        _ip('link', 'del', BRIDGE)


@pytest.fixture(scope='module')
def api(cloud):
    client = cloud.client
    client.post('/os-keypairs', json={'keypair': {
        'name': 'itest-key', 'public_key': PUBLIC_KEY}})
    return client


def _boot(cloud, api, name, user_data=b'', **extra):
    body = dict(key_name='itest-key', config_drive=True,
                user_data=base64.b64encode(user_data).decode(),
                networks=[{'uuid': cloud.network['id']}])
    body.update(extra)
    created = api.create_server(name, image=cloud.guest_image, **body)
    return created.get('server', created)


def _ping(ping_command, address, timeout=60):
    def answers():
        return subprocess.run(ping_command + ['-c', '1', '-W', '1', address],
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0
    client_mod.wait_for(answers, timeout, interval=0.5,
                        message='%s answering ping' % address)


def _address(server, cloud):
    (entry,) = server['addresses']['itest-net']
    return entry['addr']


def _domain_state(server_id):
    return subprocess.run(['virsh', '-c', 'qemu:///system', 'domstate',
                           server_id], stdout=subprocess.PIPE, text=True,
                          timeout=30).stdout.strip()


def _check_diagnostics(cloud, server_id, flavor):
    """GET /servers/{id}/diagnostics at 2.48 reads the running guest's
    figures from libvirt: the flavor's vCPUs and memory, the root disk
    the boot read, and the NIC the pings crossed."""
    admin = client_mod.ApiClient(cloud.endpoint, 'admin', 'admin',
                                 microversion='2.48')
    diag = admin.get('/servers/%s/diagnostics' % server_id,
                     expected=200).json()
    assert (diag['driver'], diag['state'], diag['hypervisor']) == (
        'libvirt', 'running', 'qemu')
    assert diag['num_cpus'] == flavor['vcpus']
    assert all(cpu['time'] > 0 for cpu in diag['cpu_details'])
    assert diag['memory_details']['maximum'] == flavor['ram']
    assert diag['config_drive'] is True
    assert diag['num_disks'] >= 1
    assert max(disk['read_bytes'] for disk in diag['disk_details']) > 0
    assert max(disk['read_requests'] for disk in diag['disk_details']) > 0
    assert diag['num_nics'] == 1
    (nic,) = diag['nic_details']
    assert nic['mac_address']
    assert nic['rx_packets'] > 0 and nic['tx_packets'] > 0
    assert nic['rx_octets'] > 0 and nic['tx_octets'] > 0
    # NOTE: before 2.48, the driver's own flat words.
    flat = client_mod.ApiClient(cloud.endpoint, 'admin', 'admin',
                                microversion='2.47').get(
        '/servers/%s/diagnostics' % server_id, expected=200).json()
    assert flat['cpu0_time'] > 0 and flat['memory'] > 0


def test_boot_user_data_key_ping_power_cycle_delete(
        cloud, api, ping_command):
    user_data = b'#!/bin/sh\necho hello from the integration test\n'
    server_id = _boot(cloud, api, 'guest-one', user_data)['id']
    server = api.wait_for_status(server_id, timeout=BOOT_TIMEOUT)
    assert server['key_name'] == 'itest-key'
    assert server['OS-EXT-STS:power_state'] == 1
    address = _address(server, cloud)

    console = _wait_for_console(api, server_id, MARKER)
    assert '%s uuid=%s user_data=%s' % (
        MARKER, server_id, base64.b64encode(user_data).decode()) in console
    assert 'public_keys=1 ' in console
    assert 'addr=%s ' % address in console
    _ping(ping_command, address)
    _check_diagnostics(cloud, server_id, server['flavor'])

    api.post('/servers/%s/action' % server_id, json={'os-stop': None},
             expected=202)
    server = api.wait_for_status(server_id, ('SHUTOFF',),
                                 timeout=BOOT_TIMEOUT)
    assert server['OS-EXT-STS:power_state'] == 4
    assert _domain_state(server_id) == 'shut off'
    # The guest heard the ACPI power button and shut itself down.
    assert POWEROFF in _console(api, server_id)

    api.post('/servers/%s/action' % server_id, json={'os-start': None},
             expected=202)
    api.wait_for_status(server_id, timeout=BOOT_TIMEOUT)
    _wait_for_console(api, server_id, MARKER, count=2)
    _ping(ping_command, address)

    api.post('/servers/%s/action' % server_id,
             json={'reboot': {'type': 'HARD'}}, expected=202)
    api.wait_for_status(server_id, timeout=BOOT_TIMEOUT)
    _wait_for_console(api, server_id, MARKER, count=3)
    _ping(ping_command, address)

    assert _domain_exists(server_id)
    api.delete_server(server_id)
    api.wait_for_deleted(server_id, timeout=BOOT_TIMEOUT)
    assert not _domain_exists(server_id)
    instance_dir = os.path.join(cloud.state_path, 'instances', server_id)
    assert not os.path.exists(instance_dir)
    assert _ip('link', 'show', 'tap' + server_id[:11]).returncode != 0
    # Its address went back to the pool: a new server may ask for it.
    again = _boot(cloud, api, 'guest-again', networks=[
        {'uuid': cloud.network['id'], 'fixed_ip': address}])['id']
    api.wait_for_status(again, timeout=BOOT_TIMEOUT)
    api.delete_server(again)
    api.wait_for_deleted(again, timeout=BOOT_TIMEOUT)


def test_two_guests_at_once(cloud, api, ping_command):
    reservation = _boot(cloud, api, 'pair', b'pair', min_count=2,
                        max_count=2, return_reservation_id=True)
    servers, _ = api.list_servers(detail=True, params={
        'reservation_id': reservation['reservation_id']})
    ids = [s['id'] for s in servers]
    assert len(ids) == 2
    addresses = set()
    try:
        for server_id in ids:
            server = api.wait_for_status(server_id, timeout=BOOT_TIMEOUT)
            addresses.add(_address(server, cloud))
            console = _wait_for_console(api, server_id, MARKER)
            assert 'uuid=%s ' % server_id in console
        assert len(addresses) == 2
        for address in addresses:
            _ping(ping_command, address)
    finally:
        for server_id in ids:
            api.delete_server(server_id)
        for server_id in ids:
            api.wait_for_deleted(server_id, timeout=BOOT_TIMEOUT)


def test_ssh_login_with_a_generated_key_pair(cloud, api, tmp_path):
    """As tempest's validation logs in: root, the private key the API
    returned, the server's fixed address, commands behind tempest's
    ssh_shell_prologue."""
    if shutil.which('ssh') is None:
        pytest.skip('ssh is not installed (openssh-client)')
    keypair = api.post('/os-keypairs', json={'keypair': {
        'name': 'itest-generated'}}, expected=(200, 201)).json()['keypair']
    key = tmp_path / 'id_generated'
    key.write_text(keypair['private_key'])
    key.chmod(0o600)
    server_id = _boot(cloud, api, 'guest-ssh',
                      key_name='itest-generated')['id']
    try:
        server = api.wait_for_status(server_id, timeout=BOOT_TIMEOUT)
        address = _address(server, cloud)
        console = _wait_for_console(api, server_id, MARKER)
        assert 'NOVA-LITE-GUEST-SSH port=22 authorized_keys=1 ' in console
        command = ('set -eu -o pipefail; PATH=$PATH:/sbin:/usr/sbin; '
                   'hostname; ip addr | grep -c "inet %s/"' % address)
        result = None
        # NOTE: the READY line follows dropbear's start; a few tries
        # cover a slow first ARP on a loaded host.
        for _ in range(5):
            result = subprocess.run(
                ['ssh', '-i', str(key), '-o', 'BatchMode=yes',
                 '-o', 'StrictHostKeyChecking=no',
                 '-o', 'UserKnownHostsFile=/dev/null',
                 '-o', 'ConnectTimeout=20', 'root@%s' % address, command],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                timeout=120)
            if result.returncode != 255:
                break
        assert result.returncode == 0, (result.stdout, result.stderr)
        assert result.stdout.split() == ['guest-ssh', '1'], result.stdout
    finally:
        api.delete_server(server_id)
        api.wait_for_deleted(server_id, timeout=BOOT_TIMEOUT)
        api.delete('/os-keypairs/itest-generated', expected=(202, 204, 404))


def test_image_failing_its_hash_check_ends_in_error(cloud, api):
    data = b'\0' * (1024 * 1024)
    image = images_mod.create_image(
        cloud.image_endpoint, data=data, name='tampered',
        disk_format='raw', container_format='bare', visibility='public')
    # Change the stored bytes behind the image service's back: the
    # compute host must refuse what no longer matches os_hash_value.
    stored = os.path.join(cloud.state_path, 'images', image['id'])
    with open(stored, 'r+b') as f:
        f.write(b'tampered')
    cache = os.path.join(cloud.state_path, '_base')
    cached_before = set(os.listdir(cache))
    server_id = api.create_server('bad-hash', image=image['id'],
                                  networks='none')['server']['id']
    with pytest.raises(client_mod.ServerFailed):
        api.wait_for_status(server_id, timeout=BOOT_TIMEOUT)
    server = api.get_server(server_id)
    assert server['status'] == 'ERROR'
    assert ('Image %s failed verification: the sha512 of the downloaded '
            'data does not match' % image['id']
            in server['fault']['message']), server['fault']
    assert not _domain_exists(server_id)
    # nothing left on disk: no instance directory, nothing new in the
    # image cache (not even a partial download)
    assert not os.path.exists(
        os.path.join(cloud.state_path, 'instances', server_id))
    assert set(os.listdir(cache)) == cached_before
    api.delete_server(server_id)
    api.wait_for_deleted(server_id, timeout=BOOT_TIMEOUT)
    requests.delete(cloud.image_endpoint + '/v2/images/%s' % image['id'],
                    headers={'X-Auth-Token': images_mod.ADMIN_TOKEN},
                    timeout=30)

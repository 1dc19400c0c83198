"""Moving guests between hosts, and surviving a dead one, on the lab: real
guests on three compute hosts that share no storage (each compute sees
only its own state_path), networks that span them, the API as an admin.

The guests tell from inside what happened to them: the test guest's
``#nova-lite-tick`` directive prints a line with its uptime (and whether
the network gateway answered a ping) every half second, so a live
migration shows as a console that goes on, an uptime that keeps counting
and at most a few lost pings; a cold migration or an evacuation shows as
a new boot. Each test also checks what is left on the hosts' hypervisors
and disks afterwards.
"""

import base64
import re
import time

import pytest

from tests.fixtures import lab as lab_mod
from tests.integration.conftest import BOOT_TIMEOUT, MARKER

lab = lab_mod.lab_fixture(computes=3)

MICROVERSION = '2.80'
INSTANCES = '/var/lib/nova-lite/instances'
MOVE_TIMEOUT = 240
TICK = 0.5


@pytest.fixture(scope='module')
def api(lab):
    return lab_mod.admin_api(MICROVERSION)


@pytest.fixture(scope='module')
def image(lab):
    return lab_mod.guest_image_id(lab_mod.admin_api('2.35'))


@pytest.fixture(scope='module')
def network(lab):
    return lab_mod.lab_network(lab_mod.admin_api('2.35'))


def _console(api, server_id):
    return api.post('/servers/%s/action' % server_id,
                    json={'os-getConsoleOutput': {'length': None}},
                    expected=200).json()['output']


def _wait_console(api, server_id, pattern, timeout=BOOT_TIMEOUT, count=1):
    """Wait for ``count`` matches of ``pattern``; the console."""
    deadline = time.monotonic() + timeout
    while True:
        output = _console(api, server_id)
        if len(re.findall(pattern, output)) >= count:
            return output
        if time.monotonic() > deadline:
            raise AssertionError('%d x %r not on the console of %s after '
                                 '%ss:\n%s' % (count, pattern, server_id,
                                               timeout, output[-3000:]))
        time.sleep(1)


def _boot(api, name, image, network, host, user_data=b''):
    body = {'networks': [{'uuid': network['id']}], 'host': host,
            'config_drive': True,
            'user_data': base64.b64encode(user_data).decode()}
    server_id = api.create_server(name, image=image, **body)['server']['id']
    server = api.wait_for_status(server_id, timeout=BOOT_TIMEOUT)
    _wait_console(api, server_id, '%s uuid=%s' % (MARKER, server_id))
    return server


def _act(api, server_id, body, expected=202):
    return api.post('/servers/%s/action' % server_id, json=body,
                    expected=expected)


def _host(server):
    return server['OS-EXT-SRV-ATTR:host']


def _migrations(api, server_id):
    return api.get('/os-migrations', params={'instance_uuid': server_id},
                   expected=200).json()['migrations']


def _leftovers(lab, host, server_id):
    """What ``host`` still has of the server: domain, directories."""
    found = []
    virsh = lab.exec(host, ['virsh', 'list', '--all', '--uuid'],
                     check=False).stdout
    if server_id in virsh:
        found.append('domain')
    files = lab.exec(host, ['ls', INSTANCES], check=False).stdout.split()
    found.extend(name for name in files if name.startswith(server_id))
    return found


def _wait_no_leftovers(lab, host, server_id, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        left = _leftovers(lab, host, server_id)
        if not left:
            return
        assert time.monotonic() < deadline, (host, left)
        time.sleep(1)


def _other(host):
    return {'cpu1': 'cpu2', 'cpu2': 'cpu3', 'cpu3': 'cpu1'}[host]


def _delete(api, *server_ids):
    for server_id in server_ids:
        api.delete_server(server_id, expected=(204, 404))
    for server_id in server_ids:
        api.wait_for_deleted(server_id, timeout=BOOT_TIMEOUT)


def _ticks(output):
    """(n, uptime, ping) of each tick line, in order."""
    return [(int(n), float(up), ping) for n, up, ping in re.findall(
        r'NOVA-LITE-GUEST-TICK n=(\d+) uptime=([\d.]+)(?: ping=(\w+))?',
        output)]


def _service_id(api, host):
    services = api.get('/os-services', params={'host': host},
                       expected=200).json()['services']
    return [s['id'] for s in services if 'compute' in s['binary']][0]


def _force_down(api, host, down):
    api.request('PUT', '/os-services/%s' % _service_id(api, host),
                json={'forced_down': down}, expected=200)


# ---- cold migration and resize ----------------------------------------------

def test_cold_migrate_to_a_host_then_confirm(lab, api, image, network):
    """migrate (2.56 host) copies the disks to the other host, where the
    guest boots from them; confirm leaves nothing on the source."""
    server = _boot(api, 'cold', image, network, 'cpu1')
    server_id = server['id']
    started = time.monotonic()
    _act(api, server_id, {'migrate': {'host': 'cpu2'}})
    moved = api.wait_for_status(server_id, 'VERIFY_RESIZE',
                                timeout=MOVE_TIMEOUT)
    took = time.monotonic() - started
    assert _host(moved) == 'cpu2'
    # The same disk boots there (a second boot of this server's guest).
    _wait_console(api, server_id, '%s uuid=%s' % (MARKER, server_id))
    migration = _migrations(api, server_id)[0]
    assert (migration['migration_type'], migration['status']) == (
        'migration', 'finished')
    _act(api, server_id, {'confirmResize': None}, expected=204)
    api.wait_for_status(server_id, 'ACTIVE', timeout=MOVE_TIMEOUT)
    _wait_no_leftovers(lab, 'cpu1', server_id)
    assert _migrations(api, server_id)[0]['status'] == 'confirmed'
    assert _leftovers(lab, 'cpu2', server_id) == ['domain', server_id]
    print('cold migration POST -> VERIFY_RESIZE: %.1f s' % took)
    _delete(api, server_id)
    _wait_no_leftovers(lab, 'cpu2', server_id)


def test_resize_to_another_host_then_revert(lab, api, image, network):
    """A resize the scheduler sends to another host, reverted: the guest
    runs on the source again with its old flavor and its own disk, and
    the destination keeps nothing."""
    server = _boot(api, 'resize', image, network, 'cpu3')
    server_id = server['id']
    _act(api, server_id, {'resize': {'flavorRef': '2'}})
    resized = api.wait_for_status(server_id, 'VERIFY_RESIZE',
                                  timeout=MOVE_TIMEOUT)
    dest = _host(resized)
    assert dest != 'cpu3'
    assert resized['flavor']['original_name'] == 'm1.small'
    _act(api, server_id, {'revertResize': None})
    reverted = api.wait_for_status(server_id, 'ACTIVE',
                                   timeout=MOVE_TIMEOUT)
    assert _host(reverted) == 'cpu3'
    assert reverted['flavor']['original_name'] == 'm1.tiny'
    _wait_console(api, server_id, '%s uuid=%s' % (MARKER, server_id),
                  count=2)
    _wait_no_leftovers(lab, dest, server_id)
    assert _migrations(api, server_id)[0]['status'] == 'reverted'
    _delete(api, server_id)
    _wait_no_leftovers(lab, 'cpu3', server_id)


# ---- live migration ---------------------------------------------------------

def test_live_migration_with_block_migration(lab, api, image, network):
    """The guest keeps running across the move: its console goes on, its
    uptime does not reset, it loses at most a few pings of its gateway;
    the source keeps nothing."""
    gateway = network['gateway']
    data = ('#nova-lite-tick %s %s\n' % (TICK, gateway)).encode()
    server = _boot(api, 'live', image, network, 'cpu1', data)
    server_id = server['id']
    before = _ticks(_wait_console(api, server_id, 'ping=ok', count=3))
    started = time.monotonic()
    _act(api, server_id, {'os-migrateLive': {'host': None,
                                             'block_migration': 'auto'}})
    moved = api.wait_for_status(server_id, 'ACTIVE', timeout=MOVE_TIMEOUT)
    while _host(moved) == 'cpu1' and time.monotonic() - started < 10:
        time.sleep(0.5)
        moved = api.get_server(server_id)
    took = time.monotonic() - started
    assert _host(moved) != 'cpu1', moved
    # Twenty more ticks on the destination's console.
    output = _wait_console(api, server_id, 'NOVA-LITE-GUEST-TICK',
                           count=len(before) + 20, timeout=60)
    ticks = _ticks(output)
    assert ticks[:len(before)] == before
    counts = [n for n, _up, _ping in ticks]
    # NOTE: the lines a guest prints between the copy of its console log
    # and the switch to the destination stay on the source (Nova's
    # console log does not move at all).
    missing = sorted(set(range(1, counts[-1] + 1)) - set(counts))
    assert counts == sorted(set(counts)) and len(missing) <= 4, counts
    uptimes = [up for _n, up, _ping in ticks]
    assert uptimes == sorted(uptimes), uptimes
    lost = [n for n, _up, ping in ticks if ping != 'ok']
    assert len(lost) <= 4, lost
    migration = _migrations(api, server_id)[0]
    assert (migration['migration_type'], migration['status']) == (
        'live-migration', 'completed')
    _wait_no_leftovers(lab, 'cpu1', server_id)
    print('live migration POST -> ACTIVE on %s: %.1f s; lost ticks: %s'
          % (_host(moved), took, lost))
    _delete(api, server_id)


def test_abort_a_running_live_migration(lab, api, image, network):
    """With the migration slowed down to 1 MiB/s, DELETE on the running
    migration (2.24) cancels it: the guest runs on at the source and the
    destination keeps nothing."""
    lab.restart_compute('cpu2', {'libvirt': {'live_migration_bandwidth':
                                             1}})
    try:
        data = ('#nova-lite-tick %s\n' % TICK).encode()
        server = _boot(api, 'abort', image, network, 'cpu2', data)
        server_id = server['id']
        _act(api, server_id, {'os-migrateLive': {
            'host': 'cpu3', 'block_migration': 'auto'}})
        deadline = time.monotonic() + 60
        while True:
            running = api.get('/servers/%s/migrations' % server_id,
                              expected=200).json()['migrations']
            if running and running[0]['status'] == 'running':
                break
            assert time.monotonic() < deadline, running
            time.sleep(0.5)
        migration_id = running[0]['id']
        api.delete('/servers/%s/migrations/%s' % (server_id, migration_id),
                   expected=202)
        back = api.wait_for_status(server_id, 'ACTIVE',
                                   timeout=MOVE_TIMEOUT)
        assert _host(back) == 'cpu2'
        deadline = time.monotonic() + 60
        while _migrations(api, server_id)[0]['status'] != 'cancelled':
            assert time.monotonic() < deadline, _migrations(api, server_id)
            time.sleep(0.5)
        count = len(_ticks(_console(api, server_id)))
        _wait_console(api, server_id, 'NOVA-LITE-GUEST-TICK',
                      count=count + 4, timeout=30)
        _wait_no_leftovers(lab, 'cpu3', server_id)
        _delete(api, server_id)
    finally:
        lab.restart_compute('cpu2', {})


# ---- a dead host ------------------------------------------------------------

def test_evacuate_then_the_failed_host_cleans_up(lab, api, image, network):
    """A compute dies (its guest runs on, unmanaged); the server is
    evacuated to another host and boots there; when the failed compute
    comes back it destroys its copy, and only that."""
    server = _boot(api, 'evac', image, network, 'cpu3')
    server_id = server['id']
    stays = _boot(api, 'stays', image, network, 'cpu3')
    lab.stop_compute('cpu3', kill=True)
    try:
        _force_down(api, 'cpu3', True)
        _act(api, server_id, {'evacuate': {}}, expected=200)
        moved = api.wait_for_status(server_id, 'ACTIVE',
                                    timeout=MOVE_TIMEOUT)
        assert _host(moved) != 'cpu3'
        _wait_console(api, server_id, '%s uuid=%s' % (MARKER, server_id))
        migration = _migrations(api, server_id)[0]
        assert (migration['migration_type'], migration['status']) == (
            'evacuation', 'done')
        # The failed host's guest still runs until its compute is back.
        assert 'domain' in _leftovers(lab, 'cpu3', server_id)
    finally:
        _force_down(api, 'cpu3', False)
        lab.start_compute('cpu3')
    _wait_no_leftovers(lab, 'cpu3', server_id)
    assert _migrations(api, server_id)[0]['status'] == 'completed'
    assert 'domain' in _leftovers(lab, 'cpu3', stays['id'])
    assert api.get_server(stays['id'])['status'] == 'ACTIVE'
    _delete(api, server_id, stays['id'])


def test_delete_while_the_host_is_down(lab, api, image, network):
    """The server goes at once; its address is not handed out while its
    guest may still run; the host destroys the guest when it is back."""
    server = _boot(api, 'orphan', image, network, 'cpu2')
    server_id = server['id']
    address = [a['addr'] for addrs in server['addresses'].values()
               for a in addrs][0]
    lab.stop_compute('cpu2', kill=True)
    others = []
    try:
        _force_down(api, 'cpu2', True)
        api.delete_server(server_id)
        api.wait_for_deleted(server_id, timeout=30)
        assert 'domain' in _leftovers(lab, 'cpu2', server_id)
        for index in range(2):
            other = _boot(api, 'next-%d' % index, image, network, 'cpu1')
            others.append(other['id'])
            other_addresses = [a['addr'] for addrs in
                               other['addresses'].values() for a in addrs]
            assert address not in other_addresses
    finally:
        _force_down(api, 'cpu2', False)
        lab.start_compute('cpu2')
    _wait_no_leftovers(lab, 'cpu2', server_id)
    _delete(api, *others)

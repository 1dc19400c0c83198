"""A compute host that dies and comes back, across real processes (api,
conductor, scheduler and two fake-driver computes on RabbitMQ and
MariaDB), driven over HTTP.

A server deleted while its host is down is gone from the API at once, but
its fixed IP stays held for that host (its guest may still run there)
until the host, back, destroys the guest (``running_deleted_instance_
action = reap``) or finds it gone, or until its compute service is
deleted. A forced-down host is skipped by the very next boot.

A host is taken "down" two ways: its compute process stopped with SIGSTOP
(a hung host: its fake guests live on in the process and it resumes with
SIGCONT, its periodic check then reaps), and stopped for good and started
again (a rebooted host: the fake guests are gone, and its start-up check
releases what was held for them).
"""

import contextlib
import re
import signal

import pytest

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures.pytest_support import use_fixture

pytestmark = [pytest.mark.rabbitmq, pytest.mark.mysql]

COMPUTE = 'nova-compute'
TIMEOUT = 60
# NOTE: service_down_time is 10 s in test clouds (tests/fixtures/cloud.py).
DOWN_TIMEOUT = 40
HOST = {'fake_driver': {'vcpus': 16, 'memory_mb': 8192, 'local_gb': 1024},
        'DEFAULT': {'running_deleted_instance_poll_interval': 2}}
LABEL = 'dead-host-net'


@pytest.fixture(scope='module')
def cloud(base_tmp):
    with use_fixture(cloud_mod.MultiProcessCloud(
            str(base_tmp / 'dead-host'), backend='mysql',
            computes={'host-a': HOST, 'host-b': HOST})) as cloud:
        yield cloud


@pytest.fixture(scope='module')
def network(cloud):
    out = cloud.manage('network', 'create', '--name', LABEL, '--cidr',
                       '10.77.0.0/28')
    return re.search(r'Created network ([0-9a-f-]{36})', out).group(1)


def _admin(cloud, version='2.53'):
    return client_mod.ApiClient(cloud.endpoint, user='admin',
                                project='admin', microversion=version)


def _service(admin, host):
    [service] = admin.get('/os-services', params={
        'binary': COMPUTE, 'host': host}, expected=200).json()['services']
    return service


def _wait_state(admin, host, state):
    client_mod.wait_for(lambda: _service(admin, host)['state'] == state,
                        DOWN_TIMEOUT, interval=0.5,
                        message='%s %s' % (host, state))


def _boot(admin, name, host=None, address=None, network=None,
          expected=202):
    entry = {'uuid': network}
    if address:
        entry['fixed_ip'] = address
    extra = {'availability_zone': 'nova:%s' % host} if host else {}
    body = admin.create_server(name, networks=[entry], expected=expected,
                               **extra)
    if expected != 202:
        return body
    server = admin.wait_for_status(body['server']['id'], 'ACTIVE',
                                   timeout=TIMEOUT)
    return server


def _refused(admin, address, network):
    """A boot asking for ``address`` is refused: it is held."""
    fault = _boot(admin, 'taker', address=address, network=network,
                  expected=400)
    assert 'already in use' in fault['badRequest']['message']


def _ip(server):
    [address] = server['addresses'][LABEL]
    return address['addr']


def _host(server):
    return server['OS-EXT-SRV-ATTR:host']


@contextlib.contextmanager
def _hung(cloud, admin, host):
    """``host``'s compute process stopped (SIGSTOP) until the block ends,
    then resumed; the service is down inside the block."""
    proc = cloud.processes[host]
    proc.proc.send_signal(signal.SIGSTOP)
    try:
        _wait_state(admin, host, 'down')
        yield proc
    finally:
        proc.proc.send_signal(signal.SIGCONT)
    _wait_state(admin, host, 'up')


def _delete_all(admin, server_ids):
    for server_id in server_ids:
        admin.delete_server(server_id, expected=(204, 404))
    for server_id in server_ids:
        admin.wait_for_deleted(server_id, timeout=TIMEOUT)


def test_deleted_while_hung_is_reaped_when_back(cloud, network):
    admin = _admin(cloud)
    victim = _boot(admin, 'victim', host='host-a', network=network)
    address = _ip(victim)
    made = []
    try:
        with _hung(cloud, admin, 'host-a') as proc:
            since = proc.log_size()
            # Gone from the API at once.
            admin.delete_server(victim['id'], expected=204)
            admin.get_server(victim['id'], expected=404)
            # Nobody gets the address meanwhile, asked for or not.
            _refused(admin, address, network)
            other = _boot(admin, 'other', network=network)
            made.append(other['id'])
            assert (_host(other), _ip(other) != address) == ('host-b', True)
        # Back: the periodic check destroys the guest, then releases.
        proc.wait_for_log(r'Destroying the guest of instance %s, which is '
                          r'deleted' % victim['id'], TIMEOUT, since=since)
        proc.wait_for_log(r'Released 1 NIC\(s\) held for host host-a of '
                          r'instance %s' % victim['id'], TIMEOUT, since=since)
        again = _boot(admin, 'again', address=address, network=network)
        made.append(again['id'])
        assert _ip(again) == address
    finally:
        _delete_all(admin, made)


def test_forced_down_host_is_skipped_by_the_next_boot(cloud, network):
    admin = _admin(cloud)
    made = []
    try:
        for host in ('host-a', 'host-b'):
            uuid = _service(admin, host)['id']
            admin.request('PUT', '/os-services/' + uuid,
                          json={'forced_down': True}, expected=200)
            try:
                # NOTE: at once, with no heartbeat in between.
                server = _boot(admin, 'fd-%s' % host, network=network)
                made.append(server['id'])
                assert _host(server) != host
            finally:
                admin.request('PUT', '/os-services/' + uuid,
                              json={'forced_down': False}, expected=200)
        # At 2.11: os-services/force-down.
        old = _admin(cloud, '2.11')
        body = {'host': 'host-b', 'binary': COMPUTE}
        old.request('PUT', '/os-services/force-down',
                    json=dict(body, forced_down=True), expected=200)
        try:
            server = _boot(admin, 'fd-old', network=network)
            made.append(server['id'])
            assert _host(server) == 'host-a'
        finally:
            old.request('PUT', '/os-services/force-down',
                        json=dict(body, forced_down=False), expected=200)
    finally:
        _delete_all(admin, made)


def test_deleted_while_stopped_is_released_at_start(cloud, network):
    admin = _admin(cloud)
    victim = _boot(admin, 'rebooted', host='host-a', network=network)
    address = _ip(victim)
    proc = cloud.processes['host-a']
    proc.stop()
    _wait_state(admin, 'host-a', 'down')
    admin.delete_server(victim['id'], expected=204)
    admin.get_server(victim['id'], expected=404)
    _refused(admin, address, network)
    since = proc.log_size()
    cloud.restart_compute('host-a', HOST)
    # NOTE: the fake guests died with the process: found gone at start-up.
    proc.wait_for_log(r'The guest of deleted instance %s is gone from this '
                      r'host' % victim['id'], TIMEOUT, since=since)
    again = _boot(admin, 'again', address=address, network=network)
    try:
        assert _ip(again) == address
    finally:
        _delete_all(admin, [again['id']])


def test_deleting_the_compute_service_releases(cloud, network):
    """Last: host-b is gone for good afterwards. Its held address is
    free again, and the evacuation away from it ends (completed), as
    host-b will never clean up."""
    admin = _admin(cloud)
    victim = _boot(admin, 'lost', host='host-b', network=network)
    moved = _boot(admin, 'moved', host='host-b', network=network)
    address = _ip(victim)
    cloud.processes['host-b'].stop()
    _wait_state(admin, 'host-b', 'down')
    admin.delete_server(victim['id'], expected=204)
    _refused(admin, address, network)
    admin.post('/servers/%s/action' % moved['id'],
               json={'evacuate': {}}, expected=200)
    admin.wait_for_status(moved['id'], 'ACTIVE', timeout=60)
    admin.delete('/os-services/%s' % _service(admin, 'host-b')['id'],
                 expected=204)
    evacuations = admin.get('/os-migrations', params={
        'instance_uuid': moved['id']}, expected=200).json()['migrations']
    assert [m['status'] for m in evacuations] == ['completed']
    again = _boot(admin, 'again', address=address, network=network)
    try:
        assert (_ip(again), _host(again)) == (address, 'host-a')
    finally:
        _delete_all(admin, [again['id'], moved['id']])

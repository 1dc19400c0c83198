"""Moving servers over the API across real processes: cold migration
(confirm, revert, a chosen host from 2.56), live migration (with force
2.30-2.67, the server's in-progress migrations, force-complete and abort)
and evacuation off a forced-down host (2.14, 2.95), with api, conductor,
scheduler and two fake-driver computes on RabbitMQ and MariaDB.
"""

import json
import threading

import pytest

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures.pytest_support import use_fixture
from tests.functional import test_openstack_cli as cli_tests

pytestmark = [pytest.mark.rabbitmq, pytest.mark.mysql]

# NOTE: a live migration takes LIVE_SECONDS on the fake driver, long enough
# to see it in progress (and to force or abort it) and short enough for
# the tests.
LIVE_SECONDS = 3
HOST = {'fake_driver': {'vcpus': 16, 'memory_mb': 8192, 'local_gb': 1024,
                        'power_action_delay': 0.2, 'spawn_delay': 0.3,
                        'live_migration_seconds': LIVE_SECONDS}}
TIMEOUT = 60
HOSTS = ('host-a', 'host-b')


@pytest.fixture(scope='module')
def cloud(base_tmp):
    with use_fixture(cloud_mod.MultiProcessCloud(
            str(base_tmp / 'move-servers'), backend='mysql',
            computes={host: HOST for host in HOSTS},
            conf={'DEFAULT': {'shutdown_timeout': 0}})) as cloud:
        yield cloud


@pytest.fixture
def server(cloud):
    """An ACTIVE server of the demo project, deleted afterwards."""
    with client_mod.active_server(cloud.client, 'movable',
                                  TIMEOUT) as server_id:
        yield server_id


def _admin(cloud, version):
    return client_mod.ApiClient(cloud.endpoint, 'admin', 'admin',
                                microversion=version)


def _act(client, server_id, body, expected=202):
    return client_mod.act(client, server_id, body, expected=expected)


def _settled(client, server_id, status):
    return client_mod.wait_settled(client, server_id, status, TIMEOUT,
                                   fail_on_error=True)


def _host(cloud, server_id):
    return cloud.admin.get_server(server_id)['OS-EXT-SRV-ATTR:host']


def _other(host):
    return HOSTS[1 - HOSTS.index(host)]


def _fault(response):
    name, fault = client_mod.fault_of(response)
    return name, fault['message']


def _migrations(cloud, server_id, migration_type=None):
    """The server's migrations as os-migrations shows them at 2.80."""
    params = {'instance_uuid': server_id}
    if migration_type:
        params['migration_type'] = migration_type
    return _admin(cloud, '2.80').get('/os-migrations', params=params,
                                     expected=200).json()['migrations']


def _wait_migration(cloud, server_id, migration_type, status):
    def finished():
        found = _migrations(cloud, server_id, migration_type)
        return found[0] if found and found[0]['status'] == status else None
    return client_mod.wait_for(
        finished, TIMEOUT, message='%s of %s to be %s'
        % (migration_type, server_id, status))


def _live_body(host, **extra):
    return {'os-migrateLive': dict({'host': host,
                                    'block_migration': 'auto'}, **extra)}


def _wait_running(cloud, server_id):
    """The server's live migration once it runs, as
    /servers/{id}/migrations lists it."""
    admin = _admin(cloud, '2.80')

    def running():
        found = admin.get('/servers/%s/migrations' % server_id,
                          expected=200).json()['migrations']
        # NOTE: the first progress report comes a moment after 'running'.
        if (found and found[0]['status'] == 'running' and
                found[0]['memory_total_bytes']):
            return found[0]
        return None
    return client_mod.wait_for(running, TIMEOUT, interval=0.1,
                               message='live migration of %s to run'
                               % server_id)


# ---- cold migration --------------------------------------------------------

def test_migrate_then_confirm(cloud, server):
    source = _host(cloud, server)
    admin = _admin(cloud, '2.1')
    response = _act(admin, server, {'migrate': None})
    assert response.text == ''
    shown = _settled(cloud.client, server, 'VERIFY_RESIZE')
    assert shown['OS-EXT-STS:vm_state'] == 'resized'
    assert _host(cloud, server) == _other(source)

    _act(cloud.client, server, {'confirmResize': None}, expected=204)
    shown = _settled(cloud.client, server, 'ACTIVE')
    assert shown['OS-EXT-STS:power_state'] == 1
    assert _host(cloud, server) == _other(source)
    (migration,) = _migrations(cloud, server)
    assert (migration['migration_type'], migration['status'],
            migration['source_compute'], migration['dest_compute']) == (
        'migration', 'confirmed', source, _other(source))
    # Before 2.23 no type is shown.
    old = _admin(cloud, '2.22').get('/os-migrations', params={
        'instance_uuid': server}).json()['migrations']
    assert 'migration_type' not in old[0]


def test_migrate_then_revert(cloud, server):
    source = _host(cloud, server)
    _act(_admin(cloud, '2.1'), server, {'migrate': None})
    _settled(cloud.client, server, 'VERIFY_RESIZE')
    assert _host(cloud, server) == _other(source)

    _act(cloud.client, server, {'revertResize': None})
    shown = _settled(cloud.client, server, 'ACTIVE')
    assert shown['OS-EXT-STS:power_state'] == 1
    assert _host(cloud, server) == source
    (migration,) = _migrations(cloud, server, 'migration')
    assert migration['status'] == 'reverted'


def test_migrate_to_a_host_from_2_56(cloud, server):
    source = _host(cloud, server)
    admin = _admin(cloud, '2.56')
    # The server's own host, or one that does not exist: 400.
    for host, words in ((source, 'Cannot migrate to the host'),
                        ('nowhere', 'Compute host nowhere could not be '
                                    'found.')):
        response = _act(admin, server, {'migrate': {'host': host}},
                        expected=400)
        name, message = _fault(response)
        assert name == 'badRequest' and words in message
    assert cloud.client.get_server(server)['status'] == 'ACTIVE'

    _act(admin, server, {'migrate': {'host': _other(source)}})
    _settled(cloud.client, server, 'VERIFY_RESIZE')
    assert _host(cloud, server) == _other(source)
    _act(cloud.client, server, {'confirmResize': None}, expected=204)
    _settled(cloud.client, server, 'ACTIVE')


def test_migrate_host_is_ignored_before_2_56(cloud, server):
    # NOTE: as Nova, which has no schema for migrate before 2.56: the body
    # is accepted and a host in it ignored. Asking for the server's own
    # host proves it: honoured, it would be 400.
    source = _host(cloud, server)
    _act(_admin(cloud, '2.55'), server, {'migrate': {'host': source}})
    _settled(cloud.client, server, 'VERIFY_RESIZE')
    assert _host(cloud, server) == _other(source)
    _act(cloud.client, server, {'confirmResize': None}, expected=204)
    _settled(cloud.client, server, 'ACTIVE')
    # A bad body is 400 from 2.56 only.
    response = _act(_admin(cloud, '2.56'), server,
                    {'migrate': {'host': source, 'other': 1}},
                    expected=400)
    assert _fault(response)[0] == 'badRequest'


def test_two_concurrent_migrations_one_wins(cloud, server):
    admin = _admin(cloud, '2.1')
    barrier = threading.Barrier(2)
    codes = []

    def migrate():
        barrier.wait()
        codes.append(admin.post('/servers/%s/action' % server,
                                json={'migrate': None}).status_code)

    threads = [threading.Thread(target=migrate) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert sorted(codes) == [202, 409]
    _settled(cloud.client, server, 'VERIFY_RESIZE')
    assert len(_migrations(cloud, server)) == 1
    _act(cloud.client, server, {'confirmResize': None}, expected=204)
    _settled(cloud.client, server, 'ACTIVE')


# ---- live migration --------------------------------------------------------

def test_live_migrate_to_the_other_host(cloud, server):
    source = _host(cloud, server)
    dest = _other(source)
    admin = _admin(cloud, '2.25')
    response = _act(admin, server, _live_body(dest))
    assert response.text == ''
    shown = cloud.admin.get_server(server)
    assert (shown['status'], shown['OS-EXT-STS:task_state']) == (
        'MIGRATING', 'migrating')

    # While it runs: the server's migrations list and show it, with its
    # progress, and os-migrations links to it.
    running = _wait_running(cloud, server)
    assert (running['server_uuid'], running['source_compute'],
            running['dest_compute']) == (server, source, dest)
    assert running['memory_total_bytes'] == 1024
    one = _admin(cloud, '2.80').get('/servers/%s/migrations/%s'
                                    % (server, running['id']),
                                    expected=200).json()['migration']
    assert one['uuid'] == running['uuid']
    listed = _admin(cloud, '2.23').get('/os-migrations', params={
        'instance_uuid': server}, expected=200).json()['migrations']
    assert listed[0]['migration_type'] == 'live-migration'
    assert listed[0]['links'][0]['href'].endswith(
        '/servers/%s/migrations/%s' % (server, running['id']))

    shown = _settled(cloud.client, server, 'ACTIVE')
    assert shown['OS-EXT-STS:power_state'] == 1
    assert _host(cloud, server) == dest
    migration = _wait_migration(cloud, server, 'live-migration', 'completed')
    assert (migration['source_compute'], migration['dest_compute']) == (
        source, dest)
    assert 'links' not in migration
    # Done: no longer in progress.
    assert _admin(cloud, '2.23').get('/servers/%s/migrations' % server,
                                     expected=200).json() == {
        'migrations': []}
    _admin(cloud, '2.23').get('/servers/%s/migrations/%s'
                              % (server, running['id']), expected=404)


def test_live_migrate_with_the_scheduler_choosing(cloud, server):
    source = _host(cloud, server)
    _act(_admin(cloud, '2.1'), server, {'os-migrateLive': {
        'host': None, 'block_migration': True, 'disk_over_commit': False}})
    _settled(cloud.client, server, 'ACTIVE')
    assert _host(cloud, server) == _other(source)
    _wait_migration(cloud, server, 'live-migration', 'completed')


def test_live_migrate_pre_checks_are_400(cloud, server):
    source = _host(cloud, server)
    admin = _admin(cloud, '2.25')
    # The fake hosts share no storage: a live migration without copying
    # the disks is refused by the pre-checks.
    response = _act(admin, server, _live_body(_other(source),
                                              block_migration=False),
                    expected=400)
    assert _fault(response)[0] == 'badRequest'
    for host in (source, 'nowhere'):
        _act(admin, server, _live_body(host), expected=400)
    _settled(cloud.client, server, 'ACTIVE')
    assert _host(cloud, server) == source


@pytest.mark.parametrize('version', ['2.30', '2.67'])
def test_forced_live_migration_2_30_to_2_67(cloud, server, version):
    source = _host(cloud, server)
    admin = _admin(cloud, version)
    response = _act(admin, server, _live_body(None, force=True),
                    expected=400)
    assert _fault(response)[1] == "Can't force to a non-provided destination"
    _act(admin, server, _live_body(_other(source), force=True))
    _settled(cloud.client, server, 'ACTIVE')
    assert _host(cloud, server) == _other(source)


def test_force_is_gone_in_2_68_and_unknown_in_2_29(cloud, server):
    source = _host(cloud, server)
    for version in ('2.29', '2.68'):
        _act(_admin(cloud, version), server,
             _live_body(_other(source), force=True), expected=400)
    assert _host(cloud, server) == source


def test_force_complete_a_running_live_migration(cloud, server):
    source = _host(cloud, server)
    _act(_admin(cloud, '2.25'), server, _live_body(_other(source)))
    running = _wait_running(cloud, server)
    path = '/servers/%s/migrations/%s/action' % (server, running['id'])
    _admin(cloud, '2.21').post(path, json={'force_complete': None},
                               expected=404)
    response = _admin(cloud, '2.22').post(path, json={'force_complete': None},
                                          expected=202)
    assert response.text == ''
    _settled(cloud.client, server, 'ACTIVE')
    assert _host(cloud, server) == _other(source)
    _wait_migration(cloud, server, 'live-migration', 'completed')


def test_abort_a_running_live_migration(cloud, server):
    source = _host(cloud, server)
    _act(_admin(cloud, '2.25'), server, _live_body(_other(source)))
    running = _wait_running(cloud, server)
    path = '/servers/%s/migrations/%s' % (server, running['id'])
    _admin(cloud, '2.23').delete(path, expected=404)
    response = _admin(cloud, '2.24').delete(path, expected=202)
    assert response.text == ''
    _settled(cloud.client, server, 'ACTIVE')
    assert _host(cloud, server) == source
    _wait_migration(cloud, server, 'live-migration', 'cancelled')
    # Nothing runs any more: 400 from the compute API's check.
    _admin(cloud, '2.24').delete(path, expected=(400, 409))


# ---- evacuation ------------------------------------------------------------

def _service_id(admin, host):
    services = admin.get('/os-services', params={
        'binary': 'nova-compute', 'host': host}, expected=200).json()[
        'services']
    return services[0]['id']


def _force_down(cloud, host, down):
    admin = _admin(cloud, '2.53')
    admin.request('PUT', '/os-services/%s' % _service_id(admin, host),
                  json={'forced_down': down}, expected=200)


@pytest.mark.parametrize('version, status', [('2.14', 'ACTIVE'),
                                             ('2.95', 'SHUTOFF')])
def test_evacuate_off_a_forced_down_host(cloud, server, version, status):
    source = _host(cloud, server)
    admin = _admin(cloud, version)
    # The host still runs: 400 in Nova's words.
    response = _act(admin, server, {'evacuate': {}}, expected=400)
    assert _fault(response) == (
        'badRequest', 'Compute service of %s is still in use.' % source)

    _force_down(cloud, source, True)
    try:
        response = _act(admin, server, {'evacuate': {}}, expected=200)
        assert response.text == ''
        shown = _settled(cloud.client, server, status)
        assert _host(cloud, server) == _other(source)
        migration = _wait_migration(cloud, server, 'evacuation', 'done')
        assert (migration['source_compute'], migration['dest_compute']) == (
            source, _other(source))
    finally:
        _force_down(cloud, source, False)
    assert shown['OS-EXT-STS:vm_state'] == status.lower().replace(
        'shutoff', 'stopped')


def test_evacuate_before_2_14_returns_the_password(cloud, server):
    source = _host(cloud, server)
    _force_down(cloud, source, True)
    try:
        response = _act(_admin(cloud, '2.1'), server, {'evacuate': {
            'host': _other(source), 'onSharedStorage': False,
            'adminPass': 'MySecretPass'}}, expected=200)
        assert response.json() == {'adminPass': 'MySecretPass'}
        _settled(cloud.client, server, 'ACTIVE')
        assert _host(cloud, server) == _other(source)
    finally:
        _force_down(cloud, source, False)


def test_evacuate_to_an_unknown_host_is_404(cloud, server):
    response = _act(_admin(cloud, '2.14'), server,
                    {'evacuate': {'host': 'nowhere'}}, expected=404)
    assert _fault(response) == ('itemNotFound',
                                'Compute host nowhere not found.')


# ---- policies and states ---------------------------------------------------

def test_a_member_may_not_move_servers(cloud, server):
    member = client_mod.ApiClient(cloud.endpoint, 'demo', 'demo',
                                  microversion='2.80')
    for body in ({'migrate': None}, _live_body(None),
                 {'evacuate': {}}):
        response = _act(member, server, body, expected=403)
        assert _fault(response)[0] == 'forbidden'
    for path in ('/servers/%s/migrations' % server,
                 '/servers/%s/migrations/1' % server):
        member.get(path, expected=403)
    member.delete('/servers/%s/migrations/1' % server, expected=403)
    member.post('/servers/%s/migrations/1/action' % server,
                json={'force_complete': None}, expected=403)
    assert cloud.client.get_server(server)['status'] == 'ACTIVE'


def test_wrong_state_is_409(cloud, server):
    client = cloud.client
    _act(client, server, {'pause': None})
    _settled(client, server, 'PAUSED')
    response = _act(_admin(cloud, '2.1'), server, {'migrate': None},
                    expected=409)
    assert _fault(response) == (
        'conflictingRequest',
        "Cannot 'migrate' instance %s while it is in vm_state paused"
        % server)
    _act(client, server, {'unpause': None})
    _settled(client, server, 'ACTIVE')

    _act(client, server, {'os-stop': None})
    _settled(client, server, 'SHUTOFF')
    response = _act(_admin(cloud, '2.25'), server, _live_body(None),
                    expected=409)
    assert _fault(response) == (
        'conflictingRequest',
        "Cannot 'os-migrateLive' instance %s while it is in vm_state "
        "stopped" % server)


def test_an_admin_moves_a_locked_server(cloud, server):
    _act(cloud.client, server, {'lock': None})
    try:
        # NOTE: an admin's moves skip a lock, as in Nova.
        _act(_admin(cloud, '2.1'), server, {'migrate': None})
        _settled(cloud.client, server, 'VERIFY_RESIZE')
        _act(_admin(cloud, '2.1'), server, {'confirmResize': None},
             expected=204)
        _settled(cloud.client, server, 'ACTIVE')
    finally:
        _act(cloud.client, server, {'unlock': None})


# ---- draining a host with the openstack CLI ---------------------------------

def test_drain_a_host_with_the_openstack_cli(cloud, base_tmp):
    """What an operator does before maintenance, with the real CLI: disable
    the compute service, live-migrate one server and cold-migrate (then
    confirm) the other, each with --wait, and list the migrations."""
    cli = cli_tests.Cli(str(base_tmp / 'drain-cli'), {
        'admin': cli_tests._noauth_cloud(cloud, 'admin:admin')}, cloud, [])
    admin = _admin(cloud, '2.74')
    servers = [admin.create_server('drain-%d' % index, host='host-a')[
        'server']['id'] for index in range(2)]
    try:
        for server_id in servers:
            admin.wait_for_status(server_id, 'ACTIVE', timeout=TIMEOUT)
        cli.run('compute', 'service', 'set', '--disable',
                '--disable-reason', 'maintenance', 'host-a',
                'nova-compute', cloud='admin')
        live, cold = servers
        cli.run('server', 'migrate', '--live-migration', '--wait', live,
                cloud='admin')
        cli.run('server', 'migrate', '--wait', cold, cloud='admin')
        assert admin.get_server(cold)['status'] == 'VERIFY_RESIZE'
        cli.run('server', 'resize', 'confirm', cold, cloud='admin')
        _settled(admin, cold, 'ACTIVE')
        assert {_host(cloud, s) for s in servers} == {'host-b'}
        listed = cli.run('--os-compute-api-version', '2.80', 'server',
                         'migration', 'list', '-f', 'json',
                         cloud='admin').stdout
        listed = {(m['Server UUID'], m['Type'], m['Status'])
                  for m in json.loads(listed)}
        assert (live, 'live-migration', 'completed') in listed, listed
        assert (cold, 'migration', 'confirmed') in listed, listed
        on_a = admin.get('/servers/detail',
                         params={'host': 'host-a', 'all_tenants': 1},
                         expected=200).json()['servers']
        assert on_a == []
    finally:
        cli.run('compute', 'service', 'set', '--enable', 'host-a',
                'nova-compute', cloud='admin')
        for server_id in servers:
            admin.delete_server(server_id, expected=(204, 404))
        for server_id in servers:
            admin.wait_for_deleted(server_id, timeout=TIMEOUT)

"""Host aggregates, availability zones, service management and hypervisor
microversions across real processes (api, conductor, scheduler and two
fake-driver computes on RabbitMQ and MariaDB), driven over HTTP.
"""

import contextlib

import pytest

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures.pytest_support import use_fixture

pytestmark = [pytest.mark.rabbitmq, pytest.mark.mysql]

HOST = {'fake_driver': {'vcpus': 16, 'memory_mb': 8192, 'local_gb': 1024}}
TIMEOUT = 60
COMPUTE = 'nova-compute'
UNKNOWN_UUID = '00000000-0000-0000-0000-000000000000'


@pytest.fixture(scope='module')
def cloud(base_tmp):
    with use_fixture(cloud_mod.MultiProcessCloud(
            str(base_tmp / 'aggregates-services'), backend='mysql',
            computes={'host-a': HOST, 'host-b': HOST})) as cloud:
        yield cloud


def _admin(cloud, version):
    return client_mod.ApiClient(cloud.endpoint, user='admin',
                                project='admin', microversion=version)


def _member(cloud, version):
    return client_mod.ApiClient(cloud.endpoint, microversion=version)


@contextlib.contextmanager
def _aggregate(admin, name, zone=None, hosts=()):
    """An aggregate with ``hosts``, emptied and deleted afterwards."""
    body = {'name': name}
    if zone:
        body['availability_zone'] = zone
    agg = admin.post('/os-aggregates', json={'aggregate': body},
                     expected=200).json()['aggregate']
    path = '/os-aggregates/%d/action' % agg['id']
    for host in hosts:
        admin.post(path, json={'add_host': {'host': host}}, expected=200)
    try:
        yield agg
    finally:
        for host in hosts:
            admin.post(path, json={'remove_host': {'host': host}},
                       expected=(200, 404))
        admin.delete('/os-aggregates/%d' % agg['id'], expected=200)


@contextlib.contextmanager
def _servers(client):
    """Servers made inside the block are deleted when it ends."""
    made = []
    try:
        yield made
    finally:
        for server_id in made:
            client.delete_server(server_id, expected=(204, 404))
        for server_id in made:
            client.wait_for_deleted(server_id, timeout=TIMEOUT)


def _boot(client, made, name, **extra):
    server_id = client.create_server(name, **extra)['server']['id']
    made.append(server_id)
    return client.wait_for_status(server_id, 'ACTIVE', timeout=TIMEOUT)


def _services(admin, **params):
    return {s['host']: s for s in admin.get(
        '/os-services', params=dict(binary=COMPUTE, **params),
        expected=200).json()['services']}


def _zones(client, path=''):
    return {z['zoneName']: z for z in client.get(
        '/os-availability-zone' + path,
        expected=200).json()['availabilityZoneInfo']}


# ---- aggregates and availability zones -------------------------------------

def test_zone_of_an_aggregate_steers_boots(cloud):
    admin = _admin(cloud, '2.41')
    member = _member(cloud, '2.41')
    assert set(_zones(member)) == {'nova'}
    with _aggregate(admin, 'agg-az1', 'az1', ['host-a']) as agg:
        assert agg['availability_zone'] == 'az1'
        shown = admin.get('/os-aggregates/%d' % agg['id'],
                          expected=200).json()['aggregate']
        assert shown['hosts'] == ['host-a'] and 'uuid' in shown
        zones = _zones(member)
        assert set(zones) == {'az1', 'nova'}
        assert zones['az1']['hosts'] is None
        detail = _zones(admin, '/detail')
        assert set(detail['az1']['hosts']) == {'host-a'}
        assert 'host-b' in detail['nova']['hosts']
        assert _services(admin)['host-a']['zone'] == 'az1'

        with _servers(member) as made:
            for index in range(2):
                server = _boot(member, made, 'in-az1-%d' % index,
                               availability_zone='az1')
                assert server['OS-EXT-AZ:availability_zone'] == 'az1'
                seen = admin.get_server(server['id'])
                assert seen['OS-EXT-SRV-ATTR:host'] == 'host-a'
            # Without a zone the instance records the zone it landed in.
            server = _boot(member, made, 'anywhere')
            host = admin.get_server(server['id'])['OS-EXT-SRV-ATTR:host']
            assert server['OS-EXT-AZ:availability_zone'] == (
                'az1' if host == 'host-a' else 'nova')

        fault = member.create_server('nowhere', availability_zone='nowhere',
                                     expected=400)
        assert 'availability zone' in fault['badRequest']['message']
    assert set(_zones(member)) == {'nova'}


def test_aggregate_errors(cloud):
    admin = _admin(cloud, '2.41')
    with _aggregate(admin, 'agg-1', 'az1', ['host-a']) as az1, \
            _aggregate(admin, 'agg-2', 'az2') as az2:
        admin.post('/os-aggregates', json={'aggregate': {'name': 'agg-1'}},
                   expected=409)
        action = '/os-aggregates/%d/action'
        admin.post(action % az2['id'], json={'add_host': {'host': 'nohost'}},
                   expected=404)
        admin.post(action % az1['id'], json={'add_host': {'host': 'host-a'}},
                   expected=409)
        # host-a is in az1: it cannot be in az2 as well.
        admin.post(action % az2['id'], json={'add_host': {'host': 'host-a'}},
                   expected=409)
        admin.delete('/os-aggregates/%d' % az1['id'], expected=400)
        for path, body in (
                ('/os-aggregates', {'aggregate': {'name': ''}}),
                ('/os-aggregates', {'aggregate': {'name': 'x', 'y': 1}}),
                (action % az2['id'], {'add_host': {}}),
                (action % az2['id'], {'set_metadata': {'metadata': []}})):
            admin.post(path, json=body, expected=400)
        admin.get('/os-aggregates/999999', expected=404)
        admin.get('/os-aggregates/abc', expected=400)
        names = [a['name'] for a in admin.get(
            '/os-aggregates', expected=200).json()['aggregates']]
        assert sorted(names) == ['agg-1', 'agg-2']


# ---- services ---------------------------------------------------------------

def test_disabled_host_is_skipped_until_enabled(cloud):
    admin = _admin(cloud, '2.11')
    member = _member(cloud, '2.11')
    body = {'host': 'host-b', 'binary': COMPUTE}
    resp = admin.request('PUT', '/os-services/disable-log-reason',
                         json=dict(body, disabled_reason='maintenance'),
                         expected=200).json()
    assert resp['service'] == dict(body, status='disabled',
                                   disabled_reason='maintenance')
    try:
        listed = _services(admin)['host-b']
        assert (listed['status'], listed['disabled_reason']) == (
            'disabled', 'maintenance')
        with _servers(member) as made:
            for index in range(2):
                server = _boot(member, made, 'not-on-b-%d' % index)
                assert admin.get_server(server['id'])[
                    'OS-EXT-SRV-ATTR:host'] == 'host-a'
    finally:
        admin.request('PUT', '/os-services/enable', json=body, expected=200)
    listed = _services(admin)['host-b']
    assert (listed['status'], listed['disabled_reason']) == ('enabled', None)


def test_forced_down_at_2_11_and_2_53(cloud):
    old = _admin(cloud, '2.11')
    new = _admin(cloud, '2.53')
    body = {'host': 'host-b', 'binary': COMPUTE}
    old.request('PUT', '/os-services/force-down',
                json=dict(body, forced_down=True), expected=200)
    try:
        listed = _services(old)['host-b']
        assert (listed['state'], listed['forced_down']) == ('down', True)
    finally:
        old.request('PUT', '/os-services/force-down',
                    json=dict(body, forced_down=False), expected=200)
    assert _services(old)['host-b']['state'] == 'up'
    # Before 2.11 there is no force-down.
    _admin(cloud, '2.10').request('PUT', '/os-services/force-down',
                                  json=body, expected=404)

    uuid = _services(new)['host-b']['id']
    assert _services(old)['host-b']['id'] != uuid
    service = new.request('PUT', '/os-services/' + uuid,
                          json={'forced_down': True},
                          expected=200).json()['service']
    try:
        assert (service['id'], service['state'], service['forced_down']) == (
            uuid, 'down', True)
    finally:
        service = new.request('PUT', '/os-services/' + uuid,
                              json={'forced_down': False},
                              expected=200).json()['service']
    assert service['state'] == 'up'
    new.request('PUT', '/os-services/' + uuid,
                json={'status': 'enabled', 'disabled_reason': 'x'},
                expected=400)
    new.request('PUT', '/os-services/' + UNKNOWN_UUID,
                json={'status': 'disabled'}, expected=404)
    new.request('PUT', '/os-services/disable', json=body, expected=400)


def test_delete_service_hosting_servers_is_409(cloud):
    admin = _admin(cloud, '2.53')
    member = _member(cloud, '2.53')
    with _servers(member) as made:
        server = _boot(member, made, 'somewhere')
        host = admin.get_server(server['id'])['OS-EXT-SRV-ATTR:host']
        uuid = _services(admin)[host]['id']
        resp = admin.delete('/os-services/' + uuid, expected=409)
        assert 'instances' in client_mod.fault_of(resp)[1]['message']
        old_id = _services(_admin(cloud, '2.52'))[host]['id']
        _admin(cloud, '2.52').delete('/os-services/%d' % old_id,
                                     expected=409)
    assert set(_services(admin)) == {'host-a', 'host-b'}
    admin.delete('/os-services/' + UNKNOWN_UUID, expected=404)
    admin.delete('/os-services/abc', expected=400)


# ---- hypervisors ------------------------------------------------------------

def test_hypervisors_ids_at_2_52_and_2_53(cloud):
    old = _admin(cloud, '2.52').get('/os-hypervisors/detail',
                                    expected=200).json()['hypervisors']
    new = _admin(cloud, '2.53').get('/os-hypervisors/detail',
                                    expected=200).json()['hypervisors']
    assert all(isinstance(h['id'], int) for h in old)
    assert all(isinstance(h['id'], str) and len(h['id']) == 36
               for h in new)
    assert ([h['hypervisor_hostname'] for h in old] ==
            [h['hypervisor_hostname'] for h in new])
    admin = _admin(cloud, '2.53')
    shown = admin.get('/os-hypervisors/' + new[0]['id'],
                      expected=200).json()['hypervisor']
    assert shown['service']['id'] == new[0]['service']['id']
    found = admin.get('/os-hypervisors', params={
        'hypervisor_hostname_pattern': new[0]['hypervisor_hostname']},
        expected=200).json()['hypervisors']
    assert [h['id'] for h in found] == [new[0]['id']]
    admin.get('/os-hypervisors/%d' % old[0]['id'], expected=400)
    admin.get('/os-hypervisors/' + UNKNOWN_UUID, expected=404)
    admin.get('/os-hypervisors/host/search', expected=404)
    _admin(cloud, '2.52').get('/os-hypervisors/%s/search'
                              % old[0]['hypervisor_hostname'], expected=200)


def test_hypervisors_fields_at_2_87_and_2_88(cloud):
    old_client, new_client = _admin(cloud, '2.87'), _admin(cloud, '2.88')
    [node] = [h for h in new_client.get(
        '/os-hypervisors', expected=200).json()['hypervisors']][:1]
    old = old_client.get('/os-hypervisors/' + node['id'],
                         expected=200).json()['hypervisor']
    new = new_client.get('/os-hypervisors/' + node['id'],
                         expected=200).json()['hypervisor']
    assert {'vcpus', 'memory_mb', 'local_gb', 'running_vms',
            'cpu_info'} <= set(old)
    assert 'uptime' not in old
    assert not {'vcpus', 'memory_mb', 'local_gb', 'vcpus_used',
                'free_ram_mb', 'running_vms', 'current_workload',
                'disk_available_least', 'cpu_info'} & set(new)
    # The fake driver's uptime, asked of the compute host over RPC.
    assert 'load average' in new['uptime']
    uptime = old_client.get('/os-hypervisors/%s/uptime' % node['id'],
                            expected=200).json()['hypervisor']
    assert uptime['uptime'] == new['uptime']
    old_client.get('/os-hypervisors/statistics', expected=200)
    new_client.get('/os-hypervisors/statistics', expected=404)
    new_client.get('/os-hypervisors/%s/uptime' % node['id'], expected=404)


# ---- Nova's binary names ----------------------------------------------------

NOVA_BINARIES = {'nova-compute': {'host-a', 'host-b'},
                 'nova-conductor': {'conductor-1'},
                 'nova-scheduler': {'scheduler-1'}}


@pytest.mark.parametrize('version', ['2.1', '2.53'])
def test_services_say_and_filter_by_nova_binaries(cloud, version):
    """What tempest and operators' scripts ask: the processes are
    nova-lite-*, their services are Nova's."""
    admin = _admin(cloud, version)

    def listed(**params):
        return admin.get('/os-services', params=params,
                         expected=200).json()['services']

    everything = listed()
    assert {(s['binary'], s['host']) for s in everything} == {
        (binary, host) for binary, hosts in NOVA_BINARIES.items()
        for host in hosts}, everything
    for binary, hosts in NOVA_BINARIES.items():
        found = listed(binary=binary)
        assert {s['host'] for s in found} == hosts, found
        assert {s['binary'] for s in found} == {binary}
        assert {s['zone'] for s in found} == (
            {'nova'} if binary == COMPUTE else {'internal'})
    [one] = listed(binary=COMPUTE, host='host-a')
    assert (one['binary'], one['host'], one['state']) == (
        COMPUTE, 'host-a', 'up')
    # As in Nova, a binary nothing runs as finds nothing (no error), the
    # old nova-lite names included.
    for binary in ('nova-lite-compute', 'nova-lite-scheduler', 'nova-foo'):
        assert listed(binary=binary) == []

    zones = _zones(admin, '/detail')
    assert {host: set(services) for host, services in
            zones['nova']['hosts'].items()} == {
        'host-a': {COMPUTE}, 'host-b': {COMPUTE}}
    assert {host: set(services) for host, services in
            zones['internal']['hosts'].items()} == {
        'conductor-1': {'nova-conductor'}, 'scheduler-1': {'nova-scheduler'}}


def test_enable_disable_by_host_and_nova_binary_below_2_53(cloud):
    admin = _admin(cloud, '2.1')
    body = {'host': 'host-a', 'binary': COMPUTE}
    resp = admin.request('PUT', '/os-services/disable', json=body,
                         expected=200).json()
    try:
        assert resp == {'service': dict(body, status='disabled')}
        [listed] = admin.get('/os-services', params=body,
                             expected=200).json()['services']
        assert listed['status'] == 'disabled'
    finally:
        resp = admin.request('PUT', '/os-services/enable', json=body,
                             expected=200).json()
    assert resp == {'service': dict(body, status='enabled')}
    assert _services(admin)['host-a']['status'] == 'enabled'

    # Nova refuses any binary but nova-compute before looking it up (400),
    # and an unknown host of nova-compute is a 404.
    for binary in ('nova-conductor', 'nova-lite-compute', 'nova-foo'):
        resp = admin.request('PUT', '/os-services/disable',
                             json={'host': 'host-a', 'binary': binary},
                             expected=400)
        assert client_mod.fault_of(resp) == ('badRequest', {
            'code': 400,
            'message': 'Updating a %s service is not supported. Only '
                       'nova-compute services can be updated.' % binary})
    admin.request('PUT', '/os-services/disable',
                  json={'host': 'nohost', 'binary': COMPUTE}, expected=404)
    assert {s['status'] for s in _services(admin).values()} == {'enabled'}


@pytest.mark.parametrize('version', ['2.1', '2.53'])
def test_hypervisors_are_the_nova_compute_services(cloud, version):
    admin = _admin(cloud, version)
    computes = {s['host']: s for s in admin.get(
        '/os-services', params={'binary': COMPUTE},
        expected=200).json()['services']}
    hypervisors = admin.get('/os-hypervisors/detail',
                            expected=200).json()['hypervisors']
    assert sorted(h['hypervisor_hostname'] for h in hypervisors) == [
        'host-a', 'host-b']
    for hypervisor in hypervisors:
        service = hypervisor['service']
        assert service['id'] == computes[service['host']]['id']
        assert (hypervisor['state'], hypervisor['status']) == (
            'up', 'enabled')
        shown = admin.get('/os-hypervisors/%s' % hypervisor['id'],
                          expected=200).json()['hypervisor']
        assert shown['service'] == service


# ---- policy -----------------------------------------------------------------

@pytest.mark.parametrize('method, path, body, version', [
    ('GET', '/os-aggregates', None, '2.41'),
    ('POST', '/os-aggregates', {'aggregate': {'name': 'x'}}, '2.41'),
    ('GET', '/os-aggregates/1', None, '2.41'),
    ('PUT', '/os-aggregates/1', {'aggregate': {'name': 'y'}}, '2.41'),
    ('DELETE', '/os-aggregates/1', None, '2.41'),
    ('POST', '/os-aggregates/1/action', {'add_host': {'host': 'host-a'}},
     '2.41'),
    ('GET', '/os-services', None, '2.53'),
    ('PUT', '/os-services/disable', {'host': 'host-a', 'binary': COMPUTE},
     '2.11'),
    ('PUT', '/os-services/' + UNKNOWN_UUID, {'status': 'disabled'}, '2.53'),
    ('DELETE', '/os-services/' + UNKNOWN_UUID, None, '2.53'),
    ('GET', '/os-hypervisors', None, '2.53'),
    ('GET', '/os-hypervisors/detail', None, '2.88'),
    ('GET', '/os-hypervisors/' + UNKNOWN_UUID, None, '2.53'),
    ('GET', '/os-hypervisors/1/uptime', None, '2.52'),
    ('GET', '/os-availability-zone/detail', None, '2.53'),
])
def test_members_get_403_on_admin_calls(cloud, method, path, body, version):
    resp = _member(cloud, version).request(method, path, json=body,
                                           expected=403)
    assert 'forbidden' in resp.json()


# ---- last: deleting an idle compute service (host-b is gone after it) -------

def test_delete_idle_compute_service(cloud):
    admin = _admin(cloud, '2.53')
    with _aggregate(admin, 'agg-b', 'azb', ['host-b']) as agg:
        uuid = _services(admin)['host-b']['id']
        admin.delete('/os-services/' + uuid, expected=204)
        assert set(_services(admin)) == {'host-a'}
        shown = admin.get('/os-aggregates/%d' % agg['id'],
                          expected=200).json()['aggregate']
        assert shown['hosts'] == []
        hypervisors = admin.get('/os-hypervisors',
                                expected=200).json()['hypervisors']
        assert [h['hypervisor_hostname'] for h in hypervisors] == ['host-a']
        assert set(_zones(admin)) == {'nova'}
        admin.delete('/os-services/' + uuid, expected=404)

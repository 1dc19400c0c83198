"""Networks end to end: defined with nova-lite-manage, attached at boot
(auto, by uuid, with a fixed IP, none), shown in server views, /ips and
/os-networks, refused when wrong without a row left behind, released on
delete; and concurrent boots never sharing an address, once on one
nova-lite-all process (sqlite) and once across processes (two conductors
allocating for two computes) on MariaDB and on PostgreSQL.
"""

import concurrent.futures
import ipaddress
import re
import subprocess

import pytest

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures import process as process_mod
from tests.fixtures.pytest_support import use_fixture

PROXY = {'OpenStack-API-Version': 'compute 2.35'}
MAC = re.compile(r'^fa:16:3e(:[0-9a-f]{2}){3}$')
UNKNOWN = '6d2b7d6c-0a3b-4c4e-9f55-0d8c3f0c1e11'
HOST_SIZE = {'fake_driver': {'vcpus': 64, 'memory_mb': 65536,
                             'local_gb': 4096}}


def _manage(cloud, *args):
    if isinstance(cloud, cloud_mod.AllInOneCloud):
        return process_mod.run_manage([cloud.conf_file], *args)
    return cloud.manage(*args)


def _manage_fails(cloud, *args):
    """Run nova-lite-manage expecting it to fail; returns its stderr."""
    files = ([cloud.conf_file] if isinstance(cloud, cloud_mod.AllInOneCloud)
             else [cloud.common_conf, cloud.db_conf])
    result = subprocess.run(
        process_mod.command_line('nova-lite-manage', files, *args),
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, env=process_mod.child_env(), timeout=180)
    assert result.returncode != 0, result.stdout
    return result.stderr.decode()


def _create_network(cloud, name, cidr, *extra):
    out = _manage(cloud, 'network', 'create', '--name', name, '--cidr',
                  cidr, *extra)
    return re.search(r'Created network ([0-9a-f-]{36})', out).group(1)


def _addresses(server, label):
    return [a['addr'] for a in server['addresses'].get(label, [])]


def _boot(client, name, networks, **extra):
    return client.create_server(name, networks=networks,
                                **extra)['server']['id']


def _fixed(network_id, address=None):
    entry = {'uuid': network_id}
    if address:
        entry['fixed_ip'] = address
    return [entry]


def _delete_all(client, ids):
    for server_id in ids:
        client.delete_server(server_id, expected=(204, 404))
    for server_id in ids:
        client.wait_for_deleted(server_id)


# ---- one nova-lite-all process ---------------------------------------------

@pytest.fixture(scope='module')
def cloud(base_tmp):
    with use_fixture(cloud_mod.AllInOneCloud(
            str(base_tmp / 'networks'))) as cloud:
        yield cloud


@pytest.fixture(scope='module')
def nets(cloud):
    """Three networks: shared, the demo project's own, another's."""
    return {
        'private': _create_network(cloud, 'private', '192.0.2.0/28',
                                   '--dns', '192.0.2.53'),
        'demo-net': _create_network(cloud, 'demo-net', '198.51.100.0/28',
                                    '--project-id', 'demo', '--bridge',
                                    'br-demo'),
        'alt-net': _create_network(cloud, 'alt-net', '203.0.113.0/28',
                                   '--project-id', 'alt'),
    }


def test_manage_lists_networks(cloud, nets):
    out = _manage(cloud, 'network', 'list')
    for label, uuid in nets.items():
        line = next(line for line in out.splitlines() if uuid in line)
        assert label in line
    assert 'br-demo' in out


def test_os_networks_listing(cloud, nets):
    demo = cloud.client.get('/os-networks', headers=PROXY,
                            expected=200).json()['networks']
    assert {n['label']: n['id'] for n in demo} == {
        'private': nets['private'], 'demo-net': nets['demo-net']}
    assert 'bridge' not in demo[0]
    private = next(n for n in demo if n['label'] == 'private')
    assert (private['cidr'], private['netmask'], private['gateway'],
            private['broadcast'], private['dns1']) == (
        '192.0.2.0/28', '255.255.255.240', '192.0.2.1', '192.0.2.15',
        '192.0.2.53')
    admin = cloud.admin.get('/os-networks', headers=PROXY,
                            expected=200).json()['networks']
    assert {n['label'] for n in admin} >= set(nets)
    shown = cloud.admin.get('/os-networks/%s' % nets['demo-net'],
                            headers=PROXY, expected=200).json()['network']
    assert (shown['bridge'], shown['project_id']) == ('br-demo', 'demo')
    cloud.client.get('/os-networks/%s' % nets['alt-net'], headers=PROXY,
                     expected=404)
    # Gone with nova-network, as in Nova.
    cloud.client.get('/os-networks', expected=404)
    cloud.admin.post('/os-networks', json={'network': {
        'label': 'x', 'cidr': '10.0.0.0/24'}}, expected=410)
    cloud.admin.delete('/os-networks/%s' % nets['private'], expected=410)


def test_boot_with_each_kind_of_networks(cloud, nets):
    client = cloud.client
    ids = {
        'auto': _boot(client, 'net-auto', 'auto'),
        'uuid': _boot(client, 'net-uuid', _fixed(nets['private'])),
        'fixed': _boot(client, 'net-fixed',
                       _fixed(nets['private'], '192.0.2.10')),
        'none': _boot(client, 'net-none', 'none'),
        'two': _boot(client, 'net-two',
                     _fixed(nets['private']) + _fixed(nets['demo-net'])),
    }
    # Before 2.37 no "networks" means auto.
    old = client_mod.ApiClient(cloud.endpoint, 'demo', 'demo',
                               microversion='2.1')
    ids['legacy'] = old.post('/servers', json={'server': {
        'name': 'net-legacy', 'imageRef': client_mod.TEST_IMAGE,
        'flavorRef': '1'}}, expected=202).json()['server']['id']
    servers = {kind: client.wait_for_status(server_id)
               for kind, server_id in ids.items()}

    # "auto": the project's own network wins over the shared one.
    for kind in ('auto', 'legacy'):
        assert list(servers[kind]['addresses']) == ['demo-net']
    assert list(servers['uuid']['addresses']) == ['private']
    assert _addresses(servers['fixed'], 'private') == ['192.0.2.10']
    assert servers['none']['addresses'] == {}
    assert set(servers['two']['addresses']) == {'private', 'demo-net'}

    everything = [a for s in servers.values()
                  for entries in s['addresses'].values() for a in entries]
    assert len({a['addr'] for a in everything}) == len(everything)
    assert len({a['OS-EXT-IPS-MAC:mac_addr'] for a in everything}) == len(
        everything)
    for entry in everything:
        assert entry['version'] == 4
        assert entry['OS-EXT-IPS:type'] == 'fixed'
        assert MAC.match(entry['OS-EXT-IPS-MAC:mac_addr']), entry
    for address in _addresses(servers['auto'], 'demo-net'):
        assert ipaddress.ip_address(address) in ipaddress.ip_network(
            '198.51.100.0/28')

    detail, _ = client.list_servers(detail=True)
    by_id = {s['id']: s for s in detail}
    for server in servers.values():
        assert by_id[server['id']]['addresses'] == server['addresses']

    ips = client.get('/servers/%s/ips' % ids['two'],
                     expected=200).json()['addresses']
    assert ips == {label: [{'addr': a['addr'], 'version': 4}
                           for a in entries]
                   for label, entries in servers['two']['addresses'].items()}
    one = client.get('/servers/%s/ips/private' % ids['fixed'],
                     expected=200).json()
    assert one == {'private': [{'addr': '192.0.2.10', 'version': 4}]}
    client.get('/servers/%s/ips/demo-net' % ids['fixed'], expected=404)
    client.get('/servers/%s/ips' % UNKNOWN, expected=404)
    cloud.client.as_user('other', 'alt').get(
        '/servers/%s/ips' % ids['fixed'], expected=404)

    # The MAC a server got stays with it.
    again = client.get_server(ids['fixed'])
    assert again['addresses'] == servers['fixed']['addresses']
    _delete_all(client, ids.values())


def _count(cloud):
    servers, _ = cloud.admin.list_servers(detail=True,
                                          params={'all_tenants': '1'})
    return len(servers)


@pytest.mark.parametrize('networks, extra, fragment', [
    ([{'uuid': UNKNOWN}], {}, 'Network %s could not be found.' % UNKNOWN),
    ('ALT', {}, 'could not be found'),
    ('PRIVATE 10.9.9.9', {}, 'does not exist in network'),
    ('PRIVATE 192.0.2.1', {}, 'network, broadcast or gateway'),
    ('PRIVATE 192.0.2.15', {}, 'network, broadcast or gateway'),
    ('PRIVATE 192.0.2.5', {'max_count': 2}, 'max_count cannot be greater'),
    ([{'port': UNKNOWN}], {}, 'Port %s could not be found.' % UNKNOWN),
])
def test_bad_networks_are_400_and_leave_nothing(cloud, nets, networks,
                                                extra, fragment):
    if networks == 'ALT':
        networks = _fixed(nets['alt-net'])
    elif isinstance(networks, str):
        networks = _fixed(nets['private'], networks.split()[1])
    before = _count(cloud)
    response = cloud.client.create_server('bad', networks=networks,
                                          expected=400, **extra)
    assert fragment in response['badRequest']['message'], response
    assert _count(cloud) == before


def test_address_in_use_is_400_then_free_after_delete(cloud, nets):
    client = cloud.client
    first = _boot(client, 'holder', _fixed(nets['private'], '192.0.2.12'))
    client.wait_for_status(first)
    before = _count(cloud)
    fault = client.create_server(
        'taker', networks=_fixed(nets['private'], '192.0.2.12'),
        expected=400)
    assert 'already in use' in fault['badRequest']['message']
    assert _count(cloud) == before
    client.delete_server(first)
    client.wait_for_deleted(first)
    second = _boot(client, 'taker', _fixed(nets['private'], '192.0.2.12'))
    server = client.wait_for_status(second)
    assert _addresses(server, 'private') == ['192.0.2.12']
    _delete_all(client, [second])


def test_full_network_and_network_delete(cloud):
    tiny = _create_network(cloud, 'tiny', '10.254.0.0/30')  # one address
    client = cloud.admin
    first = _boot(client, 'tiny-1', _fixed(tiny))
    assert _addresses(client.wait_for_status(first), 'tiny') == [
        '10.254.0.2']
    second = _boot(client, 'tiny-2', _fixed(tiny))
    failed = client.wait_for_status(second, statuses=('ERROR',))
    assert 'No fixed IP addresses available' in failed['fault']['message']
    assert failed['addresses'] == {}
    assert 'still in use' in _manage_fails(cloud, 'network', 'delete',
                                           'tiny')
    _delete_all(client, [first, second])
    assert 'Deleted network %s' % tiny in _manage(cloud, 'network',
                                                  'delete', 'tiny')
    assert 'could not be found' in _manage_fails(cloud, 'network',
                                                 'delete', tiny)


def _concurrent_boots(client, network_id, count):
    def boot(index):
        return _boot(client.as_user('demo', 'demo'), 'race-%02d' % index,
                     _fixed(network_id))

    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        ids = list(pool.map(boot, range(count), timeout=180))
    servers = client.wait_for_servers(ids, timeout=180)
    return ids, servers


def _check_distinct(servers, label, cidr, count):
    assert {s['status'] for s in servers.values()} == {'ACTIVE'}, {
        sid: (s['status'], s.get('fault')) for sid, s in servers.items()}
    addresses = [a for s in servers.values() for a in _addresses(s, label)]
    macs = [a['OS-EXT-IPS-MAC:mac_addr'] for s in servers.values()
            for a in s['addresses'][label]]
    assert len(addresses) == count
    assert len(set(addresses)) == count, sorted(addresses)
    assert len(set(macs)) == count
    network = ipaddress.ip_network(cidr)
    assert all(ipaddress.ip_address(a) in network for a in addresses)
    assert str(network.network_address + 1) not in addresses  # gateway


def test_concurrent_boots_get_distinct_addresses(cloud):
    race = _create_network(cloud, 'race', '10.250.0.0/27')
    ids, servers = _concurrent_boots(cloud.client, race, 20)
    _check_distinct(servers, 'race', '10.250.0.0/27', 20)
    _delete_all(cloud.client, ids)
    _manage(cloud, 'network', 'delete', 'race')


# ---- across processes ------------------------------------------------------

@pytest.fixture(scope='module', params=[
    pytest.param('mysql', marks=[pytest.mark.rabbitmq, pytest.mark.mysql]),
    pytest.param('postgresql', marks=[pytest.mark.rabbitmq,
                                      pytest.mark.postgresql])])
def multi_cloud(request, base_tmp):
    with use_fixture(cloud_mod.MultiProcessCloud(
            str(base_tmp / ('networks-%s' % request.param)),
            backend=request.param, conductors=2,
            computes={'host-a': HOST_SIZE, 'host-b': HOST_SIZE},
            # NOTE: the database servers are shared with other test runs;
            # a small pool per process keeps this cloud's connections few.
            conf={'database': {'max_pool_size': 4,
                               'max_overflow': 4}})) as cloud:
        yield cloud


def test_concurrent_boots_across_processes(multi_cloud):
    race = _create_network(multi_cloud, 'race', '10.251.0.0/27')
    ids, servers = _concurrent_boots(multi_cloud.client, race, 20)
    _check_distinct(servers, 'race', '10.251.0.0/27', 20)
    hosts = {multi_cloud.admin.get_server(sid)['OS-EXT-SRV-ATTR:host']
             for sid in ids}
    assert hosts == {'host-a', 'host-b'}
    # Deleting frees every address: the network can go.
    _delete_all(multi_cloud.client, ids)
    assert 'Deleted network' in _manage(multi_cloud, 'network', 'delete',
                                        race)

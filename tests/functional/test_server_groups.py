"""Server groups across real processes (api, two conductors, two
schedulers, three fake-driver computes on RabbitMQ and MariaDB): the API,
the policies the scheduler enforces, and 30 simultaneous boots into one
anti-affinity group with max_server_per_host=10 keeping the rule; then the
group claim itself raced on MariaDB and PostgreSQL.
"""

import collections
import concurrent.futures
import threading

from oslo_utils import uuidutils
import pytest

from nova_lite import conf
from nova_lite.db import api as db_api
from nova_lite.db import compute_node_api as node_db
from nova_lite.db import migration
from nova_lite.db import server_group_api as group_db
from nova_lite import exception
from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures import database as database_mod
from tests.fixtures.pytest_support import use_fixture

pytestmark = [pytest.mark.rabbitmq, pytest.mark.mysql]

HOSTS = ('host-a', 'host-b', 'host-c')
# NOTE: big enough that resources are never what limits a group.
BIG_HOST = {'fake_driver': {'vcpus': 128, 'memory_mb': 131072,
                            'local_gb': 4096}}
CONF = {
    # NOTE: 8 processes on 2 cores: a missed heartbeat under load must not
    # take a host out of the race.
    'DEFAULT': {'service_down_time': 60},
    # NOTE: the concurrency test puts 30 members into one group.
    'quota': {'server_group_members': 50, 'server_groups': 50},
    # NOTE: the weighers stack (fill the fullest host first), so that
    # without the group rules every server would land on one host; the
    # soft policy must outweigh that.
    'filter_scheduler': {'ram_weight_multiplier': -1.0,
                         'cpu_weight_multiplier': -1.0,
                         'soft_anti_affinity_weight_multiplier': 10.0},
}
TIMEOUT = 90
RACERS = 30
PER_HOST = 10


def _cloud(base_tmp, backend, name):
    return use_fixture(cloud_mod.MultiProcessCloud(
        str(base_tmp / name), backend=backend,
        computes={host: BIG_HOST for host in HOSTS}, schedulers=2,
        conductors=2, conf=CONF))


@pytest.fixture(scope='module')
def cloud(base_tmp):
    with _cloud(base_tmp, 'mysql', 'server-groups') as cloud:
        yield cloud


def _client(cloud, version='2.64', user='demo', project='demo'):
    return client_mod.ApiClient(cloud.endpoint, user, project,
                                microversion=version)


def _admin(cloud, version='2.64'):
    return _client(cloud, version, 'admin', 'admin')


def _create_group(client, policy='anti-affinity', rules=None,
                  expected=200, name='group'):
    body = {'name': name, 'policy': policy}
    if rules is not None:
        body['rules'] = rules
    response = client.post('/os-server-groups',
                           json={'server_group': body}, expected=expected)
    return response.json().get('server_group')


def _boot(client, name, group=None, expected=202):
    body = {'server': {'name': name, 'imageRef': client_mod.TEST_IMAGE,
                       'flavorRef': '1', 'networks': 'none'}}
    if group:
        body['os:scheduler_hints'] = {'group': group}
    response = client.post('/servers', json=body, expected=expected)
    return response.json()


def _hosts(cloud, server_ids):
    admin = _admin(cloud)
    return [admin.get_server(sid)['OS-EXT-SRV-ATTR:host']
            for sid in server_ids]


@pytest.fixture
def cleanup(cloud):
    """Servers and groups a test made, deleted after it."""
    made = {'servers': [], 'groups': []}
    yield made
    client = _client(cloud)
    for sid in made['servers']:
        client.delete_server(sid, expected=(204, 404))
    for sid in made['servers']:
        client.wait_for_deleted(sid, timeout=TIMEOUT)
    for gid in made['groups']:
        client.delete('/os-server-groups/%s' % gid, expected=(204, 404))


def _boot_active(cloud, cleanup, client, names, group=None):
    """Boot one by one, each ACTIVE before the next (soft policies are
    preferences over what is already placed)."""
    ids = []
    for name in names:
        sid = _boot(client, name, group)['server']['id']
        cleanup['servers'].append(sid)
        client.wait_for_status(sid, 'ACTIVE', timeout=TIMEOUT)
        ids.append(sid)
    return ids


# ---- the API ---------------------------------------------------------------

def test_crud_bodies(cloud, cleanup):
    client = _client(cloud)
    group = _create_group(client, rules={'max_server_per_host': 3})
    cleanup['groups'].append(group['id'])
    assert set(group) == {'id', 'name', 'policy', 'rules', 'members',
                          'project_id', 'user_id'}
    assert (group['policy'], group['rules'], group['members'],
            group['project_id'], group['user_id']) == (
        'anti-affinity', {'max_server_per_host': 3}, [], 'demo', 'demo')
    shown = client.get('/os-server-groups/%s' % group['id'],
                       expected=200).json()['server_group']
    assert shown == group
    old = _client(cloud, '2.1').get('/os-server-groups/%s' % group['id'],
                                    expected=200).json()['server_group']
    assert old == {'id': group['id'], 'name': 'group',
                   'policies': ['anti-affinity'], 'members': [],
                   'metadata': {}}
    listed = client.get('/os-server-groups', expected=200).json()
    assert group['id'] in [g['id'] for g in listed['server_groups']]
    client.delete('/os-server-groups/%s' % group['id'], expected=204)
    client.get('/os-server-groups/%s' % group['id'], expected=404)


def test_soft_policies_and_creates_below_2_64(cloud, cleanup):
    client = _client(cloud, '2.15')
    group = client.post('/os-server-groups', json={'server_group': {
        'name': 'soft', 'policies': ['soft-affinity']}},
        expected=200).json()['server_group']
    cleanup['groups'].append(group['id'])
    assert group['policies'] == ['soft-affinity']
    _client(cloud, '2.14').post('/os-server-groups', json={'server_group': {
        'name': 'soft', 'policies': ['soft-affinity']}}, expected=400)


@pytest.mark.parametrize('body', [
    {'name': 'g', 'policy': 'bogus'},
    {'name': 'g', 'policy': 'affinity', 'rules': {'max_server_per_host': 2}},
    {'name': 'g', 'policy': 'anti-affinity',
     'rules': {'max_server_per_host': 0}},
    {'name': 'g', 'policies': ['anti-affinity']},
])
def test_bad_creates_are_400(cloud, body):
    client = _client(cloud)
    before = client.get('/os-server-groups', expected=200).json()
    response = client.post('/os-server-groups',
                           json={'server_group': body}, expected=400)
    assert response.json()['badRequest']['code'] == 400
    assert client.get('/os-server-groups', expected=200).json() == before


def test_unknown_group_hint_is_400(cloud):
    client = _client(cloud)
    response = _boot(client, 'lost', '8b5c5a0e-0000-4000-8000-00000000dead',
                     expected=400)
    assert 'could not be found' in response['badRequest']['message']
    _boot(client, 'lost', 'not-a-uuid', expected=400)
    servers, _ = client.list_servers()
    assert 'lost' not in [s['name'] for s in servers]


def test_another_projects_group(cloud, cleanup):
    group = _create_group(_client(cloud))
    cleanup['groups'].append(group['id'])
    other = _client(cloud, user='eve', project='other')
    other.get('/os-server-groups/%s' % group['id'], expected=404)
    other.delete('/os-server-groups/%s' % group['id'], expected=404)
    assert group['id'] not in [g['id'] for g in other.get(
        '/os-server-groups', expected=200).json()['server_groups']]
    # NOTE: nor may it boot into it.
    _boot(other, 'intruder', group['id'], expected=400)
    # NOTE: all_projects is for admins; a member just sees its own.
    assert group['id'] not in [g['id'] for g in other.get(
        '/os-server-groups?all_projects=True',
        expected=200).json()['server_groups']]
    admin = _admin(cloud)
    assert group['id'] in [g['id'] for g in admin.get(
        '/os-server-groups?all_projects=True',
        expected=200).json()['server_groups']]
    assert group['id'] not in [g['id'] for g in admin.get(
        '/os-server-groups', expected=200).json()['server_groups']]
    admin.get('/os-server-groups/%s' % group['id'], expected=200)


# ---- the policies ----------------------------------------------------------

def test_affinity_lands_on_one_host(cloud, cleanup):
    client = _client(cloud)
    group = _create_group(client, 'affinity')
    cleanup['groups'].append(group['id'])
    # NOTE: at once: the first claim decides the host for all.
    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        ids = list(pool.map(lambda i: _boot(
            _client(cloud), 'aff-%d' % i, group['id'])['server']['id'],
            range(3)))
    cleanup['servers'].extend(ids)
    servers = client.wait_for_servers(ids, timeout=TIMEOUT)
    assert {s['status'] for s in servers.values()} == {'ACTIVE'}
    assert len(set(_hosts(cloud, ids))) == 1
    members = client.get('/os-server-groups/%s' % group['id'],
                         expected=200).json()['server_group']['members']
    assert sorted(members) == sorted(ids)


def test_anti_affinity_full_is_error_naming_the_filter(cloud, cleanup):
    client = _client(cloud)
    group = _create_group(client, 'anti-affinity')
    cleanup['groups'].append(group['id'])
    ids = _boot_active(cloud, cleanup, client,
                       ['anti-%d' % i for i in range(len(HOSTS))],
                       group['id'])
    assert sorted(_hosts(cloud, ids)) == list(HOSTS)
    extra = _boot(client, 'anti-extra', group['id'])['server']['id']
    cleanup['servers'].append(extra)
    client.wait_for_status(extra, ('ERROR',), timeout=TIMEOUT)
    # NOTE: the conductor records the fault just after the ERROR state.
    server = client_mod.wait_for(
        lambda: (lambda s: s if 'fault' in s else None)(
            client.get_server(extra)),
        TIMEOUT, message='a fault on server %s' % extra)
    message = server['fault']['message']
    assert 'No valid host' in message
    assert 'ServerGroupAntiAffinityFilter removed 3' in message, message


def test_soft_anti_affinity_spreads(cloud, cleanup):
    client = _client(cloud)
    group = _create_group(client, 'soft-anti-affinity')
    cleanup['groups'].append(group['id'])
    ids = _boot_active(cloud, cleanup, client,
                       ['soft-%d' % i for i in range(len(HOSTS) + 1)],
                       group['id'])
    counts = collections.Counter(_hosts(cloud, ids))
    # NOTE: a preference, not a rule: the fourth still lands.
    assert sorted(counts.values()) == [1, 1, 2], counts


def test_server_groups_in_server_show_from_2_71(cloud, cleanup):
    client = _client(cloud, '2.71')
    group = _create_group(client, 'soft-affinity')
    cleanup['groups'].append(group['id'])
    [member] = _boot_active(cloud, cleanup, client, ['member'], group['id'])
    [loner] = _boot_active(cloud, cleanup, client, ['loner'])
    assert client.get_server(member)['server_groups'] == [group['id']]
    assert client.get_server(loner)['server_groups'] == []
    assert 'server_groups' not in _client(cloud, '2.70').get_server(member)
    servers, _ = client.list_servers(detail=True)
    assert all('server_groups' not in s for s in servers)
    # NOTE: a deleted group leaves its members running, in no group.
    client.delete('/os-server-groups/%s' % group['id'], expected=204)
    server = client.get_server(member)
    assert (server['status'], server['server_groups']) == ('ACTIVE', [])


def test_deleted_server_leaves_its_group(cloud, cleanup):
    client = _client(cloud)
    group = _create_group(client, 'soft-anti-affinity')
    cleanup['groups'].append(group['id'])
    first, second = _boot_active(cloud, cleanup, client, ['m1', 'm2'],
                                 group['id'])
    client.delete_server(first)
    client.wait_for_deleted(first, timeout=TIMEOUT)
    members = client.get('/os-server-groups/%s' % group['id'],
                         expected=200).json()['server_group']['members']
    assert members == [second]


# ---- concurrent boots into one group --------------------------------------

def _race(cloud, cleanup):
    """30 simultaneous boots into one anti-affinity group with
    max_server_per_host=10 on 3 hosts; returns the servers' hosts."""
    client = _client(cloud)
    group = _create_group(client, rules={'max_server_per_host': PER_HOST})
    cleanup['groups'].append(group['id'])

    def boot(index):
        return _boot(_client(cloud), 'race-%02d' % index,
                     group['id'])['server']['id']

    with concurrent.futures.ThreadPoolExecutor(RACERS) as pool:
        ids = list(pool.map(boot, range(RACERS), timeout=120))
    cleanup['servers'].extend(ids)
    servers = client.wait_for_servers(ids, timeout=180)
    failed = {sid: s.get('fault', {}).get('message')
              for sid, s in servers.items() if s['status'] != 'ACTIVE'}
    assert not failed, failed
    members = client.get('/os-server-groups/%s' % group['id'],
                         expected=200).json()['server_group']['members']
    assert sorted(members) == sorted(ids)
    return collections.Counter(_hosts(cloud, ids))


def test_concurrent_boots_keep_max_server_per_host(cloud, cleanup):
    per_host = _race(cloud, cleanup)
    assert per_host == {host: PER_HOST for host in HOSTS}, per_host
    rows = cloud.service_list()
    assert {r['host'] for r in rows if r['binary'] in (
        'nova-scheduler', 'nova-conductor')} == {
        'scheduler-1', 'scheduler-2', 'conductor-1', 'conductor-2'}


# ---- the claim on each database engine -------------------------------------
#
# NOTE: the 30-boot race above runs on MariaDB; the same race on PostgreSQL
# costs another cloud (a minute and a half on this machine). What differs
# between the engines is the locking of the claim, so it is raced here
# directly, threads on their own connections standing in for schedulers.

CLAIM_THREADS = 12
RESOURCES = {'VCPU': 1, 'MEMORY_MB': 64, 'DISK_GB': 1}


@pytest.fixture(params=[
    pytest.param('mysql', marks=pytest.mark.mysql),
    pytest.param('postgresql', marks=pytest.mark.postgresql)])
def claim_db(request, base_tmp):
    with use_fixture(database_mod.Database(request.param)) as database:
        conf.CONF.set_override('connection', database.url, 'database')
        conf.CONF.set_override('max_retries', CLAIM_THREADS * 4,
                               'database')
        db_api.dispose_engine()
        try:
            migration.db_sync()
            yield
        finally:
            db_api.dispose_engine()
            conf.CONF.clear_override('connection', 'database')
            conf.CONF.clear_override('max_retries', 'database')


@pytest.mark.parametrize('policy, rules, expected', [
    ('anti-affinity', {'max_server_per_host': 3}, [3, 3, 3]),
    ('affinity', None, [CLAIM_THREADS]),
])
def test_racing_group_claims(claim_db, policy, rules, expected):
    nodes = [node_db.compute_node_create_or_update(host, host, dict(
        hypervisor_type='fake', vcpus=64, memory_mb=65536, local_gb=640,
        cpu_allocation_ratio=1.0, ram_allocation_ratio=1.0,
        disk_allocation_ratio=1.0)) for host in HOSTS]
    group = group_db.instance_group_create(dict(
        name='race', user_id='u', project_id='p', policy=policy,
        rules=rules))
    members = [uuidutils.generate_uuid() for _ in range(CLAIM_THREADS)]
    group_db.instance_group_members_add(group.uuid, members)
    barrier = threading.Barrier(CLAIM_THREADS)
    placed = {}

    def claim(index):
        barrier.wait(timeout=30)
        # NOTE: each starts on another node, as stale schedulers would.
        for step in range(len(nodes)):
            node = nodes[(index + step) % len(nodes)]
            try:
                if group_db.allocation_claim(group.uuid, node.id,
                                             members[index], RESOURCES):
                    placed[index] = node.id
                    return
            except exception.GroupAffinityViolation:
                continue

    threads = [threading.Thread(target=claim, args=(i,))
               for i in range(CLAIM_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    by_node = group_db.instance_group_members_by_node(group.uuid)
    assert sorted(len(m) for m in by_node.values()) == expected
    assert len(placed) == sum(expected)

"""Server sub-resources and project resources over HTTP against real
processes (api, conductor, scheduler, a fake-driver compute on RabbitMQ
and MariaDB): server metadata, server tags, availability zones, limits,
quota sets and hypervisors. Each story checks the happy path, another
project's 404, admin-only 403s, and 400s that change nothing.
"""

import pytest

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures.pytest_support import use_fixture

pytestmark = [pytest.mark.rabbitmq, pytest.mark.mysql]

HOST = {'fake_driver': {'vcpus': 16, 'memory_mb': 8192, 'local_gb': 1024}}
TIMEOUT = 60


@pytest.fixture(scope='module')
def cloud(base_tmp):
    with use_fixture(cloud_mod.MultiProcessCloud(
            str(base_tmp / 'resources'), backend='mysql',
            computes={'host-a': HOST})) as cloud:
        yield cloud


@pytest.fixture(scope='module')
def server(cloud):
    """An ACTIVE server of the demo project, shared by the module."""
    client = cloud.client
    server_id = client.create_server(
        'resources', metadata={'foo': 'Foo Value'})['server']['id']
    client.wait_for_status(server_id, 'ACTIVE', timeout=TIMEOUT)
    yield server_id
    client.delete_server(server_id, expected=(204, 404))
    client.wait_for_deleted(server_id, timeout=TIMEOUT)


@pytest.fixture
def other(cloud):
    return cloud.client.as_user('mallory', 'other-project')


def _put(client, path, body, expected=200):
    return client.request('PUT', path, json=body, expected=expected)


# ---- server metadata --------------------------------------------------------

def test_metadata_story(cloud, server):
    client = cloud.client
    meta = '/servers/%s/metadata' % server
    assert client.get(meta, expected=200).json() == {
        'metadata': {'foo': 'Foo Value'}}

    body = client.post(meta, json={'metadata': {'bar': 'Bar'}},
                       expected=200).json()
    assert body == {'metadata': {'foo': 'Foo Value', 'bar': 'Bar'}}

    body = _put(client, meta + '/foo', {'meta': {'foo': 'Changed'}}).json()
    assert body == {'meta': {'foo': 'Changed'}}
    assert client.get(meta + '/foo', expected=200).json() == {
        'meta': {'foo': 'Changed'}}

    client.delete(meta + '/bar', expected=204)
    client.get(meta + '/bar', expected=404)

    body = _put(client, meta, {'metadata': {'only': 'this'}}).json()
    assert body == {'metadata': {'only': 'this'}}
    # Server show and detail carry the same metadata.
    assert client.get_server(server)['metadata'] == {'only': 'this'}
    servers, _ = client.list_servers(detail=True)
    assert {s['id']: s['metadata'] for s in servers}[server] == {
        'only': 'this'}

    _put(client, meta, {'metadata': {'foo': 'Foo Value'}})


def test_metadata_of_another_project_is_404(cloud, server, other):
    meta = '/servers/%s/metadata' % server
    other.get(meta, expected=404)
    other.get(meta + '/foo', expected=404)
    other.post(meta, json={'metadata': {'x': 'y'}}, expected=404)
    _put(other, meta, {'metadata': {}}, expected=404)
    other.delete(meta + '/foo', expected=404)
    assert cloud.client.get(meta, expected=200).json() == {
        'metadata': {'foo': 'Foo Value'}}


@pytest.mark.parametrize('method, path, body', [
    ('POST', '', {'metadata': {'a': 1}}),
    ('POST', '', {'metadata': {'a' * 256: 'b'}}),
    ('PUT', '', {'metadata': 'x'}),
    ('PUT', '/foo', {'meta': {'bar': 'x'}}),
    ('PUT', '/foo', {'meta': {'foo': 'x', 'bar': 'y'}}),
])
def test_metadata_bad_bodies_change_nothing(cloud, server, method, path,
                                            body):
    client = cloud.client
    meta = '/servers/%s/metadata' % server
    response = client.request(method, meta + path, json=body, expected=400)
    assert client_mod.fault_of(response)[0] == 'badRequest'
    assert client.get(meta, expected=200).json() == {
        'metadata': {'foo': 'Foo Value'}}


def test_metadata_quota(cloud, server):
    client = cloud.client
    meta = '/servers/%s/metadata' % server
    too_many = {'k%d' % i: 'v' for i in range(128)}
    response = client.post(meta, json={'metadata': too_many}, expected=403)
    assert client_mod.fault_of(response)[0] == 'forbidden'
    assert client.get(meta, expected=200).json() == {
        'metadata': {'foo': 'Foo Value'}}


# ---- server tags (2.26) -----------------------------------------------------

def _at(client, version):
    return client_mod.ApiClient(client.endpoint, token=client.token,
                                microversion=version)


def test_tags_story(cloud, server):
    client = _at(cloud.client, '2.26')
    tags = '/servers/%s/tags' % server
    assert client.get(tags, expected=200).json() == {'tags': []}
    body = _put(client, tags, {'tags': ['tag2', 'tag1', 'tag2']}).json()
    assert sorted(body['tags']) == ['tag1', 'tag2']

    response = client.request('PUT', tags + '/tag3', expected=201)
    assert response.headers['Location'].endswith(tags + '/tag3')
    client.request('PUT', tags + '/tag3', expected=204)
    client.get(tags + '/tag3', expected=204)
    client.delete(tags + '/tag3', expected=204)
    client.get(tags + '/tag3', expected=404)
    client.delete(tags + '/tag3', expected=404)

    assert sorted(client.get_server(server)['tags']) == ['tag1', 'tag2']
    assert 'tags' not in _at(cloud.client, '2.25').get_server(server)
    client.get(tags, expected=200)
    _at(cloud.client, '2.25').get(tags, expected=404)

    client.delete(tags, expected=204)
    assert client.get(tags, expected=200).json() == {'tags': []}


def test_tag_list_filters(cloud):
    client = _at(cloud.client, '2.26')
    wanted = {'t-ab': ['a', 'b'], 't-a': ['a'], 't-c': ['c']}
    ids = {client.create_server(name)['server']['id']: name
           for name in wanted}
    try:
        for server_id, name in ids.items():
            client.wait_for_status(server_id, 'ACTIVE', timeout=TIMEOUT)
            _put(client, '/servers/%s/tags' % server_id,
                 {'tags': wanted[name]})

        def names(params):
            servers, _ = client.list_servers(detail=True, params=params)
            return sorted(ids[s['id']] for s in servers if s['id'] in ids)

        assert names({'tags': 'a'}) == ['t-a', 't-ab']
        assert names({'tags': 'a,b'}) == ['t-ab']
        assert names({'tags-any': 'b,c'}) == ['t-ab', 't-c']
        assert names({'not-tags': 'a,b'}) == ['t-a', 't-c']
        assert names({'not-tags-any': 'a'}) == ['t-c']
        # Another project sees none of them.
        other = _at(cloud.client, '2.26').as_user('mallory', 'other-project')
        servers, _ = other.list_servers(params={'tags': 'a'})
        assert not {s['id'] for s in servers} & set(ids)
    finally:
        for server_id in ids:
            client.delete_server(server_id, expected=(204, 404))
        for server_id in ids:
            client.wait_for_deleted(server_id, timeout=TIMEOUT)


def test_tags_of_another_project_are_404(cloud, server, other):
    other = _at(other, '2.26')
    tags = '/servers/%s/tags' % server
    other.get(tags, expected=404)
    other.get(tags + '/a', expected=404)
    _put(other, tags, {'tags': ['x']}, expected=404)
    other.request('PUT', tags + '/x', expected=404)
    other.delete(tags, expected=404)


@pytest.mark.parametrize('body', [
    {'tags': ['a,b']}, {'tags': ['']}, {'tags': 'a'},
    {'tags': ['t%d' % i for i in range(51)]},
])
def test_tags_bad_bodies_change_nothing(cloud, server, body):
    client = _at(cloud.client, '2.26')
    tags = '/servers/%s/tags' % server
    _put(client, tags, {'tags': ['keep']})
    _put(client, tags, body, expected=400)
    assert client.get(tags, expected=200).json() == {'tags': ['keep']}
    client.request('PUT', tags + '/' + 'x' * 61, expected=400)
    assert client.get(tags, expected=200).json() == {'tags': ['keep']}
    client.delete(tags, expected=204)


# ---- availability zones -----------------------------------------------------

def test_availability_zones(cloud):
    body = cloud.client.get('/os-availability-zone', expected=200).json()
    assert body == {'availabilityZoneInfo': [
        {'zoneName': 'nova', 'zoneState': {'available': True},
         'hosts': None}]}

    response = cloud.client.get('/os-availability-zone/detail',
                                expected=403)
    assert client_mod.fault_of(response)[0] == 'forbidden'

    body = cloud.client.admin().get('/os-availability-zone/detail',
                                    expected=200).json()
    zones = {z['zoneName']: z for z in body['availabilityZoneInfo']}
    assert zones['nova']['zoneState'] == {'available': True}
    compute = zones['nova']['hosts']['host-a']['nova-compute']
    assert compute['available'] is True and compute['active'] is True
    internal = set()
    for services in zones['internal']['hosts'].values():
        internal.update(services)
    assert {'nova-conductor', 'nova-scheduler'} <= internal


# ---- limits and quota sets --------------------------------------------------

def test_limits_show_usage(cloud, server):
    client = cloud.client
    absolute = client.get('/limits', expected=200).json()['limits'][
        'absolute']
    assert absolute['totalInstancesUsed'] >= 1
    assert absolute['totalCoresUsed'] >= 1
    assert absolute['totalRAMUsed'] >= 512
    # NOTE: the cloud fixture lifts the instance quotas by default.
    assert absolute['maxTotalInstances'] == -1
    # 2.47 (the default here): no network or image proxies.
    assert 'maxTotalFloatingIps' not in absolute
    assert 'maxImageMeta' not in absolute
    old = _at(client, '2.1').get('/limits', expected=200).json()
    assert old['limits']['absolute']['maxSecurityGroups'] == -1
    client.get('/limits', params={'tenant_id': 'admin'}, expected=403)


def test_quota_update_is_enforced_then_reverted(cloud):
    project = 'quota-project'
    member = cloud.client.as_user('quser', project)
    admin = cloud.client.admin()
    path = '/os-quota-sets/%s' % project

    member.request('PUT', path, json={'quota_set': {'instances': 1}},
                   expected=403)
    admin.request('PUT', path, json={'quota_set': {'instances': 'lots'}},
                  expected=400)
    assert member.get(path, expected=200).json()['quota_set'][
        'instances'] == -1

    body = admin.request('PUT', path,
                         json={'quota_set': {'instances': 1}},
                         expected=200).json()
    assert body['quota_set']['instances'] == 1
    assert member.get(path, expected=200).json()['quota_set'] == dict(
        body['quota_set'], id=project)
    assert member.get(path + '/defaults', expected=200).json()[
        'quota_set']['instances'] == -1
    limits = member.get('/limits', expected=200).json()
    assert limits['limits']['absolute']['maxTotalInstances'] == 1

    first = member.create_server('q1')['server']['id']
    try:
        response = member.create_server('q2', expected=403)
        assert 'Quota exceeded' in response.get('forbidden', {}).get(
            'message', '')
        detail = member.get(path + '/detail', expected=200).json()
        assert detail['quota_set']['instances'] == {
            'limit': 1, 'in_use': 1, 'reserved': 0}
        # Below usage only with force.
        admin.request('PUT', path, json={'quota_set': {'instances': 0}},
                      expected=400)

        admin.delete(path, expected=202)
        assert member.get(path, expected=200).json()['quota_set'][
            'instances'] == -1
        second = member.create_server('q2')['server']['id']
        member.delete_server(second, expected=(204, 404))
        member.wait_for_deleted(second, timeout=TIMEOUT)
    finally:
        admin.delete(path, expected=202)
        member.delete_server(first, expected=(204, 404))
        member.wait_for_deleted(first, timeout=TIMEOUT)


def test_quota_of_another_project_is_forbidden(cloud, other):
    other.get('/os-quota-sets/demo', expected=403)
    other.get('/os-quota-sets/demo/detail', expected=403)
    other.get('/os-quota-sets/demo/defaults', expected=200)


# ---- hypervisors ------------------------------------------------------------

def test_hypervisors(cloud, server):
    admin = cloud.client.admin()
    cloud.client.get('/os-hypervisors', expected=403)
    cloud.client.get('/os-hypervisors/statistics', expected=403)

    listed = admin.get('/os-hypervisors', expected=200).json()['hypervisors']
    assert len(listed) == 1
    node = listed[0]
    assert node['state'] == 'up' and node['status'] == 'enabled'

    detail = admin.get('/os-hypervisors/detail',
                       expected=200).json()['hypervisors'][0]
    assert detail['service']['host'] == 'host-a'
    assert (detail['vcpus'], detail['memory_mb']) == (16, 8192)
    assert detail['running_vms'] >= 1 and detail['vcpus_used'] >= 1
    assert isinstance(detail['cpu_info'], dict)   # 2.28+
    shown = admin.get('/os-hypervisors/%s' % node['id'],
                      expected=200).json()['hypervisor']
    assert shown['id'] == node['id']
    admin.get('/os-hypervisors/99999', expected=404)

    stats = admin.get('/os-hypervisors/statistics',
                      expected=200).json()['hypervisor_statistics']
    assert stats['count'] == 1 and stats['vcpus'] == 16

    name = node['hypervisor_hostname']
    found = admin.get('/os-hypervisors/%s/servers' % name,
                      expected=200).json()['hypervisors']
    assert server in {s['uuid'] for s in found[0]['servers']}
    admin.get('/os-hypervisors/no-such-host/search', expected=404)

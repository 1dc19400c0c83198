"""/os-hypervisors: admin only, Nova's bodies per microversion (uuids
from 2.53, no resource figures but an uptime from 2.88), usage from
allocations, search and servers by hostname."""

import datetime
from unittest import mock

from oslo_utils import timeutils
import pytest
import webob

from nova_lite.api import app as api_app
from nova_lite import context
from nova_lite.db import compute_node_api as node_db
from nova_lite.db import instance_api as instance_db
from nova_lite.db import service_api as service_db
from nova_lite import objects

CPU_INFO = '{"arch": "x86_64", "model": "Nehalem"}'


@pytest.fixture
def app(database, flags):
    flags(response_validation='error', group='api')
    return api_app.make_app()


@pytest.fixture
def nodes(database):
    made = []
    for host in ('host1', 'host2'):
        service = objects.Service(context=context.get_admin_context(),
                                  host=host, binary='nova-compute',
                                  topic='compute')
        service.create()
        service_db.service_update(service.id,
                                  {'last_seen_up': timeutils.utcnow()})
        made.append(node_db.compute_node_create_or_update(
            host, host + '-node', {
                'hypervisor_type': 'fake', 'hypervisor_version': 1000,
                'host_ip': '1.1.1.1', 'vcpus': 2, 'memory_mb': 8192,
                'local_gb': 1028, 'reserved_memory_mb': 512,
                'cpu_allocation_ratio': 1.0, 'ram_allocation_ratio': 1.0,
                'disk_allocation_ratio': 1.0, 'cpu_info': CPU_INFO}))
    instance_db.instance_create(
        {'uuid': '00000000-0000-0000-0000-000000000001',
         'user_id': 'u', 'project_id': 'p',
         'display_name': 'vm1', 'host': 'host1',
         'node': 'host1-node',
         'created_at': datetime.datetime(2026, 1, 1)})
    assert node_db.allocation_claim(
        made[0].id, '00000000-0000-0000-0000-000000000001',
        {'VCPU': 1, 'MEMORY_MB': 512, 'DISK_GB': 1})
    return made


def _get(app, path='', version='2.1', token='admin:admin'):
    req = webob.Request.blank('/v2.1/os-hypervisors' + path)
    req.headers['X-Auth-Token'] = token
    req.headers['OpenStack-API-Version'] = 'compute %s' % version
    return req.get_response(app)


@pytest.mark.parametrize('path', ['', '/detail', '/statistics', '/1',
                                  '/1/uptime', '/host/search',
                                  '/host/servers'])
def test_admin_only(app, nodes, path):
    resp = _get(app, path, token='demo:demo')
    assert resp.status_int == 403


def test_index(app, nodes):
    resp = _get(app)
    assert resp.status_int == 200
    assert resp.json == {'hypervisors': [
        {'id': nodes[0].id, 'hypervisor_hostname': 'host1-node',
         'state': 'up', 'status': 'enabled'},
        {'id': nodes[1].id, 'hypervisor_hostname': 'host2-node',
         'state': 'up', 'status': 'enabled'}]}


def test_detail_and_show(app, nodes):
    detail = _get(app, '/detail').json['hypervisors'][0]
    assert set(detail) == {
        'cpu_info', 'current_workload', 'status', 'state',
        'disk_available_least', 'host_ip', 'free_disk_gb', 'free_ram_mb',
        'hypervisor_hostname', 'hypervisor_type', 'hypervisor_version',
        'id', 'local_gb', 'local_gb_used', 'memory_mb', 'memory_mb_used',
        'running_vms', 'service', 'vcpus', 'vcpus_used'}
    assert detail['cpu_info'] == CPU_INFO
    assert (detail['vcpus_used'], detail['memory_mb_used'],
            detail['free_ram_mb'], detail['local_gb_used'],
            detail['running_vms']) == (1, 1024, 7168, 1, 1)
    assert detail['service']['host'] == 'host1'
    shown = _get(app, '/%d' % nodes[0].id, version='2.28').json
    assert shown['hypervisor']['cpu_info'] == {'arch': 'x86_64',
                                               'model': 'Nehalem'}
    resp = _get(app, '/999')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == (
        "Hypervisor with ID '999' could not be found.")


def test_statistics(app, nodes):
    stats = _get(app, '/statistics').json['hypervisor_statistics']
    assert stats['count'] == 2
    assert stats['vcpus'] == 4 and stats['vcpus_used'] == 1
    assert stats['memory_mb'] == 16384
    assert stats['memory_mb_used'] == 512 * 3
    assert stats['running_vms'] == 1


def test_paging_from_2_33(app, nodes):
    resp = _get(app, '?limit=1', version='2.33')
    assert [h['id'] for h in resp.json['hypervisors']] == [nodes[0].id]
    link = resp.json['hypervisors_links'][0]
    assert link['rel'] == 'next'
    assert 'marker=%d' % nodes[0].id in link['href']
    resp = _get(app, '?limit=1&marker=%d' % nodes[0].id, version='2.33')
    assert [h['id'] for h in resp.json['hypervisors']] == [nodes[1].id]
    assert _get(app, '?marker=999', version='2.33').status_int == 400
    assert _get(app, '?bogus=1', version='2.33').status_int == 400
    # Before 2.33 the parameters are ignored.
    assert len(_get(app, '?limit=1').json['hypervisors']) == 2


def test_search_and_servers(app, nodes):
    found = _get(app, '/host1/search').json['hypervisors']
    assert [h['hypervisor_hostname'] for h in found] == ['host1-node']
    assert len(_get(app, '/node/search').json['hypervisors']) == 2
    resp = _get(app, '/nope/search')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == (
        "No hypervisor matching 'nope' could be found.")
    with_servers = _get(app, '/node/servers').json['hypervisors']
    by_name = {h['hypervisor_hostname']: h for h in with_servers}
    assert [s['uuid'] for s in by_name['host1-node']['servers']] == [
        '00000000-0000-0000-0000-000000000001']
    assert 'servers' not in by_name['host2-node']
    assert _get(app, '/nope/servers').status_int == 404


# ---- 2.53: uuids, hostname pattern and with_servers ------------------------

def test_ids_are_uuids_from_2_53(app, nodes):
    old = _get(app, version='2.52').json['hypervisors']
    new = _get(app, version='2.53').json['hypervisors']
    assert [h['id'] for h in old] == [n.id for n in nodes]
    assert [h['id'] for h in new] == [n.uuid for n in nodes]
    detail = _get(app, '/detail', version='2.53').json['hypervisors'][0]
    service = objects.Service.get_by_host_and_binary(
        context.get_admin_context(), 'host1', 'nova-compute')
    assert detail['service']['id'] == service.uuid
    shown = _get(app, '/' + nodes[0].uuid, version='2.53').json
    assert shown['hypervisor']['id'] == nodes[0].uuid
    assert 'servers' not in shown['hypervisor']
    # An integer is no id from 2.53, a uuid none before.
    assert _get(app, '/%d' % nodes[0].id, version='2.53').status_int == 400
    assert _get(app, '/' + nodes[0].uuid, version='2.52').status_int == 404
    assert _get(app, '/00000000-0000-0000-0000-000000000009',
                version='2.53').status_int == 404


def test_pattern_and_with_servers_from_2_53(app, nodes):
    found = _get(app, '?hypervisor_hostname_pattern=host1',
                 version='2.53').json['hypervisors']
    assert [h['id'] for h in found] == [nodes[0].uuid]
    assert 'servers' not in found[0]
    found = _get(app, '/detail?hypervisor_hostname_pattern=node'
                 '&with_servers=true', version='2.53').json['hypervisors']
    by_name = {h['hypervisor_hostname']: h for h in found}
    assert [s['uuid'] for s in by_name['host1-node']['servers']] == [
        '00000000-0000-0000-0000-000000000001']
    assert 'servers' not in by_name['host2-node']
    # From 2.75 a host without servers shows an empty list.
    found = _get(app, '?with_servers=true', version='2.75').json
    assert found['hypervisors'][1]['servers'] == []
    shown = _get(app, '/%s?with_servers=1' % nodes[0].uuid,
                 version='2.53').json['hypervisor']
    assert len(shown['servers']) == 1
    resp = _get(app, '?hypervisor_hostname_pattern=nope', version='2.53')
    assert resp.status_int == 404
    for query in ('?hypervisor_hostname_pattern=host&limit=1',
                  '?with_servers=maybe', '?bogus=1'):
        assert _get(app, query, version='2.53').status_int == 400, query


def test_paging_by_uuid_from_2_53(app, nodes):
    resp = _get(app, '?limit=1', version='2.53')
    assert [h['id'] for h in resp.json['hypervisors']] == [nodes[0].uuid]
    assert 'marker=%s' % nodes[0].uuid in (
        resp.json['hypervisors_links'][0]['href'])
    resp = _get(app, '/detail?limit=1&marker=%s' % nodes[0].uuid,
                version='2.53')
    assert [h['id'] for h in resp.json['hypervisors']] == [nodes[1].uuid]
    assert '/os-hypervisors/detail?' in (
        resp.json['hypervisors_links'][0]['href'])
    assert _get(app, '?marker=%d' % nodes[0].id,
                version='2.53').status_int == 400


@pytest.mark.parametrize('path', ['/host1/search', '/host1/servers'])
def test_search_and_servers_are_gone_from_2_53(app, nodes, path):
    assert _get(app, path, version='2.52').status_int == 200
    resp = _get(app, path, version='2.53')
    assert resp.status_int == 404
    assert 'itemNotFound' in resp.json


# ---- uptime and 2.88 -------------------------------------------------------

UPTIME = ' 10:00:00 up 1 day,  1:00,  1 user,  load average: 0.00'


@pytest.fixture
def uptime():
    with mock.patch('nova_lite.compute.rpcapi.ComputeAPI.get_host_uptime',
                    return_value=UPTIME) as call:
        yield call


def test_uptime_below_2_88(app, nodes, uptime):
    resp = _get(app, '/%d/uptime' % nodes[0].id)
    assert resp.status_int == 200
    assert resp.json == {'hypervisor': {
        'id': nodes[0].id, 'hypervisor_hostname': 'host1-node',
        'state': 'up', 'status': 'enabled', 'uptime': UPTIME}}
    assert uptime.call_args.kwargs == {'host': 'host1'}
    resp = _get(app, '/%s/uptime' % nodes[1].uuid, version='2.87')
    assert resp.json['hypervisor']['id'] == nodes[1].uuid
    assert _get(app, '/999/uptime').status_int == 404


def test_uptime_of_a_down_host_is_400(app, nodes, uptime, flags):
    flags(service_down_time=60)
    service = service_db.service_get_by_host_and_binary('host1',
                                                        'nova-compute')
    service_db.service_update(service.id, {'last_seen_up': timeutils.utcnow() -
                                           datetime.timedelta(seconds=600)})
    resp = _get(app, '/%d/uptime' % nodes[0].id)
    assert resp.status_int == 400
    assert not uptime.called


def test_uptime_the_driver_cannot_tell_is_501(app, nodes, uptime):
    uptime.side_effect = NotImplementedError()
    assert _get(app, '/%d/uptime' % nodes[0].id).status_int == 501


_RESOURCE_FIELDS = {'vcpus', 'memory_mb', 'local_gb', 'vcpus_used',
                    'memory_mb_used', 'local_gb_used', 'free_ram_mb',
                    'free_disk_gb', 'current_workload', 'running_vms',
                    'disk_available_least', 'cpu_info'}


def test_2_88_drops_resources_and_shows_uptime(app, nodes, uptime):
    old = _get(app, '/' + nodes[0].uuid, version='2.87').json['hypervisor']
    assert _RESOURCE_FIELDS <= set(old) and 'uptime' not in old
    new = _get(app, '/' + nodes[0].uuid, version='2.88').json['hypervisor']
    assert not _RESOURCE_FIELDS & set(new)
    assert set(new) == {'id', 'hypervisor_hostname', 'state', 'status',
                        'hypervisor_type', 'hypervisor_version', 'host_ip',
                        'service', 'uptime'}
    assert new['uptime'] == UPTIME
    detail = _get(app, '/detail', version='2.88').json['hypervisors']
    assert [h['uptime'] for h in detail] == [UPTIME, UPTIME]
    assert not _RESOURCE_FIELDS & set(detail[0])
    uptime.side_effect = NotImplementedError()
    new = _get(app, '/' + nodes[0].uuid, version='2.88').json['hypervisor']
    assert new['uptime'] is None


@pytest.mark.parametrize('path', ['/statistics', '/{uuid}/uptime'])
def test_statistics_and_uptime_are_gone_from_2_88(app, nodes, uptime, path):
    path = path.format(uuid=nodes[0].uuid)
    assert _get(app, path, version='2.87').status_int == 200
    resp = _get(app, path, version='2.88')
    assert resp.status_int == 404
    assert 'itemNotFound' in resp.json

"""/os-hypervisors: admin only, Nova's bodies per microversion, usage
from allocations, search and servers by hostname."""

import datetime

from oslo_utils import timeutils
import pytest
import webob

from nova_lite.api import app as api_app
from nova_lite import context
from nova_lite.db import api as db
from nova_lite import objects

CPU_INFO = '{"arch": "x86_64", "model": "Nehalem"}'


@pytest.fixture
def app(database):
    return api_app.make_app()


@pytest.fixture
def nodes(database):
    made = []
    for host in ('host1', 'host2'):
        service = objects.Service(context=context.get_admin_context(),
                                  host=host, binary='nova-lite-compute',
                                  topic='compute')
        service.create()
        db.service_update(service.id, {'last_seen_up': timeutils.utcnow()})
        made.append(db.compute_node_create_or_update(host, host + '-node', {
            'hypervisor_type': 'fake', 'hypervisor_version': 1000,
            'host_ip': '1.1.1.1', 'vcpus': 2, 'memory_mb': 8192,
            'local_gb': 1028, 'reserved_memory_mb': 512,
            'cpu_allocation_ratio': 1.0, 'ram_allocation_ratio': 1.0,
            'disk_allocation_ratio': 1.0, 'cpu_info': CPU_INFO}))
    db.instance_create({'uuid': '00000000-0000-0000-0000-000000000001',
                        'user_id': 'u', 'project_id': 'p',
                        'display_name': 'vm1', 'host': 'host1',
                        'node': 'host1-node',
                        'created_at': datetime.datetime(2026, 1, 1)})
    assert db.allocation_claim(made[0].id,
                               '00000000-0000-0000-0000-000000000001',
                               {'VCPU': 1, 'MEMORY_MB': 512, 'DISK_GB': 1})
    return made


def _get(app, path='', version='2.1', token='admin:admin'):
    req = webob.Request.blank('/v2.1/os-hypervisors' + path)
    req.headers['X-Auth-Token'] = token
    req.headers['OpenStack-API-Version'] = 'compute %s' % version
    return req.get_response(app)


@pytest.mark.parametrize('path', ['', '/detail', '/statistics', '/1',
                                  '/host/search', '/host/servers'])
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

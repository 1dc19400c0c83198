"""/os-hosts below 2.43: Nova's bodies, the host's resources per project,
the status as its compute service's, what Nova's libvirt driver cannot
do (501), admin only, and 404 from 2.43."""

import datetime

import pytest
import webob

from nova_lite.api import app as api_app
from nova_lite import context
from nova_lite.db import compute_node_api as node_db
from nova_lite.db import instance_api as instance_db
from nova_lite import objects


@pytest.fixture
def app(database, flags):
    flags(response_validation='error', group='api')
    return api_app.make_app()


def _instance(uuid, project, vcpus, memory_mb, root_gb, ephemeral_gb=0):
    instance_db.instance_create({
        'uuid': uuid, 'user_id': 'u', 'project_id': project,
        'display_name': uuid[-1], 'host': 'host1', 'node': 'host1-node',
        'vcpus': vcpus, 'memory_mb': memory_mb, 'root_gb': root_gb,
        'ephemeral_gb': ephemeral_gb,
        'created_at': datetime.datetime(2026, 1, 1)})


@pytest.fixture
def hosts(database):
    ctxt = context.get_admin_context()
    for host, binary, topic in (('host1', 'nova-compute', 'compute'),
                                ('host2', 'nova-compute', 'compute'),
                                ('ctl', 'nova-conductor', 'conductor'),
                                ('ctl', 'nova-scheduler', None)):
        objects.Service(context=ctxt, host=host, binary=binary,
                        topic=topic).create()
    node = node_db.compute_node_create_or_update('host1', 'host1-node', {
        'hypervisor_type': 'fake', 'hypervisor_version': 1000,
        'host_ip': '1.1.1.1', 'vcpus': 8, 'memory_mb': 8192,
        'local_gb': 100, 'reserved_memory_mb': 512,
        'cpu_allocation_ratio': 1.0, 'ram_allocation_ratio': 1.0,
        'disk_allocation_ratio': 1.0})
    _instance('00000000-0000-0000-0000-000000000001', 'p1', 1, 512, 1)
    _instance('00000000-0000-0000-0000-000000000002', 'p1', 2, 1024, 10, 5)
    _instance('00000000-0000-0000-0000-000000000003', 'p2', 4, 2048, 20)
    assert node_db.allocation_claim(
        node.id, '00000000-0000-0000-0000-000000000001',
        {'VCPU': 1, 'MEMORY_MB': 512, 'DISK_GB': 1})
    return node


def _req(app, path='', method='GET', body=None, version='2.42',
         token='admin:admin'):
    req = webob.Request.blank('/v2.1/os-hosts' + path, method=method)
    req.headers['X-Auth-Token'] = token
    req.headers['OpenStack-API-Version'] = 'compute %s' % version
    if body is not None:
        req.json = body
    return req.get_response(app)


def _compute_service(host):
    return objects.Service.get_by_host_and_binary(
        context.get_admin_context(), host, 'nova-compute')


def test_index(app, hosts):
    resp = _req(app)
    assert resp.status_int == 200
    assert resp.json == {'hosts': [
        {'host_name': 'host1', 'service': 'compute', 'zone': 'nova'},
        {'host_name': 'host2', 'service': 'compute', 'zone': 'nova'},
        {'host_name': 'ctl', 'service': 'conductor', 'zone': 'internal'},
        {'host_name': 'ctl', 'service': 'scheduler', 'zone': 'internal'}]}


def test_index_by_zone_and_without_disabled(app, hosts):
    service = _compute_service('host2')
    service.disabled = True
    service.save()
    resp = _req(app, '?zone=nova')
    assert resp.json == {'hosts': [
        {'host_name': 'host1', 'service': 'compute', 'zone': 'nova'}]}
    assert _req(app, '?zone=elsewhere').json == {'hosts': []}


def test_show_resources_per_project(app, hosts):
    resp = _req(app, '/host1')
    assert resp.status_int == 200
    resources = [entry['resource'] for entry in resp.json['host']]
    assert resources[:3] == [
        {'host': 'host1', 'project': '(total)', 'cpu': 8,
         'memory_mb': 8192, 'disk_gb': 100},
        {'host': 'host1', 'project': '(used_now)', 'cpu': 1,
         'memory_mb': 1024, 'disk_gb': 1},
        {'host': 'host1', 'project': '(used_max)', 'cpu': 7,
         'memory_mb': 3584, 'disk_gb': 36},
    ]
    assert sorted(resources[3:], key=lambda r: r['project']) == [
        {'host': 'host1', 'project': 'p1', 'cpu': 3, 'memory_mb': 1536,
         'disk_gb': 16},
        {'host': 'host1', 'project': 'p2', 'cpu': 4, 'memory_mb': 2048,
         'disk_gb': 20},
    ]


@pytest.mark.parametrize('host', ['host2', 'nowhere', 'ctl'])
def test_show_without_compute_node_is_404(app, hosts, host):
    resp = _req(app, '/' + host)
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == (
        'Compute host %s could not be found.' % host)


@pytest.mark.parametrize('status, disabled, shown', [
    ('disable', True, 'disabled'), ('Enable', False, 'enabled'),
    ('DISABLE', True, 'disabled'),
])
def test_update_status_sets_the_compute_service(app, hosts, status,
                                                disabled, shown):
    resp = _req(app, '/host1', method='PUT', body={'status': status})
    assert resp.status_int == 200
    assert resp.json == {'host': 'host1', 'status': shown}
    assert _compute_service('host1').disabled is disabled


@pytest.mark.parametrize('body, code', [
    ({}, 400),
    ({'status': 'on'}, 400),
    ({'maintenance_mode': 'off'}, 400),
    ({'status': 'enable', 'host': 'x'}, 400),
    ({'maintenance_mode': 'enable'}, 501),
    ({'status': 'disable', 'maintenance_mode': 'disable'}, 501),
])
def test_update_refusals_change_nothing(app, hosts, body, code):
    resp = _req(app, '/host1', method='PUT', body=body)
    assert resp.status_int == code
    assert list(resp.json.values())[0]['code'] == code
    assert _compute_service('host1').disabled is False


def test_update_unknown_host_is_404(app, hosts):
    resp = _req(app, '/nowhere', method='PUT', body={'status': 'enable'})
    assert resp.status_int == 404


@pytest.mark.parametrize('action', ['startup', 'shutdown', 'reboot'])
def test_power_actions(app, hosts, action):
    resp = _req(app, '/host1/%s' % action)
    assert resp.status_int == 501
    assert resp.json['notImplemented']['code'] == 501
    assert _req(app, '/nowhere/%s' % action).status_int == 404
    assert _req(app, '/host1/%s' % action,
                token='demo:demo').status_int == 403


@pytest.mark.parametrize('path, method, body', [
    ('', 'GET', None), ('/host1', 'GET', None),
    ('/host1', 'PUT', {'status': 'enable'}), ('/host1/reboot', 'GET', None),
])
def test_admin_only(app, hosts, path, method, body):
    resp = _req(app, path, method=method, body=body, token='demo:demo')
    assert resp.status_int == 403
    assert resp.json['forbidden']['code'] == 403


@pytest.mark.parametrize('path, method, body', [
    ('', 'GET', None), ('/host1', 'GET', None),
    ('/host1', 'PUT', {'status': 'enable'}),
    ('/host1', 'PUT', {'status': 'bad'}),
    ('/host1/startup', 'GET', None), ('/host1/shutdown', 'GET', None),
    ('/host1/reboot', 'GET', None),
])
def test_gone_from_2_43(app, hosts, path, method, body):
    resp = _req(app, path, method=method, body=body, version='2.43')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['code'] == 404

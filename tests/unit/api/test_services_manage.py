"""Managing /os-services: the actions below 2.53 (2.10/2.11 for
force-down), PUT by uuid from 2.53, delete by id or uuid, zones from
aggregates; on a real sqlite database."""

import datetime
import json

from oslo_utils import timeutils
from oslo_utils import uuidutils
import pytest
import webob

from nova_lite.api import app as api_app
from nova_lite.db import aggregate_api
from nova_lite.db import compute_node_api as node_db
from nova_lite.db import instance_api as instance_db
from nova_lite.db import service_api as service_db

ADMIN = 'admin:admin'
COMPUTE = 'nova-compute'


@pytest.fixture
def app(database, flags):
    flags(response_validation='error', group='api')
    return api_app.make_app()


def _service(host, binary=COMPUTE):
    row = service_db.service_create({'uuid': uuidutils.generate_uuid(),
                                     'host': host, 'binary': binary})
    service_db.service_heartbeat(row.id)
    if binary == COMPUTE:
        node_db.compute_node_create_or_update(host, host, dict(
            hypervisor_type='fake', vcpus=2, memory_mb=2048, local_gb=20,
            cpu_allocation_ratio=1.0, ram_allocation_ratio=1.0,
            disk_allocation_ratio=1.0))
    return row


@pytest.fixture
def services(database):
    return {'host-a': _service('host-a'), 'host-b': _service('host-b'),
            'conductor': _service('ctl', 'nova-conductor')}


def _call(app, method, path='', body=None, version='2.11', token=ADMIN):
    req = webob.Request.blank('/v2.1/os-services' + path, method=method)
    req.headers['X-Auth-Token'] = token
    req.headers['OpenStack-API-Version'] = 'compute %s' % version
    if body is not None:
        req.body = json.dumps(body).encode()
        req.content_type = 'application/json'
    return req.get_response(app)


def _listed(app, version='2.11'):
    resp = _call(app, 'GET', version=version)
    assert resp.status_int == 200
    return {s['host']: s for s in resp.json['services']}


def test_disable_with_reason_and_enable_below_2_53(app, services):
    body = {'host': 'host-a', 'binary': COMPUTE}
    resp = _call(app, 'PUT', '/disable', body)
    assert resp.status_int == 200
    assert resp.json == {'service': {'host': 'host-a', 'binary': COMPUTE,
                                     'status': 'disabled'}}
    resp = _call(app, 'PUT', '/disable-log-reason',
                 dict(body, disabled_reason='maintenance'))
    assert resp.json['service'] == {'host': 'host-a', 'binary': COMPUTE,
                                    'status': 'disabled',
                                    'disabled_reason': 'maintenance'}
    listed = _listed(app)['host-a']
    assert (listed['status'], listed['disabled_reason']) == (
        'disabled', 'maintenance')
    resp = _call(app, 'PUT', '/enable', body)
    assert resp.json['service']['status'] == 'enabled'
    listed = _listed(app)['host-a']
    assert (listed['status'], listed['disabled_reason']) == ('enabled', None)


def test_force_down_from_2_11(app, services):
    body = {'host': 'host-a', 'binary': COMPUTE, 'forced_down': True}
    assert _call(app, 'PUT', '/force-down', body,
                 version='2.10').status_int == 400
    resp = _call(app, 'PUT', '/force-down',
                 {'host': 'host-a', 'binary': COMPUTE}, version='2.10')
    assert resp.status_int == 404
    resp = _call(app, 'PUT', '/force-down', body)
    assert resp.status_int == 200
    assert resp.json == {'service': {'host': 'host-a', 'binary': COMPUTE,
                                     'forced_down': True}}
    listed = _listed(app)['host-a']
    assert (listed['state'], listed['forced_down']) == ('down', True)
    _call(app, 'PUT', '/force-down', dict(body, forced_down=False))
    assert _listed(app)['host-a']['state'] == 'up'


@pytest.mark.parametrize('path, body, status', [
    ('/disable-log-reason', {'host': 'host-a', 'binary': COMPUTE}, 400),
    ('/force-down', {'host': 'host-a', 'binary': COMPUTE}, 400),
    ('/disable', {'host': 'host-a'}, 400),
    ('/disable', {'host': 'host-a', 'binary': COMPUTE, 'x': 1}, 400),
    ('/disable-log-reason', {'host': 'host-a', 'binary': COMPUTE,
                             'disabled_reason': ''}, 400),
    ('/disable', {'host': 'nohost', 'binary': COMPUTE}, 404),
    ('/frobnicate', {'host': 'host-a', 'binary': COMPUTE}, 404),
    # NOTE: as in Nova, any binary but nova-compute is refused before it
    # is looked up: an existing one, an unknown one, nova-lite's old name.
    ('/disable', {'host': 'ctl', 'binary': 'nova-conductor'}, 400),
    ('/enable', {'host': 'host-a', 'binary': 'nova-lite-compute'}, 400),
    ('/force-down', {'host': 'nohost', 'binary': 'nova-foo',
                     'forced_down': True}, 400),
])
def test_bad_actions_change_nothing(app, services, path, body, status):
    before = _listed(app)
    resp = _call(app, 'PUT', path, body)
    assert resp.status_int == status, resp.body
    assert _listed(app) == before


def test_ids_are_uuids_from_2_53(app, services):
    assert _listed(app, '2.52')['host-a']['id'] == services['host-a'].id
    assert _listed(app, '2.53')['host-a']['id'] == services['host-a'].uuid
    assert 'forced_down' not in _listed(app, '2.10')['host-a']


def test_update_by_uuid_from_2_53(app, services):
    uuid = services['host-a'].uuid
    resp = _call(app, 'PUT', '/' + uuid,
                 {'status': 'disabled', 'disabled_reason': 'maintenance'},
                 version='2.53')
    assert resp.status_int == 200
    service = resp.json['service']
    assert (service['id'], service['status'], service['disabled_reason'],
            service['zone']) == (uuid, 'disabled', 'maintenance', 'nova')
    resp = _call(app, 'PUT', '/' + uuid, {'forced_down': True},
                 version='2.53')
    service = resp.json['service']
    assert (service['state'], service['forced_down'], service['status'],
            service['disabled_reason']) == (
                'down', True, 'disabled', 'maintenance')
    resp = _call(app, 'PUT', '/' + uuid,
                 {'status': 'enabled', 'forced_down': False},
                 version='2.53')
    service = resp.json['service']
    assert (service['state'], service['status'],
            service['disabled_reason']) == ('up', 'enabled', None)
    # The old actions are gone from 2.53: their names are no uuids.
    resp = _call(app, 'PUT', '/disable', {'host': 'host-a',
                                          'binary': COMPUTE},
                 version='2.53')
    assert resp.status_int == 400


@pytest.mark.parametrize('body, status', [
    ({}, 400),
    ({'status': 'off'}, 400),
    ({'disabled_reason': 'x'}, 400),
    ({'status': 'enabled', 'disabled_reason': 'x'}, 400),
    ({'forced_down': 'maybe'}, 400),
    ({'host': 'host-a'}, 400),
])
def test_bad_updates_from_2_53(app, services, body, status):
    before = _listed(app, '2.53')
    resp = _call(app, 'PUT', '/' + services['host-a'].uuid, body,
                 version='2.53')
    assert resp.status_int == status, resp.body
    assert _listed(app, '2.53') == before


def test_update_errors_from_2_53(app, services):
    resp = _call(app, 'PUT', '/' + uuidutils.generate_uuid(),
                 {'status': 'disabled'}, version='2.53')
    assert resp.status_int == 404
    resp = _call(app, 'PUT', '/1', {'status': 'disabled'}, version='2.53')
    assert resp.status_int == 400
    # Only compute services may be changed.
    resp = _call(app, 'PUT', '/' + services['conductor'].uuid,
                 {'status': 'disabled'}, version='2.53')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'Updating a nova-conductor service is not supported. Only '
        'nova-compute services can be updated.')


def test_delete_below_and_from_2_53(app, services):
    agg = aggregate_api.aggregate_create('agg1', {'availability_zone': 'az1'})
    aggregate_api.aggregate_host_add(agg.id, 'host-a')
    aggregate_api.aggregate_host_add(agg.id, 'host-b')
    assert _listed(app)['host-a']['zone'] == 'az1'
    instance = instance_db.instance_create({
        'uuid': uuidutils.generate_uuid(), 'user_id': 'u',
        'project_id': 'p', 'host': 'host-a', 'node': 'host-a',
        'created_at': datetime.datetime(2026, 1, 1)})
    resp = _call(app, 'DELETE', '/%d' % services['host-a'].id)
    assert resp.status_int == 409
    assert 'hosting instances' in resp.json['conflictingRequest']['message']
    instance_db.instance_destroy(instance.uuid)
    resp = _call(app, 'DELETE', '/%d' % services['host-a'].id)
    assert resp.status_int == 204
    assert 'host-a' not in _listed(app)
    assert [n.host for n in node_db.compute_node_get_all()] == ['host-b']
    assert [h.host for h in aggregate_api.aggregate_get(agg.id).hosts] == [
        'host-b']
    resp = _call(app, 'DELETE', '/' + services['host-b'].uuid,
                 version='2.53')
    assert resp.status_int == 204
    assert set(_listed(app)) == {'ctl'}


@pytest.mark.parametrize('version, path, status', [
    ('2.52', '/abc', 400),
    ('2.52', '/12345', 404),
    ('2.52', '/99999999999999999999', 404),
    ('2.53', '/12345', 400),
    ('2.53', '/' + '0' * 8 + '-0000-0000-0000-' + '0' * 12, 404),
])
def test_delete_errors(app, services, version, path, status):
    resp = _call(app, 'DELETE', path, version=version)
    assert resp.status_int == status


@pytest.mark.parametrize('method, path, body, version', [
    ('PUT', '/disable', {'host': 'host-a', 'binary': COMPUTE}, '2.11'),
    ('PUT', '/{uuid}', {'status': 'disabled'}, '2.53'),
    ('DELETE', '/{id}', None, '2.11'),
    ('DELETE', '/{uuid}', None, '2.53'),
])
def test_members_are_forbidden(app, services, method, path, body, version):
    service = services['host-a']
    resp = _call(app, method, path.format(id=service.id, uuid=service.uuid),
                 body, version=version, token='demo:demo')
    assert resp.status_int == 403
    assert len(_listed(app)) == 3
    assert _listed(app)['host-a']['status'] == 'enabled'


def test_forced_down_shows_down_despite_heartbeat(app, services, flags):
    flags(service_down_time=60)
    service_db.service_update(services['host-b'].id,
                              {'last_seen_up': timeutils.utcnow(),
                               'forced_down': True})
    assert _listed(app)['host-b']['state'] == 'down'


def test_unknown_list_parameters_are_400_from_2_75(app, services):
    assert _call(app, 'GET', '?foo=1', version='2.74').status_int == 200
    resp = _call(app, 'GET', '?foo=1', version='2.75')
    assert resp.status_int == 400
    listed = _call(app, 'GET', '?host=host-a', version='2.75')
    assert [s['host'] for s in listed.json['services']] == ['host-a']

"""/os-aggregates on a real sqlite database: Nova's bodies at 2.40 and
2.41, its errors, and the zones aggregates give hosts."""

import json

from oslo_utils import timeutils
from oslo_utils import uuidutils
import pytest
import webob

from nova_lite.api import app as api_app
from nova_lite import context
from nova_lite.db import service_api as db
from nova_lite import objects

ADMIN = 'admin:admin'
MEMBER = 'demo:demo'


@pytest.fixture
def app(database, flags):
    flags(response_validation='error', group='api')
    return api_app.make_app()


@pytest.fixture
def hosts(database):
    for host in ('host-a', 'host-b'):
        service = objects.Service(context=context.get_admin_context(),
                                  host=host, binary='nova-compute',
                                  topic='compute')
        service.create()
        db.service_update(service.id, {'last_seen_up': timeutils.utcnow()})
    return ['host-a', 'host-b']


def _call(app, method, path, body=None, version='2.41', token=ADMIN):
    req = webob.Request.blank('/v2.1/os-aggregates' + path, method=method)
    req.headers['X-Auth-Token'] = token
    req.headers['OpenStack-API-Version'] = 'compute %s' % version
    if body is not None:
        req.body = json.dumps(body).encode()
        req.content_type = 'application/json'
    return req.get_response(app)


def _create(app, name='agg1', zone=None, **kw):
    body = {'aggregate': {'name': name}}
    if zone is not None:
        body['aggregate']['availability_zone'] = zone
    resp = _call(app, 'POST', '', body, **kw)
    assert resp.status_int == 200, resp.body
    return resp.json['aggregate']


def _action(app, agg_id, action, **kw):
    return _call(app, 'POST', '/%s/action' % agg_id, action, **kw)


def test_create_show_list_at_2_41(app, hosts):
    created = _create(app, 'agg1', 'london')
    assert set(created) == {'availability_zone', 'created_at', 'deleted',
                            'deleted_at', 'id', 'name', 'updated_at', 'uuid'}
    assert (created['name'], created['availability_zone'],
            created['deleted'], created['deleted_at']) == (
                'agg1', 'london', False, None)
    assert uuidutils.is_uuid_like(created['uuid'])
    shown = _call(app, 'GET', '/%d' % created['id']).json['aggregate']
    assert shown['hosts'] == [] and shown['metadata'] == {
        'availability_zone': 'london'}
    assert shown['uuid'] == created['uuid']
    listed = _call(app, 'GET', '').json['aggregates']
    assert [a['id'] for a in listed] == [created['id']]


def test_no_uuid_at_2_40(app, hosts):
    created = _create(app, 'agg1', version='2.40')
    assert 'uuid' not in created and 'hosts' not in created
    assert created['availability_zone'] is None
    shown = _call(app, 'GET', '/%d' % created['id'], version='2.40')
    assert 'uuid' not in shown.json['aggregate']
    listed = _call(app, 'GET', '', version='2.40').json['aggregates']
    assert 'uuid' not in listed[0]


def test_add_remove_host_and_metadata(app, hosts):
    agg = _create(app, 'agg1', 'az1')
    resp = _action(app, agg['id'], {'add_host': {'host': 'host-a'}})
    assert resp.status_int == 200
    assert resp.json['aggregate']['hosts'] == ['host-a']
    resp = _action(app, agg['id'],
                   {'set_metadata': {'metadata': {'key': 'value'}}})
    assert resp.json['aggregate']['metadata'] == {
        'availability_zone': 'az1', 'key': 'value'}
    assert resp.json['aggregate']['updated_at'] is not None
    resp = _action(app, agg['id'],
                   {'set_metadata': {'metadata': {'key': None}}})
    assert resp.json['aggregate']['metadata'] == {'availability_zone': 'az1'}
    resp = _action(app, agg['id'], {'remove_host': {'host': 'host-a'}})
    assert resp.json['aggregate']['hosts'] == []


def test_update_name_and_zone(app, hosts):
    agg = _create(app, 'agg1', 'az1')
    resp = _call(app, 'PUT', '/%d' % agg['id'],
                 {'aggregate': {'name': 'newname',
                                'availability_zone': 'nova2'}})
    assert resp.status_int == 200
    body = resp.json['aggregate']
    assert (body['name'], body['availability_zone'], body['metadata']) == (
        'newname', 'nova2', {'availability_zone': 'nova2'})


def test_delete(app, hosts):
    agg = _create(app)
    _action(app, agg['id'], {'add_host': {'host': 'host-a'}})
    resp = _call(app, 'DELETE', '/%d' % agg['id'])
    assert resp.status_int == 400
    assert 'not empty' in resp.json['badRequest']['message']
    _action(app, agg['id'], {'remove_host': {'host': 'host-a'}})
    resp = _call(app, 'DELETE', '/%d' % agg['id'])
    assert resp.status_int == 200 and resp.body == b''
    assert _call(app, 'GET', '/%d' % agg['id']).status_int == 404


def test_duplicate_name_is_409(app, hosts):
    agg = _create(app, 'agg1')
    _create(app, 'agg2')
    resp = _call(app, 'POST', '', {'aggregate': {'name': 'agg1'}})
    assert resp.status_int == 409
    assert 'conflictingRequest' in resp.json
    resp = _call(app, 'PUT', '/%d' % agg['id'],
                 {'aggregate': {'name': 'agg2'}})
    assert resp.status_int == 409


def test_host_errors(app, hosts):
    agg = _create(app, 'agg1')
    resp = _action(app, agg['id'], {'add_host': {'host': 'nohost'}})
    assert resp.status_int == 404
    _action(app, agg['id'], {'add_host': {'host': 'host-a'}})
    resp = _action(app, agg['id'], {'add_host': {'host': 'host-a'}})
    assert resp.status_int == 409
    resp = _action(app, agg['id'], {'remove_host': {'host': 'host-b'}})
    assert resp.status_int == 404
    resp = _action(app, 999, {'add_host': {'host': 'host-a'}})
    assert resp.status_int == 404


def test_zone_conflicts(app, hosts):
    """A host cannot be in two zones through two aggregates: add_host is
    409, a zone change 400, as Nova answers them."""
    az1 = _create(app, 'agg1', 'az1')
    az2 = _create(app, 'agg2', 'az2')
    plain = _create(app, 'agg3')
    _action(app, az1['id'], {'add_host': {'host': 'host-a'}})
    resp = _action(app, az2['id'], {'add_host': {'host': 'host-a'}})
    assert resp.status_int == 409
    assert 'az1' in resp.json['conflictingRequest']['message']
    # NOTE: an aggregate without a zone takes any host.
    resp = _action(app, plain['id'], {'add_host': {'host': 'host-a'}})
    assert resp.status_int == 200
    for change in (
            ('PUT', '/%d' % plain['id'],
             {'aggregate': {'availability_zone': 'az2'}}),
            ('POST', '/%d/action' % plain['id'],
             {'set_metadata': {'metadata': {'availability_zone': 'az2'}}})):
        resp = _call(app, *change)
        assert resp.status_int == 400, change
        assert 'az1' in resp.json['badRequest']['message']
    shown = _call(app, 'GET', '/%d' % plain['id']).json['aggregate']
    assert shown['availability_zone'] is None
    # The same zone is no conflict.
    resp = _call(app, 'PUT', '/%d' % plain['id'],
                 {'aggregate': {'availability_zone': 'az1'}})
    assert resp.status_int == 200
    # Nor is moving the only aggregate a host is in.
    resp = _call(app, 'PUT', '/%d' % az2['id'],
                 {'aggregate': {'availability_zone': 'az3'}})
    assert resp.status_int == 200


def test_empty_zone_is_400(app, hosts):
    agg = _create(app, 'agg1', 'az1')
    resp = _action(app, agg['id'], {'set_metadata': {'metadata': {
        'availability_zone': None}}})
    assert resp.status_int == 400


@pytest.mark.parametrize('method, path, body', [
    ('POST', '', {'aggregate': {}}),
    ('POST', '', {'aggregate': {'name': ''}}),
    ('POST', '', {'aggregate': {'name': 'a', 'availability_zone': 'x:y'}}),
    ('POST', '', {'aggregate': {'name': 'a', 'extra': 1}}),
    ('POST', '', {'name': 'a'}),
    ('PUT', '/{id}', {'aggregate': {}}),
    ('PUT', '/{id}', {'aggregate': {'name': 'x' * 256}}),
    ('POST', '/{id}/action', {'add_host': {}}),
    ('POST', '/{id}/action', {'add_host': {'host': 'host-a', 'x': 1}}),
    ('POST', '/{id}/action', {'remove_host': {'host': ''}}),
    ('POST', '/{id}/action', {'set_metadata': {'metadata': {'k': 1}}}),
    ('POST', '/{id}/action', {'set_metadata': {}}),
    ('POST', '/{id}/action', {'frobnicate': {}}),
    ('GET', '/abc', None),
    ('DELETE', '/abc', None),
])
def test_bad_requests_are_400_and_change_nothing(app, hosts, method, path,
                                                 body):
    agg = _create(app, 'agg1', 'az1')
    before = _call(app, 'GET', '').json
    resp = _call(app, method, path.format(id=agg['id']), body)
    assert resp.status_int == 400, resp.body
    assert 'badRequest' in resp.json
    assert _call(app, 'GET', '').json == before


@pytest.mark.parametrize('method, path', [
    ('GET', '/12345'), ('PUT', '/12345'), ('DELETE', '/12345'),
    ('GET', '/99999999999999999999'),
])
def test_unknown_ids_are_404(app, hosts, method, path):
    body = {'aggregate': {'name': 'x'}} if method == 'PUT' else None
    resp = _call(app, method, path, body)
    assert resp.status_int == 404
    assert 'itemNotFound' in resp.json


@pytest.mark.parametrize('method, path, body', [
    ('GET', '', None),
    ('POST', '', {'aggregate': {'name': 'x'}}),
    ('GET', '/{id}', None),
    ('PUT', '/{id}', {'aggregate': {'name': 'y'}}),
    ('DELETE', '/{id}', None),
    ('POST', '/{id}/action', {'add_host': {'host': 'host-a'}}),
    ('POST', '/{id}/action', {'remove_host': {'host': 'host-a'}}),
    ('POST', '/{id}/action', {'set_metadata': {'metadata': {'a': 'b'}}}),
])
def test_members_are_forbidden(app, hosts, method, path, body):
    agg = _create(app, 'agg1')
    resp = _call(app, method, path.format(id=agg['id']), body, token=MEMBER)
    assert resp.status_int == 403
    assert 'forbidden' in resp.json


def _zones(app, path=''):
    req = webob.Request.blank('/v2.1/os-availability-zone' + path)
    req.headers['X-Auth-Token'] = ADMIN
    resp = req.get_response(app)
    assert resp.status_int == 200
    return {zone['zoneName']: zone for zone in
            resp.json['availabilityZoneInfo']}


def test_zones_follow_aggregates(app, hosts):
    assert set(_zones(app)) == {'nova'}
    agg = _create(app, 'agg1', 'az1')
    # NOTE: a zone without hosts is no zone a server can ask for.
    assert set(_zones(app)) == {'nova'}
    _action(app, agg['id'], {'add_host': {'host': 'host-a'}})
    assert set(_zones(app)) == {'nova', 'az1'}
    detail = _zones(app, '/detail')
    assert set(detail['az1']['hosts']) == {'host-a'}
    assert set(detail['nova']['hosts']) == {'host-b'}
    _action(app, agg['id'], {'remove_host': {'host': 'host-a'}})
    assert set(_zones(app)) == {'nova'}

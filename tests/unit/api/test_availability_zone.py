"""GET /os-availability-zone[/detail]: zones from the services' rows,
the detail for admins only."""

import datetime

from oslo_utils import timeutils
import pytest
import webob

from nova_lite.api import app as api_app
from nova_lite import context
from nova_lite.db import service_api as db
from nova_lite import objects


@pytest.fixture
def app(database):
    return api_app.make_app()


def _service(host, binary, seen_seconds_ago=1, disabled=False):
    service = objects.Service(context=context.get_admin_context(),
                              host=host, binary=binary, topic='t')
    service.create()
    seen = timeutils.utcnow() - datetime.timedelta(seconds=seen_seconds_ago)
    db.service_update(service.id, {'last_seen_up': seen,
                                   'disabled': disabled})


def _get(app, path='', token='demo:demo'):
    req = webob.Request.blank('/v2.1/os-availability-zone' + path)
    req.headers['X-Auth-Token'] = token
    return req.get_response(app)


def test_index_lists_the_compute_zone_only(app):
    _service('h1', 'nova-compute')
    _service('c1', 'nova-conductor')
    resp = _get(app)
    assert resp.status_int == 200
    assert resp.json == {'availabilityZoneInfo': [
        {'zoneName': 'nova', 'zoneState': {'available': True},
         'hosts': None}]}


def test_index_zone_of_only_disabled_computes_is_unavailable(app):
    _service('h1', 'nova-compute', disabled=True)
    assert _get(app).json == {'availabilityZoneInfo': [
        {'zoneName': 'nova', 'zoneState': {'available': False},
         'hosts': None}]}


def test_index_without_services_is_empty(app):
    assert _get(app).json == {'availabilityZoneInfo': []}


def test_detail_is_admin_only(app):
    resp = _get(app, '/detail')
    assert resp.status_int == 403
    assert 'forbidden' in resp.json


def test_detail_has_hosts_and_services(app, flags):
    flags(service_down_time=60)
    _service('h1', 'nova-compute')
    _service('h2', 'nova-compute', seen_seconds_ago=300)
    _service('h3', 'nova-compute', disabled=True)
    _service('c1', 'nova-conductor')
    _service('c1', 'nova-scheduler')
    resp = _get(app, '/detail', token='admin:admin')
    assert resp.status_int == 200
    zones = {z['zoneName']: z for z in resp.json['availabilityZoneInfo']}
    assert set(zones) == {'nova', 'internal'}
    assert zones['nova']['zoneState'] == {'available': True}
    hosts = zones['nova']['hosts']
    assert set(hosts) == {'h1', 'h2'}
    assert set(hosts['h1']) == {'nova-compute'}
    h1 = hosts['h1']['nova-compute']
    assert (h1['available'], h1['active']) == (True, True)
    assert h1['updated_at']
    assert hosts['h2']['nova-compute']['available'] is False
    assert set(zones['internal']['hosts']['c1']) == {
        'nova-conductor', 'nova-scheduler'}

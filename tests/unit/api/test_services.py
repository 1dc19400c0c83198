"""GET /os-services: admin only, up/down from the heartbeat, 2.11 field."""

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


def _service(host, binary, seen_seconds_ago, disabled=False):
    service = objects.Service(context=context.get_admin_context(),
                              host=host, binary=binary, topic='t')
    service.create()
    seen = timeutils.utcnow() - datetime.timedelta(seconds=seen_seconds_ago)
    db.service_update(service.id, {'last_seen_up': seen,
                                   'disabled': disabled})


def _get(app, token, version='2.11', query=''):
    req = webob.Request.blank('/v2.1/os-services' + query)
    req.headers['X-Auth-Token'] = token
    req.headers['OpenStack-API-Version'] = 'compute %s' % version
    return req.get_response(app)


def test_services_report_down_after_service_down_time(app, flags):
    flags(service_down_time=60)
    _service('h1', 'nova-compute', 5)
    _service('h2', 'nova-compute', 300, disabled=True)
    _service('c1', 'nova-conductor', 5)
    resp = _get(app, 'admin:admin')
    assert resp.status_int == 200
    by_host = {s['host']: s for s in resp.json['services']}
    assert (by_host['h1']['state'], by_host['h1']['status']) == (
        'up', 'enabled')
    assert (by_host['h2']['state'], by_host['h2']['status']) == (
        'down', 'disabled')
    assert by_host['h1']['zone'] == 'nova'
    assert by_host['c1']['zone'] == 'internal'
    assert by_host['h1']['forced_down'] is False


def test_filters_and_version_fields(app):
    _service('h1', 'nova-compute', 1)
    _service('c1', 'nova-conductor', 1)
    resp = _get(app, 'admin:admin', version='2.1',
                query='?binary=nova-conductor')
    assert [s['host'] for s in resp.json['services']] == ['c1']
    assert 'forced_down' not in resp.json['services'][0]


def test_non_admin_is_forbidden(app):
    resp = _get(app, 'demo:demo')
    assert resp.status_int == 403
    assert resp.json['forbidden']['code'] == 403

"""GET /limits: Nova's absolute limits per microversion, usage, and
another project's limits for admins only."""

import pytest
import webob

from nova_lite.api import app as api_app
from nova_lite.db import instance_api as instance_db
from nova_lite.db import quota_api as quota_db

SAMPLE_V21 = {
    'maxImageMeta': 128, 'maxPersonality': 5, 'maxPersonalitySize': 10240,
    'maxSecurityGroupRules': -1, 'maxSecurityGroups': -1,
    'maxServerMeta': 128, 'maxTotalCores': 20, 'maxTotalFloatingIps': -1,
    'maxTotalInstances': 10, 'maxTotalKeypairs': 100,
    'maxTotalRAMSize': 51200, 'maxServerGroups': 10,
    'maxServerGroupMembers': 10, 'totalCoresUsed': 0,
    'totalInstancesUsed': 0, 'totalRAMUsed': 0,
    'totalSecurityGroupsUsed': 0, 'totalFloatingIpsUsed': 0,
    'totalServerGroupsUsed': 0,
}
NETWORK = ('maxTotalFloatingIps', 'maxSecurityGroups',
           'maxSecurityGroupRules', 'totalFloatingIpsUsed',
           'totalSecurityGroupsUsed')


@pytest.fixture
def app(database):
    return api_app.make_app()


def _get(app, version='2.1', query='', token='demo:demo'):
    req = webob.Request.blank('/v2.1/limits' + query)
    req.headers['X-Auth-Token'] = token
    req.headers['OpenStack-API-Version'] = 'compute %s' % version
    return req.get_response(app)


def _expected(*removed):
    return {k: v for k, v in SAMPLE_V21.items() if k not in removed}


@pytest.mark.parametrize('version, expected', [
    ('2.1', _expected()),
    ('2.35', _expected()),
    ('2.36', _expected(*NETWORK)),
    ('2.39', _expected('maxImageMeta', *NETWORK)),
    ('2.47', _expected('maxImageMeta', *NETWORK)),
])
def test_matches_novas_samples(app, version, expected):
    resp = _get(app, version)
    assert resp.status_int == 200
    assert resp.json == {'limits': {'rate': [], 'absolute': expected}}


def test_usage_and_project_limits(app):
    instance_db.instance_create(
        {'uuid': '00000000-0000-0000-0000-000000000001',
         'user_id': 'demo', 'project_id': 'demo',
         'vcpus': 2, 'memory_mb': 512})
    quota_db.quota_set('demo', {'cores': 40})
    absolute = _get(app).json['limits']['absolute']
    assert (absolute['totalInstancesUsed'], absolute['totalCoresUsed'],
            absolute['totalRAMUsed']) == (1, 2, 512)
    assert absolute['maxTotalCores'] == 40


def test_other_project_is_admin_only(app):
    quota_db.quota_set('other', {'instances': 3})
    assert _get(app, query='?tenant_id=other').status_int == 403
    resp = _get(app, query='?tenant_id=other', token='admin:admin')
    assert resp.status_int == 200
    assert resp.json['limits']['absolute']['maxTotalInstances'] == 3

"""/os-quota-sets: Nova's bodies per microversion, per-project rows used
by the quota checks, the admin-only update and revert."""

import pytest
import webob

from nova_lite.api import app as api_app
from nova_lite.db import instance_api as instance_db
from nova_lite.db import quota_api as quota_db
from nova_lite import quota

SAMPLE_V21 = {
    'cores': 20, 'fixed_ips': -1, 'floating_ips': -1,
    'injected_file_content_bytes': 10240, 'injected_file_path_bytes': 255,
    'injected_files': 5, 'instances': 10, 'key_pairs': 100,
    'metadata_items': 128, 'ram': 51200, 'security_group_rules': -1,
    'security_groups': -1, 'server_groups': 10, 'server_group_members': 10,
}
NETWORK = ('fixed_ips', 'floating_ips', 'security_group_rules',
           'security_groups')


@pytest.fixture
def app(database):
    return api_app.make_app()


def _req(app, path='', method='GET', body=None, version='2.1',
         token='demo:demo'):
    req = webob.Request.blank('/v2.1/os-quota-sets/demo' + path,
                              method=method)
    req.headers['X-Auth-Token'] = token
    req.headers['OpenStack-API-Version'] = 'compute %s' % version
    if body is not None:
        req.json = body
    return req.get_response(app)


def _admin(app, *args, **kw):
    kw['token'] = 'admin:admin'
    return _req(app, *args, **kw)


def _sample(*removed, **extra):
    view = {k: v for k, v in SAMPLE_V21.items() if k not in removed}
    view.update(extra)
    return view


@pytest.mark.parametrize('version, expected', [
    ('2.1', _sample(id='demo')),
    ('2.36', _sample(*NETWORK, id='demo')),
    ('2.47', _sample(*NETWORK, id='demo')),
])
def test_show_and_defaults_match_novas_samples(app, version, expected):
    for path in ('', '/defaults'):
        resp = _req(app, path, version=version)
        assert resp.status_int == 200
        assert resp.json == {'quota_set': expected}


def test_detail(app):
    instance_db.instance_create(
        {'uuid': '00000000-0000-0000-0000-000000000001',
         'user_id': 'demo', 'project_id': 'demo',
         'vcpus': 2, 'memory_mb': 512})
    body = _req(app, '/detail', version='2.36').json['quota_set']
    assert body['id'] == 'demo'
    assert body['cores'] == {'limit': 20, 'in_use': 2, 'reserved': 0}
    assert body['instances'] == {'limit': 10, 'in_use': 1, 'reserved': 0}
    assert body['ram'] == {'limit': 51200, 'in_use': 512, 'reserved': 0}
    assert 'floating_ips' not in body


def test_another_projects_quota_is_forbidden(app):
    req = webob.Request.blank('/v2.1/os-quota-sets/other')
    req.headers['X-Auth-Token'] = 'demo:demo'
    assert req.get_response(app).status_int == 403
    req = webob.Request.blank('/v2.1/os-quota-sets/other/defaults')
    req.headers['X-Auth-Token'] = 'demo:demo'
    assert req.get_response(app).status_int == 200


def test_update_and_delete_are_admin_only(app):
    assert _req(app, method='PUT',
                body={'quota_set': {'cores': 45}}).status_int == 403
    assert _req(app, method='DELETE').status_int == 403
    assert quota_db.quota_get_all_by_project('demo') == {}


def test_update_matches_novas_sample_and_is_used(app):
    resp = _admin(app, method='PUT', body={'quota_set': {'cores': 45}})
    assert resp.status_int == 200
    assert resp.json == {'quota_set': _sample(cores=45)}
    assert _req(app).json['quota_set']['cores'] == 45
    assert _req(app, '/defaults').json['quota_set']['cores'] == 20
    assert quota.limits('demo')['cores'] == 45
    assert quota.limits('other')['cores'] == 20


def test_update_accepts_strings_and_force(app):
    resp = _admin(app, method='PUT', body={'quota_set': {
        'instances': '-1', 'force': 'True', 'floating_ips': 3}})
    assert resp.status_int == 200
    assert resp.json['quota_set']['instances'] == -1
    # NOTE: nova-network's resources are accepted below 2.36, not kept.
    assert resp.json['quota_set']['floating_ips'] == -1


def test_delete_reverts_to_defaults(app):
    _admin(app, method='PUT', body={'quota_set': {'cores': 45}})
    resp = _admin(app, method='DELETE')
    assert resp.status_int == 202
    assert _req(app).json['quota_set']['cores'] == 20


@pytest.mark.parametrize('version, body', [
    ('2.1', {'quota_set': {'cores': -2}}),
    ('2.1', {'quota_set': {'cores': 'many'}}),
    ('2.1', {'quota_set': {'cores': 0x80000000}}),
    ('2.1', {'quota_set': {'bogus': 1}}),
    ('2.1', {'cores': 1}),
    ('2.1', {'quota_set': {'cores': 1, 'force': 'maybe'}}),
    ('2.36', {'quota_set': {'floating_ips': 1}}),
    ('2.36', {'quota_set': {'networks': 1}}),
])
def test_bad_updates_are_400_and_change_nothing(app, version, body):
    resp = _admin(app, method='PUT', body=body, version=version)
    assert resp.status_int == 400
    assert quota_db.quota_get_all_by_project('demo') == {}


def test_limit_below_usage_needs_force(app):
    instance_db.instance_create(
        {'uuid': '00000000-0000-0000-0000-000000000001',
         'user_id': 'demo', 'project_id': 'demo',
         'vcpus': 4, 'memory_mb': 512})
    resp = _admin(app, method='PUT', body={'quota_set': {'cores': 2}})
    assert resp.status_int == 400
    assert 'must be greater than or equal to already used' in (
        resp.json['badRequest']['message'])
    assert quota_db.quota_get_all_by_project('demo') == {}
    resp = _admin(app, method='PUT',
                  body={'quota_set': {'cores': 2, 'force': True}})
    assert resp.status_int == 200
    assert quota.limits('demo')['cores'] == 2

"""/os-quota-class-sets and the quota engine's reading of the ``default``
class: Nova's bodies per microversion (2.50, 2.57), admin only, the
default class's limits as every project's defaults."""

import pytest
import webob

from nova_lite.api import app as api_app
from nova_lite.db import quota_api as quota_db
from nova_lite import exception
from nova_lite import quota

# NOTE: /work/shared/nova_api_samples/os-quota-class-sets, per version.
SAMPLE_V21 = {
    'cores': 20, 'fixed_ips': -1, 'floating_ips': -1, 'id': 'default',
    'injected_file_content_bytes': 10240, 'injected_file_path_bytes': 255,
    'injected_files': 5, 'instances': 10, 'key_pairs': 100,
    'metadata_items': 128, 'ram': 51200, 'security_group_rules': -1,
    'security_groups': -1,
}
SAMPLE_V250 = {
    'cores': 20, 'id': 'default', 'injected_file_content_bytes': 10240,
    'injected_file_path_bytes': 255, 'injected_files': 5, 'instances': 10,
    'key_pairs': 100, 'metadata_items': 128, 'ram': 51200,
    'server_groups': 10, 'server_group_members': 10,
}
SAMPLE_V257 = {
    'cores': 20, 'id': 'default', 'instances': 10, 'key_pairs': 100,
    'metadata_items': 128, 'ram': 51200, 'server_groups': 10,
    'server_group_members': 10,
}


@pytest.fixture
def app(database, flags):
    flags(response_validation='error', group='api')
    return api_app.make_app()


def _req(app, name='default', method='GET', body=None, version='2.1',
         token='admin:admin'):
    req = webob.Request.blank('/v2.1/os-quota-class-sets/' + name,
                              method=method)
    req.headers['X-Auth-Token'] = token
    req.headers['OpenStack-API-Version'] = 'compute %s' % version
    if body is not None:
        req.json = body
    return req.get_response(app)


@pytest.mark.parametrize('version, sample', [
    ('2.1', SAMPLE_V21), ('2.49', SAMPLE_V21), ('2.50', SAMPLE_V250),
    ('2.56', SAMPLE_V250), ('2.57', SAMPLE_V257), ('2.100', SAMPLE_V257),
])
def test_show_is_novas_sample(app, version, sample):
    resp = _req(app, version=version)
    assert resp.status_int == 200
    assert resp.json == {'quota_class_set': sample}


def test_update_answers_without_id_and_sets_defaults(app):
    resp = _req(app, method='PUT', version='2.57', body={
        'quota_class_set': {'instances': 50, 'cores': '50'}})
    assert resp.status_int == 200
    expected = dict(SAMPLE_V257, instances=50, cores=50)
    del expected['id']
    assert resp.json == {'quota_class_set': expected}
    assert quota.defaults()['instances'] == 50
    assert quota.get_project_quotas('any-project')['cores'] == 50
    # A project's own limit still wins over the class.
    quota.set_project_quotas('own', {'cores': 3})
    assert quota.get_project_quotas('own')['cores'] == 3


def test_other_classes_leave_the_defaults(app):
    resp = _req(app, name='gold', method='PUT', version='2.50',
                body={'quota_class_set': {'server_groups': 3}})
    assert resp.json['quota_class_set']['server_groups'] == 3
    shown = _req(app, name='gold', version='2.50').json['quota_class_set']
    assert (shown['id'], shown['server_groups'], shown['cores']) == (
        'gold', 3, 20)
    assert quota.defaults()['server_groups'] == 10


@pytest.mark.parametrize('version, body', [
    ('2.1', {'quota_class_set': {'instances': 'x'}}),
    ('2.1', {'quota_class_set': {'instances': -2}}),
    ('2.1', {'quota_class_set': {'force': True}}),
    ('2.1', {'quota_class_set': {'unknown': 1}}),
    ('2.49', {'other': {}}),
    ('2.50', {'quota_class_set': {'fixed_ips': 1}}),
    ('2.50', {'quota_class_set': {'networks': 1}}),
    ('2.57', {'quota_class_set': {'injected_files': 1}}),
])
def test_update_refusals(app, version, body):
    resp = _req(app, method='PUT', version=version, body=body)
    assert resp.status_int == 400
    assert resp.json['badRequest']['code'] == 400
    assert quota_db.quota_class_get_all_by_name('default') == {}


def test_network_resources_accepted_below_2_50(app):
    resp = _req(app, method='PUT', version='2.49', body={
        'quota_class_set': {'floating_ips': 5, 'instances': 7}})
    assert resp.status_int == 200
    # Kept and shown as set, as Nova's (tempest checks it); nothing
    # enforces them, and unset they show as unlimited.
    assert resp.json['quota_class_set']['floating_ips'] == 5
    assert resp.json['quota_class_set']['fixed_ips'] == -1
    assert resp.json['quota_class_set']['instances'] == 7
    resp = _req(app, version='2.50')
    assert 'floating_ips' not in resp.json['quota_class_set']


def test_class_name_over_255_is_400(app):
    resp = _req(app, name='c' * 256, method='PUT',
                body={'quota_class_set': {'instances': 1}})
    assert resp.status_int == 400
    assert 'quota_class_name' in resp.json['badRequest']['message']


@pytest.mark.parametrize('method, body', [
    ('GET', None), ('PUT', {'quota_class_set': {'instances': 1}}),
])
def test_admin_only(app, method, body):
    resp = _req(app, method=method, body=body, token='demo:demo')
    assert resp.status_int == 403
    assert resp.json['forbidden']['code'] == 403
    assert quota_db.quota_class_get_all_by_name('default') == {}


# ---- the quota engine -------------------------------------------------------

@pytest.mark.usefixtures('database')
def test_defaults_read_the_default_class_over_config(flags):
    flags(instances=4, group='quota')
    assert quota.defaults()['instances'] == 4
    quota.set_class_quotas('default', {'instances': 9, 'bogus': 1})
    assert quota.defaults()['instances'] == 9
    assert 'bogus' not in quota.defaults()
    assert quota.limits('p')['instances'] == 9


def _files(count, path='/etc/motd', contents='aGk='):
    return [{'path': path, 'contents': contents}] * count


@pytest.mark.usefixtures('database')
@pytest.mark.parametrize('files, error', [
    (_files(5), None),
    (_files(6), exception.OnsetFileLimitExceeded),
    (_files(1, path='/' + 'p' * 255), exception.OnsetFilePathLimitExceeded),
    (_files(1, path='/' + 'p' * 254), None),
    (_files(1, contents='a' * 10241),
     exception.OnsetFileContentLimitExceeded),
    (_files(1, contents='a' * 10240), None),
])
def test_check_injected_files(files, error):
    if error is None:
        quota.check_injected_files('p', files)
    else:
        with pytest.raises(error) as raised:
            quota.check_injected_files('p', files)
        assert raised.value.code == 403


@pytest.mark.usefixtures('database')
def test_injected_files_unlimited_and_per_project():
    quota.set_project_quotas('p', {'injected_files': -1})
    quota.check_injected_files('p', _files(50))
    quota.set_project_quotas('q', {'injected_files': 1})
    with pytest.raises(exception.OnsetFileLimitExceeded):
        quota.check_injected_files('q', _files(2))

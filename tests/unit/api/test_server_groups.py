"""The /os-server-groups controller through the app, ServerGroupAPI mocked:
bodies and schemas at the 2.13, 2.15 and 2.64 boundaries, policy, errors."""

from unittest import mock

import pytest

from nova_lite.api import app as api_app
from nova_lite import exception
from nova_lite import objects
from tests.unit.api import fakes

GROUPS = '/v2.1/os-server-groups'
GROUP = '5bbcc3c4-1da2-4437-a48a-66f15b1b13f9'
MEMBER = '0e44cc9c-e052-415d-afbf-469b0d384170'


def _group(policy='anti-affinity', rules=None, project_id=fakes.PROJECT,
           members=()):
    return objects.InstanceGroup(
        id=1, uuid=GROUP, name='test', user_id=fakes.USER,
        project_id=project_id, policy=policy, rules=rules or {},
        members=list(members))


@pytest.fixture
def client():
    client = fakes.Client()
    client.group_api = mock.Mock(name='ServerGroupAPI()')
    client.group_api.get.return_value = _group(members=[MEMBER])
    client.group_api.get_all.return_value = [_group()]
    client.group_api.create.side_effect = (
        lambda context, name, policy, rules: _group(policy, rules))
    with mock.patch('nova_lite.compute.server_group_api.ServerGroupAPI',
                    return_value=client.group_api):
        client.app = api_app.make_app()
    return client


# ---- bodies per microversion -----------------------------------------------

@pytest.mark.parametrize('version, keys', [
    ('2.1', {'id', 'name', 'policies', 'members', 'metadata'}),
    ('2.12', {'id', 'name', 'policies', 'members', 'metadata'}),
    ('2.13', {'id', 'name', 'policies', 'members', 'metadata',
              'project_id', 'user_id'}),
    ('2.63', {'id', 'name', 'policies', 'members', 'metadata',
              'project_id', 'user_id'}),
    ('2.64', {'id', 'name', 'policy', 'rules', 'members', 'project_id',
              'user_id'}),
])
def test_show_body(client, version, keys):
    resp = client.request(GROUPS + '/' + GROUP, version=version)
    assert resp.status_int == 200
    group = resp.json['server_group']
    assert set(group) == keys
    assert group['id'] == GROUP and group['members'] == [MEMBER]
    if 'policies' in keys:
        assert group['policies'] == ['anti-affinity']
        assert group['metadata'] == {}
    else:
        assert (group['policy'], group['rules']) == ('anti-affinity', {})


def test_list_body_and_paging(client):
    resp = client.request(GROUPS + '?limit=5&offset=2', version='2.64')
    assert resp.status_int == 200
    [group] = resp.json['server_groups']
    assert group['policy'] == 'anti-affinity'
    client.group_api.get_all.assert_called_once_with(
        mock.ANY, all_projects=False, limit=5, offset=2)


@pytest.mark.parametrize('query', ['limit=-1', 'offset=x', 'limit=1&limit=a'])
def test_list_bad_paging(client, query):
    resp = client.request(GROUPS + '?' + query)
    assert resp.status_int == 400


def test_all_projects_for_admins_only(client):
    client.request(GROUPS + '?all_projects=1')
    assert client.group_api.get_all.call_args[1]['all_projects'] is False
    client.admin(GROUPS + '?all_projects=1')
    assert client.group_api.get_all.call_args[1]['all_projects'] is True


# ---- create ----------------------------------------------------------------

@pytest.mark.parametrize('version, body, code', [
    # below 2.15: only the hard policies
    ('2.1', {'name': 'g', 'policies': ['affinity']}, 200),
    ('2.14', {'name': 'g', 'policies': ['soft-affinity']}, 400),
    ('2.15', {'name': 'g', 'policies': ['soft-affinity']}, 200),
    ('2.15', {'name': 'g', 'policies': ['soft-anti-affinity']}, 200),
    ('2.15', {'name': 'g', 'policies': ['affinity', 'anti-affinity']}, 400),
    ('2.15', {'name': 'g', 'policies': []}, 400),
    ('2.15', {'name': 'g', 'policies': ['bogus']}, 400),
    ('2.63', {'name': 'g', 'policies': ['affinity']}, 200),
    ('2.63', {'name': 'g', 'policy': 'affinity'}, 400),
    # 2.64: policy and rules
    ('2.64', {'name': 'g', 'policies': ['affinity']}, 400),
    ('2.64', {'name': 'g', 'policy': 'affinity'}, 200),
    ('2.64', {'name': 'g', 'policy': 'bogus'}, 400),
    ('2.64', {'name': 'g', 'policy': 'anti-affinity',
              'rules': {'max_server_per_host': 3}}, 200),
    ('2.64', {'name': 'g', 'policy': 'anti-affinity',
              'rules': {'max_server_per_host': '3'}}, 200),
    ('2.64', {'name': 'g', 'policy': 'anti-affinity',
              'rules': {'max_server_per_host': 0}}, 400),
    ('2.64', {'name': 'g', 'policy': 'anti-affinity',
              'rules': {'max_server_per_host': -1}}, 400),
    ('2.64', {'name': 'g', 'policy': 'anti-affinity',
              'rules': {'other': 1}}, 400),
    ('2.64', {'name': 'g', 'policy': 'affinity',
              'rules': {'max_server_per_host': 2}}, 400),
    ('2.64', {'name': 'g', 'policy': 'soft-anti-affinity',
              'rules': {'max_server_per_host': 2}}, 400),
    ('2.64', {'policy': 'affinity'}, 400),
    ('2.64', {'name': '', 'policy': 'affinity'}, 400),
])
def test_create_schemas(client, version, body, code):
    resp = client.request(GROUPS, method='POST', version=version,
                          body={'server_group': body})
    assert resp.status_int == code, resp.body
    if code == 400:
        assert 'badRequest' in resp.json
        client.group_api.create.assert_not_called()


def test_create_passes_policy_and_int_rules(client):
    resp = client.request(GROUPS, method='POST', version='2.64', body={
        'server_group': {'name': 'test', 'policy': 'anti-affinity',
                         'rules': {'max_server_per_host': '3'}}})
    assert resp.status_int == 200
    client.group_api.create.assert_called_once_with(
        mock.ANY, 'test', 'anti-affinity', {'max_server_per_host': 3})
    assert resp.json['server_group']['rules'] == {'max_server_per_host': 3}


def test_create_rules_with_affinity_message(client):
    resp = client.request(GROUPS, method='POST', version='2.64', body={
        'server_group': {'name': 'g', 'policy': 'affinity',
                         'rules': {'max_server_per_host': 2}}})
    assert resp.json['badRequest']['message'].endswith(
        'Only anti-affinity policy supports rules.')


def test_create_over_quota(client):
    client.group_api.create.side_effect = exception.ServerGroupLimitExceeded()
    resp = client.request(GROUPS, method='POST', version='2.64', body={
        'server_group': {'name': 'g', 'policy': 'affinity'}})
    assert resp.status_int == 403
    assert resp.json['forbidden']['message'] == (
        'Quota exceeded, too many server groups.')


# ---- show, delete, policy --------------------------------------------------

def test_not_found(client):
    client.group_api.get.side_effect = exception.InstanceGroupNotFound(
        group_uuid=GROUP)
    for method in ('GET', 'DELETE'):
        resp = client.request(GROUPS + '/' + GROUP, method=method)
        assert resp.status_int == 404
        assert 'itemNotFound' in resp.json


def test_delete(client):
    resp = client.request(GROUPS + '/' + GROUP, method='DELETE')
    assert resp.status_int == 204
    client.group_api.delete.assert_called_once_with(
        mock.ANY, client.group_api.get.return_value)


def test_policy_targets_the_group_project(client):
    client.group_api.get.return_value = _group(project_id='other')
    for method in ('GET', 'DELETE'):
        resp = client.request(GROUPS + '/' + GROUP, method=method)
        assert resp.status_int == 403
        resp = client.admin(GROUPS + '/' + GROUP, method=method)
        assert resp.status_int in (200, 204)

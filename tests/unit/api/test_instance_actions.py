"""GET /servers/{id}/os-instance-actions[/{request_id}] through the whole
app, with the compute and action APIs mocked."""

import datetime
import json
import os
import types

import jsonschema
import pytest

from nova_lite.api.openstack.compute.schemas import instance_actions as schema
from nova_lite import context as nova_context
from nova_lite import exception
from tests.unit.api import fakes

ACTIONS = '/v2.1/servers/%s/os-instance-actions' % fakes.SERVER
REQUEST_ID = 'req-343506f4-4dc3-4153-8de5-de6a60cb26ab'
SAMPLES = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..',
                       'shared', 'nova_api_samples', 'os-instance-actions')
START = datetime.datetime(2018, 4, 25, 1, 26, 28, 757301,
                          tzinfo=datetime.timezone.utc)
FINISH = datetime.datetime(2018, 4, 25, 1, 26, 29, 262877)


def _action(**kw):
    values = dict(id=7, action='stop', instance_uuid=fakes.SERVER,
                  request_id=REQUEST_ID, user_id=fakes.USER,
                  project_id=fakes.PROJECT, start_time=START,
                  finish_time=None, message=None, updated_at=FINISH)
    values.update(kw)
    return types.SimpleNamespace(**values)


def _event(**kw):
    values = dict(id=1, action_id=7, event='compute_stop_instance',
                  start_time=START, finish_time=FINISH, result='Success',
                  traceback='Traceback (most recent call last): ...',
                  host='compute1', details=None)
    values.update(kw)
    return types.SimpleNamespace(**values)


@pytest.fixture
def client():
    client = fakes.Client()
    client.compute_api.get.return_value = fakes.instance()
    client.action_api.actions_get.return_value = [
        _action(), _action(id=6, action='create', request_id='req-1')]
    client.action_api.action_get_by_request_id.return_value = _action()
    client.action_api.action_events_get.return_value = [_event()]
    return client


def _sample(name):
    full = os.path.join(SAMPLES, name)
    if not os.path.exists(full):
        pytest.skip('Nova API sample %s is not available' % name)
    with open(full) as f:
        return json.load(f)


def test_index_lists_actions_newest_first(client):
    resp = client.request(ACTIONS)
    assert resp.status_int == 200
    jsonschema.validate(resp.json, schema.index_response)
    actions = resp.json['instanceActions']
    assert [a['action'] for a in actions] == ['stop', 'create']
    assert actions[0] == {
        'action': 'stop', 'instance_uuid': fakes.SERVER,
        'request_id': REQUEST_ID, 'user_id': fakes.USER,
        'project_id': fakes.PROJECT,
        'start_time': '2018-04-25T01:26:28.757301', 'message': None}
    assert client.action_api.actions_get.call_args.args[1] is \
        client.compute_api.get.return_value


def test_index_matches_novas_sample_keys(client):
    sample = _sample('instance-actions-list-resp.json')
    resp = client.request(ACTIONS)
    assert (set(resp.json['instanceActions'][0]) ==
            set(sample['instanceActions'][0]))


@pytest.mark.parametrize('path', [ACTIONS, ACTIONS + '/' + REQUEST_ID])
def test_unknown_or_other_projects_server_is_404(client, path):
    client.compute_api.get.side_effect = exception.InstanceNotFound(
        instance_id=fakes.SERVER)
    resp = client.request(path)
    assert resp.status_int == 404
    assert 'itemNotFound' in resp.json


@pytest.mark.parametrize('version, read_deleted', [
    ('2.1', 'no'), ('2.20', 'no'), ('2.21', 'yes'), ('2.47', 'yes')])
def test_deleted_servers_actions_are_visible_from_2_21(client, version,
                                                       read_deleted):
    client.request(ACTIONS, version=version)
    assert (client.compute_api.get.call_args.kwargs['read_deleted'] ==
            read_deleted)


def test_show_to_a_member_has_no_events_before_2_51(client):
    resp = client.request(ACTIONS + '/' + REQUEST_ID)
    assert resp.status_int == 200
    jsonschema.validate(resp.json, schema.show_response)
    body = resp.json['instanceAction']
    assert 'events' not in body
    assert body['request_id'] == REQUEST_ID
    client.action_api.action_events_get.assert_not_called()


def test_show_to_an_admin_has_events_with_traceback(client):
    resp = client.admin(ACTIONS + '/' + REQUEST_ID)
    assert resp.status_int == 200
    jsonschema.validate(resp.json, schema.show_response)
    assert resp.json['instanceAction']['events'] == [{
        'event': 'compute_stop_instance',
        'start_time': '2018-04-25T01:26:28.757301',
        'finish_time': '2018-04-25T01:26:29.262877',
        'result': 'Success',
        'traceback': 'Traceback (most recent call last): ...'}]
    assert client.action_api.action_events_get.call_args.args[2] == 7


def test_show_matches_novas_sample_keys(client):
    sample = _sample('instance-action-get-resp.json')
    resp = client.admin(ACTIONS + '/' + REQUEST_ID)
    body = resp.json['instanceAction']
    assert set(body) == set(sample['instanceAction'])
    assert set(body['events'][0]) == set(
        sample['instanceAction']['events'][0])


def test_unknown_request_id_is_404(client):
    client.action_api.action_get_by_request_id.return_value = None
    resp = client.request(ACTIONS + '/req-nope')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == 'Action req-nope not found'


def test_another_projects_admin_sees_them(client):
    client.compute_api.get.return_value = fakes.instance(
        project_id='another')
    resp = client.admin(ACTIONS)
    assert resp.status_int == 200


@pytest.mark.parametrize('roles, expected', [
    (['reader'], True), (['member', 'reader'], True),
    (['admin', 'member', 'reader'], True), ([], False)])
def test_list_and_show_policy_is_project_reader_or_admin(roles, expected):
    fakes.init_conf()
    ctx = nova_context.RequestContext(user_id='u', project_id='p',
                                      roles=roles, overwrite=False)
    for name in ('list', 'show'):
        assert ctx.can('os_compute_api:os-instance-actions:%s' % name,
                       {'project_id': 'p'}, fatal=False) is expected
    assert ctx.can('os_compute_api:os-instance-actions:list',
                   {'project_id': 'other'}, fatal=False) is ('admin' in roles)


@pytest.mark.parametrize('name', ['events', 'events:details'])
def test_events_policies_are_admin_only(name):
    fakes.init_conf()
    policy = 'os_compute_api:os-instance-actions:%s' % name
    member = nova_context.RequestContext(
        user_id='u', project_id='p', roles=['member', 'reader'],
        overwrite=False)
    admin = nova_context.RequestContext(
        user_id='u', project_id='p', roles=['admin'], overwrite=False)
    assert member.can(policy, {'project_id': 'p'}, fatal=False) is False
    assert admin.can(policy, {'project_id': 'p'}, fatal=False) is True

"""POST /servers/{id}/action: createImage, shelve, shelveOffload,
unshelve, rescue, unrescue, restore and forceDelete through the whole app
with the compute API mocked: bodies per microversion (2.44/2.45,
2.76/2.77, 2.90/2.91), policies, and refusals in Nova's words."""

from unittest import mock

import pytest

from nova_lite.compute import api as compute_api
from nova_lite import exception
from tests.unit.api import fakes

ACTION = '/v2.1/servers/%s/action' % fakes.SERVER
IMAGE_ID = '3e3b3c1e-0c0b-4c55-a1c3-0c5b7a5c0f11'

# body key -> (compute API method, positional args after the instance)
SIMPLE = {
    'shelve': 'shelve',
    'shelveOffload': 'shelve_offload',
    'unrescue': 'unrescue',
    'restore': 'restore',
    'forceDelete': 'force_delete',
}


@pytest.fixture
def client():
    client = fakes.Client()
    client.compute_api.get.return_value = fakes.instance()
    client.compute_api.snapshot.return_value = {'id': IMAGE_ID,
                                                'status': 'queued'}
    return client


def _post(client, body, admin=False, **kw):
    if admin:
        return client.admin(ACTION, method='POST', body=body, **kw)
    return client.request(ACTION, method='POST', body=body, **kw)


# ---- createImage -----------------------------------------------------------

def test_create_image_before_2_45_is_a_location(client, flags):
    flags(api_servers=['http://images.example:9292'], group='glance')
    resp = _post(client, {'createImage': {'name': 'snap',
                                          'metadata': {'k': 'v'}}},
                 version='2.44')
    assert resp.status_int == 202
    assert resp.body == b''
    assert resp.headers['Location'] == (
        'http://images.example:9292/images/%s' % IMAGE_ID)
    client.compute_api.snapshot.assert_called_once_with(
        mock.ANY, client.compute_api.get.return_value, 'snap', {'k': 'v'})


def test_create_image_from_2_45_is_a_body(client):
    resp = _post(client, {'createImage': {'name': 'snap'}}, version='2.45')
    assert resp.status_int == 202
    assert resp.json == {'image_id': IMAGE_ID}
    assert 'Location' not in resp.headers


@pytest.mark.parametrize('body', [
    {'createImage': {}},
    {'createImage': {'name': ''}},
    {'createImage': {'name': 'x', 'metadata': {'k': 1}}},
    {'createImage': {'name': 'x', 'other': 1}},
    {'createImage': None},
])
def test_create_image_bad_bodies_are_400(client, body):
    assert _post(client, body).status_int == 400
    assert not client.compute_api.snapshot.called


@pytest.mark.parametrize('version, checked', [('2.38', True),
                                              ('2.39', False)])
def test_create_image_metadata_quota_only_before_2_39(client, version,
                                                      checked):
    client.compute_api.check_image_metadata_quota.side_effect = (
        exception.MetadataLimitExceeded(allowed=1))
    resp = _post(client, {'createImage': {'name': 's',
                                          'metadata': {'a': '1', 'b': '2'}}},
                 version=version)
    assert resp.status_int == (403 if checked else 202)
    assert client.compute_api.snapshot.called is not checked


def test_create_image_wrong_state_is_409(client):
    client.compute_api.snapshot.side_effect = exception.InstanceInvalidState(
        instance_uuid=fakes.SERVER, attr='vm_state', state='building',
        method='snapshot')
    resp = _post(client, {'createImage': {'name': 's'}})
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        "Cannot 'createImage' instance %s while it is in vm_state building"
        % fakes.SERVER)


# ---- null-body actions -----------------------------------------------------

@pytest.mark.parametrize('key', sorted(SIMPLE))
def test_null_body_actions(client, key):
    resp = _post(client, {key: None}, admin=True)
    assert resp.status_int == 202
    assert resp.body == b''
    getattr(client.compute_api, SIMPLE[key]).assert_called_once_with(
        mock.ANY, client.compute_api.get.return_value)


@pytest.mark.parametrize('key', sorted(SIMPLE))
@pytest.mark.parametrize('value', [{}, {'x': 1}, 'yes'])
def test_null_body_actions_ignore_the_value(client, key, value):
    # NOTE: Nova has no schema for these: any value is accepted (tempest
    # sends {}).
    assert _post(client, {key: value}, admin=True).status_int == 202
    assert getattr(client.compute_api, SIMPLE[key]).called


@pytest.mark.parametrize('key', sorted(SIMPLE))
def test_null_body_actions_refuse_other_keys(client, key):
    assert _post(client, {key: None, 'other': 1},
                 admin=True).status_int == 400
    assert not getattr(client.compute_api, SIMPLE[key]).called


@pytest.mark.parametrize('key', sorted(SIMPLE))
def test_wrong_state_is_409_in_novas_words(client, key):
    getattr(client.compute_api, SIMPLE[key]).side_effect = (
        exception.InstanceInvalidState(
            instance_uuid=fakes.SERVER, attr='vm_state', state='stopped',
            method=key))
    resp = _post(client, {key: None}, admin=True)
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        "Cannot '%s' instance %s while it is in vm_state stopped"
        % (key, fakes.SERVER))


def test_shelve_offload_is_for_admins(client):
    resp = _post(client, {'shelveOffload': None})
    assert resp.status_int == 403
    assert not client.compute_api.shelve_offload.called


@pytest.mark.parametrize('key', sorted(SIMPLE))
def test_unknown_server_is_404(client, key):
    client.compute_api.get.side_effect = exception.InstanceNotFound(
        instance_id=fakes.SERVER)
    resp = _post(client, {key: None}, admin=True)
    assert resp.status_int == 404
    assert 'itemNotFound' in resp.json


# ---- unshelve per microversion ---------------------------------------------

@pytest.mark.parametrize('version, body, kwargs', [
    ('2.76', {'unshelve': None}, {}),
    ('2.77', {'unshelve': None}, {}),
    ('2.77', {'unshelve': {'availability_zone': 'nova'}},
     {'new_az': 'nova'}),
    ('2.90', {'unshelve': {'availability_zone': 'nova'}},
     {'new_az': 'nova'}),
    ('2.91', {'unshelve': {'availability_zone': None}}, {'new_az': None}),
    ('2.91', {'unshelve': {'availability_zone': 'nova', 'host': 'h1'}},
     {'new_az': 'nova', 'host': 'h1'}),
    ('2.91', {'unshelve': {'host': 'h1'}}, {'host': 'h1'}),
])
def test_unshelve_arguments(client, version, body, kwargs):
    resp = _post(client, body, admin=True, version=version)
    assert resp.status_int == 202, resp.body
    client.compute_api.unshelve.assert_called_once_with(
        mock.ANY, client.compute_api.get.return_value, **kwargs)


@pytest.mark.parametrize('version, body', [
    ('2.76', {'unshelve': None, 'other': 1}),
    ('2.77', {'unshelve': {}}),
    ('2.77', {'unshelve': {'availability_zone': None}}),
    ('2.90', {'unshelve': {'availability_zone': 'nova', 'host': 'h1'}}),
    ('2.91', {'unshelve': {'host': 'h1', 'other': 1}}),
    ('2.91', {'unshelve': 'h1'}),
])
def test_unshelve_bad_bodies_are_400(client, version, body):
    assert _post(client, body, admin=True, version=version).status_int == 400
    assert not client.compute_api.unshelve.called


def test_unshelve_to_a_host_is_for_admins(client):
    resp = _post(client, {'unshelve': {'host': 'h1'}}, version='2.91')
    assert resp.status_int == 403
    assert not client.compute_api.unshelve.called
    resp = _post(client, {'unshelve': {'availability_zone': None}},
                 version='2.91')
    assert resp.status_int == 202


@pytest.mark.parametrize('error', [
    exception.AvailabilityZoneNotFound(),
    exception.ComputeHostNotFound(host='h9'),
])
def test_unshelve_unknown_zone_or_host_is_400(client, error):
    client.compute_api.unshelve.side_effect = error
    resp = _post(client, {'unshelve': {'host': 'h9'}}, admin=True,
                 version='2.91')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == error.format_message()


def test_unshelve_host_outside_the_zone_is_409(client):
    client.compute_api.unshelve.side_effect = exception.UnshelveHostNotInAZ(
        host='h1', availability_zone='west')
    resp = _post(client, {'unshelve': {'host': 'h1',
                                       'availability_zone': 'west'}},
                 admin=True, version='2.91')
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        'Host "h1" is not in the availability zone "west".')


# ---- rescue ----------------------------------------------------------------

@pytest.mark.parametrize('enabled', [True, False])
def test_rescue_answers_the_password_when_enabled(client, flags, enabled):
    flags(enable_instance_password=enabled, group='api')
    resp = _post(client, {'rescue': {'adminPass': 'MySecretPass',
                                     'rescue_image_ref': fakes.IMAGE}})
    assert resp.status_int == 200
    assert resp.json == ({'adminPass': 'MySecretPass'} if enabled else {})
    client.compute_api.rescue.assert_called_once_with(
        mock.ANY, client.compute_api.get.return_value,
        rescue_password='MySecretPass', rescue_image_ref=fakes.IMAGE)


def test_rescue_without_a_password_generates_one(client):
    resp = _post(client, {'rescue': None})
    assert resp.status_int == 200
    password = client.compute_api.rescue.call_args.kwargs['rescue_password']
    assert len(password) == 12
    assert resp.json == {'adminPass': password}


@pytest.mark.parametrize('body', [
    {'rescue': {'rescue_image_ref': 'not-a-uuid'}},
    {'rescue': {'other': 1}},
    {'rescue': 'x'},
])
def test_rescue_bad_bodies_are_400(client, body):
    assert _post(client, body).status_int == 400
    assert not client.compute_api.rescue.called


def test_rescue_unknown_image_is_400(client):
    client.compute_api.rescue.side_effect = exception.ImageNotFound(
        image_id=fakes.IMAGE)
    resp = _post(client, {'rescue': {'rescue_image_ref': fakes.IMAGE}})
    assert resp.status_int == 400


def test_rescue_policies_are_novas(client):
    with mock.patch('nova_lite.context.RequestContext.can') as can:
        _post(client, {'rescue': None})
        _post(client, {'unrescue': None})
        _post(client, {'restore': None})
        _post(client, {'forceDelete': None})
        _post(client, {'createImage': {'name': 's'}})
    rules = [call.args[0] for call in can.call_args_list]
    for rule in ('os_compute_api:os-rescue', 'os_compute_api:os-unrescue',
                 'os_compute_api:os-deferred-delete:restore',
                 'os_compute_api:os-deferred-delete:force',
                 'os_compute_api:servers:create_image'):
        assert rule in rules


# ---- soft delete through DELETE /servers/{id} ------------------------------

def test_delete_is_soft_with_a_reclaim_interval(client, flags):
    flags(reclaim_instance_interval=60)
    resp = client.request('/v2.1/servers/%s' % fakes.SERVER, method='DELETE')
    assert resp.status_int == 204
    assert client.compute_api.soft_delete.called
    assert not client.compute_api.delete.called


def test_delete_falls_back_when_soft_delete_is_refused(client, flags):
    flags(reclaim_instance_interval=60)
    client.compute_api.soft_delete.side_effect = (
        exception.InstanceInvalidState(
            instance_uuid=fakes.SERVER, attr='task_state', state='spawning',
            method='soft_delete'))
    resp = client.request('/v2.1/servers/%s' % fakes.SERVER, method='DELETE')
    assert resp.status_int == 204
    assert client.compute_api.delete.called


def test_delete_is_hard_without_a_reclaim_interval(client):
    resp = client.request('/v2.1/servers/%s' % fakes.SERVER, method='DELETE')
    assert resp.status_int == 204
    assert not client.compute_api.soft_delete.called
    assert client.compute_api.delete.called


def test_unset_is_not_none():
    assert compute_api.UNSET is not None

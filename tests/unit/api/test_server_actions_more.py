"""POST /servers/{id}/action: pause, unpause, suspend, resume, lock,
unlock and os-resetState through the whole app, with the compute API
mocked."""

import json
import os
from unittest import mock

import pytest

from nova_lite import exception
from tests.unit.api import fakes

ACTION = '/v2.1/servers/%s/action' % fakes.SERVER
SAMPLES = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..',
                       'shared', 'nova_api_samples')

# body key -> (compute API method, policy rule)
PAUSE_FAMILY = {
    'pause': ('pause', 'os_compute_api:os-pause-server:pause'),
    'unpause': ('unpause', 'os_compute_api:os-pause-server:unpause'),
    'suspend': ('suspend', 'os_compute_api:os-suspend-server:suspend'),
    'resume': ('resume', 'os_compute_api:os-suspend-server:resume'),
}


@pytest.fixture
def client():
    client = fakes.Client()
    client.compute_api.get.return_value = fakes.instance()
    return client


def _post(client, body, **kw):
    return client.request(ACTION, method='POST', body=body, **kw)


def _sample(path):
    full = os.path.join(SAMPLES, path)
    if not os.path.exists(full):
        pytest.skip('Nova API sample %s is not available' % path)
    with open(full) as f:
        return json.load(f)


# ---- pause, unpause, suspend, resume ---------------------------------------

@pytest.mark.parametrize('key', sorted(PAUSE_FAMILY))
def test_pause_family_accepted(client, key):
    resp = _post(client, {key: None})
    assert resp.status_int == 202
    assert resp.body == b''
    call = getattr(client.compute_api, PAUSE_FAMILY[key][0])
    call.assert_called_once_with(mock.ANY,
                                 client.compute_api.get.return_value)


@pytest.mark.parametrize('sample, call', [
    ('os-pause-server/pause-server.json', 'pause'),
    ('os-pause-server/unpause-server.json', 'unpause'),
    ('os-suspend-server/server-suspend.json', 'suspend'),
    ('os-suspend-server/server-resume.json', 'resume'),
])
def test_nova_samples_are_accepted(client, sample, call):
    assert _post(client, _sample(sample)).status_int == 202
    assert getattr(client.compute_api, call).called


@pytest.mark.parametrize('key', sorted(PAUSE_FAMILY))
def test_extra_keys_are_400(client, key):
    resp = _post(client, {key: None, 'other': 1})
    assert resp.status_int == 400
    assert not getattr(client.compute_api, PAUSE_FAMILY[key][0]).called


@pytest.mark.parametrize('key', sorted(PAUSE_FAMILY))
def test_wrong_state_is_409_in_novas_words(client, key):
    getattr(client.compute_api, PAUSE_FAMILY[key][0]).side_effect = (
        exception.InstanceInvalidState(
            instance_uuid=fakes.SERVER, attr='vm_state', state='stopped',
            method=key))
    resp = _post(client, {key: None})
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        "Cannot '%s' instance %s while it is in vm_state stopped"
        % (key, fakes.SERVER))


@pytest.mark.parametrize('error', [
    exception.InstanceIsLocked(instance_uuid=fakes.SERVER),
    exception.InstanceNotReady(instance_id=fakes.SERVER),
])
@pytest.mark.parametrize('key', sorted(PAUSE_FAMILY))
def test_locked_or_not_ready_is_409(client, key, error):
    getattr(client.compute_api, PAUSE_FAMILY[key][0]).side_effect = error
    resp = _post(client, {key: None})
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        error.format_message())


@pytest.mark.parametrize('key', sorted(PAUSE_FAMILY))
def test_unknown_or_hidden_server_is_404(client, key):
    client.compute_api.get.side_effect = exception.InstanceNotFound(
        instance_id=fakes.SERVER)
    resp = _post(client, {key: None})
    assert resp.status_int == 404
    assert 'itemNotFound' in resp.json


@pytest.mark.parametrize('key', sorted(PAUSE_FAMILY))
def test_policy_checks_the_servers_project(client, key):
    client.compute_api.get.return_value = fakes.instance(project_id='other')
    resp = _post(client, {key: None})
    assert resp.status_int == 403
    assert not getattr(client.compute_api, PAUSE_FAMILY[key][0]).called
    assert client.admin(ACTION, method='POST',
                        body={key: None}).status_int == 202


@pytest.mark.parametrize('key', sorted(PAUSE_FAMILY))
def test_each_action_has_its_policy(client, key):
    with mock.patch('nova_lite.policy.authorize') as authorize:
        authorize.return_value = True
        _post(client, {key: None})
    rules = [call.args[1] for call in authorize.call_args_list]
    assert PAUSE_FAMILY[key][1] in rules


def test_pause_unsupported_by_the_driver_is_501(client):
    client.compute_api.pause.side_effect = NotImplementedError()
    assert _post(client, {'pause': None}).status_int == 501


# ---- lock and unlock -------------------------------------------------------

@pytest.mark.parametrize('body', [{'lock': None}, {'lock': {}},
                                  {'lock': {'locked_reason': 'ignored'}}])
def test_lock_accepted_without_a_reason_before_2_73(client, body):
    resp = _post(client, body)
    assert resp.status_int == 202
    client.compute_api.lock.assert_called_once_with(
        mock.ANY, client.compute_api.get.return_value, reason=None)


@pytest.mark.parametrize('sample, call', [
    ('os-lock-server/lock-server.json', 'lock'),
    ('os-lock-server/unlock-server.json', 'unlock'),
])
def test_lock_samples_are_accepted(client, sample, call):
    client.compute_api.is_expected_locked_by.return_value = True
    assert _post(client, _sample(sample)).status_int == 202
    assert getattr(client.compute_api, call).called


def _lock_controller():
    from nova_lite.api.openstack.compute import lock_server
    with mock.patch('nova_lite.compute.api.API') as api_cls:
        controller = lock_server.LockServerController()
    api_cls.return_value.get.return_value = fakes.instance()
    return controller, api_cls.return_value


def _ctx(roles=('member', 'reader'), project=fakes.PROJECT):
    from nova_lite import context as nova_context
    fakes.init_conf()
    return nova_context.RequestContext(user_id=fakes.USER, project_id=project,
                                       roles=list(roles), overwrite=False)


@pytest.mark.parametrize('body, reason', [
    ({'lock': None}, None),
    ({'lock': {}}, None),
    ({'lock': {'locked_reason': 'disk work'}}, 'disk work'),
])
def test_lock_reason_from_2_73(body, reason):
    # NOTE: called directly: 2.73 is above the app's maximum today.
    controller, api = _lock_controller()
    req = fakes.make_request(version='2.73', context=_ctx(), method='POST')
    controller._lock(req, fakes.SERVER, body=body)
    api.lock.assert_called_once_with(mock.ANY, api.get.return_value,
                                     reason=reason)


@pytest.mark.parametrize('body', [
    {'lock': {'locked_reason': ''}},
    {'lock': {'locked_reason': 'x' * 256}},
    {'lock': {'other': 'x'}},
    {'lock': 'string'},
])
def test_bad_lock_body_from_2_73_is_400(body):
    controller, api = _lock_controller()
    req = fakes.make_request(version='2.73', context=_ctx(), method='POST')
    with pytest.raises(exception.ValidationError):
        controller._lock(req, fakes.SERVER, body=body)
    assert not api.lock.called


@pytest.mark.parametrize('version', ['2.72', '2.73'])
@pytest.mark.parametrize('value', [None, {}])
def test_unlock_ignores_the_value(version, value):
    # NOTE: as Nova, whose unlock schema takes any value at every version.
    controller, api = _lock_controller()
    req = fakes.make_request(version=version, context=_ctx(), method='POST')
    api.is_expected_locked_by.return_value = True
    controller._unlock(req, fakes.SERVER, body={'unlock': value})
    assert api.unlock.called


def test_owner_unlocks_own_lock(client):
    client.compute_api.is_expected_locked_by.return_value = True
    assert _post(client, {'unlock': None}).status_int == 202
    assert client.compute_api.unlock.called


def test_owner_cannot_unlock_an_admins_lock(client):
    client.compute_api.is_expected_locked_by.return_value = False
    resp = _post(client, {'unlock': None})
    assert resp.status_int == 403
    assert 'unlock:unlock_override' in resp.json['forbidden']['message']
    assert not client.compute_api.unlock.called
    assert client.admin(ACTION, method='POST',
                        body={'unlock': None}).status_int == 202


@pytest.mark.parametrize('body', [{'lock': None}, {'unlock': None}])
def test_lock_of_another_projects_server(client, body):
    client.compute_api.is_expected_locked_by.return_value = True
    client.compute_api.get.side_effect = exception.InstanceNotFound(
        instance_id=fakes.SERVER)
    assert _post(client, body).status_int == 404
    client.compute_api.get.side_effect = None
    client.compute_api.get.return_value = fakes.instance(project_id='other')
    assert _post(client, body).status_int == 403


@pytest.mark.parametrize('body', [{'lock': None, 'x': 1},
                                  {'unlock': None, 'x': 1}])
def test_bad_lock_body_is_400(client, body):
    assert _post(client, body).status_int == 400


@pytest.mark.parametrize('rule, roles, allowed', [
    ('os_compute_api:os-lock-server:lock', ['member', 'reader'], True),
    ('os_compute_api:os-lock-server:lock', ['reader'], False),
    ('os_compute_api:os-lock-server:unlock', ['member', 'reader'], True),
    ('os_compute_api:os-lock-server:unlock:unlock_override',
     ['member', 'reader'], False),
    ('os_compute_api:os-lock-server:unlock:unlock_override', ['admin'],
     True),
    ('os_compute_api:os-admin-actions:reset_state', ['member', 'reader'],
     False),
    ('os_compute_api:os-admin-actions:reset_state', ['admin'], True),
    ('os_compute_api:os-pause-server:pause', ['reader'], False),
    ('os_compute_api:os-suspend-server:resume', ['member'], True),
])
def test_policy_defaults(rule, roles, allowed):
    assert _ctx(roles).can(rule, {'project_id': fakes.PROJECT},
                           fatal=False) is allowed


# ---- os-resetState ---------------------------------------------------------

@pytest.mark.parametrize('state', ['active', 'error'])
def test_reset_state_by_admin(client, state):
    resp = client.admin(ACTION, method='POST',
                        body={'os-resetState': {'state': state}})
    assert resp.status_int == 202
    client.compute_api.reset_state.assert_called_once_with(
        mock.ANY, client.compute_api.get.return_value, state)


def test_reset_state_sample_is_accepted(client):
    body = _sample('os-admin-actions/admin-actions-reset-server-state.json')
    assert client.admin(ACTION, method='POST',
                        body=body).status_int == 202


def test_reset_state_is_admin_only(client):
    resp = _post(client, {'os-resetState': {'state': 'active'}})
    assert resp.status_int == 403
    assert not client.compute_api.reset_state.called


@pytest.mark.parametrize('body', [
    {'os-resetState': {'state': 'stopped'}},
    {'os-resetState': {'state': 'ACTIVE'}},
    {'os-resetState': {}},
    {'os-resetState': None},
    {'os-resetState': {'state': 'error', 'x': 1}},
])
def test_bad_reset_state_is_400(client, body):
    resp = client.admin(ACTION, method='POST', body=body)
    assert resp.status_int == 400
    assert not client.compute_api.reset_state.called


def test_reset_state_of_an_unknown_server_is_404(client):
    client.compute_api.get.side_effect = exception.InstanceNotFound(
        instance_id=fakes.SERVER)
    resp = client.admin(ACTION, method='POST',
                        body={'os-resetState': {'state': 'error'}})
    assert resp.status_int == 404

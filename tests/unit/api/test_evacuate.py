"""POST /servers/{id}/action {"evacuate": ...} through the whole app, with
the compute API mocked: bodies and answers per microversion, the policy,
and how the compute API's refusals are answered."""

import json
import os
from unittest import mock

import pytest

from nova_lite import conf
from nova_lite import exception
from nova_lite.states import vm_states
from tests.unit.api import fakes

CONF = conf.CONF
ACTION = '/v2.1/servers/%s/action' % fakes.SERVER
SAMPLES = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..',
                       'shared', 'nova_api_samples', 'os-evacuate')
POLICY = 'os_compute_api:os-evacuate'


@pytest.fixture
def client():
    client = fakes.Client()
    client.compute_api.get.return_value = fakes.instance(host='compute1')
    client.compute_api.evacuate.return_value = None
    return client


@pytest.fixture
def no_passwords():
    CONF.set_override('enable_instance_password', False, group='api')
    yield
    CONF.clear_override('enable_instance_password', group='api')


def _admin(client, options, version=None):
    return client.admin(ACTION, method='POST', body={'evacuate': options},
                        version=version)


def _sample(path):
    full = os.path.join(SAMPLES, path)
    if not os.path.exists(full):
        pytest.skip('Nova API sample %s is not available' % path)
    with open(full) as f:
        return json.load(f)


def _called(client):
    """(host, keyword arguments) of the one compute API call."""
    call = client.compute_api.evacuate.call_args
    assert call.args[:2] == (mock.ANY, client.compute_api.get.return_value)
    return call.args[2], call.kwargs


# ---- bodies and answers per microversion -----------------------------------

def test_before_2_14_the_password_given_comes_back(client):
    resp = _admin(client, {'host': 'compute2', 'adminPass': 'MySecretPass',
                           'onSharedStorage': 'False'})
    assert resp.status_int == 200
    assert resp.json == _sample('server-evacuate-resp.json')
    host, kwargs = _called(client)
    assert host == 'compute2'
    assert kwargs == {'on_shared_storage': False,
                      'admin_password': 'MySecretPass', 'force': None,
                      'target_state': None}


def test_before_2_14_a_password_is_generated(client):
    resp = _admin(client, {'onSharedStorage': False}, '2.13')
    assert resp.status_int == 200
    password = resp.json['adminPass']
    assert len(password) == 12
    host, kwargs = _called(client)
    assert host is None
    assert kwargs['admin_password'] == password


def test_shared_storage_keeps_its_password(client):
    resp = _admin(client, {'onSharedStorage': 'true'})
    assert resp.status_int == 200
    assert resp.json == {'adminPass': None}
    assert _called(client)[1]['on_shared_storage'] is True
    assert _called(client)[1]['admin_password'] is None


def test_password_with_shared_storage_is_400(client):
    resp = _admin(client, {'onSharedStorage': True, 'adminPass': 'x'})
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        "admin password can't be changed on existing disk")
    assert not client.compute_api.evacuate.called


def test_no_password_shown_when_passwords_are_off(client, no_passwords):
    resp = _admin(client, {'onSharedStorage': False, 'adminPass': 'x'})
    assert resp.status_int == 200
    assert resp.body == b''


@pytest.mark.parametrize('version, options, kwargs', [
    ('2.14', {'host': 'testHost', 'adminPass': 'MySecretPass'},
     {'admin_password': 'MySecretPass', 'force': None}),
    ('2.28', {'adminPass': 'p'}, {'admin_password': 'p', 'force': None}),
    ('2.29', {'host': 'testHost', 'adminPass': 'p', 'force': False},
     {'admin_password': 'p', 'force': False}),
    ('2.29', {'host': 'testHost', 'adminPass': 'p', 'force': 'true'},
     {'admin_password': 'p', 'force': True}),
    ('2.29', {'adminPass': 'p'}, {'admin_password': 'p', 'force': False}),
    ('2.68', {'host': 'testHost', 'adminPass': 'p'},
     {'admin_password': 'p', 'force': False}),
    ('2.94', {'adminPass': 'p'}, {'admin_password': 'p', 'force': False}),
])
def test_from_2_14_no_body_comes_back(client, version, options, kwargs):
    resp = _admin(client, options, version)
    assert resp.status_int == 200
    assert resp.body == b''
    host, called = _called(client)
    assert host == options.get('host')
    assert called == dict(kwargs, on_shared_storage=None, target_state=None)


def test_from_2_14_a_password_is_still_generated(client):
    assert _admin(client, {}, '2.14').status_int == 200
    assert len(_called(client)[1]['admin_password']) == 12


@pytest.mark.parametrize('version', ['2.95', '2.100'])
def test_from_2_95_the_server_ends_stopped(client, version):
    resp = _admin(client, {'host': 'testHost'}, version)
    assert resp.status_int == 200
    assert resp.body == b''
    assert _called(client)[1]['target_state'] == vm_states.STOPPED


@pytest.mark.parametrize('sample, version', [
    ('server-evacuate-req.json', '2.1'),
    ('server-evacuate-find-host-req.json', '2.1'),
    ('v2.14/server-evacuate-req.json', '2.14'),
    ('v2.14/server-evacuate-find-host-req.json', '2.14'),
    ('v2.29/server-evacuate-req.json', '2.29'),
    ('v2.29/server-evacuate-find-host-req.json', '2.29'),
    ('v2.68/server-evacuate-req.json', '2.68'),
    ('v2.68/server-evacuate-find-host-req.json', '2.68'),
    ('v2.95/server-evacuate-req.json', '2.95'),
    ('v2.95/server-evacuate-find-host-req.json', '2.95'),
])
def test_nova_samples_are_accepted(client, sample, version):
    resp = client.admin(ACTION, method='POST', body=_sample(sample),
                        version=version)
    assert resp.status_int == 200
    assert client.compute_api.evacuate.called


def test_find_host_sample_answer(client):
    resp = client.admin(ACTION, method='POST',
                        body=_sample('server-evacuate-find-host-req.json'))
    assert resp.json == _sample('server-evacuate-find-host-resp.json')


@pytest.mark.parametrize('version, options', [
    ('2.1', {'host': 'h'}),                       # onSharedStorage required
    ('2.1', {'onSharedStorage': 'maybe'}),
    ('2.13', {'onSharedStorage': False, 'force': True}),
    ('2.14', {'onSharedStorage': False}),         # gone in 2.14
    ('2.28', {'host': 'h', 'force': True}),
    ('2.29', {'host': 'h', 'force': 'sure'}),
    ('2.68', {'host': 'h', 'force': False}),      # gone again in 2.68
    ('2.95', {'host': 'h', 'force': False}),
    ('2.14', {'host': 'bad host'}),
    ('2.14', {'host': ''}),
    ('2.14', {'adminPass': 1}),
    ('2.14', {'other': 1}),
])
def test_bad_bodies_are_400(client, version, options):
    assert _admin(client, options, version).status_int == 400
    assert not client.compute_api.evacuate.called


def test_null_body_is_400(client):
    resp = client.admin(ACTION, method='POST', body={'evacuate': None},
                        version='2.14')
    assert resp.status_int == 400


def test_forcing_without_a_host_is_400(client):
    resp = _admin(client, {'force': True}, '2.29')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        "Can't force to a non-provided destination")
    assert not client.compute_api.evacuate.called


def test_the_servers_own_host_is_400(client):
    resp = _admin(client, {'host': 'compute1'}, '2.14')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        "The target host can't be the same one.")
    assert not client.compute_api.evacuate.called


# ---- policy and refusals ---------------------------------------------------

def test_evacuate_is_admin_only(client):
    resp = client.request(ACTION, method='POST',
                          body={'evacuate': {}}, version='2.14')
    assert resp.status_int == 403
    assert POLICY in resp.json['forbidden']['message']
    assert not client.compute_api.evacuate.called


def test_policy_target_is_the_server(client):
    with mock.patch('nova_lite.policy.authorize') as authorize:
        authorize.return_value = True
        _admin(client, {}, '2.14')
    (target,) = [call.args[2] for call in authorize.call_args_list
                 if call.args[1] == POLICY]
    assert target == {'user_id': fakes.USER, 'project_id': fakes.PROJECT}


def test_unknown_host_is_404(client):
    client.compute_api.evacuate.side_effect = exception.ComputeHostNotFound(
        host='nowhere')
    resp = _admin(client, {'host': 'nowhere'}, '2.14')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == (
        'Compute host nowhere not found.')


@pytest.mark.parametrize('error', [
    exception.ComputeServiceStillUp(host='compute1'),
    exception.UnableToMigrateToSelf(instance_id=fakes.SERVER,
                                    host='compute1'),
    exception.NoValidHost(reason='no room'),
])
def test_refusals_are_400(client, error):
    client.compute_api.evacuate.side_effect = error
    resp = _admin(client, {}, '2.14')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == error.format_message()


def test_still_up_is_said_as_nova_says_it(client):
    client.compute_api.evacuate.side_effect = (
        exception.ComputeServiceStillUp(host='compute1'))
    resp = _admin(client, {}, '2.14')
    assert resp.json['badRequest']['message'] == (
        'Compute service of compute1 is still in use.')


def test_wrong_state_is_409_in_novas_words(client):
    client.compute_api.evacuate.side_effect = exception.InstanceInvalidState(
        instance_uuid=fakes.SERVER, attr='task_state', state='migrating',
        method='evacuate')
    resp = _admin(client, {}, '2.14')
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        "Cannot 'evacuate' instance %s while it is in task_state migrating"
        % fakes.SERVER)


def test_locked_server_is_409(client):
    error = exception.InstanceIsLocked(instance_uuid=fakes.SERVER)
    client.compute_api.evacuate.side_effect = error
    resp = _admin(client, {}, '2.14')
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        error.format_message())


def test_unknown_server_is_404(client):
    client.compute_api.get.side_effect = exception.InstanceNotFound(
        instance_id=fakes.SERVER)
    assert _admin(client, {}, '2.14').status_int == 404

"""POST /servers/{id}/action: os-stop, os-start, reboot and
os-getConsoleOutput through the whole app, with the compute API mocked."""

import json
import os
from unittest import mock

import jsonschema
import pytest

from nova_lite.api.openstack.compute.schemas import console_output as co_schema
from nova_lite.api.openstack import wsgi
from nova_lite import exception
from tests.unit.api import fakes

ACTION = '/v2.1/servers/%s/action' % fakes.SERVER
SAMPLES = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..',
                       'shared', 'nova_api_samples')


@pytest.fixture
def client():
    client = fakes.Client()
    client.compute_api.get.return_value = fakes.instance()
    client.compute_api.get_console_output.return_value = 'one\ntwo\nthree'
    return client


def _post(client, body, **kw):
    return client.request(ACTION, method='POST', body=body, **kw)


def _sample(path):
    full = os.path.join(SAMPLES, path)
    if not os.path.exists(full):
        pytest.skip('Nova API sample %s is not available' % path)
    with open(full) as f:
        return json.load(f)


def _invalid_state(attr='vm_state', state='stopped', method='stop'):
    return exception.InstanceInvalidState(
        instance_uuid=fakes.SERVER, attr=attr, state=state, method=method)


# ---- stop, start, reboot: success ------------------------------------------

@pytest.mark.parametrize('body, call, args', [
    ({'os-stop': None}, 'stop', ()),
    ({'os-stop': {}}, 'stop', ()),
    ({'os-start': None}, 'start', ()),
    ({'reboot': {'type': 'SOFT'}}, 'reboot', ('SOFT',)),
    ({'reboot': {'type': 'hard'}}, 'reboot', ('HARD',)),
    ({'reboot': {'type': 'Soft'}}, 'reboot', ('SOFT',)),
])
def test_power_action_accepted(client, body, call, args):
    resp = _post(client, body)
    assert resp.status_int == 202
    assert resp.body == b''
    method = getattr(client.compute_api, call)
    method.assert_called_once_with(mock.ANY, client.compute_api.get.
                                   return_value, *args)
    context = method.call_args.args[0]
    assert context.project_id == fakes.PROJECT


@pytest.mark.parametrize('sample, call', [
    ('servers/server-action-stop.json', 'stop'),
    ('servers/server-action-start.json', 'start'),
    ('servers/server-action-reboot.json', 'reboot'),
])
def test_nova_samples_are_accepted(client, sample, call):
    assert _post(client, _sample(sample)).status_int == 202
    assert getattr(client.compute_api, call).called


# ---- bodies that are refused -----------------------------------------------

@pytest.mark.parametrize('body', [
    {'reboot': {}},
    {'reboot': {'type': 'WARM'}},
    {'reboot': {'type': 'HARD', 'extra': 1}},
    {'reboot': None},
    {'reboot': 'HARD'},
])
def test_bad_reboot_body_is_400(client, body):
    resp = _post(client, body)
    assert resp.status_int == 400
    assert 'badRequest' in resp.json
    assert not client.compute_api.reboot.called


def test_unknown_action_is_400(client):
    resp = _post(client, {'os-teleport': None})
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'There is no such action: os-teleport')


@pytest.mark.parametrize('body', [
    '{"os-stop": null, "os-start": null}', '[]', 'not json'])
def test_malformed_action_body_is_400(client, body):
    assert _post(client, body).status_int == 400
    assert not client.compute_api.stop.called


# ---- refusals --------------------------------------------------------------

@pytest.mark.parametrize('body, call, action', [
    ({'os-stop': None}, 'stop', 'stop'),
    ({'os-start': None}, 'start', 'start'),
    ({'reboot': {'type': 'SOFT'}}, 'reboot', 'reboot'),
])
def test_wrong_state_is_409_in_novas_words(client, body, call, action):
    getattr(client.compute_api, call).side_effect = _invalid_state(
        state='stopped', method=call)
    resp = _post(client, body)
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        "Cannot '%s' instance %s while it is in vm_state stopped"
        % (action, fakes.SERVER))


def test_never_launched_is_409_without_a_state(client):
    client.compute_api.stop.side_effect = _invalid_state(
        attr='launched_at', state=None)
    resp = _post(client, {'os-stop': None})
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        "Instance %s is in an invalid state for 'stop'" % fakes.SERVER)


@pytest.mark.parametrize('error', [
    exception.InstanceIsLocked(instance_uuid=fakes.SERVER),
    exception.InstanceNotReady(instance_id=fakes.SERVER),
])
@pytest.mark.parametrize('body, call', [
    ({'os-stop': None}, 'stop'),
    ({'os-start': None}, 'start'),
    ({'reboot': {'type': 'HARD'}}, 'reboot'),
])
def test_locked_or_not_ready_is_409(client, body, call, error):
    getattr(client.compute_api, call).side_effect = error
    resp = _post(client, body)
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        error.format_message())


@pytest.mark.parametrize('body', [
    {'os-stop': None}, {'os-start': None}, {'reboot': {'type': 'HARD'}},
    {'os-getConsoleOutput': {}}])
def test_unknown_or_hidden_server_is_404(client, body):
    # NOTE: the compute API hides other projects' servers from non-admins.
    client.compute_api.get.side_effect = exception.InstanceNotFound(
        instance_id=fakes.SERVER)
    resp = _post(client, body)
    assert resp.status_int == 404
    assert 'itemNotFound' in resp.json


def test_server_deleted_meanwhile_is_404(client):
    client.compute_api.stop.side_effect = exception.InstanceNotFound(
        instance_id=fakes.SERVER)
    assert _post(client, {'os-stop': None}).status_int == 404


@pytest.mark.parametrize('body, call', [
    ({'os-stop': None}, 'stop'),
    ({'os-start': None}, 'start'),
    ({'reboot': {'type': 'SOFT'}}, 'reboot'),
    ({'os-getConsoleOutput': {}}, 'get_console_output'),
])
def test_policy_checks_the_servers_project(client, body, call):
    client.compute_api.get.return_value = fakes.instance(project_id='other')
    resp = _post(client, body)
    assert resp.status_int == 403
    assert 'forbidden' in resp.json
    assert not getattr(client.compute_api, call).called
    assert client.admin(ACTION, method='POST',
                        body=body).status_int in (200, 202)


@pytest.mark.parametrize('body, rule', [
    ({'os-stop': None}, 'os_compute_api:servers:stop'),
    ({'os-start': None}, 'os_compute_api:servers:start'),
    ({'reboot': {'type': 'SOFT'}}, 'os_compute_api:servers:reboot'),
    ({'os-getConsoleOutput': {}}, 'os_compute_api:os-console-output'),
])
def test_each_action_has_its_policy(client, body, rule):
    with mock.patch('nova_lite.policy.authorize') as authorize:
        authorize.return_value = True
        _post(client, body)
    rules = [call.args[1] for call in authorize.call_args_list]
    assert rule in rules


# ---- os-getConsoleOutput ---------------------------------------------------

@pytest.mark.parametrize('length, passed', [
    (None, None), (-1, None), ('-1', None), (0, 0), (2, 2), ('7', 7),
    (10 ** 6, 10 ** 6)])
def test_console_output_length(client, length, passed):
    resp = _post(client, {'os-getConsoleOutput': {'length': length}})
    assert resp.status_int == 200
    assert resp.json == {'output': 'one\ntwo\nthree'}
    client.compute_api.get_console_output.assert_called_once_with(
        mock.ANY, client.compute_api.get.return_value, passed)


def test_console_output_without_length(client):
    resp = _post(client, {'os-getConsoleOutput': {}})
    assert resp.status_int == 200
    jsonschema.validate(resp.json, co_schema.get_console_output_response)
    client.compute_api.get_console_output.assert_called_once_with(
        mock.ANY, client.compute_api.get.return_value, None)


def test_console_output_nova_sample(client):
    resp = _post(client, _sample(
        'os-console-output/console-output-post-req.json'))
    assert resp.status_int == 200
    client.compute_api.get_console_output.assert_called_once_with(
        mock.ANY, mock.ANY, 50)


@pytest.mark.parametrize('body', [
    {'os-getConsoleOutput': {'length': -2}},
    {'os-getConsoleOutput': {'length': '-5'}},
    {'os-getConsoleOutput': {'length': 'ten'}},
    {'os-getConsoleOutput': {'length': 1.5}},
    {'os-getConsoleOutput': {'length': 3, 'extra': True}},
    {'os-getConsoleOutput': None},
    {'os-getConsoleOutput': 5},
])
def test_console_output_bad_body_is_400(client, body):
    resp = _post(client, body)
    assert resp.status_int == 400
    assert not client.compute_api.get_console_output.called


def test_console_output_drops_control_characters(client):
    client.compute_api.get_console_output.return_value = (
        'boot\r\n\x1b[0mok\tdone\x00\n\u00e9t\u00e9')
    resp = _post(client, {'os-getConsoleOutput': {}})
    assert resp.json['output'] == 'boot\n[0mok\tdone\n\u00e9t\u00e9'


@pytest.mark.parametrize('error, status', [
    (exception.InstanceNotReady(instance_id=fakes.SERVER), 409),
    (exception.InstanceInvalidState(instance_uuid=fakes.SERVER,
                                    attr='task_state', state='deleting',
                                    method='get_console_output'), 409),
    (exception.ConsoleNotAvailable(), 404),
    (exception.InstanceNotFoundOnHypervisor(instance_id=fakes.SERVER), 404),
    (exception.InstanceNotFound(instance_id=fakes.SERVER), 404),
    (NotImplementedError(), 501),
])
def test_console_output_errors(client, error, status):
    client.compute_api.get_console_output.side_effect = error
    resp = _post(client, {'os-getConsoleOutput': {'length': 3}})
    assert resp.status_int == status
    name = wsgi.Fault._fault_names[status]
    assert resp.json[name]['code'] == status
    if status == 409 and isinstance(error, exception.InstanceInvalidState):
        assert resp.json[name]['message'] == (
            "Cannot 'get_console_output' instance %s while it is in "
            "task_state deleting" % fakes.SERVER)


def test_console_output_host_error_is_500(client):
    client.compute_api.get_console_output.side_effect = RuntimeError('x')
    assert _post(client, {'os-getConsoleOutput': {}}).status_int == 500


# ---- dispatch over several controllers -------------------------------------

def test_actions_of_several_controllers_share_one_resource():
    class A(wsgi.Controller):
        @wsgi.action('a')
        def _a(self, req, id, body):
            return {'who': 'A', 'id': id}

    class B(wsgi.Controller):
        @wsgi.action('b')
        def _b(self, req, id, body):
            return {'who': type(self).__name__, 'id': id}

    resource = wsgi.Resource(A(), B())
    for name, who in (('a', 'A'), ('b', 'B')):
        req = fakes.make_request('/servers/x/action', method='POST')
        req.body = json.dumps({name: None}).encode()
        req.content_type = 'application/json'
        req.environ['wsgiorg.routing_args'] = ((), {'action': 'action',
                                                    'id': 'x'})
        resp = req.get_response(resource)
        assert json.loads(resp.body) == {'who': who, 'id': 'x'}


def test_one_action_in_two_controllers_is_refused():
    class A(wsgi.Controller):
        @wsgi.action('same')
        def _a(self, req, id, body):
            pass

    class B(wsgi.Controller):
        @wsgi.action('same')
        def _b(self, req, id, body):
            pass

    with pytest.raises(ValueError, match='same'):
        wsgi.Resource(A(), B())

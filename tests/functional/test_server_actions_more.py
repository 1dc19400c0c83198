"""More server actions across real processes (api, conductor, scheduler and
a fake-driver compute on RabbitMQ and MariaDB), read back through
os-instance-actions: the audit trail a client sees after each action.
"""

import pytest

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures.pytest_support import use_fixture

pytestmark = [pytest.mark.rabbitmq, pytest.mark.mysql]

HOST = {'fake_driver': {'vcpus': 16, 'memory_mb': 8192, 'local_gb': 1024,
                        'power_action_delay': 0.5}}
TIMEOUT = 60


@pytest.fixture(scope='module')
def cloud(base_tmp):
    with use_fixture(cloud_mod.MultiProcessCloud(
            str(base_tmp / 'server-actions-more'), backend='mysql',
            computes={'host-a': HOST},
            conf={'DEFAULT': {'shutdown_timeout': 5}})) as cloud:
        yield cloud


@pytest.fixture
def server(cloud):
    """An ACTIVE server of the demo project, deleted after the test."""
    with client_mod.active_server(cloud.client, 'more', TIMEOUT) as server_id:
        yield server_id


_act = client_mod.act


def _wait_settled(client, server_id, status):
    return client_mod.wait_settled(client, server_id, status, TIMEOUT)


def _actions(client, server_id, expected=200):
    return client.get('/servers/%s/os-instance-actions' % server_id,
                      expected=expected)


def _action(client, server_id, request_id, expected=200):
    return client.get('/servers/%s/os-instance-actions/%s'
                      % (server_id, request_id), expected=expected)


def _finished_events(client, server_id, request_id):
    """The events of an action once all of them have finished."""
    def finished():
        events = _action(client, server_id, request_id).json()[
            'instanceAction'].get('events')
        if events and all(e['finish_time'] for e in events):
            return events
        return None
    return client_mod.wait_for(finished, TIMEOUT,
                               message='events of %s' % request_id)


# ---- os-instance-actions ---------------------------------------------------

def test_instance_actions_after_a_stop(cloud, server):
    client = cloud.client
    admin = client.admin()
    _act(client, server, {'os-stop': None})
    _wait_settled(client, server, 'SHUTOFF')

    actions = _actions(client, server).json()['instanceActions']
    assert [a['action'] for a in actions] == ['stop', 'create']
    stop = actions[0]
    assert stop['instance_uuid'] == server
    assert stop['project_id'] == 'demo'
    assert stop['user_id'] == 'demo'
    assert stop['request_id'].startswith('req-')

    # NOTE: before 2.51 events are the admin's alone, traceback included.
    shown = _action(client, server, stop['request_id']).json()
    assert 'events' not in shown['instanceAction']
    events = _finished_events(admin, server, stop['request_id'])
    assert [(e['event'], e['result']) for e in events] == [
        ('compute_stop_instance', 'Success')]
    assert 'traceback' in events[0]

    create = actions[1]
    events = _finished_events(admin, server, create['request_id'])
    assert all(e['result'] == 'Success' for e in events), events


def test_instance_actions_404s(cloud, server):
    client = cloud.client
    other = client.as_user('eve', 'other')
    for response in (_actions(other, server, expected=404),
                     _action(other, server, 'req-x', expected=404),
                     _action(client, server, 'req-nope', expected=404)):
        name, _fault = client_mod.fault_of(response)
        assert name == 'itemNotFound'


def test_deleted_servers_actions_from_2_21(cloud):
    client = cloud.client
    server_id = client.create_server('gone')['server']['id']
    client.wait_for_status(server_id, 'ACTIVE', timeout=TIMEOUT)
    client.delete_server(server_id)
    client.wait_for_deleted(server_id, timeout=TIMEOUT)

    old = client_mod.ApiClient(client.endpoint, microversion='2.20')
    _actions(old, server_id, expected=404)
    new = client_mod.ApiClient(client.endpoint, microversion='2.21')
    actions = _actions(new, server_id).json()['instanceActions']
    assert [a['action'] for a in actions] == ['delete', 'create']


# ---- pause, unpause, suspend, resume ---------------------------------------

def _conflict(response, action, server_id):
    name, fault = client_mod.fault_of(response)
    assert name == 'conflictingRequest'
    prefix = "Cannot '%s' instance %s while it is in " % (action, server_id)
    assert fault['message'].startswith(prefix), fault
    return fault['message'][len(prefix):]


def test_pause_unpause_suspend_resume(cloud, server):
    client = cloud.client
    admin = client.admin()
    response = _act(client, server, {'unpause': None}, expected=409)
    assert _conflict(response, 'unpause', server) == 'vm_state active'
    response = _act(client, server, {'resume': None}, expected=409)
    assert _conflict(response, 'resume', server) == 'vm_state active'

    _act(client, server, {'pause': None})
    paused = _wait_settled(client, server, 'PAUSED')
    assert paused['OS-EXT-STS:vm_state'] == 'paused'
    assert paused['OS-EXT-STS:power_state'] == 3
    response = _act(client, server, {'suspend': None}, expected=409)
    assert _conflict(response, 'suspend', server) == 'vm_state paused'
    _act(client, server, {'unpause': None})
    _wait_settled(client, server, 'ACTIVE')

    _act(client, server, {'suspend': None})
    suspended = _wait_settled(client, server, 'SUSPENDED')
    assert suspended['OS-EXT-STS:vm_state'] == 'suspended'
    assert suspended['OS-EXT-STS:power_state'] == 7
    response = _act(client, server, {'pause': None}, expected=409)
    assert _conflict(response, 'pause', server) == 'vm_state suspended'
    _act(client, server, {'resume': None})
    active = _wait_settled(client, server, 'ACTIVE')
    assert active['OS-EXT-STS:power_state'] == 1

    actions = _actions(client, server).json()['instanceActions']
    assert [a['action'] for a in actions] == [
        'resume', 'suspend', 'unpause', 'pause', 'create']
    for action in actions[:4]:
        events = _finished_events(admin, server, action['request_id'])
        assert [(e['event'], e['result']) for e in events] == [
            ('compute_%s_instance' % action['action'], 'Success')]


def test_pause_family_refusals(cloud, server):
    client = cloud.client
    other = client.as_user('eve', 'other')
    for key in ('pause', 'unpause', 'suspend', 'resume'):
        name, _fault = client_mod.fault_of(
            _act(other, server, {key: None}, expected=404))
        assert name == 'itemNotFound'
        name, _fault = client_mod.fault_of(
            _act(client, server, {key: {'x': 1}, 'y': 2}, expected=400))
        assert name == 'badRequest'


# ---- lock and unlock -------------------------------------------------------

def test_lock_refuses_actions_to_the_owner_not_to_admins(cloud, server):
    client = cloud.client
    admin = client.admin()
    _act(client, server, {'lock': None})
    assert client.get_server(server)['locked'] is True
    for body in ({'os-stop': None}, {'pause': None}, {'suspend': None},
                 {'reboot': {'type': 'HARD'}}):
        name, fault = client_mod.fault_of(
            _act(client, server, body, expected=409))
        assert name == 'conflictingRequest'
        assert fault['message'] == 'Instance %s is locked' % server
    name, _fault = client_mod.fault_of(
        client.delete('/servers/%s' % server, expected=409))
    assert name == 'conflictingRequest'

    # NOTE: an admin acts on a locked server; the owner unlocks its own.
    _act(admin, server, {'pause': None})
    _wait_settled(client, server, 'PAUSED')
    _act(client, server, {'unlock': None})
    assert client.get_server(server)['locked'] is False
    _act(client, server, {'unpause': None})
    _wait_settled(client, server, 'ACTIVE')

    actions = [a['action'] for a in
               _actions(client, server).json()['instanceActions']]
    assert actions == ['unpause', 'unlock', 'pause', 'lock', 'create']
    lock = _actions(client, server).json()['instanceActions'][3]
    events = _action(admin, server, lock['request_id']).json()[
        'instanceAction']['events']
    assert [(e['event'], e['result']) for e in events] == [
        ('api_lock', 'Success')]


def test_admins_lock_needs_the_override_to_unlock(cloud, server):
    client = cloud.client
    admin = client.admin()
    _act(admin, server, {'lock': None})
    name, fault = client_mod.fault_of(
        _act(client, server, {'unlock': None}, expected=403))
    assert name == 'forbidden'
    assert 'unlock_override' in fault['message']
    _act(admin, server, {'unlock': None})
    assert client.get_server(server)['locked'] is False

    other = client.as_user('eve', 'other')
    _act(other, server, {'lock': None}, expected=404)
    _act(client, server, {'lock': 'x', 'y': 1}, expected=400)


# ---- os-resetState ---------------------------------------------------------

def test_reset_state(cloud, server):
    client = cloud.client
    admin = client.admin()
    _act(admin, server, {'os-resetState': {'state': 'error'}})
    shown = client.get_server(server)
    assert (shown['status'], shown['OS-EXT-STS:task_state']) == (
        'ERROR', None)
    _act(admin, server, {'os-resetState': {'state': 'active'}})
    assert client.get_server(server)['status'] == 'ACTIVE'

    name, _fault = client_mod.fault_of(_act(
        client, server, {'os-resetState': {'state': 'error'}},
        expected=403))
    assert name == 'forbidden'
    name, _fault = client_mod.fault_of(_act(
        admin, server, {'os-resetState': {'state': 'stopped'}},
        expected=400))
    assert name == 'badRequest'
    _act(client.as_user('eve', 'other'), server,
         {'os-resetState': {'state': 'error'}}, expected=404)
    actions = [a['action'] for a in
               _actions(client, server).json()['instanceActions']]
    assert actions == ['resetState', 'resetState', 'create']

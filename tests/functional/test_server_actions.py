"""Server power actions and console output across real processes: api,
conductor, scheduler and a fake-driver compute on RabbitMQ and MariaDB.

The fake hypervisor takes a moment for each power action
(``[fake_driver] power_action_delay``) so that the transitional statuses
(REBOOT, HARD_REBOOT) can be seen through the API; its console log has the
test guest's marker lines, one READY per boot and a POWEROFF per clean
shutdown. The instance actions are read from the database, as no
os-instance-actions API exists yet.
"""

import concurrent.futures

import pytest
import sqlalchemy as sa

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures.pytest_support import use_fixture

pytestmark = [pytest.mark.rabbitmq, pytest.mark.mysql]

POWER_DELAY = 2.0
READY = 'NOVA-LITE-GUEST-READY'
POWEROFF = 'NOVA-LITE-GUEST-POWEROFF'
# NOTE: 8 GB of RAM: m1.xlarge (16 GB) fits nowhere, so it ends in ERROR
# on no host.
HOST = {'fake_driver': {'vcpus': 16, 'memory_mb': 8192, 'local_gb': 1024,
                        'power_action_delay': POWER_DELAY}}
TIMEOUT = 60


@pytest.fixture(scope='module')
def cloud(base_tmp):
    with use_fixture(cloud_mod.MultiProcessCloud(
            str(base_tmp / 'server-actions'), backend='mysql',
            computes={'host-a': HOST},
            conf={'DEFAULT': {'shutdown_timeout': 5}})) as cloud:
        yield cloud


@pytest.fixture(scope='module')
def db(cloud):
    engine = sa.create_engine(cloud.database.url)
    yield engine
    engine.dispose()


@pytest.fixture
def server(cloud):
    """An ACTIVE server of the demo project, deleted after the test."""
    with client_mod.active_server(cloud.client, 'power', TIMEOUT) as server_id:
        yield server_id


_act = client_mod.act


def _console(client, server_id, **args):
    response = _act(client, server_id, {'os-getConsoleOutput': args},
                    expected=200)
    return response.json()['output']


def _conflict(response, action, server_id):
    name, fault = client_mod.fault_of(response)
    assert name == 'conflictingRequest'
    prefix = "Cannot '%s' instance %s while it is in " % (action, server_id)
    assert fault['message'].startswith(prefix), fault
    return fault['message'][len(prefix):]


def _wait_settled(client, server_id, status):
    return client_mod.wait_settled(client, server_id, status, TIMEOUT)


def _actions(db, server_id):
    """[(action, [(event, result)])] of a server, oldest first."""
    with db.connect() as conn:
        actions = conn.execute(sa.text(
            'SELECT id, action FROM instance_actions '
            'WHERE instance_uuid = :uuid ORDER BY id'),
            {'uuid': server_id}).fetchall()
        result = []
        for action_id, name in actions:
            events = conn.execute(sa.text(
                'SELECT event, result FROM instance_actions_events '
                'WHERE action_id = :id ORDER BY id'),
                {'id': action_id}).fetchall()
            result.append((name, [tuple(e) for e in events]))
    return result


def test_stop_start_and_their_conflicts(cloud, server, db):
    client = cloud.client
    _act(client, server, {'os-stop': None})
    shown = client.get_server(server)
    assert shown['OS-EXT-STS:task_state'] == 'powering-off', shown
    stopped = _wait_settled(client, server, 'SHUTOFF')
    assert stopped['OS-EXT-STS:vm_state'] == 'stopped'
    assert stopped['OS-EXT-STS:power_state'] == 4
    console = _console(client, server)
    assert console.splitlines()[-1] == POWEROFF, console

    response = _act(client, server, {'os-stop': None}, expected=409)
    assert _conflict(response, 'stop', server) == 'vm_state stopped'
    response = _act(client, server, {'reboot': {'type': 'SOFT'}},
                    expected=409)
    assert _conflict(response, 'reboot', server) == 'vm_state stopped'

    _act(client, server, {'os-start': None})
    started = _wait_settled(client, server, 'ACTIVE')
    assert started['OS-EXT-STS:power_state'] == 1
    assert _console(client, server).count(READY) == 2

    response = _act(client, server, {'os-start': None}, expected=409)
    assert _conflict(response, 'start', server) == 'vm_state active'

    actions = _actions(db, server)
    assert actions[0][0] == 'create'
    assert actions[1:] == [
        ('stop', [('compute_stop_instance', 'Success')]),
        ('start', [('compute_start_instance', 'Success')]),
    ]


@pytest.mark.parametrize('reboot_type, status', [
    ('SOFT', 'REBOOT'), ('HARD', 'HARD_REBOOT')])
def test_reboot_passes_through_its_status(cloud, server, db, reboot_type,
                                          status):
    client = cloud.client
    _act(client, server, {'reboot': {'type': reboot_type.lower()}})
    # NOTE: the API records the task before it answers, and the compute
    # host takes POWER_DELAY seconds to end it.
    shown = client.get_server(server)
    assert shown['status'] == status, shown
    # Nothing else while the reboot runs.
    response = _act(client, server, {'os-stop': None}, expected=409)
    assert _conflict(response, 'stop', server).startswith(
        'task_state reboot'), response.text

    rebooted = _wait_settled(client, server, 'ACTIVE')
    assert rebooted['OS-EXT-STS:power_state'] == 1
    console = _console(client, server)
    assert console.count(READY) == 2
    assert (POWEROFF in console) is (reboot_type == 'SOFT')
    assert _actions(db, server)[-1] == (
        'reboot', [('compute_reboot_instance', 'Success')])


def test_hard_reboot_starts_a_stopped_server(cloud, server):
    client = cloud.client
    _act(client, server, {'os-stop': None})
    _wait_settled(client, server, 'SHUTOFF')
    _act(client, server, {'reboot': {'type': 'HARD'}})
    # NOTE: a stopped server shows SHUTOFF while it reboots, as in Nova.
    assert client.get_server(server)['OS-EXT-STS:task_state'] == (
        'rebooting_hard')
    _wait_settled(client, server, 'ACTIVE')


def test_racing_stops_have_one_winner(cloud, server, db):
    client = cloud.client
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(
            lambda _: _act(client, server, {'os-stop': None},
                           expected=(202, 409)).status_code, range(4)))
    assert sorted(answers) == [202, 409, 409, 409], answers
    _wait_settled(client, server, 'SHUTOFF')
    assert [name for name, _ in _actions(db, server)] == ['create', 'stop']


def test_console_output_length(cloud, server):
    client = cloud.client
    whole = _console(client, server)
    assert '%s uuid=%s' % (READY, server) in whole
    assert _console(client, server, length=None) == whole
    assert _console(client, server, length=-1) == whole
    # As Nova (and tempest) count: the last N pieces between newlines.
    three = _console(client, server, length=3)
    assert three == '\n'.join(whole.split('\n')[-3:])
    assert len(three.split('\n')) == 3
    assert _console(client, server, length='3') == three
    assert _console(client, server, length=0) == ''
    for bad in (-2, '-5', 'all', 1.5):
        response = _act(client, server,
                        {'os-getConsoleOutput': {'length': bad}},
                        expected=400)
        assert client_mod.fault_of(response)[0] == 'badRequest'


def test_other_projects_get_404_and_admins_may_act(cloud, server):
    other = cloud.client.as_user('mallory', 'elsewhere')
    for body in ({'os-stop': None}, {'os-start': None},
                 {'reboot': {'type': 'HARD'}}, {'os-getConsoleOutput': {}}):
        response = _act(other, server, body, expected=404)
        assert client_mod.fault_of(response)[0] == 'itemNotFound'
    assert READY in _console(cloud.admin, server)
    _act(cloud.admin, server, {'os-stop': None})
    _wait_settled(cloud.client, server, 'SHUTOFF')


def test_bad_action_bodies(cloud, server):
    client = cloud.client
    for body in ({'reboot': {'type': 'WARM'}}, {'reboot': {}},
                 {'os-teleport': None}):
        response = _act(client, server, body, expected=400)
        assert client_mod.fault_of(response)[0] == 'badRequest'


def test_server_that_never_ran(cloud):
    client = cloud.client
    server_id = client.create_server('too-big', flavor='5')['server']['id']
    client.wait_for_status(server_id, 'ERROR', timeout=TIMEOUT)
    try:
        # ERROR allows a stop, but there is no host to stop it on, nor
        # one to read a console from.
        for body in ({'os-stop': None}, {'reboot': {'type': 'HARD'}},
                     {'os-getConsoleOutput': {}}):
            response = _act(client, server_id, body, expected=409)
            assert client_mod.fault_of(response)[1]['message'] == (
                'Instance %s is not ready' % server_id)
    finally:
        client.delete_server(server_id)
        client.wait_for_deleted(server_id, timeout=TIMEOUT)

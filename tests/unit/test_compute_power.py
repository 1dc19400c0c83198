"""Power actions on one host: the task-state walks of stop, start and
reboot, their action events, what a failure leaves behind, the console
output, a restart in the middle of an action, and the power-state sync.

The fake virt driver stands in for the hypervisor; the database is a real
sqlite file; the conductor's RPC client is mocked.
"""

from unittest import mock

import oslo_messaging as messaging
import pytest

from nova_lite.compute import manager as compute_manager
from nova_lite.compute import power
from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite import objects
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite.states import vm_states
from nova_lite.virt import fake
from tests.unit import compute_fixtures

UUID = '00000000-0000-0000-0000-0000000000b1'


manager = compute_fixtures.manager
synchronous_spawn = compute_fixtures.synchronous_spawn


def _request(ctxt, request_id):
    return nova_context.RequestContext(
        user_id=ctxt.user_id, project_id=ctxt.project_id,
        request_id=request_id, overwrite=False)


def _active(manager, ctxt):
    """An ACTIVE instance whose guest runs on the fake host."""
    flavor = objects.Flavor(flavorid='1', name='tiny', memory_mb=512,
                            vcpus=1, root_gb=1, ephemeral_gb=0, swap=0,
                            extra_specs={})
    instance = objects.Instance(
        context=ctxt, uuid=UUID, user_id=ctxt.user_id,
        project_id=ctxt.project_id, vm_state=vm_states.BUILDING,
        task_state=task_states.SCHEDULING, host='h1', node='h1',
        flavor=flavor, vcpus=1, memory_mb=512, metadata={})
    instance.create()
    objects.InstanceAction.action_start(ctxt, UUID, 'create')
    manager._locked_build(compute_manager.build.BuildTask(
        manager, ctxt, instance, image=None, request_spec=None,
        admin_password=None, injected_files=None, requested_networks=None,
        host_list=['h1'], node='h1'))
    stored = _stored(ctxt)
    assert stored.vm_state == vm_states.ACTIVE
    return stored


def _stored(ctxt):
    return objects.Instance.get_by_uuid(ctxt, UUID,
                                        expected_attrs=['fault'])


def _claim(ctxt, task_state, action, vm_state=None):
    """What the compute API does before it casts: a new request's context,
    the instance's task state and the action record."""
    context = _request(ctxt, 'req-%s' % action)
    instance = objects.Instance.get_by_uuid(context, UUID)
    if vm_state:
        instance.vm_state = vm_state
    instance.task_state = task_state
    instance.save()
    objects.InstanceAction.action_start(context, UUID, action)
    return context, objects.Instance.get_by_uuid(context, UUID)


def _events(context):
    action = objects.InstanceAction.get_by_request_id(
        context, UUID, context.request_id)
    return action, [(e.event, e.result) for e in
                    objects.InstanceActionEventList.get_by_action(
                        context, action.id)]


def _record_saves():
    """Patch Instance.save to note each task state written."""
    seen = []
    real_save = objects.Instance.save

    def save(self, *args, **kwargs):
        seen.append(self.task_state)
        return real_save(self, *args, **kwargs)

    return seen, mock.patch.object(objects.Instance, 'save', save)


# ---- stop and start --------------------------------------------------------

def test_stop_then_start(manager, ctxt):
    _active(manager, ctxt)
    context, instance = _claim(ctxt, task_states.POWERING_OFF, 'stop')
    power.StopTask(manager, context, instance).run()
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.power_state) == (
        vm_states.STOPPED, None, power_state.SHUTDOWN)
    assert _events(context)[1] == [('compute_stop_instance', 'Success')]
    console = manager.driver.get_console_output(None, stored)
    assert console.splitlines()[-1] == fake.POWEROFF_MARKER

    context, instance = _claim(ctxt, task_states.POWERING_ON, 'start')
    power.StartTask(manager, context, instance).run()
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.power_state) == (
        vm_states.ACTIVE, None, power_state.RUNNING)
    assert _events(context)[1] == [('compute_start_instance', 'Success')]
    console = manager.driver.get_console_output(None, stored)
    assert console.count(fake.READY_MARKER) == 2


@pytest.mark.parametrize('clean, timeouts', [
    (True, (7, 3)), (False, (0, 0))])
def test_stop_hands_the_configured_timeouts_to_the_driver(
        manager, ctxt, flags, clean, timeouts):
    flags(shutdown_timeout=7)
    flags(shutdown_retry_interval=3, group='compute')
    _active(manager, ctxt)
    context, instance = _claim(ctxt, task_states.POWERING_OFF, 'stop')
    with mock.patch.object(manager.driver, 'power_off',
                           wraps=manager.driver.power_off) as power_off:
        power.StopTask(manager, context, instance, clean).run()
    power_off.assert_called_once_with(instance, *timeouts)
    console = manager.driver.get_console_output(None, instance)
    assert (fake.POWEROFF_MARKER in console) is clean


def test_stop_of_a_vanished_guest_records_it_stopped(manager, ctxt):
    _active(manager, ctxt)
    manager.driver.destroy(None, _stored(ctxt))
    context, instance = _claim(ctxt, task_states.POWERING_OFF, 'stop')
    power.StopTask(manager, context, instance).run()
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.power_state) == (vm_states.STOPPED,
                                                     power_state.NOSTATE)


@pytest.mark.parametrize('task_cls, task_state, action, vm_state', [
    (power.StopTask, task_states.POWERING_OFF, 'stop', vm_states.ACTIVE),
    (power.StartTask, task_states.POWERING_ON, 'start', vm_states.STOPPED),
])
def test_failed_stop_or_start_keeps_vm_state_and_clears_task(
        manager, ctxt, task_cls, task_state, action, vm_state):
    _active(manager, ctxt)
    if vm_state == vm_states.STOPPED:
        manager.driver.power_off(_stored(ctxt))
    context, instance = _claim(ctxt, task_state, action, vm_state)
    method = 'power_off' if action == 'stop' else 'power_on'
    with mock.patch.object(manager.driver, method, side_effect=(
            exception.InternalError(err='hypervisor says no'))):
        task_cls(manager, context, instance).run()
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state) == (vm_state, None)
    assert 'hypervisor says no' in stored.fault.message
    recorded, events = _events(context)
    assert events == [('compute_%s_instance' % action, 'Error')]
    assert recorded.message == 'Error'
    event = objects.InstanceActionEventList.get_by_action(
        context, recorded.id)[0]
    assert 'hypervisor says no' in event.traceback


# ---- reboot ----------------------------------------------------------------

@pytest.mark.parametrize('reboot_type, task_state, walk', [
    ('SOFT', task_states.REBOOTING,
     [task_states.REBOOT_PENDING, task_states.REBOOT_STARTED, None]),
    ('HARD', task_states.REBOOTING_HARD,
     [task_states.REBOOT_PENDING_HARD, task_states.REBOOT_STARTED_HARD,
      None]),
])
def test_reboot_walks_task_states(manager, ctxt, reboot_type, task_state,
                                  walk):
    _active(manager, ctxt)
    context, instance = _claim(ctxt, task_state, 'reboot')
    seen, patch = _record_saves()
    with patch:
        power.RebootTask(manager, context, instance, reboot_type).run()
    assert seen == walk
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.power_state) == (
        vm_states.ACTIVE, None, power_state.RUNNING)
    assert _events(context)[1] == [('compute_reboot_instance', 'Success')]
    console = manager.driver.get_console_output(None, stored)
    assert console.count(fake.READY_MARKER) == 2
    assert (fake.POWEROFF_MARKER in console) is (reboot_type == 'SOFT')


@pytest.mark.parametrize('vm_state', [vm_states.STOPPED, vm_states.ERROR])
def test_hard_reboot_brings_a_stopped_or_failed_server_back(
        manager, ctxt, vm_state):
    _active(manager, ctxt)
    manager.driver.power_off(_stored(ctxt))
    context, instance = _claim(ctxt, task_states.REBOOTING_HARD, 'reboot',
                               vm_state)
    power.RebootTask(manager, context, instance, 'HARD').run()
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.power_state) == (
        vm_states.ACTIVE, None, power_state.RUNNING)


def test_failed_reboot_without_a_running_guest_is_error(manager, ctxt):
    _active(manager, ctxt)
    context, instance = _claim(ctxt, task_states.REBOOTING_HARD, 'reboot')

    def broken_reboot(context, instance, network_info, reboot_type):
        manager.driver.power_off(instance)
        raise exception.InternalError(err='no disk')

    with mock.patch.object(manager.driver, 'reboot', broken_reboot):
        power.RebootTask(manager, context, instance, 'HARD').run()
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.power_state) == (
        vm_states.ERROR, None, power_state.SHUTDOWN)
    assert 'no disk' in stored.fault.message
    assert _events(context)[1] == [('compute_reboot_instance', 'Error')]


def test_failed_reboot_of_a_running_guest_stays_active(manager, ctxt):
    _active(manager, ctxt)
    context, instance = _claim(ctxt, task_states.REBOOTING, 'reboot')
    with mock.patch.object(manager.driver, 'reboot', side_effect=(
            exception.InternalError(err='agent timeout'))):
        power.RebootTask(manager, context, instance, 'SOFT').run()
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state) == (vm_states.ACTIVE, None)
    assert 'agent timeout' in stored.fault.message
    assert _events(context)[1] == [('compute_reboot_instance', 'Success')]


def test_rescued_server_stays_rescued_across_a_reboot(manager, ctxt):
    _active(manager, ctxt)
    context, instance = _claim(ctxt, task_states.REBOOTING_HARD, 'reboot',
                               vm_states.RESCUED)
    power.RebootTask(manager, context, instance, 'HARD').run()
    assert _stored(ctxt).vm_state == vm_states.RESCUED


# ---- a newer request overtakes ---------------------------------------------

def test_delete_overtakes_a_waiting_reboot(manager, ctxt):
    _active(manager, ctxt)
    context, instance = _claim(ctxt, task_states.REBOOTING, 'reboot')
    deleting = objects.Instance.get_by_uuid(ctxt, UUID)
    deleting.task_state = task_states.DELETING
    deleting.save()
    with mock.patch.object(manager.driver, 'reboot') as reboot:
        power.RebootTask(manager, context, instance, 'SOFT').run()
    assert not reboot.called
    stored = _stored(ctxt)
    assert stored.task_state == task_states.DELETING
    assert stored.fault is None
    assert _events(context)[1] == [('compute_reboot_instance', 'Error')]


def test_delete_during_a_stop_keeps_deleting(manager, ctxt):
    _active(manager, ctxt)
    context, instance = _claim(ctxt, task_states.POWERING_OFF, 'stop')
    real_power_off = manager.driver.power_off

    def power_off_while_deleted(*args, **kwargs):
        real_power_off(*args, **kwargs)
        objects.Instance.get_by_uuid(ctxt, UUID).destroy()

    with mock.patch.object(manager.driver, 'power_off',
                           power_off_while_deleted):
        power.StopTask(manager, context, instance).run()
    with pytest.raises(exception.InstanceNotFound):
        _stored(ctxt)


def test_hard_reboot_overtakes_a_soft_one_in_flight(manager, ctxt):
    _active(manager, ctxt)
    soft_ctx, soft = _claim(ctxt, task_states.REBOOTING, 'reboot')
    real_reboot = manager.driver.reboot

    def reboot_then_hard_requested(*args, **kwargs):
        real_reboot(*args, **kwargs)
        # the API accepts a HARD reboot while the soft one runs
        other = objects.Instance.get_by_uuid(ctxt, UUID)
        other.task_state = task_states.REBOOTING_HARD
        other.save(expected_task_state=task_states.ALLOW_REBOOT)

    with mock.patch.object(manager.driver, 'reboot',
                           reboot_then_hard_requested):
        power.RebootTask(manager, soft_ctx, soft, 'SOFT').run()
    # the soft reboot steps aside; the hard one still has its claim
    assert _stored(ctxt).task_state == task_states.REBOOTING_HARD
    hard = objects.Instance.get_by_uuid(ctxt, UUID)
    power.RebootTask(manager, soft_ctx, hard, 'HARD').run()
    assert _stored(ctxt).task_state is None


# ---- pause, unpause, suspend, resume ---------------------------------------

def test_pause_unpause_suspend_resume(manager, ctxt):
    _active(manager, ctxt)
    for task_cls, task_state, action, vm_state, guest_state in (
            (power.PauseTask, task_states.PAUSING, 'pause',
             vm_states.PAUSED, power_state.PAUSED),
            (power.UnpauseTask, task_states.UNPAUSING, 'unpause',
             vm_states.ACTIVE, power_state.RUNNING),
            (power.SuspendTask, task_states.SUSPENDING, 'suspend',
             vm_states.SUSPENDED, power_state.SUSPENDED),
            (power.ResumeTask, task_states.RESUMING, 'resume',
             vm_states.ACTIVE, power_state.RUNNING)):
        context, instance = _claim(ctxt, task_state, action)
        task_cls(manager, context, instance).run()
        stored = _stored(ctxt)
        assert (stored.vm_state, stored.task_state, stored.power_state) == (
            vm_state, None, guest_state), action
        assert _events(context)[1] == [
            ('compute_%s_instance' % action, 'Success')]


@pytest.mark.parametrize('task_cls, task_state, action, vm_state', [
    (power.PauseTask, task_states.PAUSING, 'pause', vm_states.ACTIVE),
    (power.UnpauseTask, task_states.UNPAUSING, 'unpause', vm_states.PAUSED),
    (power.SuspendTask, task_states.SUSPENDING, 'suspend', vm_states.ACTIVE),
    (power.ResumeTask, task_states.RESUMING, 'resume', vm_states.SUSPENDED),
])
def test_failed_pause_family_keeps_vm_state_and_clears_task(
        manager, ctxt, task_cls, task_state, action, vm_state):
    _active(manager, ctxt)
    context, instance = _claim(ctxt, task_state, action, vm_state)
    with mock.patch.object(manager.driver, action, side_effect=(
            exception.InternalError(err='hypervisor says no'))):
        task_cls(manager, context, instance).run()
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state) == (vm_state, None)
    assert 'hypervisor says no' in stored.fault.message
    assert _events(context)[1] == [('compute_%s_instance' % action, 'Error')]


def test_pause_family_endpoints_spawn_their_tasks(manager, ctxt):
    _active(manager, ctxt)
    with mock.patch('nova_lite.utils.spawn_n') as spawn_n:
        manager.pause_instance(ctxt, _stored(ctxt))
        manager.unpause_instance(ctxt, _stored(ctxt))
        manager.suspend_instance(ctxt, _stored(ctxt))
        manager.resume_instance(ctxt, _stored(ctxt))
    tasks = [call.args[0].__self__ for call in spawn_n.call_args_list]
    assert [type(t) for t in tasks] == [power.PauseTask, power.UnpauseTask,
                                        power.SuspendTask, power.ResumeTask]


# ---- the RPC endpoints -----------------------------------------------------

def test_endpoints_run_the_tasks_on_their_own_thread(manager, ctxt):
    _active(manager, ctxt)
    with mock.patch('nova_lite.utils.spawn_n') as spawn_n:
        manager.stop_instance(ctxt, _stored(ctxt), clean_shutdown=False)
        manager.start_instance(ctxt, _stored(ctxt))
        manager.reboot_instance(ctxt, _stored(ctxt), 'HARD')
    tasks = [call.args[0].__self__ for call in spawn_n.call_args_list]
    assert [type(t) for t in tasks] == [power.StopTask, power.StartTask,
                                        power.RebootTask]
    assert tasks[0].clean_shutdown is False
    assert tasks[2].reboot_type == 'HARD'


def test_endpoint_stop_reaches_stopped(manager, ctxt, synchronous_spawn):
    _active(manager, ctxt)
    context, instance = _claim(ctxt, task_states.POWERING_OFF, 'stop')
    manager.stop_instance(context, instance)
    assert _stored(ctxt).vm_state == vm_states.STOPPED


# ---- console output --------------------------------------------------------

@pytest.mark.parametrize('text, length, expected', [
    ('a\nb\nc\n', 2, 'c\n'),
    ('a\nb\nc', 2, 'b\nc'),
    ('a\nb\nc', 10, 'a\nb\nc'),
    ('a\nb\nc', 0, ''),
    ('a\nb\nc', '1', 'c'),
    ('a\nb\nc', 'x', ''),
    ('', 3, ''),
])
def test_tail_counts_as_nova(text, length, expected):
    assert power.tail(text, length) == expected


def test_console_output_through_the_manager(manager, ctxt):
    stored = _active(manager, ctxt)
    whole = manager.get_console_output(ctxt, stored)
    assert UUID in whole
    assert whole.endswith('\n')
    # NOTE: the piece after the last newline counts, as in Nova.
    assert manager.get_console_output(ctxt, stored, tail_length=2) == (
        whole.split('\n')[-2] + '\n')


@pytest.mark.parametrize('error', [
    exception.InstanceNotFoundOnHypervisor(instance_id=UUID),
    exception.ConsoleNotAvailable()])
def test_console_output_errors_travel_back(manager, ctxt, error):
    with mock.patch.object(manager.driver, 'get_console_output',
                           side_effect=error):
        with pytest.raises(type(error)):
            power.get_console_output(manager.driver, ctxt, mock.Mock())
        # NOTE: the RPC server sends an expected error back to the caller
        # without logging a traceback on this host.
        with pytest.raises(messaging.ExpectedException) as err:
            manager.get_console_output(ctxt, mock.Mock())
    assert err.value.exc_info[1] is error


# ---- a restart in the middle of an action ----------------------------------

@pytest.mark.parametrize('task_state, guest_running, vm_state, rebooted', [
    (task_states.POWERING_OFF, True, vm_states.STOPPED, False),
    (task_states.POWERING_ON, False, vm_states.ACTIVE, False),
    (task_states.REBOOT_STARTED, True, vm_states.ACTIVE, False),
    (task_states.REBOOT_STARTED_HARD, False, vm_states.ACTIVE, True),
    (task_states.REBOOT_PENDING, True, vm_states.ACTIVE, True),
    (task_states.REBOOT_PENDING_HARD, True, vm_states.ACTIVE, True),
])
def test_init_host_finishes_interrupted_actions(
        manager, ctxt, synchronous_spawn, task_state, guest_running,
        vm_state, rebooted):
    stored = _active(manager, ctxt)
    if not guest_running:
        manager.driver.power_off(stored)
    stored.task_state = task_state
    stored.save()
    with mock.patch.object(manager.driver, 'reboot',
                           wraps=manager.driver.reboot) as reboot:
        manager.init_host()
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state) == (vm_state, None)
    assert reboot.called is rebooted
    if rebooted and not guest_running:
        assert reboot.call_args.args[3] == 'HARD'


def test_init_host_reboots_a_reboot_not_yet_taken_on(manager, ctxt,
                                                     synchronous_spawn):
    # NOTE: REBOOTING: the API accepted it, this host never began it. The
    # reboot is done now; if its cast was still queued, it gives way.
    stored = _active(manager, ctxt)
    stored.task_state = task_states.REBOOTING
    stored.save()
    with mock.patch.object(manager.driver, 'reboot') as reboot:
        manager.init_host()
        assert reboot.call_count == 1
        assert _stored(ctxt).task_state is None
        manager.reboot_instance(ctxt, stored, 'SOFT')
        assert reboot.call_count == 1
    assert _stored(ctxt).vm_state == vm_states.ACTIVE


def test_a_queued_pause_after_init_host_settled_it_gives_way(
        manager, ctxt, synchronous_spawn):
    stored = _active(manager, ctxt)
    stored.task_state = task_states.PAUSING
    stored.save()
    manager.init_host()
    assert _stored(ctxt).task_state is None
    manager.pause_instance(ctxt, stored)
    assert manager.driver.get_info(stored).state == power_state.RUNNING
    assert _stored(ctxt).vm_state == vm_states.ACTIVE


# ---- power-state sync ------------------------------------------------------

def test_sync_stops_a_server_whose_guest_shut_down(manager, ctxt):
    stored = _active(manager, ctxt)
    manager.driver.power_off(stored)
    manager._sync_power_states(ctxt)
    synced = _stored(ctxt)
    assert (synced.vm_state, synced.power_state, synced.task_state) == (
        vm_states.STOPPED, power_state.SHUTDOWN, None)


def test_sync_leaves_an_instance_with_a_task_alone(manager, ctxt):
    stored = _active(manager, ctxt)
    manager.driver.power_off(stored)
    stored.task_state = task_states.POWERING_ON
    stored.save()
    manager._sync_power_states(ctxt)
    synced = _stored(ctxt)
    assert (synced.vm_state, synced.power_state) == (vm_states.ACTIVE,
                                                     power_state.RUNNING)


def test_sync_records_a_vanished_guest(manager, ctxt):
    stored = _active(manager, ctxt)
    manager.driver.destroy(None, stored)
    manager._sync_power_states(ctxt)
    synced = _stored(ctxt)
    assert (synced.vm_state, synced.power_state) == (vm_states.STOPPED,
                                                     power_state.NOSTATE)

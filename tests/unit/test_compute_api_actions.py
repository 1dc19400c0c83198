"""compute.api power actions (stop, start, reboot, pause, unpause, suspend,
resume): which states allow them, what they write and
send, and how two racing requests end (one wins, the other gets 409)."""

from unittest import mock

import pytest

from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite import objects
from nova_lite.states import task_states
from nova_lite.states import vm_states
from tests.unit import compute_fixtures

UUID = '00000000-0000-0000-0000-0000000000aa'

ALL_VM_STATES = compute_fixtures.ALL_VM_STATES
ALL_TASK_STATES = compute_fixtures.ALL_TASK_STATES

# action -> (allowed vm_states, allowed task_states), Nova's rules.
RULES = {
    'stop': ({vm_states.ACTIVE, vm_states.ERROR}, {None}),
    'start': ({vm_states.STOPPED}, {None}),
    'reboot_soft': ({vm_states.ACTIVE}, {None}),
    'reboot_hard': ({vm_states.ACTIVE, vm_states.STOPPED, vm_states.PAUSED,
                     vm_states.SUSPENDED, vm_states.ERROR},
                    {None, task_states.REBOOTING, task_states.REBOOT_PENDING,
                     task_states.REBOOT_STARTED, task_states.REBOOTING_HARD,
                     task_states.RESUMING, task_states.UNPAUSING,
                     task_states.PAUSING, task_states.SUSPENDING}),
    'pause': ({vm_states.ACTIVE}, {None}),
    'unpause': ({vm_states.PAUSED}, {None}),
    'suspend': ({vm_states.ACTIVE}, {None}),
    'resume': ({vm_states.SUSPENDED}, {None}),
}
# action -> (task state set, instance action, rpcapi method, its kwargs)
SENT = {
    'stop': (task_states.POWERING_OFF, 'stop', 'stop_instance',
             {'clean_shutdown': True}),
    'start': (task_states.POWERING_ON, 'start', 'start_instance', {}),
    'reboot_soft': (task_states.REBOOTING, 'reboot', 'reboot_instance',
                    {'reboot_type': 'SOFT'}),
    'reboot_hard': (task_states.REBOOTING_HARD, 'reboot', 'reboot_instance',
                    {'reboot_type': 'HARD'}),
    'pause': (task_states.PAUSING, 'pause', 'pause_instance', {}),
    'unpause': (task_states.UNPAUSING, 'unpause', 'unpause_instance', {}),
    'suspend': (task_states.SUSPENDING, 'suspend', 'suspend_instance', {}),
    'resume': (task_states.RESUMING, 'resume', 'resume_instance', {}),
}


def _call(api, action, context, instance):
    if action == 'reboot_soft':
        return api.reboot(context, instance, 'SOFT')
    if action == 'reboot_hard':
        return api.reboot(context, instance, 'HARD')
    return getattr(api, action)(context, instance)


api = compute_fixtures.api


def _stub(**kw):
    """An instance as far as the state checks look at it."""
    values = dict(uuid=UUID, vm_state=vm_states.ACTIVE, task_state=None,
                  launched_at='2024-01-01', host='h1', locked=False)
    values.update(kw)
    instance = mock.Mock(**values)
    return instance


# ---- the state table -------------------------------------------------------

def _outcome(api, ctxt, action, vm_state, task_state):
    """'ok', or the (attr, state) an InstanceInvalidState named."""
    instance = _stub(vm_state=vm_state, task_state=task_state)
    with mock.patch.object(api, '_start_task') as start_task:
        try:
            _call(api, action, ctxt, instance)
        except exception.InstanceInvalidState as err:
            assert err.code == 409
            assert not start_task.called
            return err.kwargs['attr'], err.kwargs['state']
    assert start_task.called
    return 'ok'


@pytest.mark.parametrize('action', sorted(RULES))
def test_state_table(api, ctxt, action):
    """Every (vm_state, task_state) pair: allowed exactly as in Nova, and
    a refusal names the first attribute that is wrong."""
    assert not compute_fixtures.state_table_mismatches(
        _outcome, api, ctxt, action, *RULES[action])
    assert len(ALL_VM_STATES) >= 12 and len(ALL_TASK_STATES) >= 40


@pytest.mark.parametrize('task_state', ALL_TASK_STATES)
def test_console_output_state_table(api, ctxt, task_state):
    instance = _stub(task_state=task_state, vm_state=vm_states.STOPPED)
    if task_state in (task_states.DELETING, task_states.MIGRATING):
        with pytest.raises(exception.InstanceInvalidState):
            api.get_console_output(ctxt, instance, 5)
        assert not api.compute_rpcapi.get_console_output.called
    else:
        result = api.get_console_output(ctxt, instance, 5)
        assert result is api.compute_rpcapi.get_console_output.return_value
        api.compute_rpcapi.get_console_output.assert_called_once_with(
            ctxt, instance=instance, host='h1', tail_length=5)


@pytest.mark.parametrize('action', sorted(RULES))
def test_never_launched_is_refused(api, ctxt, action):
    allowed_vm, _ = RULES[action]
    instance = _stub(vm_state=sorted(allowed_vm)[0], launched_at=None)
    with pytest.raises(exception.InstanceInvalidState) as err:
        _call(api, action, ctxt, instance)
    assert err.value.kwargs['attr'] == 'launched_at'


@pytest.mark.parametrize('action', sorted(RULES) + ['console'])
def test_no_host_is_not_ready(api, ctxt, action):
    allowed_vm, _ = RULES.get(action, ({vm_states.ACTIVE}, None))
    instance = _stub(vm_state=sorted(allowed_vm)[0], host=None)
    with pytest.raises(exception.InstanceNotReady) as err:
        if action == 'console':
            api.get_console_output(ctxt, instance)
        else:
            _call(api, action, ctxt, instance)
    assert err.value.code == 409
    assert not api.compute_rpcapi.method_calls


@pytest.mark.parametrize('action', sorted(RULES))
def test_locked_is_refused_to_all_but_admins(api, ctxt, admin_ctxt, action):
    allowed_vm, _ = RULES[action]
    instance = _stub(vm_state=sorted(allowed_vm)[0], locked=True)
    with mock.patch.object(api, '_start_task'):
        with pytest.raises(exception.InstanceIsLocked):
            _call(api, action, ctxt, instance)
        _call(api, action, admin_ctxt, instance)


# ---- what an accepted action writes and sends ------------------------------

def _instance(ctxt, **kw):
    values = dict(context=ctxt, uuid=UUID, user_id=ctxt.user_id,
                  project_id=ctxt.project_id, vm_state=vm_states.ACTIVE,
                  task_state=None, host='h1', node='h1', vcpus=1,
                  memory_mb=64, locked=False, metadata={})
    values.update(kw)
    instance = objects.Instance(**values)
    instance.create()
    # NOTE: launched_at is set by the build; any time will do here.
    instance.launched_at = instance.created_at
    instance.save()
    return objects.Instance.get_by_uuid(ctxt, UUID)


@pytest.mark.parametrize('action', sorted(RULES))
def test_accepted_action_claims_records_and_casts(api, database, ctxt,
                                                  action):
    allowed_vm, _ = RULES[action]
    instance = _instance(ctxt, vm_state=sorted(allowed_vm)[0])
    _call(api, action, ctxt, instance)
    task_state, action_name, rpc_method, kwargs = SENT[action]
    stored = objects.Instance.get_by_uuid(ctxt, UUID)
    assert stored.task_state == task_state
    recorded = objects.InstanceAction.get_by_request_id(ctxt, UUID,
                                                        ctxt.request_id)
    assert recorded.action == action_name
    assert recorded.user_id == ctxt.user_id
    getattr(api.compute_rpcapi, rpc_method).assert_called_once_with(
        ctxt, instance=instance, host='h1', **kwargs)


def test_stop_passes_clean_shutdown(api, database, ctxt):
    instance = _instance(ctxt)
    api.stop(ctxt, instance, clean_shutdown=False)
    api.compute_rpcapi.stop_instance.assert_called_once_with(
        ctxt, instance=instance, host='h1', clean_shutdown=False)


@pytest.mark.parametrize('first, second', [
    ('stop', 'stop'), ('stop', 'reboot_soft'), ('reboot_soft', 'stop'),
    ('reboot_soft', 'reboot_soft')])
def test_racing_requests_one_wins(api, database, ctxt, first, second):
    """Both requests read the idle instance; only one may claim it."""
    _instance(ctxt)
    mine = objects.Instance.get_by_uuid(ctxt, UUID)
    theirs = objects.Instance.get_by_uuid(ctxt, UUID)
    _call(api, first, ctxt, mine)
    with pytest.raises(exception.InstanceInvalidState) as err:
        _call(api, second, ctxt, theirs)
    assert err.value.kwargs['attr'] == 'task_state'
    assert err.value.kwargs['state'] == SENT[first][0]
    assert len(api.compute_rpcapi.method_calls) == 1
    assert objects.Instance.get_by_uuid(ctxt, UUID).task_state == (
        SENT[first][0])
    actions = objects.InstanceActionList.get_by_instance_uuid(ctxt, UUID)
    assert len(actions.objects) == 1


def test_hard_reboot_overtakes_a_soft_one(api, database, ctxt):
    _instance(ctxt)
    soft = objects.Instance.get_by_uuid(ctxt, UUID)
    hard = objects.Instance.get_by_uuid(ctxt, UUID)
    api.reboot(ctxt, soft, 'SOFT')
    # the stale copy still says "idle"; the claim reads the real state
    api.reboot(ctxt, hard, 'HARD')
    stored = objects.Instance.get_by_uuid(ctxt, UUID)
    assert stored.task_state == task_states.REBOOTING_HARD
    assert api.compute_rpcapi.reboot_instance.call_count == 2


def test_claim_of_a_deleted_instance_is_404(api, database, ctxt):
    instance = _instance(ctxt)
    objects.Instance.get_by_uuid(ctxt, UUID).destroy()
    with pytest.raises(exception.InstanceNotFound):
        api.stop(ctxt, instance)
    assert not api.compute_rpcapi.method_calls


def test_claim_during_delete_is_409(api, database, ctxt):
    instance = _instance(ctxt)
    other = objects.Instance.get_by_uuid(ctxt, UUID)
    other.task_state = task_states.DELETING
    other.save()
    with pytest.raises(exception.InstanceInvalidState) as err:
        api.stop(ctxt, instance)
    assert err.value.kwargs['state'] == task_states.DELETING


# ---- lock, unlock, reset state ---------------------------------------------

def _other_admin(ctxt):
    return nova_context.RequestContext(
        user_id='admin', project_id='admin-project', roles=['admin'],
        request_id='req-admin', overwrite=False)


def _same_user(ctxt, request_id):
    return nova_context.RequestContext(
        user_id=ctxt.user_id, project_id=ctxt.project_id,
        request_id=request_id, overwrite=False)


def _events_of(ctxt, action):
    recorded = objects.InstanceAction.get_by_request_id(ctxt, UUID,
                                                        ctxt.request_id)
    assert recorded.action == action
    return [(e.event, e.result) for e in
            objects.InstanceActionEventList.get_by_action(ctxt, recorded.id)]


def test_owner_lock_and_unlock(api, database, ctxt):
    instance = _instance(ctxt)
    api.lock(ctxt, instance, reason='maintenance')
    stored = objects.Instance.get_by_uuid(ctxt, UUID)
    assert (stored.locked, stored.locked_by) == (True, 'owner')
    assert stored.system_metadata['locked_reason'] == 'maintenance'
    assert _events_of(ctxt, 'lock') == [('api_lock', 'Success')]
    assert api.is_expected_locked_by(ctxt, stored)
    assert not api.is_expected_locked_by(_other_admin(ctxt), stored)

    api.unlock(ctxt, stored)
    stored = objects.Instance.get_by_uuid(ctxt, UUID)
    assert (stored.locked, stored.locked_by) == (False, None)
    assert 'locked_reason' not in stored.system_metadata
    assert _events_of(ctxt, 'unlock') == [('api_unlock', 'Success')]
    assert not api.compute_rpcapi.method_calls


def test_owner_relock_changes_nothing_but_an_admin_takes_it_over(
        api, database, ctxt):
    instance = _instance(ctxt)
    api.lock(ctxt, instance)
    stored = objects.Instance.get_by_uuid(ctxt, UUID)
    relock = _same_user(ctxt, 'req-relock')
    api.lock(relock, stored)
    assert objects.InstanceAction.get_by_request_id(
        relock, UUID, 'req-relock') is None
    admin = _other_admin(ctxt)
    api.lock(admin, stored)
    stored = objects.Instance.get_by_uuid(ctxt, UUID)
    assert stored.locked_by == 'admin'
    assert api.is_expected_locked_by(admin, stored)
    assert not api.is_expected_locked_by(ctxt, stored)


def test_locked_delete_is_refused_to_all_but_admins(api, ctxt, admin_ctxt):
    instance = _stub(locked=True)
    with pytest.raises(exception.InstanceIsLocked):
        api.delete(ctxt, instance)
    assert not api.compute_rpcapi.method_calls
    with mock.patch.object(objects.InstanceAction, 'action_start'), \
            mock.patch.object(api, '_host_is_up', return_value=True):
        api.delete(admin_ctxt, instance)
    assert api.compute_rpcapi.terminate_instance.called


@pytest.mark.parametrize('vm_state, task_state', [
    (vm_states.ERROR, task_states.SPAWNING),
    (vm_states.ACTIVE, task_states.POWERING_OFF),
    (vm_states.STOPPED, None)])
@pytest.mark.parametrize('new_state', [vm_states.ACTIVE, vm_states.ERROR])
def test_reset_state_sets_vm_state_and_clears_task(
        api, database, ctxt, vm_state, task_state, new_state):
    instance = _instance(ctxt, vm_state=vm_state, task_state=task_state,
                         locked=True)
    api.reset_state(ctxt, instance, new_state)
    stored = objects.Instance.get_by_uuid(ctxt, UUID)
    assert (stored.vm_state, stored.task_state) == (new_state, None)
    assert objects.InstanceAction.get_by_request_id(
        ctxt, UUID, ctxt.request_id).action == 'resetState'
    assert not api.compute_rpcapi.method_calls

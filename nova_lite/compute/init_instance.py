"""Settling at start-up each instance of this host that a restart of the
compute service caught in a transitional task state, as Nova's
``ComputeManager._init_instance`` does (and further where Nova leaves an
instance stuck): every instance leaves init_host settled, in ERROR with a
fault, or with its interrupted action running again."""

from oslo_log import log as logging

from nova_lite.compute import build
from nova_lite.compute import live_migration
from nova_lite.compute import power
from nova_lite.compute import resize
from nova_lite.compute import shelve
from nova_lite.compute import snapshot
from nova_lite import exception
from nova_lite import objects
from nova_lite.objects import migration as migration_obj
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite.states import vm_states
from nova_lite import utils

LOG = logging.getLogger(__name__)

# NOTE: a reboot the API accepted but this host never began is done again
# (Nova leaves REBOOTING in place; a new reboot request is then the only
# way out, so nova-lite retries it instead).
REBOOT_STATES = (task_states.REBOOTING, task_states.REBOOTING_HARD,
                 task_states.REBOOT_PENDING, task_states.REBOOT_STARTED,
                 task_states.REBOOT_PENDING_HARD,
                 task_states.REBOOT_STARTED_HARD)

# Tasks whose work is simply dropped: the guest is as the hypervisor says
# (Nova clears the snapshot states; the others Nova leaves stuck).
CLEARED_STATES = snapshot.INTERRUPTED_STATES + (
    task_states.IMAGE_BACKUP, task_states.UPDATING_PASSWORD,
    task_states.RESIZE_CONFIRMING)

# Move states that leave the instance in ERROR: the move broke half way
# (Nova's rule for a rebuild; Nova leaves the later resize states stuck).
BROKEN_MOVE_STATES = (
    task_states.RESIZE_MIGRATED, task_states.RESIZE_FINISH,
    task_states.RESIZE_REVERTING, task_states.REBUILDING,
    task_states.REBUILD_BLOCK_DEVICE_MAPPING, task_states.REBUILD_SPAWNING)

# Migration statuses of a resize or cold migration still under way.
_MOVE_IN_PROGRESS = ('pre-migrating', 'migrating', 'post-migrating')


def init_instance(manager, context, instance):
    """Settle ``instance`` (on this host) after a restart; never raises.

    A failure to settle is logged: the next restart tries again, and the
    build-timeout and power-state checks go on meanwhile.
    """
    try:
        _init_instance(manager, context, instance)
    except power.OVERTAKEN:
        LOG.info('Instance %s changed while it was being settled',
                 instance.uuid)
    except Exception:
        LOG.exception('Could not settle instance %s (task state %s) at '
                      'start-up', instance.uuid, instance.task_state)


def _init_instance(manager, context, instance):
    task = instance.task_state
    vm_state = instance.vm_state
    if (vm_state == vm_states.SHELVED_OFFLOADED and
            task in (task_states.UNSHELVING, task_states.SPAWNING)):
        # NOTE: an unshelve spawning here; Nova sets ERROR, but the failed
        # unshelve's own outcome keeps the shelved image and lets the user
        # unshelve again.
        _settle_unshelve(manager, context, instance)
        return
    if vm_state == vm_states.BUILDING or task in task_states.BUILD_STATES:
        LOG.warning('Instance %s was building when the service stopped; '
                    'setting it to ERROR', instance.uuid)
        build.fail_build(manager, context, instance,
                         exception.BuildAbortException(
                             instance_uuid=instance.uuid,
                             reason='the compute service restarted during '
                                    'the build'))
        return
    if task == task_states.DELETING:
        _retry_delete(manager, context, instance)
        return
    if task is None:
        return
    if vm_state == vm_states.ERROR and task != task_states.RESIZE_MIGRATING:
        _clear_task(manager, instance)
        return
    if task in REBOOT_STATES or task in (task_states.POWERING_OFF,
                                         task_states.POWERING_ON):
        power.resume_interrupted(manager, context, instance)
    elif task in (task_states.PAUSING, task_states.UNPAUSING,
                  task_states.SUSPENDING, task_states.RESUMING):
        _settle_pause_suspend(manager, context, instance)
    elif task == task_states.UNSHELVING:
        _settle_unshelve(manager, context, instance)
    elif task in CLEARED_STATES:
        snapshot.settle_interrupted(manager, instance)
    elif task == task_states.RESIZE_PREP:
        _settle_resize_prep(manager, context, instance)
    elif task == task_states.RESIZE_MIGRATING:
        _revert_resize_migrating(manager, context, instance)
    elif task in BROKEN_MOVE_STATES:
        resize.settle_interrupted(manager, context, instance)
    elif task == task_states.MIGRATING:
        live_migration.settle_interrupted(manager, context, instance)
    else:
        LOG.warning('Instance %s was in task state %s when the service '
                    'stopped; clearing it', instance.uuid, task)
        _clear_task(manager, instance)


def _clear_task(manager, instance):
    task = instance.task_state
    instance.power_state = power.current_power_state(manager.driver,
                                                     instance)
    instance.task_state = None
    instance.save(expected_task_state=[task])


def _retry_delete(manager, context, instance):
    """Nova's: delete again; when that fails, ERROR (with a fault here),
    from which a new delete request can start over."""
    LOG.info('Instance %s was being deleted when the service stopped; '
             'deleting it again', instance.uuid)
    try:
        # NOTE: the manager's own delete, so both paths delete alike.
        manager._terminate(context, instance)
    except Exception as error:
        LOG.exception('Could not complete the deletion of %s',
                      instance.uuid)
        instance.vm_state = vm_states.ERROR
        instance.task_state = None
        instance.save(expected_task_state=[task_states.DELETING])
        objects.InstanceFault.from_exception(context, instance.uuid, error,
                                             host=manager.host).create()


def _settle_pause_suspend(manager, context, instance):
    """Nova's outcomes where it has one (PAUSING or UNPAUSING with a running
    guest: ACTIVE; UNPAUSING with a paused guest: unpause again), and the
    hypervisor's word elsewhere: a guest that reached the action's end
    state is recorded so; a resume that did not happen is done again;
    anything else keeps its vm_state and loses the task."""
    task = instance.task_state
    state = power.current_power_state(manager.driver, instance)
    if task == task_states.UNPAUSING and state == power_state.PAUSED:
        utils.spawn_n(power.UnpauseTask(manager, context, instance).run)
        return
    if (task == task_states.RESUMING and
            state in (power_state.SUSPENDED, power_state.SHUTDOWN)):
        utils.spawn_n(power.ResumeTask(manager, context, instance).run)
        return
    vm_state = instance.vm_state
    if state == power_state.RUNNING:
        vm_state = vm_states.ACTIVE
    elif task == task_states.PAUSING and state == power_state.PAUSED:
        vm_state = vm_states.PAUSED
    elif task == task_states.SUSPENDING and state == power_state.SUSPENDED:
        vm_state = vm_states.SUSPENDED
    LOG.warning('Instance %s was in task state %s when the service '
                'stopped (guest power state %s); now %s', instance.uuid,
                task, power_state.STATE_MAP.get(state), vm_state)
    instance.power_state = state
    instance.vm_state = vm_state
    instance.task_state = None
    instance.save(expected_task_state=[task])


def _settle_unshelve(manager, context, instance):
    """An unshelve cut short fails as a failed unshelve does: SHELVED
    stays SHELVED; SHELVED_OFFLOADED loses its guest and host, with a
    fault saying why."""
    error = exception.NovaException(
        'the compute service restarted during the unshelve')
    task = shelve.UnshelveTask(manager, context, instance)
    task._fail(error)


def _current_migration(context, instance):
    migrations = objects.MigrationList.get_by_filters(
        context, {'instance_uuid': instance.uuid})
    for migration in migrations:
        if (migration.migration_type != migration_obj.LIVE and
                migration.status in _MOVE_IN_PROGRESS):
            return migration
    return None


def _settle_resize_prep(manager, context, instance):
    """Nova clears RESIZE_PREP; here the resize is rolled back as a failed
    one is (allocations given back, the migration in error, a fault)."""
    migration = _current_migration(context, instance)
    if migration is None:
        _clear_task(manager, instance)
        return
    task = resize.ResizeTask(manager, context, instance, migration)
    task.working_states = (task_states.RESIZE_PREP,)
    resize.rollback(task, exception.ResizeError(
        reason='the compute service restarted during the resize_prep'))


def _revert_resize_migrating(manager, context, instance):
    """Nova's: the source took the guest down for a resize; bring it back
    here (finish_revert_migration) and leave the task; nova-lite also gives
    the allocations back and fails the migration, as a failed resize."""
    migration = _current_migration(context, instance)
    if migration is None:
        resize.settle_interrupted(manager, context, instance)
        return
    task = resize.ResizeInstanceTask(manager, context, instance, migration,
                                     flavor=None)
    task.powered_off = True
    task._fail(exception.ResizeError(
        reason='the compute service restarted during the resize_migrating'))

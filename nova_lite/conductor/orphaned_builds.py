"""Finding builds that no host owns and failing them: the conductor's
answer to a build lost between the API and a compute host."""

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_lite.compute import instance_actions
from nova_lite import exception
from nova_lite import objects
from nova_lite.states import task_states
from nova_lite.states import vm_states

LOG = logging.getLogger(__name__)

# NOTE: the task states of a build that has no host yet: the API's
# (scheduling), or none from a client that wrote the row itself.
UNOWNED_TASK_STATES = [task_states.SCHEDULING, None]


def find_orphaned_builds(context, timeout):
    """The instances in BUILD with no host whose last change is older
    than ``timeout`` seconds."""
    filters = {'vm_state': vm_states.BUILDING, 'host': None,
               'task_state': UNOWNED_TASK_STATES}
    found = []
    for instance in objects.InstanceList.get_by_filters(context, filters):
        changed = instance.updated_at or instance.created_at
        if changed is not None and timeutils.is_older_than(changed, timeout):
            found.append(instance)
    return found


def fail_orphaned_builds(context, timeout, host=None):
    """Put every build no host has owned for ``timeout`` seconds in
    ERROR with a fault that says so, and give back its allocation.

    NOTE: failed rather than rescheduled: two conductors may find the
    same lost build at once, and only a guarded state change lets exactly
    one of them act. Failing is that change (a conductor still holding
    the build then finds the task state gone when it hands it to a host,
    and drops its claim); a reschedule would be two builds.

    :param host: the conductor's host, recorded on the event.
    :returns: the uuids of the instances failed.
    """
    failed = []
    for instance in find_orphaned_builds(context, timeout):
        error = exception.OrphanedBuild(
            instance_uuid=instance.uuid, seconds=timeout,
            reason='the conductor handling it stopped or could not hand '
                   'it to a host')
        try:
            _fail(context, instance, error, host)
        except (exception.InstanceNotFound,
                exception.UnexpectedTaskStateError,
                exception.UnexpectedVMStateError):
            continue
        except Exception:
            LOG.exception('Could not fail the lost build of %s',
                          instance.uuid)
            continue
        LOG.warning('Build of instance %s had no host after %d s; set to '
                    'ERROR', instance.uuid, timeout)
        failed.append(instance.uuid)
    return failed


def _fail(context, instance, error, host):
    # NOTE: the fault first, so that ERROR is never seen without it; the
    # save is guarded on the host too, so a build that reached a host
    # since it was read is left alone.
    objects.InstanceFault.from_exception(context, instance.uuid,
                                         error).create()
    instance.vm_state = vm_states.ERROR
    instance.task_state = None
    instance.save(expected_task_state=UNOWNED_TASK_STATES,
                  expected_vm_state=[vm_states.BUILDING],
                  expected_host=[None])
    objects.Allocation.delete_by_consumer(context, instance.uuid)
    _record_event(context, instance, error, host)


def _record_event(context, instance, error, host):
    """Fail the events the lost build left open; when the conductor never
    started its own, record it failed, so os-instance-actions says what
    ended the build."""
    failed = instance_actions.finish_open_events(context, instance.uuid,
                                                 error, host=host)
    if instance_actions.CONDUCTOR_BUILD_EVENT in failed:
        return
    actions = objects.InstanceActionList.get_by_instance_uuid(context,
                                                              instance.uuid)
    if not actions:
        return
    action_context = context.elevated()
    action_context.request_id = actions[0].request_id
    instance_actions.EventReporter(
        action_context, instance_actions.CONDUCTOR_BUILD_EVENT, host,
        instance.uuid).finish(instance.uuid, error)

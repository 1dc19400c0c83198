"""Names of the instance actions recorded for os-instance-actions, and
EventReporter, the one way an operation records an event of its action."""

import traceback

from oslo_log import log as logging

from nova_lite import exception
from nova_lite import objects

LOG = logging.getLogger(__name__)

CREATE = 'create'
DELETE = 'delete'
EVACUATE = 'evacuate'
RESTORE = 'restore'
STOP = 'stop'
START = 'start'
REBOOT = 'reboot'
REBUILD = 'rebuild'
REVERT_RESIZE = 'revertResize'
CONFIRM_RESIZE = 'confirmResize'
RESIZE = 'resize'
PAUSE = 'pause'
UNPAUSE = 'unpause'
SUSPEND = 'suspend'
RESUME = 'resume'
RESCUE = 'rescue'
UNRESCUE = 'unrescue'
LOCK = 'lock'
UNLOCK = 'unlock'
RESET = 'resetState'
SHELVE = 'shelve'
SHELVE_OFFLOAD = 'shelveOffload'
UNSHELVE = 'unshelve'
CREATE_IMAGE = 'createImage'
MIGRATE = 'migrate'
LIVE_MIGRATION = 'live-migration'
LIVE_MIGRATION_FORCE_COMPLETE = 'live_migration_force_complete'
LIVE_MIGRATION_CANCEL = 'live_migration_cancel'

# ---- event names of a build (Nova's where Nova has one) --------------------

# NOTE: Nova's conductor event around the whole of its part of a build,
# and the one around the scheduler call (Nova records it on unshelve).
CONDUCTOR_BUILD_EVENT = 'conductor_schedule_and_build_instances'
SCHEDULE_EVENT = 'schedule_instances'
# NOTE: Nova's wrap_instance_event name of _do_build_and_run_instance.
COMPUTE_BUILD_EVENT = 'compute__do_build_and_run_instance'
# NOTE: Nova records no event per build phase; these are named after the
# ComputeManager methods that do each phase in Nova (networks, block
# devices) and after the driver call (spawn), in wrap_instance_event's
# "compute_<method>" form.
NETWORK_EVENT = 'compute__build_networks_for_instance'
BDM_EVENT = 'compute__prep_block_device'
SPAWN_EVENT = 'compute_spawn'
TERMINATE_EVENT = 'compute_terminate_instance'

SUCCESS = 'Success'
ERROR = 'Error'


def _details(error):
    """What a failed event's ``details`` say (2.84), as Nova words it: a
    NovaException's message, otherwise only the exception's class name
    (its text may hold what a user must not see)."""
    if isinstance(error, exception.NovaException):
        return error.format_message()
    return type(error).__name__


class EventReporter:
    """Record one event of the current request's action on instances.

    As Nova's ``compute_utils.EventReporter``: the event starts on entry
    and finishes on exit with ``Success``, or with ``Error``, the
    traceback and the details when the block raises (the error goes on
    up). Used as ``with EventReporter(context, name, host, uuid): ...``.

    NOTE: the event is bookkeeping. Recording it never raises: an action
    that is missing (a retry under a new request id) or a database or
    conductor that cannot be reached is logged, so that neither a good
    operation fails nor a failing one loses its own error because of it.

    :param context: the request context; its request id names the action.
    :param event_name: the event (see the ``*_EVENT`` names).
    :param host: the host the event ran on (None on the conductor side
        when there is none to name).
    :param instance_uuids: the instances whose actions get the event.
    """

    def __init__(self, context, event_name, host, *instance_uuids):
        self.context = context
        self.event_name = event_name
        self.host = host
        self.instance_uuids = instance_uuids
        self._finished = set()

    def __enter__(self):
        for uuid in self.instance_uuids:
            self._record(objects.InstanceActionEvent.event_start,
                         self.context, uuid, self.event_name,
                         host=self.host)
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        if exc_val is None:
            kwargs = {}
            result = SUCCESS
        else:
            kwargs = {'traceback': ''.join(traceback.format_exception(
                exc_type, exc_val, exc_tb)),
                'details': _details(exc_val)}
            result = ERROR
        for uuid in self.instance_uuids:
            if uuid not in self._finished:
                self._record(objects.InstanceActionEvent.event_finish,
                             self.context, uuid, self.event_name, result,
                             **kwargs)
        return False

    def finish(self, instance_uuid, error):
        """Finish the event of one instance now, as failed with ``error``,
        while the block goes on for the others (a multi-create)."""
        self._finished.add(instance_uuid)
        self._record(
            objects.InstanceActionEvent.event_finish, self.context,
            instance_uuid, self.event_name, ERROR,
            traceback=''.join(traceback.format_exception(
                type(error), error, error.__traceback__)),
            details=_details(error))

    def _record(self, method, context, uuid, *args, **kwargs):
        try:
            method(context, uuid, *args, **kwargs)
        except exception.InstanceActionNotFound:
            pass
        except Exception:
            LOG.warning('Could not record event %s of instance %s',
                        self.event_name, uuid, exc_info=True)


def finish_open_events(context, instance_uuid, error, host=None):
    """Fail every event still open on the instance's newest action.

    For a build failed from outside it (timed out, cut short by a restart,
    lost): the work that started those events will never finish them, and
    os-instance-actions should not show them running forever. Recording
    errors are logged, never raised.

    NOTE: an event belongs to the action of the request id it is recorded
    under; the caller runs under its own, so this borrows the action's.

    :returns: the names of the events failed.
    """
    try:
        actions = objects.InstanceActionList.get_by_instance_uuid(
            context, instance_uuid)
        if not actions:
            return []
        action = actions[0]
        events = objects.InstanceActionEventList.get_by_action(context,
                                                               action.id)
    except Exception:
        LOG.warning('Could not read the events of instance %s',
                    instance_uuid, exc_info=True)
        return []
    action_context = context.elevated()
    action_context.request_id = action.request_id
    names = [event.event for event in events if event.finish_time is None]
    for name in names:
        EventReporter(action_context, name, host,
                      instance_uuid).finish(instance_uuid, error)
    return names

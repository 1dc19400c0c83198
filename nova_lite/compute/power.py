"""Power actions on this host: stop, start, reboot, pause, unpause, suspend
and resume a guest, and read its console log.

Each action holds the instance's lock, records its action event, walks the
task states with guarded saves, and leaves the instance settled whatever
the driver does: a failed stop or start keeps its vm_state and clears the
task, a failed reboot goes to ERROR unless the guest runs, and an action
that a newer request (a delete, a hard reboot) overtook steps aside.
"""

from oslo_log import log as logging

from nova_lite.compute import instance_actions
from nova_lite import conf
from nova_lite import exception
from nova_lite import objects
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite.states import vm_states
from nova_lite import utils

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# NOTE: another request changed the instance's task state (or deleted it)
# while this action waited for the lock or ran; that request now owns the
# instance, so this one neither reverts nor records a fault.
OVERTAKEN = (exception.InstanceNotFound, exception.UnexpectedTaskStateError,
             exception.UnexpectedVMStateError)

# Power states of a guest that does not run (Nova's sync uses the same).
OFF_STATES = (power_state.NOSTATE, power_state.SHUTDOWN, power_state.CRASHED)

# Task states a restart of the compute service can leave behind once the
# host had taken the action on; init_host finishes or settles them.
INTERRUPTED_STATES = (
    task_states.POWERING_OFF, task_states.POWERING_ON,
    task_states.REBOOT_PENDING, task_states.REBOOT_STARTED,
    task_states.REBOOT_PENDING_HARD, task_states.REBOOT_STARTED_HARD)


def _network_info(instance):
    """The instance's NICs as recorded at build, or None."""
    if instance.obj_attr_is_set('network_info'):
        return instance.network_info
    return None


def current_power_state(driver, instance):
    """The hypervisor's power state of the guest; NOSTATE when it has none."""
    try:
        return driver.get_info(instance).state
    except exception.InstanceNotFoundOnHypervisor:
        return power_state.NOSTATE


class PowerTask:
    """One power action on ``instance``; subclasses say what it does.

    :ivar event: the instance action event this task records.
    :ivar working_states: the task states the instance holds while this
        task owns it; a revert only happens from one of them.
    """

    event = None
    working_states = ()

    def __init__(self, manager, context, instance):
        self.manager = manager
        self.driver = manager.driver
        self.context = context
        self.instance = instance

    def run(self):
        """Do the action under the instance's lock; never raises.

        After return the instance's task state is cleared (or belongs to
        a newer request) and the event says how it went.
        """
        instance = self.instance
        # NOTE: runs on its own green thread; the request's context goes
        # back in the thread store so that its request id is logged.
        self.context.update_store()
        with utils.named_lock(instance.uuid):
            try:
                with instance_actions.EventReporter(
                        self.context, self.event, self.manager.host,
                        instance.uuid):
                    self._do()
            except OVERTAKEN as error:
                LOG.info('%s of instance %s gave way to a newer request: %s',
                         self.event, instance.uuid, error)
            except Exception as error:
                LOG.exception('%s of instance %s failed', self.event,
                              instance.uuid)
                try:
                    self._fail(error)
                except Exception:
                    # NOTE: the conductor (or its database) cannot be
                    # reached; a restart of this service settles the task
                    # (init_host), as Nova's does.
                    LOG.exception('Could not record the failure of %s of '
                                  'instance %s', self.event, instance.uuid)

    def _do(self):
        raise NotImplementedError()

    def _power_state(self):
        return current_power_state(self.driver, self.instance)

    def _power_state_after_error(self):
        """The guest's power state, or the recorded one if that fails too.

        NOTE: the driver failed a moment ago; asking it again may fail as
        well, and that must not hide the first error.
        """
        try:
            return self._power_state()
        except Exception:
            LOG.warning('Cannot read the power state of instance %s',
                        self.instance.uuid, exc_info=True)
            return self.instance.power_state

    def _settle(self, vm_state, expected):
        """Record the guest's power state, ``vm_state`` and no task."""
        instance = self.instance
        instance.power_state = self._power_state()
        instance.vm_state = vm_state
        instance.task_state = None
        instance.save(expected_task_state=expected)

    def _add_fault(self, error):
        try:
            objects.InstanceFault.from_exception(
                self.context, self.instance.uuid, error,
                host=self.manager.host).create()
        except exception.InstanceNotFound:
            pass

    def _fail(self, error):
        """Nova's revert: a fault, the task cleared, the vm_state kept."""
        self._add_fault(error)
        instance = self.instance
        instance.power_state = self._power_state_after_error()
        instance.task_state = None
        try:
            instance.save(expected_task_state=list(self.working_states))
        except OVERTAKEN:
            pass


class StopTask(PowerTask):
    """Power the guest off and record the instance as STOPPED."""

    event = 'compute_stop_instance'
    working_states = (task_states.POWERING_OFF,)

    def __init__(self, manager, context, instance, clean_shutdown=True):
        super().__init__(manager, context, instance)
        self.clean_shutdown = clean_shutdown

    def _do(self):
        instance = self.instance
        LOG.info('Stopping instance %s (clean shutdown: %s)', instance.uuid,
                 self.clean_shutdown)
        if self.clean_shutdown:
            timeout = CONF.shutdown_timeout
            retry_interval = CONF.compute.shutdown_retry_interval
        else:
            timeout = retry_interval = 0
        try:
            self.driver.power_off(instance, timeout, retry_interval)
        except exception.InstanceNotFoundOnHypervisor:
            # NOTE: a guest that is gone does not run either; Nova's stop
            # succeeds on it too, and a start will then report the loss.
            LOG.warning('Instance %s has no guest on this host; recording '
                        'it as stopped', instance.uuid)
        self._settle(vm_states.STOPPED, list(self.working_states))


class StartTask(PowerTask):
    """Power the guest on and record the instance as ACTIVE."""

    event = 'compute_start_instance'
    working_states = (task_states.POWERING_ON,)

    def _do(self):
        instance = self.instance
        LOG.info('Starting instance %s', instance.uuid)
        self.driver.power_on(self.context, instance,
                             network_info=_network_info(instance))
        self._settle(vm_states.ACTIVE, list(self.working_states))


class RebootTask(PowerTask):
    """Reboot the guest: REBOOT(_HARD) -> _PENDING -> _STARTED -> ACTIVE.

    :param claimed: the task states the instance may hold when this task
        takes it on; by default those of a ``reboot_type`` request.
    """

    event = 'compute_reboot_instance'

    def __init__(self, manager, context, instance, reboot_type,
                 claimed=None):
        super().__init__(manager, context, instance)
        self.reboot_type = reboot_type
        if reboot_type == 'SOFT':
            self.pending = task_states.REBOOT_PENDING
            self.started = task_states.REBOOT_STARTED
            default = task_states.soft_reboot_states
        else:
            self.pending = task_states.REBOOT_PENDING_HARD
            self.started = task_states.REBOOT_STARTED_HARD
            default = task_states.hard_reboot_states
        self.claimed = list(claimed or default)
        self.working_states = (self.pending, self.started)

    def _do(self):
        instance = self.instance
        LOG.info('Rebooting instance %s (%s)', instance.uuid,
                 self.reboot_type)
        instance.power_state = self._power_state()
        instance.task_state = self.pending
        instance.save(expected_task_state=self.claimed)
        if instance.power_state != power_state.RUNNING:
            LOG.warning('Rebooting instance %s whose guest is not running '
                        '(power state %s)', instance.uuid,
                        power_state.STATE_MAP.get(instance.power_state))
        # NOTE: a rescued server stays rescued across a reboot, as in Nova.
        new_vm_state = (vm_states.RESCUED
                        if instance.vm_state == vm_states.RESCUED
                        else vm_states.ACTIVE)
        instance.task_state = self.started
        instance.save(expected_task_state=self.pending)
        try:
            self.driver.reboot(self.context, instance,
                               _network_info(instance), self.reboot_type)
        except Exception as error:
            if self._power_state_after_error() != power_state.RUNNING:
                raise
            # NOTE: as in Nova, a reboot that failed on a guest that runs
            # anyway leaves a fault to read but no ERROR.
            LOG.warning('Reboot of instance %s failed but its guest is '
                        'running: %s', instance.uuid, error)
            self._add_fault(error)
        self._settle(new_vm_state, [self.started])

    def _fail(self, error):
        """A reboot that left no running guest: ERROR, as in Nova."""
        self._add_fault(error)
        instance = self.instance
        instance.power_state = self._power_state_after_error()
        instance.vm_state = vm_states.ERROR
        instance.task_state = None
        try:
            instance.save(expected_task_state=list(self.working_states))
        except OVERTAKEN:
            pass


class DriverStateTask(PowerTask):
    """One driver call that moves the guest to ``new_vm_state``.

    A failure keeps the vm_state and clears the task (Nova's revert).
    """

    driver_method = None
    new_vm_state = None

    def _do(self):
        instance = self.instance
        LOG.info('%s instance %s', self.driver_method.capitalize(),
                 instance.uuid)
        # NOTE: a guarded save before the driver acts: a request queued
        # while this service was down may arrive after init_host settled
        # its task; it must then leave the guest alone.
        instance.task_state = self.working_states[0]
        instance.save(expected_task_state=list(self.working_states))
        getattr(self.driver, self.driver_method)(instance)
        self._settle(self.new_vm_state, list(self.working_states))


class PauseTask(DriverStateTask):
    """Pause the guest: PAUSING -> PAUSED."""

    event = 'compute_pause_instance'
    working_states = (task_states.PAUSING,)
    driver_method = 'pause'
    new_vm_state = vm_states.PAUSED


class UnpauseTask(DriverStateTask):
    """Unpause the guest: UNPAUSING -> ACTIVE."""

    event = 'compute_unpause_instance'
    working_states = (task_states.UNPAUSING,)
    driver_method = 'unpause'
    new_vm_state = vm_states.ACTIVE


class SuspendTask(DriverStateTask):
    """Suspend the guest: SUSPENDING -> SUSPENDED."""

    event = 'compute_suspend_instance'
    working_states = (task_states.SUSPENDING,)
    driver_method = 'suspend'
    new_vm_state = vm_states.SUSPENDED


class ResumeTask(DriverStateTask):
    """Resume the suspended guest: RESUMING -> ACTIVE."""

    event = 'compute_resume_instance'
    working_states = (task_states.RESUMING,)
    driver_method = 'resume'
    new_vm_state = vm_states.ACTIVE


def resume_interrupted(manager, context, instance):
    """Finish or settle a power action that a restart of this service cut
    short (``instance.task_state`` in :data:`INTERRUPTED_STATES`).

    A stop or start is done again; a reboot is done again unless it got as
    far as a running guest, which only needs recording. The work runs on
    its own green thread; this returns at once.
    """
    task = instance.task_state
    LOG.info('Instance %s was in task state %s when the service stopped; '
             'finishing it', instance.uuid, task)
    if task == task_states.POWERING_OFF:
        utils.spawn_n(StopTask(manager, context, instance).run)
        return
    if task == task_states.POWERING_ON:
        utils.spawn_n(StartTask(manager, context, instance).run)
        return
    running = (current_power_state(manager.driver, instance) ==
               power_state.RUNNING)
    started = (task_states.REBOOT_STARTED, task_states.REBOOT_STARTED_HARD)
    if running and task in started:
        instance.power_state = power_state.RUNNING
        instance.vm_state = vm_states.ACTIVE
        instance.task_state = None
        try:
            instance.save(expected_task_state=[task])
        except OVERTAKEN:
            pass
        return
    # NOTE: only a running guest can be rebooted softly (Nova's rule).
    reboot_type = ('SOFT' if running and task in
                   task_states.soft_reboot_states else 'HARD')
    utils.spawn_n(RebootTask(manager, context, instance, reboot_type,
                             claimed=[task]).run)


def tail(text, length):
    """The last ``length`` newline-separated pieces of ``text``.

    NOTE: counted as Nova (and tempest) count them: a log that ends in a
    newline gives ``length - 1`` lines and the empty piece after the last
    newline. A length of 0 (or one that is not a number) gives ''.
    """
    try:
        length = int(length)
    except (TypeError, ValueError):
        length = 0
    if length <= 0:
        return ''
    return '\n'.join(text.split('\n')[-length:])


def get_console_output(driver, context, instance, tail_length=None):
    """The guest's console log from ``driver``, its tail if asked.

    :raises: InstanceNotFoundOnHypervisor, ConsoleNotAvailable.
    """
    LOG.info('Get console output of instance %s', instance.uuid)
    output = driver.get_console_output(context, instance)
    if tail_length is not None:
        output = tail(output, tail_length)
    return output

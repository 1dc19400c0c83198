"""Builds one instance on this host: the task-state walk, the spawn, and
what happens when it fails (reschedule, abort, or a delete that won); and
failing a build that can no longer finish (timed out, or cut short by a
restart of this service)."""

import time

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_lite.compute import instance_actions
from nova_lite import exception
from nova_lite import objects
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite.states import vm_states
from nova_lite import utils

LOG = logging.getLogger(__name__)

# NOTE: the build gave way: a delete won, or the build was settled by
# someone else (timed out by the periodic check); that path cleans up the
# records, this one only what it made on the host.
OVERTAKEN = (exception.InstanceNotFound, exception.UnexpectedTaskStateError,
             exception.UnexpectedVMStateError)

# NOTE: a failed build whose settling failed too (the conductor or the
# database cannot be reached) is tried again after these many seconds,
# doubling up to the cap, until it is settled.
SETTLE_RETRY_FIRST = 1.0
SETTLE_RETRY_CAP = 60.0

# NOTE: the ``progress`` a server shows (in BUILD) as its build walks the
# task states; 0 at create (compute.api), 100 once ACTIVE.
BUILD_PROGRESS = {
    task_states.NETWORKING: 10,
    task_states.BLOCK_DEVICE_MAPPING: 30,
    task_states.SPAWNING: 50,
}


class BuildTask:
    """One build attempt of ``instance`` on this host."""

    def __init__(self, manager, context, instance, image, request_spec,
                 admin_password, injected_files, requested_networks,
                 host_list, node):
        self.manager = manager
        self.driver = manager.driver
        self.context = context
        self.instance = instance
        self.image = image
        self.request_spec = request_spec
        self.admin_password = admin_password
        self.injected_files = injected_files or []
        self.requested_networks = requested_networks
        self.host_list = list(host_list or [])
        self.node = node
        self.network_info = None

    def run(self):
        """Build the instance; never raises.

        After return the instance is ACTIVE, or was handed back to the
        conductor for another host, or is in ERROR with a fault, or
        belongs to whoever overtook the build (a delete, the build-timeout
        check). When even recording the failure fails, it is retried in
        the background until it is recorded.
        """
        instance = self.instance
        # NOTE: this runs on its own green thread; put the request's
        # context back in the thread store so its request id is logged.
        self.context.update_store()
        started = time.monotonic()
        LOG.info('Building instance %s on %s', instance.uuid,
                 self.manager.host)
        try:
            with self._event(instance_actions.COMPUTE_BUILD_EVENT):
                self._build()
        except OVERTAKEN as error:
            LOG.info('The build of instance %s was overtaken (deleted or '
                     'settled elsewhere): %s', instance.uuid, error)
            self._cleanup_guest()
            self._release_network()
        except exception.BuildAbortException as error:
            LOG.error('Build of %s aborted: %s', instance.uuid,
                      error.format_message())
            self._settle(self._abort, error)
        except Exception as error:
            LOG.warning('Build of %s failed on %s, rescheduling: %s',
                        instance.uuid, self.manager.host, error)
            self._settle(self._reschedule, error)
        else:
            LOG.info('Instance %s is ACTIVE after %.2f s on this host',
                     instance.uuid, time.monotonic() - started)

    def _event(self, name):
        return instance_actions.EventReporter(
            self.context, name, self.manager.host, self.instance.uuid)

    def _build(self):
        instance = self.instance
        instance.launched_on = self.manager.host
        with self._event(instance_actions.NETWORK_EVENT):
            self._step(task_states.NETWORKING, task_states.SCHEDULING)
            # NOTE: saved with the next step, so the record holds the NICs
            # before the guest that uses them exists.
            instance.network_info = self._allocate_network()
        with self._event(instance_actions.BDM_EVENT):
            # NOTE: nova-lite's guests have only their image-backed disks:
            # this phase is the state change, kept so that the task states
            # and events read as Nova's.
            self._step(task_states.BLOCK_DEVICE_MAPPING,
                       task_states.NETWORKING)
        with self._event(instance_actions.SPAWN_EVENT):
            self._step(task_states.SPAWNING,
                       task_states.BLOCK_DEVICE_MAPPING)
            self.driver.spawn(self.context, instance, self.image,
                              self.injected_files, self.admin_password,
                              allocations=None,
                              network_info=self.network_info)
            instance.power_state = self.driver.get_info(instance).state
        instance.vm_state = vm_states.ACTIVE
        instance.task_state = None
        instance.launched_at = timeutils.utcnow(True)
        instance.progress = 100
        instance.save(expected_task_state=task_states.SPAWNING)

    def _step(self, task_state, expected):
        self.instance.task_state = task_state
        self.instance.progress = BUILD_PROGRESS[task_state]
        self.instance.save(expected_task_state=expected)

    def _allocate_network(self):
        """The instance's NICs, allocated through the network API.

        NOTE: as in Nova, a failed allocation is not rescheduled: another
        host would meet the same full network or missing network.

        :raises: BuildAbortException when the allocation fails.
        """
        try:
            self.network_info = (
                self.manager.network_api.allocate_for_instance(
                    self.context, self.instance, self.requested_networks))
        except Exception as error:
            LOG.exception('Failed to allocate network(s) of %s',
                          self.instance.uuid)
            if isinstance(error, exception.NovaException):
                reason = error.format_message()
            else:
                reason = str(error) or type(error).__name__
            raise exception.BuildAbortException(
                instance_uuid=self.instance.uuid,
                reason='Failed to allocate the network(s), not '
                       'rescheduling: %s' % reason)
        return self.network_info

    def _release_network(self):
        release_network(self.manager, self.context, self.instance)
        self.network_info = None

    def _cleanup_guest(self):
        destroy_guest(self.manager, self.context, self.instance,
                      self.network_info)

    def _settle(self, handler, error):
        """Free what the build made here, then record its failure with
        ``handler``; retried in the background if that fails."""
        self._cleanup_guest()
        self._release_network()
        try:
            handler(error)
        except OVERTAKEN:
            return
        except Exception:
            LOG.exception('Could not record the failed build of %s; '
                          'retrying in the background', self.instance.uuid)
            utils.spawn_n(retry_settle, handler, error, self.instance.uuid)

    def _reschedule(self, error):
        """Record why this host failed, then hand the rest to the conductor.

        The conductor claims the next alternate, or puts the instance in
        ERROR when none is left.
        """
        instance = self.instance
        # NOTE: the guarded save first: a build overtaken (deleted, timed
        # out) must not get a fault that says it was rescheduled.
        instance.host = None
        instance.node = None
        instance.task_state = task_states.SCHEDULING
        instance.power_state = power_state.NOSTATE
        instance.save(expected_task_state=[
            task_states.NETWORKING, task_states.BLOCK_DEVICE_MAPPING,
            task_states.SPAWNING, task_states.SCHEDULING])
        objects.InstanceFault.from_exception(
            self.context, instance.uuid,
            exception.RescheduledException(instance_uuid=instance.uuid,
                                           reason=str(error)),
            host=self.manager.host).create()
        alternates = self.host_list[1:]
        self.manager.compute_task_api.build_instances(
            self.context, instances=[instance], image=self.image,
            request_spec=self.request_spec,
            admin_password=self.admin_password,
            injected_files=self.injected_files,
            requested_networks=self.requested_networks,
            host_lists=[alternates])

    def _abort(self, error):
        # NOTE: guarded, so a delete that overtook the build keeps the
        # instance; (error, no task) is allowed for a retried abort whose
        # save went through before its fault failed.
        set_build_error(self.manager, self.context, self.instance, error,
                        expected=list(task_states.BUILD_STATES) + [None],
                        expected_vm=[vm_states.BUILDING, vm_states.ERROR])


def retry_settle(handler, error, instance_uuid):
    """Call ``handler(error)`` until it succeeds (or the build was
    overtaken), waiting longer between the attempts up to a cap.

    NOTE: runs without the instance's lock or a build slot: a delete may
    overtake it, which ends the retries.
    """
    delay = SETTLE_RETRY_FIRST
    while True:
        utils.sleep(delay)
        try:
            handler(error)
        except OVERTAKEN:
            return
        except Exception as retry_error:
            LOG.warning('Still cannot record the failed build of %s (%s); '
                        'next try in %.0f s', instance_uuid, retry_error,
                        min(delay * 2, SETTLE_RETRY_CAP))
            delay = min(delay * 2, SETTLE_RETRY_CAP)
            continue
        LOG.info('Recorded the failed build of %s', instance_uuid)
        return


def destroy_guest(manager, context, instance, network_info=None):
    """Destroy whatever guest a failed build left; errors are logged."""
    try:
        manager.driver.destroy(context, instance, network_info=network_info)
    except Exception:
        LOG.exception('Could not clean up guest of %s', instance.uuid)


def release_network(manager, context, instance):
    """Free the instance's addresses after a build that failed."""
    try:
        manager.network_api.deallocate_for_instance(context, instance)
    except Exception:
        # NOTE: the build's own error is the one worth reporting; the
        # addresses go when the instance is deleted.
        LOG.exception('Could not release the network(s) of %s',
                      instance.uuid)


def set_build_error(manager, context, instance, error, expected=None,
                    expected_vm=None):
    """ERROR, no task, a fault saying ``error``, and no allocation.

    :param expected: the task states the instance may be in (any when
        None).
    :param expected_vm: the vm states it may be in (any when None).
    :raises: what the save raises (OVERTAKEN when another request has
        the instance), and errors reaching the conductor.
    """
    # NOTE: the fault first: a client that sees ERROR sees why (a fault
    # left by a save that then loses its race shows on no settled server).
    objects.InstanceFault.from_exception(context, instance.uuid, error,
                                         host=manager.host).create()
    instance.vm_state = vm_states.ERROR
    instance.task_state = None
    instance.save(
        expected_task_state=None if expected is None else list(expected),
        expected_vm_state=None if expected_vm is None else list(expected_vm))
    objects.Allocation.delete_by_consumer(context, instance.uuid)


def fail_build(manager, context, instance, error):
    """Fail a build that will never finish here: its guest and addresses
    go, the instance goes to ERROR with ``error`` as its fault and gives
    its allocation back, as after a failed build.

    NOTE: guarded on the task state the instance was read in, so a build
    that finished (or a delete) in the meantime is left alone.

    :returns: True when the instance was failed.
    """
    expected = [instance.task_state]
    destroy_guest(manager, context, instance,
                  instance.network_info
                  if instance.obj_attr_is_set('network_info') else None)
    release_network(manager, context, instance)
    try:
        set_build_error(manager, context, instance, error, expected)
    except OVERTAKEN:
        return False
    instance_actions.finish_open_events(context, instance.uuid, error,
                                        host=manager.host)
    return True


def check_instance_build_time(manager, context, timeout):
    """Fail the builds on this host older than ``timeout`` seconds
    (``[DEFAULT] instance_build_timeout``), as Nova's periodic
    ``_check_instance_build_time`` does; they free what they hold.

    :returns: how many builds were failed.
    """
    filters = {'vm_state': vm_states.BUILDING, 'host': manager.host}
    failed = 0
    for instance in objects.InstanceList.get_by_filters(context, filters):
        if not timeutils.is_older_than(instance.created_at, timeout):
            continue
        LOG.warning('Build of instance %s has taken longer than %d s; '
                    'setting it to ERROR', instance.uuid, timeout)
        error = exception.InstanceBuildTimeout(timeout=timeout)
        if fail_build(manager, context, instance, error):
            failed += 1
    return failed

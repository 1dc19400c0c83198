"""Builds one instance on this host: the task-state walk, the spawn, and
what happens when it fails (reschedule, abort, or a delete that won)."""

import time

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_lite import exception
from nova_lite import objects
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite.states import vm_states

LOG = logging.getLogger(__name__)

BUILD_EVENT = 'compute_build_and_run_instance'

# NOTE: the build gave way to a delete; the delete's own path cleans up.
DELETED_DURING_BUILD = (exception.InstanceNotFound,
                        exception.UnexpectedDeletingTaskStateError)

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
        instance = self.instance
        # NOTE: this runs on its own green thread; put the request's
        # context back in the thread store so its request id is logged.
        self.context.update_store()
        started = time.monotonic()
        LOG.info('Building instance %s on %s', instance.uuid,
                 self.manager.host)
        self._event_start()
        try:
            self._build()
        except DELETED_DURING_BUILD:
            LOG.info('Instance %s was deleted during its build',
                     instance.uuid)
            self._cleanup_guest()
            self._release_network()
            self._event_finish('Error')
        except exception.BuildAbortException as error:
            LOG.error('Build of %s aborted: %s', instance.uuid,
                      error.format_message())
            self._cleanup_guest()
            self._release_network()
            self._set_error(error)
            self._event_finish('Error')
        except Exception as error:
            LOG.warning('Build of %s failed on %s, rescheduling: %s',
                        instance.uuid, self.manager.host, error)
            self._cleanup_guest()
            self._release_network()
            self._event_finish('Error')
            self._reschedule(error)
        else:
            self._event_finish('Success')
            LOG.info('Instance %s is ACTIVE after %.2f s on this host',
                     instance.uuid, time.monotonic() - started)

    def _build(self):
        instance = self.instance
        instance.launched_on = self.manager.host
        self._step(task_states.NETWORKING, task_states.SCHEDULING)
        # NOTE: saved with the next step, so the record holds the NICs
        # before the guest that uses them exists.
        instance.network_info = self._allocate_network()
        self._step(task_states.BLOCK_DEVICE_MAPPING, task_states.NETWORKING)
        self._step(task_states.SPAWNING, task_states.BLOCK_DEVICE_MAPPING)
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
        """Free the instance's addresses after a build that failed."""
        try:
            self.manager.network_api.deallocate_for_instance(self.context,
                                                             self.instance)
        except Exception:
            # NOTE: the build's own error is the one worth reporting; the
            # addresses go when the instance is deleted.
            LOG.exception('Could not release the network(s) of %s',
                          self.instance.uuid)
        self.network_info = None

    def _cleanup_guest(self):
        try:
            self.driver.destroy(self.context, self.instance,
                                network_info=self.network_info)
        except Exception:
            LOG.exception('Could not clean up guest of %s',
                          self.instance.uuid)

    def _reschedule(self, error):
        """Record why this host failed, then hand the rest to the conductor.

        The conductor claims the next alternate, or puts the instance in
        ERROR when none is left.
        """
        instance = self.instance
        objects.InstanceFault.from_exception(
            self.context, instance.uuid,
            exception.RescheduledException(instance_uuid=instance.uuid,
                                           reason=str(error)),
            host=self.manager.host).create()
        instance.host = None
        instance.node = None
        instance.task_state = task_states.SCHEDULING
        instance.power_state = power_state.NOSTATE
        try:
            instance.save(expected_task_state=[
                task_states.NETWORKING, task_states.BLOCK_DEVICE_MAPPING,
                task_states.SPAWNING, task_states.SCHEDULING])
        except DELETED_DURING_BUILD:
            return
        alternates = self.host_list[1:]
        self.manager.compute_task_api.build_instances(
            self.context, instances=[instance], image=self.image,
            request_spec=self.request_spec,
            admin_password=self.admin_password,
            injected_files=self.injected_files,
            requested_networks=self.requested_networks,
            host_lists=[alternates])

    def _set_error(self, error):
        instance = self.instance
        instance.vm_state = vm_states.ERROR
        instance.task_state = None
        try:
            instance.save()
        except DELETED_DURING_BUILD:
            return
        objects.InstanceFault.from_exception(
            self.context, instance.uuid, error,
            host=self.manager.host).create()
        objects.Allocation.delete_by_consumer(self.context, instance.uuid)

    def _event_start(self):
        try:
            objects.InstanceActionEvent.event_start(
                self.context, self.instance.uuid, BUILD_EVENT,
                host=self.manager.host)
        except exception.InstanceActionNotFound:
            pass

    def _event_finish(self, result):
        try:
            objects.InstanceActionEvent.event_finish(
                self.context, self.instance.uuid, BUILD_EVENT, result)
        except exception.InstanceActionNotFound:
            pass

"""Rebuild on this host: the guest is destroyed and spawned again from a
new (or the same) image, keeping the instance's uuid, addresses and flavor;
and evacuation, the rebuild here of an instance whose host is down.

The walk (Nova's): REBUILDING -> REBUILD_BLOCK_DEVICE_MAPPING ->
REBUILD_SPAWNING -> ACTIVE, or back to STOPPED when the server was
stopped (Nova powers a rebuilt stopped server off again). A failure leaves
the instance in ERROR with a fault, as in Nova.
"""

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_lite.compute import power
from nova_lite.compute import resize
from nova_lite import conf
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite.states import vm_states

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# NOTE: the ``progress`` a server shows (in REBUILD); 100 once it is done.
PROGRESS = {
    task_states.REBUILDING: 10,
    task_states.REBUILD_BLOCK_DEVICE_MAPPING: 30,
    task_states.REBUILD_SPAWNING: 50,
}


class RebuildTask(power.PowerTask):
    """Destroy the guest and spawn it from ``image`` (an ImageMeta)."""

    event = 'compute_rebuild_instance'
    working_states = (task_states.REBUILDING,
                      task_states.REBUILD_BLOCK_DEVICE_MAPPING,
                      task_states.REBUILD_SPAWNING)

    def __init__(self, manager, context, instance, image,
                 admin_password=None, preserve_ephemeral=False):
        super().__init__(manager, context, instance)
        self.image = image
        self.admin_password = admin_password
        self.preserve_ephemeral = preserve_ephemeral

    def _step(self, task_state, expected):
        instance = self.instance
        instance.task_state = task_state
        instance.progress = PROGRESS[task_state]
        instance.save(expected_task_state=expected)

    def _do(self):
        instance = self.instance
        was_stopped = instance.vm_state == vm_states.STOPPED
        LOG.info('Rebuilding instance %s from image %s', instance.uuid,
                 self.image.id if self.image.obj_attr_is_set('id') else None)
        network_info = power._network_info(instance)
        self._step(task_states.REBUILDING, [task_states.REBUILDING])
        # NOTE: nova-lite's guests have no ephemeral disk of their own, so
        # preserve_ephemeral has nothing to keep: the root disk is always
        # made again from the new image.
        self.driver.destroy(self.context, instance,
                            network_info=network_info, destroy_disks=True)
        self._step(task_states.REBUILD_BLOCK_DEVICE_MAPPING,
                   [task_states.REBUILDING])
        self._step(task_states.REBUILD_SPAWNING,
                   [task_states.REBUILD_BLOCK_DEVICE_MAPPING])
        self.driver.spawn(self.context, instance, self.image, [],
                          self.admin_password, allocations=None,
                          network_info=network_info)
        if was_stopped:
            self.driver.power_off(instance)
        instance.power_state = self._power_state()
        instance.vm_state = (vm_states.STOPPED if was_stopped
                             else vm_states.ACTIVE)
        instance.task_state = None
        instance.progress = 100
        instance.launched_at = timeutils.utcnow(True)
        instance.save(expected_task_state=[task_states.REBUILD_SPAWNING])

    def _fail(self, error):
        """A rebuild that broke leaves no usable guest: ERROR."""
        self._add_fault(error)
        instance = self.instance
        instance.power_state = self._power_state_after_error()
        instance.vm_state = vm_states.ERROR
        instance.task_state = None
        try:
            instance.save(expected_task_state=list(self.working_states))
        except power.OVERTAKEN:
            pass


class EvacuateTask(RebuildTask):
    """On the new host of an instance whose host is down: spawn it here
    from its image, with its addresses (the old host's copy is destroyed
    by that host when it comes back).

    A failure leaves nothing here: the claim goes, the instance stays
    recorded on its old host in ERROR with a fault (another evacuate may
    follow), and the migration is ``failed``.
    """

    def __init__(self, manager, context, instance, image, migration,
                 admin_password=None, target_state=None, node=None):
        super().__init__(manager, context, instance, image, admin_password)
        self.migration = migration
        self.target_state = target_state
        self.node = node
        self.spawned = False

    def _do(self):
        instance = self.instance
        migration = self.migration
        stopped = (self.target_state == vm_states.STOPPED or
                   (self.target_state is None and
                    instance.vm_state == vm_states.STOPPED))
        LOG.info('Evacuating instance %s here from %s', instance.uuid,
                 migration.source_compute)
        network_info = power._network_info(instance)
        instance.host = self.manager.host
        instance.node = self.node or self.manager.host
        self._step(task_states.REBUILD_BLOCK_DEVICE_MAPPING,
                   [task_states.REBUILDING])
        self._step(task_states.REBUILD_SPAWNING,
                   [task_states.REBUILD_BLOCK_DEVICE_MAPPING])
        self.spawned = True
        self.driver.spawn(self.context, instance, self.image, [],
                          self.admin_password, allocations=None,
                          network_info=network_info)
        if stopped:
            self.driver.power_off(instance)
        migration.status = 'done'
        migration.save()
        instance.power_state = self._power_state()
        instance.vm_state = vm_states.STOPPED if stopped else vm_states.ACTIVE
        instance.task_state = None
        instance.progress = 100
        instance.launched_at = timeutils.utcnow(True)
        instance.save(expected_task_state=[task_states.REBUILD_SPAWNING])

    def _fail(self, error):
        instance = self.instance
        migration = self.migration
        if self.spawned:
            try:
                self.driver.destroy(self.context, instance,
                                    network_info=power._network_info(
                                        instance), destroy_disks=True)
            except Exception:
                LOG.exception('Cannot remove the failed evacuation of %s',
                              instance.uuid)
        self._add_fault(error)
        try:
            resize.give_back_allocation(self.context, instance, migration)
            migration.status = 'failed'
            migration.save()
        except Exception:
            LOG.exception('Cannot give back the claim of the failed '
                          'evacuation of %s', instance.uuid)
        instance.host = migration.source_compute
        instance.node = migration.source_node
        instance.power_state = power_state.NOSTATE
        instance.vm_state = vm_states.ERROR
        instance.task_state = None
        try:
            instance.save(expected_task_state=list(self.working_states))
        except power.OVERTAKEN:
            pass

"""Resize and cold migration on this host: the steps a resize (or a cold
migration: a resize to the same flavor on another host) takes on the
destination and on the source, its confirm and its revert, and the
auto-confirm of resizes left in VERIFY_RESIZE.

The walk (Nova's): the destination notes the flavors (``prep_resize``),
the source powers the guest off and hands its disk over
(``resize_instance``: RESIZE_MIGRATING -> RESIZE_MIGRATED, the instance
now on the destination), the destination sets the guest up with the new
flavor (``finish_resize``: RESIZE_FINISH -> vm_state RESIZED, the API's
VERIFY_RESIZE). A confirm drops the source's copy and its allocation; a
revert destroys the new guest, gives the allocation back and starts the
old guest again with the old flavor. The two hosts may be one.

Each step holds the instance's lock and records its instance action event.
The flavors of the resize stay in ``system_metadata`` (``old_flavor``,
``new_flavor`` as JSON; ``old_vm_state``) until the resize is confirmed or
reverted, where Nova keeps ``instance.old_flavor`` / ``new_flavor``.
"""

from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova_lite.compute import instance_actions
from nova_lite.compute import power
from nova_lite import conf
from nova_lite import exception
from nova_lite import objects
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite.states import vm_states

CONF = conf.CONF
LOG = logging.getLogger(__name__)

OLD_FLAVOR = 'old_flavor'
NEW_FLAVOR = 'new_flavor'
OLD_VM_STATE = 'old_vm_state'

# NOTE: the ``progress`` a server shows (in RESIZE) as its resize walks
# the steps; 100 once it is in VERIFY_RESIZE.
PROGRESS = {
    task_states.RESIZE_PREP: 10,
    task_states.RESIZE_MIGRATING: 25,
    task_states.RESIZE_MIGRATED: 50,
    task_states.RESIZE_FINISH: 75,
}


# Task states a restart of a compute service can leave behind mid-resize or
# mid-rebuild on this host; see :func:`settle_interrupted`.
INTERRUPTED_STATES = (
    task_states.RESIZE_PREP, task_states.RESIZE_MIGRATING,
    task_states.RESIZE_MIGRATED, task_states.RESIZE_FINISH,
    task_states.RESIZE_REVERTING, task_states.REBUILDING,
    task_states.REBUILD_BLOCK_DEVICE_MAPPING, task_states.REBUILD_SPAWNING)


def _flavor_to_sysmeta(flavor):
    return jsonutils.dumps(flavor.obj_to_primitive())


def flavor_from_sysmeta(instance, key):
    """The flavor kept under ``key`` of the instance's system_metadata."""
    text = instance.system_metadata.get(key)
    if not text:
        return None
    return objects.Flavor.obj_from_primitive(jsonutils.loads(text))


def _set_flavor(instance, flavor):
    instance.flavor = flavor
    instance.instance_type_id = flavor.id
    instance.vcpus = flavor.vcpus
    instance.memory_mb = flavor.memory_mb
    instance.root_gb = flavor.root_gb
    instance.ephemeral_gb = flavor.ephemeral_gb


def _forget_resize(instance):
    system_metadata = dict(instance.system_metadata)
    for key in (OLD_FLAVOR, NEW_FLAVOR, OLD_VM_STATE):
        system_metadata.pop(key, None)
    instance.system_metadata = system_metadata


def _network_info(instance):
    if instance.obj_attr_is_set('network_info'):
        return instance.network_info
    return None


class ResizeTask(power.PowerTask):
    """One step of a resize of ``instance`` under ``migration``.

    A failure puts the migration in error and the instance in ERROR with a
    fault (Nova's rule for a resize that broke half way); a step that can
    undo itself overrides :meth:`_fail`.
    """

    def __init__(self, manager, context, instance, migration):
        super().__init__(manager, context, instance)
        self.migration = migration

    def _step(self, task_state, expected):
        instance = self.instance
        instance.task_state = task_state
        instance.progress = PROGRESS[task_state]
        instance.save(expected_task_state=expected)

    def _set_migration_status(self, status):
        self.migration.status = status
        self.migration.save()

    def _fail(self, error):
        self._add_fault(error)
        try:
            self._set_migration_status('error')
        except Exception:
            LOG.exception('Cannot record the failed migration %s',
                          self.migration.uuid)
        instance = self.instance
        instance.vm_state = vm_states.ERROR
        instance.task_state = None
        try:
            instance.save()
        except power.OVERTAKEN:
            pass


class PrepResizeTask(ResizeTask):
    """On the destination: keep the flavors, then call on the source."""

    event = 'compute_prep_resize'
    working_states = (task_states.RESIZE_PREP,)

    def __init__(self, manager, context, instance, migration, flavor,
                 clean_shutdown=True):
        super().__init__(manager, context, instance, migration)
        self.flavor = flavor
        self.clean_shutdown = clean_shutdown

    def _do(self):
        instance = self.instance
        LOG.info('Preparing the resize of instance %s to flavor %s',
                 instance.uuid, self.flavor.flavorid)
        system_metadata = dict(instance.system_metadata)
        system_metadata[OLD_FLAVOR] = _flavor_to_sysmeta(instance.flavor)
        system_metadata[NEW_FLAVOR] = _flavor_to_sysmeta(self.flavor)
        system_metadata[OLD_VM_STATE] = instance.vm_state
        instance.system_metadata = system_metadata
        self._step(task_states.RESIZE_PREP, [task_states.RESIZE_PREP])
        self.manager.compute_rpcapi.resize_instance(
            self.context, instance=instance, migration=self.migration,
            flavor=self.flavor, host=self.migration.source_compute,
            clean_shutdown=self.clean_shutdown)

    def _fail(self, error):
        rollback(self, error)


class ResizeInstanceTask(ResizeTask):
    """On the source: power the guest off and hand its disk over."""

    event = 'compute_resize_instance'
    working_states = (task_states.RESIZE_PREP, task_states.RESIZE_MIGRATING,
                      task_states.RESIZE_MIGRATED)

    def __init__(self, manager, context, instance, migration, flavor,
                 clean_shutdown=True):
        super().__init__(manager, context, instance, migration)
        self.flavor = flavor
        self.clean_shutdown = clean_shutdown
        self.powered_off = False

    def _do(self):
        instance = self.instance
        migration = self.migration
        self._set_migration_status('migrating')
        self._step(task_states.RESIZE_MIGRATING, [task_states.RESIZE_PREP])
        if self.clean_shutdown:
            timeout = CONF.shutdown_timeout
            retry_interval = CONF.compute.shutdown_retry_interval
        else:
            timeout = retry_interval = 0
        LOG.info('Migrating the disk of instance %s to %s', instance.uuid,
                 migration.dest_compute)
        disk_info = self.driver.migrate_disk_and_power_off(
            self.context, instance, migration.dest_compute, self.flavor,
            _network_info(instance), timeout=timeout,
            retry_interval=retry_interval)
        self.powered_off = True
        self._set_migration_status('post-migrating')
        instance.host = migration.dest_compute
        instance.node = migration.dest_node
        instance.power_state = power_state.SHUTDOWN
        self._step(task_states.RESIZE_MIGRATED,
                   [task_states.RESIZE_MIGRATING])
        self.manager.compute_rpcapi.finish_resize(
            self.context, instance=instance, migration=migration,
            disk_info=disk_info, host=migration.dest_compute)

    def _fail(self, error):
        if self.powered_off:
            # NOTE: the disks were set aside here but the destination was
            # never told: put them back and start the guest again, so the
            # server runs on here as before (with a fault).
            old_vm_state = self.instance.system_metadata.get(OLD_VM_STATE)
            try:
                self.driver.finish_revert_migration(
                    self.context, self.instance,
                    _network_info(self.instance), self.migration,
                    power_on=old_vm_state != vm_states.STOPPED)
            except Exception:
                LOG.exception('Cannot restore instance %s on this host',
                              self.instance.uuid)
                super()._fail(error)
                return
            self.instance.power_state = self._power_state()
        # NOTE: Nova's rollback: the instance as it was on this host.
        rollback(self, error)


class FinishResizeTask(ResizeTask):
    """On the destination: the guest with the new flavor; VERIFY_RESIZE."""

    event = 'compute_finish_resize'
    working_states = (task_states.RESIZE_MIGRATED, task_states.RESIZE_FINISH)

    def __init__(self, manager, context, instance, migration, disk_info):
        super().__init__(manager, context, instance, migration)
        self.disk_info = disk_info

    def _do(self):
        instance = self.instance
        new_flavor = flavor_from_sysmeta(instance, NEW_FLAVOR)
        old_vm_state = instance.system_metadata.get(OLD_VM_STATE)
        _set_flavor(instance, new_flavor)
        self._step(task_states.RESIZE_FINISH, [task_states.RESIZE_MIGRATED])
        image_meta = objects.ImageMeta.from_dict({'id': instance.image_ref})
        power_on = old_vm_state != vm_states.STOPPED
        LOG.info('Finishing the resize of instance %s (power on: %s)',
                 instance.uuid, power_on)
        self.driver.finish_migration(
            self.context, self.migration, instance, self.disk_info,
            _network_info(instance), image_meta, resize_instance=True,
            power_on=power_on)
        self._set_migration_status('finished')
        instance.power_state = self._power_state()
        instance.vm_state = vm_states.RESIZED
        instance.task_state = None
        instance.progress = 100
        instance.save(expected_task_state=[task_states.RESIZE_FINISH])

    def _fail(self, error):
        """The guest could not be set up here: remove what was made here
        and hand the instance back to the source, which starts its old
        guest again (the server ends as before the move, with a fault)."""
        instance = self.instance
        migration = self.migration
        LOG.warning('Finishing the %s of instance %s failed; reverting to '
                    '%s', migration.migration_type, instance.uuid,
                    migration.source_compute)
        self._add_fault(error)
        try:
            self.driver.destroy(self.context, instance,
                                network_info=_network_info(instance),
                                destroy_disks=True)
        except Exception:
            LOG.exception('Cannot remove the failed copy of %s',
                          instance.uuid)
        try:
            give_back_allocation(self.context, instance, migration)
            self._set_migration_status('error')
            instance.host = migration.source_compute
            instance.node = migration.source_node
            instance.task_state = task_states.RESIZE_REVERTING
            instance.save(expected_task_state=list(self.working_states))
        except power.OVERTAKEN:
            return
        except Exception:
            LOG.exception('Cannot hand instance %s back to %s',
                          instance.uuid, migration.source_compute)
            super()._fail(error)
            return
        self.manager.compute_rpcapi.finish_revert_resize(
            self.context, instance=instance, migration=migration,
            host=migration.source_compute)


class ConfirmResizeTask(ResizeTask):
    """On the source: drop the old copy and the old allocation."""

    event = 'compute_confirm_resize'

    def _do(self):
        instance = self.instance
        migration = self.migration
        LOG.info('Confirming the resize of instance %s', instance.uuid)
        self.driver.confirm_migration(self.context, migration, instance,
                                      _network_info(instance))
        objects.Allocation.delete_by_consumer(self.context, migration.uuid)
        self._set_migration_status('confirmed')
        _forget_resize(instance)
        # NOTE: as Nova: a guest that is off stays off (STOPPED).
        instance.vm_state = (vm_states.STOPPED
                             if instance.power_state != power_state.RUNNING
                             else vm_states.ACTIVE)
        instance.task_state = None
        # NOTE: a delete that came meanwhile (task DELETING) wins.
        instance.save(expected_vm_state=[vm_states.RESIZED],
                      expected_task_state=[None])

    def _fail(self, error):
        # NOTE: the resized guest runs; only the source's leftovers stay.
        self._add_fault(error)
        try:
            self._set_migration_status('error')
        except Exception:
            LOG.exception('Cannot record the failed migration %s',
                          self.migration.uuid)


class RevertResizeTask(ResizeTask):
    """On the destination: destroy the new guest, hand back to the source."""

    event = 'compute_revert_resize'
    working_states = (task_states.RESIZE_REVERTING,)

    def _do(self):
        instance = self.instance
        migration = self.migration
        LOG.info('Reverting the resize of instance %s', instance.uuid)
        self.driver.destroy(self.context, instance,
                            network_info=_network_info(instance),
                            destroy_disks=True)
        give_back_allocation(self.context, instance, migration)
        instance.host = migration.source_compute
        instance.node = migration.source_node
        instance.save(expected_task_state=[task_states.RESIZE_REVERTING])
        self.manager.compute_rpcapi.finish_revert_resize(
            self.context, instance=instance, migration=migration,
            host=migration.source_compute)


class FinishRevertResizeTask(ResizeTask):
    """On the source: the old guest with the old flavor again."""

    event = 'compute_finish_revert_resize'
    working_states = (task_states.RESIZE_REVERTING,)

    def _do(self):
        instance = self.instance
        old_flavor = flavor_from_sysmeta(instance, OLD_FLAVOR)
        old_vm_state = instance.system_metadata.get(OLD_VM_STATE)
        if old_flavor is not None:
            _set_flavor(instance, old_flavor)
            restore_request_spec_flavor(self.context, instance, old_flavor)
        power_on = old_vm_state != vm_states.STOPPED
        LOG.info('Finishing the revert of instance %s (power on: %s)',
                 instance.uuid, power_on)
        self.driver.finish_revert_migration(
            self.context, instance, _network_info(instance), self.migration,
            power_on=power_on)
        if self.migration.status != 'error':
            # NOTE: a move that failed on the destination comes back here
            # too; its migration stays in error.
            self._set_migration_status('reverted')
        _forget_resize(instance)
        instance.power_state = self._power_state()
        instance.vm_state = (vm_states.ACTIVE if power_on
                             else vm_states.STOPPED)
        instance.task_state = None
        instance.progress = 100
        instance.save(expected_task_state=[task_states.RESIZE_REVERTING])


def give_back_allocation(context, instance, migration):
    """Drop the destination's allocation and give the source's, held by
    the migration, back to the instance."""
    objects.Allocation.delete_by_consumer(context, instance.uuid)
    objects.Migration.move_allocations(context, migration.uuid,
                                       instance.uuid)


def restore_request_spec_flavor(context, instance, flavor):
    try:
        spec = objects.RequestSpec.get_by_instance_uuid(context,
                                                        instance.uuid)
    except exception.RequestSpecNotFound:
        return
    spec.flavor = flavor
    spec.save()


def rollback(task, error):
    """Undo a resize that has not touched the guest yet: the instance
    stays on the source in its vm_state, the allocations are as before,
    a fault says why, the migration is in error."""
    instance = task.instance
    migration = task.migration
    LOG.warning('Rolling back the resize of instance %s: %s', instance.uuid,
                error)
    task._add_fault(error)
    try:
        give_back_allocation(task.context, instance, migration)
        old_flavor = flavor_from_sysmeta(instance, OLD_FLAVOR)
        if old_flavor is not None:
            restore_request_spec_flavor(task.context, instance, old_flavor)
        task._set_migration_status('error')
    except Exception:
        LOG.exception('Rollback of the resize of %s is incomplete',
                      instance.uuid)
    _forget_resize(instance)
    instance.host = migration.source_compute
    instance.node = migration.source_node
    instance.task_state = None
    try:
        instance.save(expected_task_state=list(task.working_states))
    except power.OVERTAKEN:
        pass


def settle_interrupted(manager, context, instance):
    """A resize or rebuild that a restart of this service cut short can
    never finish: as Nova does, the instance goes to ERROR with a fault
    (an admin's reset-state or a rebuild brings it back) rather than stay
    in RESIZE or REBUILD forever."""
    LOG.warning('Instance %s was in task state %s when the service '
                'stopped; setting it to ERROR', instance.uuid,
                instance.task_state)
    task = instance.task_state
    instance.vm_state = vm_states.ERROR
    instance.task_state = None
    try:
        instance.save(expected_task_state=[task])
    except power.OVERTAKEN:
        return
    objects.InstanceFault.from_exception(
        context, instance.uuid,
        exception.ResizeError(reason='the compute service restarted during '
                                     'the %s' % task),
        host=manager.host).create()


def poll_unconfirmed_resizes(manager, context):
    """Confirm the resizes onto this host that waited in VERIFY_RESIZE
    longer than ``[DEFAULT] resize_confirm_window`` seconds, as a user's
    confirm would (an instance action, a cast to the source)."""
    window = CONF.resize_confirm_window
    if window <= 0:
        return
    migrations = objects.MigrationList.get_unconfirmed_by_dest_compute(
        context, window, manager.host)
    for migration in migrations:
        try:
            instance = objects.Instance.get_by_uuid(context,
                                                    migration.instance_uuid)
        except exception.InstanceNotFound:
            migration.status = 'error'
            migration.save()
            continue
        if (instance.vm_state != vm_states.RESIZED or
                instance.task_state is not None):
            # NOTE: as Nova: a RESIZED instance busy with a task waits
            # for the next round; any other state ends the migration.
            if instance.vm_state != vm_states.RESIZED:
                migration.status = 'error'
                migration.save()
            continue
        LOG.info('Automatically confirming the resize of instance %s '
                 '(migration %s)', instance.uuid, migration.uuid)
        migration.status = 'confirming'
        migration.save()
        objects.InstanceAction.action_start(context, instance.uuid,
                                            instance_actions.CONFIRM_RESIZE)
        manager.compute_rpcapi.confirm_resize(
            context, instance=instance, migration=migration,
            host=migration.source_compute)

"""Live migration on this host: the checks on both ends, the source's run
of the move, and each end's part after success or failure.

The walk (Nova's): the destination checks it can take the guest and asks
the source (``check_can_live_migrate_*``, before anything changes); the
source prepares the destination (``pre_live_migration``: status
``preparing``), moves the running guest (``running``), then cleans up
its copy and hands the instance over (``post-migrating``, then the
destination records it as its own: ``completed``). A failure or an abort
after the destination was prepared rolls it back there; the guest goes
on running here, the destination's claim is dropped and the instance
holds its source allocation again (``error``, or ``cancelled`` for an
abort). Nothing stays in MIGRATING: a restart of the source settles it.
"""

from oslo_log import log as logging

from nova_lite.compute import power
from nova_lite.compute import resize
from nova_lite import exception
from nova_lite import objects
from nova_lite.objects import migration as migration_obj
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite.states import vm_states

LOG = logging.getLogger(__name__)


def _hypervisor_facts(context, host, node):
    """What the driver's checks need to know of a host's hypervisor."""
    try:
        node = objects.ComputeNode.get_by_host_and_nodename(context, host,
                                                            node)
    except exception.NotFound:
        return {}
    return {'cpu_info': node.cpu_info,
            'hypervisor_type': node.hypervisor_type,
            'hypervisor_version': node.hypervisor_version}


def check_can_live_migrate_destination(manager, context, instance,
                                       block_migration):
    """On the destination: the driver's check here, then the source's.

    :returns: migrate_data both agreed on.
    """
    driver = manager.driver
    src_info = _hypervisor_facts(context, instance.host, instance.node)
    dst_info = _hypervisor_facts(context, manager.host, manager.host)
    if (src_info.get('hypervisor_type') and dst_info.get('hypervisor_type')
            and src_info['hypervisor_type'] != dst_info['hypervisor_type']):
        raise exception.MigrationPreCheckError(
            reason='the hypervisor types differ (%s on %s, %s here)' % (
                src_info['hypervisor_type'], instance.host,
                dst_info['hypervisor_type']))
    dest_check = driver.check_can_live_migrate_destination(
        context, instance, src_info, dst_info,
        block_migration=block_migration)
    try:
        return manager.compute_rpcapi.check_can_live_migrate_source(
            context, instance=instance, migrate_data=dest_check,
            host=instance.host)
    finally:
        driver.cleanup_live_migration_destination_check(context, dest_check)


class LiveMigrationTask(power.PowerTask):
    """On the source: prepare the destination, move the guest, and finish
    (or roll back) on both ends."""

    event = 'compute_live_migration'
    working_states = (task_states.MIGRATING,)

    def __init__(self, manager, context, instance, dest, migration,
                 migrate_data):
        super().__init__(manager, context, instance)
        self.dest = dest
        self.migration = migration
        self.migrate_data = dict(migrate_data or {})
        # NOTE: the destination was asked to prepare (its rollback is
        # idempotent, so a failed or half-done preparation is undone too).
        self.prepared = False
        self.aborted = False
        self.succeeded = False
        self._error = None

    def _set_status(self, status):
        self.migration.status = status
        self.migration.save()

    def _check_aborted(self):
        if self.aborted:
            raise exception.LiveMigrationError(
                instance_uuid=self.instance.uuid,
                reason='aborted by request')

    def _do(self):
        instance = self.instance
        self._check_aborted()
        self._set_status('preparing')
        LOG.info('Preparing %s for the live migration of instance %s',
                 self.dest, instance.uuid)
        disk_info = self.driver.get_instance_disk_info(instance)
        self.prepared = True
        self.migrate_data = self.manager.compute_rpcapi.pre_live_migration(
            self.context, instance=instance, disk_info=disk_info,
            migrate_data=self.migrate_data, host=self.dest)
        self._check_aborted()
        self._set_status('running')
        LOG.info('Live-migrating instance %s to %s (block migration: %s)',
                 instance.uuid, self.dest,
                 self.migrate_data.get('block_migration'))
        self.driver.live_migration(
            self.context, instance, self.dest, self._post, self._recover,
            block_migration=bool(self.migrate_data.get('block_migration')),
            migrate_data=self.migrate_data, migration=self.migration)
        if not self.succeeded:
            raise self._error or exception.LiveMigrationError(
                instance_uuid=instance.uuid, reason='unknown')

    def _post(self, context, instance, dest, block_migration, migrate_data):
        """The guest runs on ``dest``: clean up here, hand it over."""
        LOG.info('Instance %s now runs on %s', instance.uuid, dest)
        self.succeeded = True
        self._set_status('post-migrating')
        try:
            self.driver.post_live_migration(context, instance, migrate_data)
            self.driver.post_live_migration_at_source(
                context, instance, power._network_info(instance))
        except Exception:
            # NOTE: the guest runs on the destination whatever is left
            # here; the clean-up of leftovers must not undo the move.
            LOG.exception('Clean-up after the live migration of %s failed '
                          'on this host', instance.uuid)
        objects.Allocation.delete_by_consumer(context, self.migration.uuid)
        try:
            self.manager.compute_rpcapi.post_live_migration_at_destination(
                context, instance=instance, migration=self.migration,
                migrate_data=migrate_data, host=dest)
        except Exception as error:
            LOG.exception('%s could not take instance %s over; recording '
                          'it there from here', dest, instance.uuid)
            self._add_fault(error)
            self.migration.status = 'error'
            self.migration.save()
            instance.host = dest
            instance.node = self.migration.dest_node or dest
            instance.task_state = None
            instance.save(expected_task_state=[task_states.MIGRATING])

    def _recover(self, context, instance, dest, migrate_data, error=None):
        """The guest still runs here: keep the failure for :meth:`_fail`."""
        self._error = error or exception.LiveMigrationError(
            instance_uuid=instance.uuid, reason='the hypervisor gave up')

    def _fail(self, error):
        instance = self.instance
        aborted = self.aborted
        LOG.warning('Live migration of instance %s to %s %s: %s',
                    instance.uuid, self.dest,
                    'was aborted' if aborted else 'failed', error)
        if self.prepared:
            try:
                self.manager.compute_rpcapi.\
                    rollback_live_migration_at_destination(
                        self.context, instance=instance,
                        migrate_data=self.migrate_data, host=self.dest)
            except Exception:
                LOG.exception('Cannot ask %s to roll back', self.dest)
        try:
            resize.give_back_allocation(self.context, instance,
                                        self.migration)
            self._set_status('cancelled' if aborted else 'error')
        except Exception:
            LOG.exception('Rollback of the allocations of %s failed',
                          instance.uuid)
        if not aborted:
            self._add_fault(error)
        instance.power_state = self._power_state_after_error()
        instance.task_state = None
        try:
            instance.save(expected_task_state=[task_states.MIGRATING])
        except power.OVERTAKEN:
            pass


def post_live_migration_at_destination(manager, context, instance,
                                       migration, migrate_data):
    """On the destination: the guest runs here; the instance is ours."""
    driver = manager.driver
    network_info = power._network_info(instance)
    driver.post_live_migration_at_destination(
        context, instance, network_info,
        block_migration=bool((migrate_data or {}).get('block_migration')))
    state = power.current_power_state(driver, instance)
    if state == power_state.PAUSED and instance.vm_state == vm_states.ACTIVE:
        # NOTE: a force-complete paused the guest so that it converged;
        # it was running, so it runs on here.
        driver.unpause(instance)
        state = power.current_power_state(driver, instance)
    migration.status = 'completed'
    migration.save()
    instance.host = manager.host
    instance.node = migration.dest_node or manager.host
    instance.power_state = state
    instance.task_state = None
    instance.progress = 0
    instance.save(expected_task_state=[task_states.MIGRATING])
    LOG.info('Instance %s live-migrated here from %s', instance.uuid,
             migration.source_compute)


def settle_interrupted(manager, context, instance):
    """A live migration that a restart of the source cut short: the
    migration ends in error and the instance leaves MIGRATING (its guest
    is wherever the hypervisor left it; the power-state sync follows)."""
    LOG.warning('Instance %s was live-migrating when the service stopped; '
                'ending the migration', instance.uuid)
    migrations = objects.MigrationList.get_by_filters(
        context, {'instance_uuid': instance.uuid,
                  'migration_type': migration_obj.LIVE})
    for migration in migrations:
        if migration.status in migration_obj.LIVE_IN_PROGRESS:
            resize.give_back_allocation(context, instance, migration)
            migration.status = 'error'
            migration.save()
    instance.power_state = power.current_power_state(manager.driver,
                                                     instance)
    instance.task_state = None
    try:
        instance.save(expected_task_state=[task_states.MIGRATING])
    except power.OVERTAKEN:
        pass

"""MigrationTask: the conductor's part of a resize.

The scheduler picks (and claims on) a destination for the new flavor; the
source host's allocation is handed to the migration first, as Nova does
with placement, so both sizes are held until the resize is confirmed or
reverted and no host is over-committed. Then the destination is told to
prepare. When no host fits, everything goes back: the allocation returns
to the instance, the instance leaves its task with a fault, the migration
is in error, and the caller (the API) learns NoValidHost.
"""

from oslo_log import log as logging

from nova_lite.compute import task_states
from nova_lite.conductor.tasks import base
from nova_lite import conf
from nova_lite import exception
from nova_lite import objects

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# Nova's name of the conductor's event of a resize.
EVENT = 'conductor_migrate_server'


class MigrationTask(base.TaskBase):
    """Schedule one resize and hand it to the destination host."""

    def __init__(self, context, instance, flavor, migration, clean_shutdown,
                 scheduler_rpcapi, compute_rpcapi):
        super().__init__(context, instance)
        self.flavor = flavor
        self.migration = migration
        self.clean_shutdown = clean_shutdown
        self.scheduler_rpcapi = scheduler_rpcapi
        self.compute_rpcapi = compute_rpcapi
        self._held = False

    def _request_spec(self):
        """The instance's RequestSpec for the new flavor, without the
        forced host of its create, and without its current host unless
        ``[DEFAULT] allow_resize_to_same_host``."""
        instance = self.instance
        try:
            spec = objects.RequestSpec.get_by_instance_uuid(self.context,
                                                            instance.uuid)
        except exception.RequestSpecNotFound:
            spec = objects.RequestSpec(
                context=self.context, instance_uuid=instance.uuid,
                project_id=instance.project_id, user_id=instance.user_id,
                image=objects.ImageMeta.from_dict(
                    {'id': instance.image_ref}),
                availability_zone=instance.availability_zone)
        spec.flavor = self.flavor
        spec.num_instances = 1
        spec.force_hosts = []
        spec.force_nodes = []
        # NOTE: where the server was asked to boot (2.74) binds no move.
        spec.requested_destination = None
        spec.ignore_hosts = ([] if CONF.allow_resize_to_same_host
                             else [instance.host])
        return spec

    def _execute(self):
        instance = self.instance
        migration = self.migration
        LOG.info('Resizing instance %s from flavor %s to %s', instance.uuid,
                 migration.old_instance_type_id, self.flavor.flavorid)
        self._event_start()
        spec = self._request_spec()
        # NOTE: the source's allocation goes to the migration before the
        # scheduler claims the destination for the instance: on the same
        # host both are then counted.
        objects.Migration.move_allocations(self.context, instance.uuid,
                                           migration.uuid)
        self._held = True
        selection = self.scheduler_rpcapi.select_destinations(
            self.context, spec, [instance.uuid],
            return_alternates=False)[0][0]
        migration.dest_compute = selection.service_host
        migration.dest_node = selection.nodename
        migration.save()
        self._save_flavor()
        self._event_finish('Success')
        LOG.info('Resize of instance %s goes to %s', instance.uuid,
                 selection.service_host)
        self.compute_rpcapi.prep_resize(
            self.context, instance=instance, migration=migration,
            flavor=self.flavor, clean_shutdown=self.clean_shutdown,
            host=selection.service_host)

    def _save_flavor(self):
        """Keep the new flavor in the stored RequestSpec (a revert puts the
        old one back), so later scheduling sizes the instance right."""
        try:
            stored = objects.RequestSpec.get_by_instance_uuid(
                self.context, self.instance.uuid)
        except exception.RequestSpecNotFound:
            return
        stored.flavor = self.flavor
        stored.save()

    def rollback(self, error):
        """Nova's answer to a resize that cannot be scheduled."""
        instance = self.instance
        LOG.warning('Resize of instance %s failed in the conductor: %s',
                    instance.uuid, error)
        try:
            if self._held:
                objects.Allocation.delete_by_consumer(self.context,
                                                      instance.uuid)
                objects.Migration.move_allocations(
                    self.context, self.migration.uuid, instance.uuid)
            self.migration.status = 'error'
            self.migration.save()
            instance.task_state = None
            instance.save(expected_task_state=[task_states.RESIZE_PREP])
            objects.InstanceFault.from_exception(self.context, instance.uuid,
                                                 error).create()
        except (exception.InstanceNotFound,
                exception.UnexpectedTaskStateError):
            LOG.info('Instance %s changed during the failed resize',
                     instance.uuid)
        except Exception:
            LOG.exception('Rollback of the resize of %s failed',
                          instance.uuid)
        self._event_finish('Error')

    def _event_start(self):
        try:
            objects.InstanceActionEvent.event_start(
                self.context, self.instance.uuid, EVENT, host=CONF.host)
        except exception.InstanceActionNotFound:
            pass

    def _event_finish(self, result):
        try:
            objects.InstanceActionEvent.event_finish(
                self.context, self.instance.uuid, EVENT, result)
        except exception.InstanceActionNotFound:
            pass

"""The conductor's part of the moves that pick a new host: a resize or
cold migration (MigrationTask), a live migration
(:mod:`~nova_lite.conductor.tasks.live_migrate`) and an evacuation
(:mod:`~nova_lite.conductor.tasks.evacuate`).

The scheduler picks (and claims on) a destination; the source host's
allocation is handed to the migration first, as Nova does with placement,
so both hosts' resources are held until the move is confirmed, reverted,
completed or cleaned up, and no host is over-committed. When no host fits,
everything goes back: the allocation returns to the instance, the instance
leaves its task, the migration is in error, and the caller (the API)
learns why.
"""

from oslo_log import log as logging

from nova_lite.compute import instance_actions
from nova_lite.conductor.tasks import base
from nova_lite import conf
from nova_lite import exception
from nova_lite import objects
from nova_lite.objects import migration as migration_obj
from nova_lite.states import task_states

CONF = conf.CONF
LOG = logging.getLogger(__name__)


class MoveTask(base.TaskBase):
    """What the moves share: the request spec, the held allocation, the
    claim on the destination, and undoing both.

    :ivar event: the conductor's instance action event (Nova's name).
    :ivar task_state: the instance's task state while the move is here.
    """

    event = None
    task_state = None

    def __init__(self, context, instance, migration, scheduler_rpcapi,
                 compute_rpcapi, host_name=None, force=False):
        super().__init__(context, instance)
        self.migration = migration
        self.scheduler_rpcapi = scheduler_rpcapi
        self.compute_rpcapi = compute_rpcapi
        self.host_name = host_name
        self.force = force
        self._held = False
        self._claimed = False

    def execute(self):
        """Run the task inside its instance-action event (an error, after
        the rollback, fails the event and goes on up)."""
        with instance_actions.EventReporter(self.context, self.event,
                                            CONF.host, self.instance.uuid):
            return super().execute()

    def _ignore_source(self):
        return True

    def _request_spec(self, flavor):
        """The instance's RequestSpec for ``flavor``, without the forced
        host of its create and (unless :meth:`_ignore_source` says
        otherwise) without its current host; a requested destination must
        pass the filters, a forced one only claims."""
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
        spec.flavor = flavor
        spec.num_instances = 1
        spec.force_hosts = []
        spec.force_nodes = []
        # NOTE: where the server was asked to boot (2.74) binds no move.
        spec.requested_destination = None
        if self.host_name and self.force:
            spec.force_hosts = [self.host_name]
        elif self.host_name:
            spec.requested_destination = {'host': self.host_name,
                                          'node': None}
        spec.ignore_hosts = [instance.host] if self._ignore_source() else []
        return spec

    def _schedule(self, flavor):
        """Hold the source's allocation in the migration, then pick and
        claim the destination for the instance.

        :returns: the Selection.
        """
        instance = self.instance
        spec = self._request_spec(flavor)
        # NOTE: the source's allocation goes to the migration before the
        # scheduler claims the destination for the instance: on the same
        # host both are then counted.
        objects.Migration.move_allocations(self.context, instance.uuid,
                                           self.migration.uuid)
        self._held = True
        selection = self.scheduler_rpcapi.select_destinations(
            self.context, spec, [instance.uuid],
            return_alternates=False)[0][0]
        self._claimed = True
        self.migration.dest_compute = selection.service_host
        self.migration.dest_node = selection.nodename
        self.migration.save()
        return selection

    def _give_back(self):
        """Drop the destination's claim; the instance holds the source's
        allocation again."""
        if self._held:
            objects.Allocation.delete_by_consumer(self.context,
                                                  self.instance.uuid)
            objects.Migration.move_allocations(
                self.context, self.migration.uuid, self.instance.uuid)
            self._held = self._claimed = False

    def rollback(self, error):
        """Nova's answer to a move that cannot be scheduled (or checked):
        the instance as before, without a task."""
        instance = self.instance
        LOG.warning('%s of instance %s failed in the conductor: %s',
                    self.event, instance.uuid, error)
        try:
            self._give_back()
            self.migration.status = 'error'
            self.migration.save()
            instance.task_state = None
            instance.save(expected_task_state=[self.task_state])
            self._record_fault(error)
        except (exception.InstanceNotFound,
                exception.UnexpectedTaskStateError):
            LOG.info('Instance %s changed during the failed move',
                     instance.uuid)
        except Exception:
            LOG.exception('Rollback of the move of %s failed',
                          instance.uuid)

    def _record_fault(self, error):
        objects.InstanceFault.from_exception(self.context, self.instance.uuid,
                                             error).create()


class MigrationTask(MoveTask):
    """Schedule one resize or cold migration and hand it to the
    destination host."""

    event = 'conductor_migrate_server'
    task_state = task_states.RESIZE_PREP

    def __init__(self, context, instance, flavor, migration, clean_shutdown,
                 scheduler_rpcapi, compute_rpcapi, host_name=None):
        super().__init__(context, instance, migration, scheduler_rpcapi,
                         compute_rpcapi, host_name=host_name)
        self.flavor = flavor
        self.clean_shutdown = clean_shutdown

    def _ignore_source(self):
        # NOTE: a cold migration always leaves its host; a resize may stay
        # when the operator allows it.
        return (self.migration.migration_type != migration_obj.RESIZE or
                not CONF.allow_resize_to_same_host)

    def _execute(self):
        instance = self.instance
        migration = self.migration
        LOG.info('Scheduling the %s of instance %s (flavor %s to %s)',
                 migration.migration_type, instance.uuid,
                 migration.old_instance_type_id, self.flavor.flavorid)
        selection = self._schedule(self.flavor)
        self._save_flavor()
        # NOTE: the API's call may have timed out and put the instance
        # back (compute.api.API.resize); then the move must not go on.
        self._check_still_ours()
        LOG.info('The %s of instance %s goes to %s',
                 migration.migration_type, instance.uuid,
                 selection.service_host)
        self.compute_rpcapi.prep_resize(
            self.context, instance=instance, migration=migration,
            flavor=self.flavor, clean_shutdown=self.clean_shutdown,
            host=selection.service_host)

    def _check_still_ours(self):
        """:raises: UnexpectedTaskStateError when the instance left this
        move's task state (InstanceNotFound when it is gone)."""
        current = objects.Instance.get_by_uuid(self.context,
                                               self.instance.uuid)
        if current.task_state != self.task_state:
            raise exception.UnexpectedTaskStateError(
                instance_uuid=self.instance.uuid,
                expected=self.task_state, actual=current.task_state)

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

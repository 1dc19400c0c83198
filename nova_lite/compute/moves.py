"""The compute API's moves of a server between hosts: cold migration, live
migration (with its force-complete and abort) and evacuation.

Each move is recorded as a Migration of its own type (Nova's words:
``migration``, ``live-migration``, ``evacuation``; a resize is
``resize``), the instance is claimed for it with one conditional update
(of two concurrent moves exactly one wins), and the conductor schedules it
before the request is answered, so "no host fits" and the pre-checks of a
live migration are this request's 400 and leave the server as it was.
NOTE: Nova answers a live migration from 2.25 at once and records a failed
pre-check only as a fault; here it is the request's answer at every
microversion.
"""

from oslo_log import log as logging

from nova_lite.compute.checks import check_instance_host
from nova_lite.compute.checks import check_instance_lock
from nova_lite.compute.checks import check_instance_state
from nova_lite.compute import instance_actions
from nova_lite import exception
from nova_lite import objects
from nova_lite.objects import migration as migration_obj
from nova_lite.objects import service as service_obj
from nova_lite.states import task_states
from nova_lite.states import vm_states

LOG = logging.getLogger(__name__)

# Statuses in which an abort is taken before the move runs (2.65).
ABORTABLE_QUEUED = ('queued', 'preparing')


class MoveAPI:
    """Mixed into the compute API; uses its ``compute_task_api``,
    ``compute_rpcapi``, ``_start_task`` and ``_host_is_up``."""

    def _compute_service(self, context, host):
        """:raises: ComputeHostNotFound when no compute service runs on
        ``host``."""
        services = objects.ServiceList.get_all(
            context, binary=service_obj.COMPUTE_BINARY, host=host)
        if not services:
            raise exception.ComputeHostNotFound(host=host)
        return services[0]

    def _new_migration(self, context, instance, migration_type, status,
                       dest_compute=None):
        migration = objects.Migration(
            context=context, instance_uuid=instance.uuid,
            source_compute=instance.host, source_node=instance.node,
            dest_compute=dest_compute,
            old_instance_type_id=instance.instance_type_id,
            new_instance_type_id=instance.instance_type_id, status=status,
            migration_type=migration_type, user_id=context.user_id,
            project_id=instance.project_id)
        migration.create()
        return migration

    # ---- cold migration ----------------------------------------------------

    @check_instance_lock
    @check_instance_host
    @check_instance_state(vm_state=[vm_states.ACTIVE, vm_states.STOPPED],
                          task_state=[None])
    def migrate(self, context, instance, host_name=None):
        """Move ``instance`` to another host with its flavor and disks
        (the guest is shut down and started there); it then waits in
        VERIFY_RESIZE for a confirm or revert, as a resize does.

        :param host_name: the destination (2.56); it must still pass the
            scheduler's filters.
        :raises: ComputeHostNotFound, CannotMigrateToSameHost, NoValidHost
            (400); InstanceInvalidState, InstanceIsLocked (409).
        """
        if host_name is not None:
            self._compute_service(context, host_name)
            if host_name == instance.host:
                raise exception.CannotMigrateToSameHost()
        instance.progress = 0
        self._start_task(context, instance, task_states.RESIZE_PREP, [None],
                         instance_actions.MIGRATE)
        migration = self._new_migration(context, instance, migration_obj.COLD,
                                        'pre-migrating')
        LOG.info('Migrating instance %s (migration %s) to %s',
                 instance.uuid, migration.uuid,
                 host_name or 'a host the scheduler picks')
        self.compute_task_api.resize_instance(
            context, instance=instance, flavor=instance.flavor,
            migration=migration, host_name=host_name)

    # ---- live migration ----------------------------------------------------

    @check_instance_lock
    @check_instance_host
    @check_instance_state(vm_state=[vm_states.ACTIVE, vm_states.PAUSED],
                          task_state=[None])
    def live_migrate(self, context, instance, block_migration,
                     disk_over_commit, host_name, force=None):
        """Move the running guest of ``instance`` to another host; the
        server shows MIGRATING until it runs there (or, on failure, runs
        on here as before).

        :param block_migration: copy the disks too; None is "auto" (when
            the hosts do not share the instance path).
        :param disk_over_commit: accepted for the API before 2.25; unused.
        :param host_name: the destination; None lets the scheduler pick.
        :param force: with ``host_name`` (2.30-2.67), skip the scheduler's
            filters (the destination's resources are still claimed).
        :raises: ComputeHostNotFound, ComputeServiceUnavailable,
            UnableToMigrateToSelf, NoValidHost, MigrationPreCheckError,
            InvalidCPUInfo, InvalidLocalStorage, InvalidSharedStorage
            (400); InstanceInvalidState, InstanceIsLocked (409).
        """
        if host_name is not None:
            service = self._compute_service(context, host_name)
            if host_name == instance.host:
                raise exception.UnableToMigrateToSelf(
                    instance_id=instance.uuid, host=host_name)
            if not service.is_up():
                raise exception.ComputeServiceUnavailable(host=host_name)
        if not self._host_is_up(context, instance.host):
            raise exception.ComputeServiceUnavailable(host=instance.host)
        self._start_task(context, instance, task_states.MIGRATING, [None],
                         instance_actions.LIVE_MIGRATION)
        migration = self._new_migration(context, instance, migration_obj.LIVE,
                                        'accepted',
                                        dest_compute=host_name)
        LOG.info('Live-migrating instance %s (migration %s) to %s',
                 instance.uuid, migration.uuid,
                 host_name or 'a host the scheduler picks')
        self.compute_task_api.live_migrate_instance(
            context, instance=instance, migration=migration,
            host_name=host_name, block_migration=block_migration,
            force=bool(force))

    def get_migrations_in_progress_by_instance(self, context, instance_uuid,
                                               migration_type=None):
        """The live migrations of ``instance_uuid`` that still run."""
        filters = {'instance_uuid': instance_uuid,
                   'migration_type': migration_type or migration_obj.LIVE}
        return [m for m in objects.MigrationList.get_by_filters(context,
                                                                filters)
                if m.status in migration_obj.LIVE_IN_PROGRESS]

    def get_migration_by_id_and_instance(self, context, migration_id,
                                         instance_uuid):
        """:raises: MigrationNotFoundForInstance (404)."""
        try:
            migration = objects.Migration.get_by_id(context,
                                                    int(migration_id))
        except (exception.MigrationNotFound, ValueError):
            migration = None
        if migration is None or migration.instance_uuid != instance_uuid:
            raise exception.MigrationNotFoundForInstance(
                migration_id=migration_id, instance_id=instance_uuid)
        return migration

    def _live_migration(self, context, instance, migration_id, method,
                        allowed):
        migration = self.get_migration_by_id_and_instance(
            context, migration_id, instance.uuid)
        if (migration.migration_type != migration_obj.LIVE or
                migration.status not in allowed):
            raise exception.InvalidMigrationState(
                migration_id=migration_id, instance_uuid=instance.uuid,
                state=migration.status, method=method)
        return migration

    @check_instance_lock
    @check_instance_state(vm_state=[vm_states.ACTIVE],
                          task_state=[task_states.MIGRATING])
    def live_migrate_force_complete(self, context, instance, migration_id):
        """Make a running live migration end now: the source pauses the
        guest so its memory stops changing (Nova's libvirt answer).

        :raises: MigrationNotFoundForInstance (404); InvalidMigrationState
            (400) unless it is running; InstanceInvalidState (409).
        """
        migration = self._live_migration(context, instance, migration_id,
                                         'force complete', ('running',))
        objects.InstanceAction.action_start(
            context, instance.uuid,
            instance_actions.LIVE_MIGRATION_FORCE_COMPLETE)
        self.compute_rpcapi.live_migration_force_complete(
            context, instance=instance, migration=migration,
            host=migration.source_compute)

    @check_instance_lock
    @check_instance_state(vm_state=[vm_states.ACTIVE],
                          task_state=[task_states.MIGRATING])
    def live_migrate_abort(self, context, instance, migration_id,
                           support_abort_in_queue=False):
        """Abort a live migration; the guest runs on here as before.

        :param support_abort_in_queue: a queued or preparing migration
            may be aborted too (2.65).
        :raises: MigrationNotFoundForInstance (404); InvalidMigrationState
            (400) when it is not in progress;
            AbortQueuedLiveMigrationNotYetSupported (409) for a queued one
            before 2.65; InstanceInvalidState (409).
        """
        migration = self._live_migration(
            context, instance, migration_id, 'abort live migration',
            ('running',) + ABORTABLE_QUEUED)
        if (migration.status in ABORTABLE_QUEUED and
                not support_abort_in_queue):
            raise exception.AbortQueuedLiveMigrationNotYetSupported(
                migration_id=migration_id, status=migration.status)
        objects.InstanceAction.action_start(
            context, instance.uuid, instance_actions.LIVE_MIGRATION_CANCEL)
        self.compute_rpcapi.live_migration_abort(
            context, instance=instance, migration=migration,
            host=migration.source_compute)

    # ---- evacuation --------------------------------------------------------

    def _evacuation_image(self, context, instance):
        """The server's image as the new host must spawn it (its kernel,
        properties); only its id when the image is gone, as the old
        host's copy cannot be reached anyway."""
        try:
            image = self.image_api.get(context, instance.image_ref)
        except (exception.ImageNotFound, exception.ImageServiceUnavailable):
            LOG.warning('Image %s of instance %s is not available; '
                        'evacuating with its id only', instance.image_ref,
                        instance.uuid)
            image = {'id': instance.image_ref}
        return objects.ImageMeta.from_dict(image)

    @check_instance_lock
    @check_instance_host
    @check_instance_state(vm_state=[vm_states.ACTIVE, vm_states.STOPPED,
                                    vm_states.ERROR], task_state=[None])
    def evacuate(self, context, instance, host_name, on_shared_storage=None,
                 admin_password=None, force=None, target_state=None):
        """Rebuild ``instance`` from its image on another host because its
        own host is down; the failed host destroys its leftovers when it
        comes back.

        :param on_shared_storage: accepted before 2.14; nova-lite assumes
            no shared storage (the server is rebuilt from its image).
        :param force: with ``host_name`` (2.29-2.67), skip the filters.
        :param target_state: ``stopped`` (2.95) leaves the evacuated
            server SHUTOFF; None keeps its power state (ACTIVE, or
            SHUTOFF when it was stopped).
        :raises: ComputeServiceStillUp, UnableToMigrateToSelf, NoValidHost
            (400); ComputeHostNotFound (404); InstanceInvalidState,
            InstanceIsLocked (409).
        """
        if host_name is not None:
            self._compute_service(context, host_name)
            if host_name == instance.host:
                raise exception.UnableToMigrateToSelf(
                    instance_id=instance.uuid, host=host_name)
        if self._host_is_up(context, instance.host):
            raise exception.ComputeServiceStillUp(host=instance.host)
        image = self._evacuation_image(context, instance)
        self._start_task(context, instance, task_states.REBUILDING, [None],
                         instance_actions.EVACUATE)
        migration = self._new_migration(context, instance,
                                        migration_obj.EVACUATION,
                                        'accepted', dest_compute=host_name)
        LOG.info('Evacuating instance %s from %s (migration %s)',
                 instance.uuid, instance.host, migration.uuid)
        self.compute_task_api.evacuate_instance(
            context, instance=instance, image=image, migration=migration,
            host_name=host_name, force=bool(force),
            admin_password=admin_password, target_state=target_state)

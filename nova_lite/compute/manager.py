"""The compute service's RPC endpoint: a thin door that hands each
operation to its own module, plus the host's periodic tasks."""

import oslo_messaging as messaging
from oslo_log import log as logging

from nova_lite.compute import audit
from nova_lite.compute import backup
from nova_lite.compute import build
from nova_lite.compute import diagnostics
from nova_lite.compute import external_events
from nova_lite.compute import host_cleanup
from nova_lite.compute import init_instance
from nova_lite.compute import instance_actions
from nova_lite.compute import live_migration
from nova_lite.compute import power
from nova_lite.compute import rebuild
from nova_lite.compute import rescue
from nova_lite.compute import resize
from nova_lite.compute import resource_tracker
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import shelve
from nova_lite.compute import snapshot
from nova_lite.compute import soft_delete
from nova_lite.compute import usage_audit
from nova_lite.conductor import rpcapi as conductor_rpcapi
from nova_lite import conf
from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite.image import glance
from nova_lite.network import agent as l2_agent
from nova_lite.network import api as network_api
from nova_lite import objects
from nova_lite.states import power_state
from nova_lite.states import vm_states
from nova_lite import utils
from nova_lite.virt import driver as virt_driver
from nova_lite.virt import virtapi

CONF = conf.CONF
LOG = logging.getLogger(__name__)


class ComputeVirtAPI(virtapi.VirtAPI):
    def __init__(self, manager):
        self.manager = manager

    def plug_networks(self, network_info):
        agent = self.manager.network_agent
        if agent is not None:
            agent.plug_all(nova_context.get_admin_context(), network_info)


class ComputeManager:
    """Builds, runs and destroys the guests of one host."""

    target = messaging.Target(version='1.8')

    def __init__(self, host=None, driver=None):
        self.host = host or CONF.host
        self.driver = driver or virt_driver.load_compute_driver(
            ComputeVirtAPI(self), image_api=glance.API())
        self.compute_task_api = conductor_rpcapi.ComputeTaskAPI()
        # NOTE: a resize goes on from host to host (source <-> dest).
        self.compute_rpcapi = compute_rpcapi.ComputeAPI()
        self.network_api = network_api.API()
        # NOTE: only guests on the host's own bridges need them joined to
        # their segments (not the fake driver's).
        self.network_agent = (l2_agent.L2Agent(self.host)
                              if self.driver.plugs_host_networks() else None)
        self.rt = resource_tracker.ResourceTracker(self.host, self.driver)
        self._build_semaphore = utils.semaphore(CONF.max_concurrent_builds)
        # NOTE: the live migrations this host runs as source, by instance
        # uuid, and the migrations aborted before they started here.
        self._live_migrations = {}
        self._aborted_migrations = set()

    # ---- start-up and periodic tasks ---------------------------------------

    def init_host(self):
        """Connect the driver and settle instances a restart interrupted.

        An instance left mid-build by a previous run of this service can
        never finish: it goes to ERROR rather than stay in BUILD. Guests
        of servers evacuated away or deleted while this host was down go
        (see compute/host_cleanup.py).
        """
        self.driver.init_host(host=self.host)
        context = nova_context.get_admin_context()
        host_cleanup.destroy_evacuated_instances(self, context)
        instances = objects.InstanceList.get_by_host(context, self.host)
        self._plug_networks(context, instances)
        for instance in instances:
            init_instance.init_instance(self, context, instance)
        self._cleanup_running_deleted_instances(context)

    def _plug_networks(self, context, instances):
        """Join the bridges of the host's guests to their segments again
        (after a host reboot they are gone; after a restart of this
        service the tunnel peers must be followed again)."""
        if self.network_agent is None:
            return
        self.network_agent.sync_tunnels(context)
        for instance in instances:
            try:
                self.network_agent.plug_all(context,
                                            _network_info(instance))
            except exception.NovaException as error:
                LOG.error('Could not plug the networks of instance %s: %s',
                          instance.uuid, error.format_message())

    def _sync_tunnels(self, context=None):
        """Follow the tunnel addresses of the hosts that came or went."""
        self.network_agent.sync_tunnels(
            context or nova_context.get_admin_context())

    def post_start_hook(self):
        """Report the host's inventory at once, so a new host can be
        scheduled to without waiting a whole interval.

        NOTE: after the RPC server started: a build cast here before its
        queue existed would be lost.
        """
        self._update_available_resource()

    def periodic_tasks(self):
        """(callable, interval seconds) pairs the service runs.

        NOTE: the tasks have private names: the RPC server dispatches no
        method starting with ``_`` (see rpc.ManagerAccessPolicy).
        """
        tasks = [(self._update_available_resource,
                  CONF.compute.resource_update_interval)]
        if CONF.compute.sync_power_state_interval > 0:
            tasks.append((self._sync_power_states,
                          CONF.compute.sync_power_state_interval))
        if self.network_agent is not None and self.network_agent.tunnels:
            tasks.append((self._sync_tunnels,
                          CONF.network.tunnel_sync_interval))
        if CONF.resize_confirm_window > 0:
            tasks.append((self._poll_unconfirmed_resizes,
                          CONF.periodic_interval))
        if CONF.reclaim_instance_interval > 0:
            tasks.append((self._reclaim_queued_deletes,
                          CONF.reclaim_instance_interval))
        if CONF.shelved_offload_time > 0 and CONF.shelved_poll_interval > 0:
            tasks.append((self._poll_shelved_instances,
                          CONF.shelved_poll_interval))
        if CONF.running_deleted_instance_poll_interval > 0:
            tasks.append((self._cleanup_running_deleted_instances,
                          CONF.running_deleted_instance_poll_interval))
        if CONF.compute.orphan_audit_interval > 0:
            tasks.append((self._audit_orphans,
                          CONF.compute.orphan_audit_interval))
        if CONF.instance_usage_audit:
            # NOTE: Nova's spacing: every periodic run looks whether the
            # last completed period was audited; most runs find it was.
            tasks.append((self._instance_usage_audit,
                          CONF.periodic_interval))
        if CONF.instance_build_timeout > 0:
            tasks.append((self._check_instance_build_time,
                          CONF.periodic_interval))
        return tasks

    def _check_instance_build_time(self, context=None):
        """Fail builds older than ``[DEFAULT] instance_build_timeout``."""
        context = context or nova_context.get_admin_context()
        build.check_instance_build_time(self, context,
                                        CONF.instance_build_timeout)

    def _instance_usage_audit(self, context=None):
        """Audit this host's instances for the last completed period."""
        context = context or nova_context.get_admin_context()
        usage_audit.audit_host(context, self.host)

    def _cleanup_running_deleted_instances(self, context=None):
        """Act on guests of deleted servers per ``[DEFAULT]
        running_deleted_instance_action``; release what they held."""
        context = context or nova_context.get_admin_context()
        host_cleanup.cleanup_running_deleted_instances(self, context)

    def _audit_orphans(self, context=None):
        """Log, and per ``[compute] orphan_audit_action`` remove, the
        allocations, guests and instance directories of this host no live
        instance owns."""
        context = context or nova_context.get_admin_context()
        audit.audit_host(
            self, context,
            delete=CONF.compute.orphan_audit_action == 'reap')

    def _update_available_resource(self, context=None):
        context = context or nova_context.get_admin_context()
        self.rt.update_available_resource(context)

    def _sync_power_states(self, context=None):
        """Bring recorded power states in line with the hypervisor's."""
        context = context or nova_context.get_admin_context()
        for instance in objects.InstanceList.get_by_host(context, self.host):
            if instance.task_state is not None:
                continue
            try:
                state = self.driver.get_info(instance).state
            except exception.InstanceNotFoundOnHypervisor:
                state = power_state.NOSTATE
            if state == instance.power_state:
                continue
            instance.power_state = state
            if (instance.vm_state == vm_states.ACTIVE and
                    state in (power_state.SHUTDOWN, power_state.CRASHED,
                              power_state.NOSTATE)):
                # NOTE: the guest stopped on its own (or vanished): the
                # record follows the hypervisor, as Nova's sync does.
                instance.vm_state = vm_states.STOPPED
            try:
                instance.save(expected_task_state=[None])
            except (exception.InstanceNotFound,
                    exception.UnexpectedTaskStateError):
                continue

    # ---- RPC endpoints -----------------------------------------------------

    def build_and_run_instance(self, context, instance, image, request_spec,
                               admin_password=None, injected_files=None,
                               requested_networks=None, host_list=None,
                               node=None):
        """Build ``instance`` here; returns at once, the build runs on."""
        task = build.BuildTask(self, context, instance, image, request_spec,
                               admin_password, injected_files,
                               requested_networks, host_list, node)
        utils.spawn_n(self._locked_build, task)

    def _locked_build(self, task):
        with self._build_semaphore:
            with utils.named_lock(task.instance.uuid):
                task.run()

    def terminate_instance(self, context, instance):
        """Destroy the guest and delete the record; waits for a build."""
        utils.spawn_n(self._locked_terminate, context, instance)

    def _locked_terminate(self, context, instance):
        context.update_store()
        LOG.info('Terminating instance %s', instance.uuid)
        with utils.named_lock(instance.uuid):
            try:
                self._terminate(context, instance)
            except Exception:
                # NOTE: the instance stays DELETING; a new delete request
                # or a restart of this service (init_host) deletes again.
                LOG.exception('Could not terminate instance %s',
                              instance.uuid)

    def _terminate(self, context, instance):
        """Destroy the guest, free its addresses, delete the record.

        NOTE: private, so RPC cannot reach it (terminate_instance is the
        RPC method); init_instance calls it to retry a delete.

        :raises: what the driver or the conductor raise.
        """
        with instance_actions.EventReporter(
                context, instance_actions.TERMINATE_EVENT, self.host,
                instance.uuid):
            self.driver.destroy(context, instance,
                                network_info=_network_info(instance))
            self.network_api.deallocate_for_instance(context, instance)
            try:
                instance.destroy()
            except exception.InstanceNotFound:
                pass

    def stop_instance(self, context, instance, clean_shutdown=True):
        """Power the guest off; returns at once, the stop runs on."""
        utils.spawn_n(power.StopTask(self, context, instance,
                                     clean_shutdown).run)

    def start_instance(self, context, instance):
        """Power the guest on; returns at once, the start runs on."""
        utils.spawn_n(power.StartTask(self, context, instance).run)

    def reboot_instance(self, context, instance, reboot_type):
        """Reboot the guest (SOFT or HARD); returns at once."""
        utils.spawn_n(power.RebootTask(self, context, instance,
                                       reboot_type).run)

    def pause_instance(self, context, instance):
        """Pause the guest; returns at once, the pause runs on."""
        utils.spawn_n(power.PauseTask(self, context, instance).run)

    def unpause_instance(self, context, instance):
        """Unpause the guest; returns at once."""
        utils.spawn_n(power.UnpauseTask(self, context, instance).run)

    def suspend_instance(self, context, instance):
        """Suspend the guest; returns at once."""
        utils.spawn_n(power.SuspendTask(self, context, instance).run)

    def resume_instance(self, context, instance):
        """Resume the suspended guest; returns at once."""
        utils.spawn_n(power.ResumeTask(self, context, instance).run)

    @messaging.expected_exceptions(NotImplementedError,
                                   exception.HostUptimeNotAvailable)
    def get_host_uptime(self, context):
        """:returns: this host's uptime, as the driver reports it."""
        return self.driver.get_host_uptime()

    def audit_orphans(self, context, delete=False):
        """:returns: the guests and instance directories of this host no
        live instance owns, as dicts (see ``compute/audit.py``); removed
        first with ``delete``."""
        return [orphan.to_primitive() for orphan in audit.audit_host(
            self, context, delete=delete, allocations=False)]

    @messaging.expected_exceptions(exception.InstanceNotFoundOnHypervisor,
                                   exception.ConsoleNotAvailable)
    def get_console_output(self, context, instance, tail_length=None):
        """:returns: the guest's console log (its last ``tail_length``
        lines if given)."""
        return power.get_console_output(self.driver, context, instance,
                                        tail_length)

    # ---- diagnostics, backups, external events (1.7) -----------------------

    @messaging.expected_exceptions(NotImplementedError,
                                   exception.InstanceInvalidState,
                                   exception.InstanceNotFoundOnHypervisor)
    def get_diagnostics(self, context, instance):
        """:returns: the running guest's counters, the driver's flat dict."""
        return diagnostics.get_diagnostics(self.driver, instance)

    @messaging.expected_exceptions(NotImplementedError,
                                   exception.InstanceInvalidState,
                                   exception.InstanceNotFoundOnHypervisor)
    def get_instance_diagnostics(self, context, instance):
        """:returns: the running guest's figures, the standard dict."""
        return diagnostics.get_instance_diagnostics(self.driver, instance)

    def backup_instance(self, context, instance, image_id, backup_type,
                        rotation):
        """Back the guest up into ``image_id``, rotate; returns at once."""
        utils.spawn_n(backup.BackupTask(self, context, instance, image_id,
                                        backup_type, rotation).run)

    def external_instance_event(self, context, instances, events):
        """Act on events about instances of this host; returns at once."""
        utils.spawn_n(self._handle_external_events, context, instances,
                      events)

    def _handle_external_events(self, context, instances, events):
        context.update_store()
        external_events.handle_events(self, context, instances, events)

    # ---- resize and rebuild (1.3) ------------------------------------------

    def _poll_unconfirmed_resizes(self, context=None):
        """Confirm resizes older than ``[DEFAULT] resize_confirm_window``."""
        context = context or nova_context.get_admin_context()
        resize.poll_unconfirmed_resizes(self, context)

    def prep_resize(self, context, instance, migration, flavor,
                    clean_shutdown=True):
        """Destination: note the resize and call on the source."""
        utils.spawn_n(resize.PrepResizeTask(self, context, instance,
                                            migration, flavor,
                                            clean_shutdown).run)

    def resize_instance(self, context, instance, migration, flavor,
                        clean_shutdown=True):
        """Source: power the guest off and hand its disk over."""
        utils.spawn_n(resize.ResizeInstanceTask(self, context, instance,
                                                migration, flavor,
                                                clean_shutdown).run)

    def finish_resize(self, context, instance, migration, disk_info):
        """Destination: the guest with the new flavor (VERIFY_RESIZE)."""
        utils.spawn_n(resize.FinishResizeTask(self, context, instance,
                                              migration, disk_info).run)

    def confirm_resize(self, context, instance, migration):
        """Source: drop the old copy and the old allocation."""
        utils.spawn_n(resize.ConfirmResizeTask(self, context, instance,
                                               migration).run)

    def revert_resize(self, context, instance, migration):
        """Destination: destroy the new guest, hand back to the source."""
        utils.spawn_n(resize.RevertResizeTask(self, context, instance,
                                              migration).run)

    def finish_revert_resize(self, context, instance, migration):
        """Source: the old guest with the old flavor again."""
        utils.spawn_n(resize.FinishRevertResizeTask(self, context, instance,
                                                    migration).run)

    def rebuild_instance(self, context, instance, image, admin_password=None,
                         preserve_ephemeral=False):
        """Destroy the guest and spawn it again from ``image``."""
        utils.spawn_n(rebuild.RebuildTask(self, context, instance, image,
                                          admin_password,
                                          preserve_ephemeral).run)

    # ---- live migration and evacuation (1.6) -------------------------------

    @messaging.expected_exceptions(exception.MigrationError,
                                   exception.Invalid)
    def check_can_live_migrate_destination(self, context, instance,
                                           block_migration):
        """Destination: can this host take the guest? Asks the source."""
        return live_migration.check_can_live_migrate_destination(
            self, context, instance, block_migration)

    @messaging.expected_exceptions(exception.MigrationError,
                                   exception.Invalid)
    def check_can_live_migrate_source(self, context, instance, migrate_data):
        """Source: can the guest be handed over as proposed?"""
        return self.driver.check_can_live_migrate_source(context, instance,
                                                         migrate_data)

    def live_migration(self, context, instance, dest, migration,
                       migrate_data):
        """Source: move the running guest to ``dest``; returns at once."""
        task = live_migration.LiveMigrationTask(self, context, instance,
                                                dest, migration,
                                                migrate_data)
        if migration.uuid in self._aborted_migrations:
            self._aborted_migrations.discard(migration.uuid)
            task.aborted = True
        self._live_migrations[instance.uuid] = task
        utils.spawn_n(self._run_live_migration, task)

    def _run_live_migration(self, task):
        try:
            task.run()
        finally:
            self._live_migrations.pop(task.instance.uuid, None)

    @messaging.expected_exceptions(exception.MigrationError)
    def pre_live_migration(self, context, instance, disk_info, migrate_data):
        """Destination: disks and networks for the incoming guest."""
        return self.driver.pre_live_migration(
            context, instance, _network_info(instance), disk_info,
            migrate_data)

    def post_live_migration_at_destination(self, context, instance,
                                           migration, migrate_data):
        """Destination: the guest arrived; the instance is this host's."""
        live_migration.post_live_migration_at_destination(
            self, context, instance, migration, migrate_data)

    def rollback_live_migration_at_destination(self, context, instance,
                                               migrate_data):
        """Destination: remove what was prepared for a failed move."""
        shared = bool((migrate_data or {}).get('is_shared_instance_path'))
        self.driver.rollback_live_migration_at_destination(
            context, instance, _network_info(instance),
            destroy_disks=not shared, migrate_data=migrate_data)

    def live_migration_force_complete(self, context, instance, migration):
        """Source: make the running live migration end now."""
        try:
            self.driver.live_migration_force_complete(instance)
        except exception.MigrationError as error:
            LOG.warning('Cannot force the live migration of %s to '
                        'complete: %s', instance.uuid,
                        error.format_message())

    def live_migration_abort(self, context, instance, migration):
        """Source: abort the live migration; the guest runs on here."""
        task = self._live_migrations.get(instance.uuid)
        if task is None:
            # NOTE: queued, not started here yet: it ends when it starts.
            self._aborted_migrations.add(migration.uuid)
            return
        task.aborted = True
        if task.migration.status == 'running':
            try:
                self.driver.live_migration_abort(instance)
            except exception.MigrationError as error:
                LOG.warning('Cannot abort the live migration of %s: %s',
                            instance.uuid, error.format_message())

    def evacuate_instance(self, context, instance, image, migration,
                          node=None, admin_password=None, target_state=None):
        """Rebuild here an instance whose host is down; returns at once."""
        utils.spawn_n(rebuild.EvacuateTask(
            self, context, instance, image, migration,
            admin_password=admin_password, target_state=target_state,
            node=node).run)

    # ---- snapshot, shelve, rescue, soft delete (1.4) -----------------------

    def snapshot_instance(self, context, instance, image_id):
        """Snapshot the guest into image ``image_id``; returns at once."""
        utils.spawn_n(snapshot.SnapshotTask(self, context, instance,
                                            image_id).run)

    def shelve_instance(self, context, instance, image_id,
                        clean_shutdown=True):
        """Shelve the guest into image ``image_id``; returns at once."""
        utils.spawn_n(shelve.ShelveTask(self, context, instance, image_id,
                                        clean_shutdown).run)

    def shelve_offload_instance(self, context, instance, clean_shutdown=True):
        """Destroy a shelved guest, free its resources; returns at once."""
        utils.spawn_n(shelve.ShelveOffloadTask(self, context, instance).run)

    def unshelve_instance(self, context, instance, node=None):
        """Bring a shelved instance back here; returns at once."""
        utils.spawn_n(shelve.UnshelveTask(self, context, instance,
                                          node).run)

    def rescue_instance(self, context, instance, rescue_password=None,
                        rescue_image_ref=None, clean_shutdown=True):
        """Boot the guest from a rescue image; returns at once."""
        utils.spawn_n(rescue.RescueTask(self, context, instance,
                                        rescue_password, rescue_image_ref,
                                        clean_shutdown).run)

    def unrescue_instance(self, context, instance):
        """Boot the guest from its own disk again; returns at once."""
        utils.spawn_n(rescue.UnrescueTask(self, context, instance).run)

    def soft_delete_instance(self, context, instance):
        """Power the guest off, keep it (SOFT_DELETED); returns at once."""
        utils.spawn_n(soft_delete.SoftDeleteTask(self, context,
                                                 instance).run)

    def restore_instance(self, context, instance):
        """Power a soft deleted guest on again; returns at once."""
        utils.spawn_n(soft_delete.RestoreTask(self, context, instance).run)

    def _reclaim_queued_deletes(self, context=None):
        """Delete soft deleted instances older than the interval."""
        context = context or nova_context.get_admin_context()
        soft_delete.reclaim_queued_deletes(self, context)

    def _poll_shelved_instances(self, context=None):
        """Offload shelved instances older than shelved_offload_time."""
        context = context or nova_context.get_admin_context()
        shelve.poll_shelved_instances(self, context)


def _network_info(instance):
    """The instance's NICs, or None when an older caller sent none."""
    if instance.obj_attr_is_set('network_info'):
        return instance.network_info
    return None

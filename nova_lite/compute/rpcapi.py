"""Client side of the compute service's RPC API: the only place that knows
its topic and method signatures. Messages go to one host's server."""

import oslo_messaging as messaging

from nova_lite import conf
from nova_lite import rpc

CONF = conf.CONF

RPC_TOPIC = 'compute'


class ComputeAPI:
    """API version history:

    * 1.0 - build_and_run_instance, terminate_instance
    * 1.1 - stop_instance, start_instance, reboot_instance (casts) and
      get_console_output (a call)
    * 1.2 - pause_instance, unpause_instance, suspend_instance,
      resume_instance (casts)
    * 1.3 - prep_resize, resize_instance, finish_resize, confirm_resize,
      revert_resize, finish_revert_resize, rebuild_instance (casts)
    * 1.4 - snapshot_instance, shelve_instance, shelve_offload_instance,
      unshelve_instance, rescue_instance, unrescue_instance,
      soft_delete_instance, restore_instance (casts)
    * 1.5 - get_host_uptime (a call)
    * 1.6 - check_can_live_migrate_destination,
      check_can_live_migrate_source, pre_live_migration,
      post_live_migration_at_destination (calls); live_migration,
      rollback_live_migration_at_destination,
      live_migration_force_complete, live_migration_abort,
      evacuate_instance (casts)
    * 1.7 - get_diagnostics, get_instance_diagnostics (calls);
      backup_instance, external_instance_event (casts)
    * 1.8 - audit_orphans (a call)

    No method has changed its arguments since it came: under an
    ``[upgrade_levels] compute`` cap a method newer than the cap raises
    RPCVersionCapped (409 at the API) instead of sending a message an
    older compute could not dispatch.
    """

    VERSION = '1.8'

    def __init__(self):
        target = messaging.Target(topic=RPC_TOPIC, version=self.VERSION)
        self.client = rpc.get_client(target,
                                     version_cap=CONF.upgrade_levels.compute)

    def build_and_run_instance(self, context, instance, host, image,
                               request_spec, admin_password=None,
                               injected_files=None, requested_networks=None,
                               host_list=None, node=None):
        """Build ``instance`` on ``host`` (cast).

        :param host_list: the Selection made for this host followed by its
            alternates, handed back to the conductor if the build fails.
        """
        cctxt = self.client.prepare(server=host, version='1.0')
        cctxt.cast(context, 'build_and_run_instance', instance=instance,
                   image=image, request_spec=request_spec,
                   admin_password=admin_password,
                   injected_files=injected_files,
                   requested_networks=requested_networks,
                   host_list=host_list, node=node)

    def terminate_instance(self, context, instance, host):
        """Destroy the guest, free its resources, delete the record (cast)."""
        cctxt = self.client.prepare(server=host, version='1.0')
        cctxt.cast(context, 'terminate_instance', instance=instance)

    def stop_instance(self, context, instance, host, clean_shutdown=True):
        """Power the guest off and mark it STOPPED (cast).

        :param clean_shutdown: ask the guest OS to shut down first.
        """
        cctxt = rpc.prepare(self.client, 'stop_instance', '1.1', server=host)
        cctxt.cast(context, 'stop_instance', instance=instance,
                   clean_shutdown=clean_shutdown)

    def start_instance(self, context, instance, host):
        """Power the guest on and mark it ACTIVE (cast)."""
        cctxt = rpc.prepare(self.client, 'start_instance', '1.1', server=host)
        cctxt.cast(context, 'start_instance', instance=instance)

    def reboot_instance(self, context, instance, host, reboot_type):
        """Reboot the guest, ``reboot_type`` SOFT or HARD (cast)."""
        cctxt = rpc.prepare(self.client, 'reboot_instance', '1.1', server=host)
        cctxt.cast(context, 'reboot_instance', instance=instance,
                   reboot_type=reboot_type)

    def get_console_output(self, context, instance, host, tail_length=None):
        """:returns: the guest's console log, its last ``tail_length``
        lines if given (call)."""
        cctxt = rpc.prepare(self.client, 'get_console_output', '1.1',
                            server=host)
        return cctxt.call(context, 'get_console_output', instance=instance,
                          tail_length=tail_length)

    def pause_instance(self, context, instance, host):
        """Pause the guest and mark it PAUSED (cast)."""
        cctxt = rpc.prepare(self.client, 'pause_instance', '1.2', server=host)
        cctxt.cast(context, 'pause_instance', instance=instance)

    def unpause_instance(self, context, instance, host):
        """Unpause the guest and mark it ACTIVE (cast)."""
        cctxt = rpc.prepare(self.client, 'unpause_instance', '1.2',
                            server=host)
        cctxt.cast(context, 'unpause_instance', instance=instance)

    def suspend_instance(self, context, instance, host):
        """Suspend the guest to disk and mark it SUSPENDED (cast)."""
        cctxt = rpc.prepare(self.client, 'suspend_instance', '1.2',
                            server=host)
        cctxt.cast(context, 'suspend_instance', instance=instance)

    def resume_instance(self, context, instance, host):
        """Resume the suspended guest and mark it ACTIVE (cast)."""
        cctxt = rpc.prepare(self.client, 'resume_instance', '1.2', server=host)
        cctxt.cast(context, 'resume_instance', instance=instance)

    # ---- 1.3: resize and rebuild -------------------------------------------

    def prep_resize(self, context, instance, migration, flavor, host,
                    clean_shutdown=True):
        """On the destination ``host``: note the resize's flavors and ask
        the source to hand the guest over (cast)."""
        cctxt = rpc.prepare(self.client, 'prep_resize', '1.3', server=host)
        cctxt.cast(context, 'prep_resize', instance=instance,
                   migration=migration, flavor=flavor,
                   clean_shutdown=clean_shutdown)

    def resize_instance(self, context, instance, migration, flavor, host,
                        clean_shutdown=True):
        """On the source ``host``: power the guest off and hand its disk
        to the destination (cast)."""
        cctxt = rpc.prepare(self.client, 'resize_instance', '1.3', server=host)
        cctxt.cast(context, 'resize_instance', instance=instance,
                   migration=migration, flavor=flavor,
                   clean_shutdown=clean_shutdown)

    def finish_resize(self, context, instance, migration, disk_info, host):
        """On the destination ``host``: set the guest up with the new
        flavor; the server goes to VERIFY_RESIZE (cast).

        :param disk_info: what the source's driver said of the disks.
        """
        cctxt = rpc.prepare(self.client, 'finish_resize', '1.3', server=host)
        cctxt.cast(context, 'finish_resize', instance=instance,
                   migration=migration, disk_info=disk_info)

    def confirm_resize(self, context, instance, migration, host):
        """On the source ``host``: drop the guest's old copy and the old
        flavor's allocation (cast)."""
        cctxt = rpc.prepare(self.client, 'confirm_resize', '1.3', server=host)
        cctxt.cast(context, 'confirm_resize', instance=instance,
                   migration=migration)

    def revert_resize(self, context, instance, migration, host):
        """On the destination ``host``: destroy the resized guest, free
        its allocation and hand the instance back to the source (cast)."""
        cctxt = rpc.prepare(self.client, 'revert_resize', '1.3', server=host)
        cctxt.cast(context, 'revert_resize', instance=instance,
                   migration=migration)

    def finish_revert_resize(self, context, instance, migration, host):
        """On the source ``host``: start the old guest with the old flavor
        again (cast)."""
        cctxt = rpc.prepare(self.client, 'finish_revert_resize', '1.3',
                            server=host)
        cctxt.cast(context, 'finish_revert_resize', instance=instance,
                   migration=migration)

    def rebuild_instance(self, context, instance, image, host,
                         admin_password=None, preserve_ephemeral=False):
        """Destroy the guest and spawn it again from ``image`` (an
        ImageMeta) on its ``host`` (cast)."""
        cctxt = rpc.prepare(self.client, 'rebuild_instance', '1.3',
                            server=host)
        cctxt.cast(context, 'rebuild_instance', instance=instance,
                   image=image, admin_password=admin_password,
                   preserve_ephemeral=preserve_ephemeral)

    # ---- 1.4: snapshot, shelve, rescue, soft delete ------------------------

    def snapshot_instance(self, context, instance, host, image_id):
        """Snapshot the guest's root disk into the queued image
        ``image_id`` of the image service (cast)."""
        cctxt = rpc.prepare(self.client, 'snapshot_instance', '1.4',
                            server=host)
        cctxt.cast(context, 'snapshot_instance', instance=instance,
                   image_id=image_id)

    def shelve_instance(self, context, instance, host, image_id,
                        clean_shutdown=True):
        """Power the guest off, snapshot it into ``image_id`` and mark the
        instance SHELVED (offloading it at once when ``[DEFAULT]
        shelved_offload_time`` is 0) (cast)."""
        cctxt = rpc.prepare(self.client, 'shelve_instance', '1.4', server=host)
        cctxt.cast(context, 'shelve_instance', instance=instance,
                   image_id=image_id, clean_shutdown=clean_shutdown)

    def shelve_offload_instance(self, context, instance, host,
                                clean_shutdown=True):
        """Destroy the guest of a SHELVED instance and free its host's
        resources: SHELVED_OFFLOADED (cast)."""
        cctxt = rpc.prepare(self.client, 'shelve_offload_instance', '1.4',
                            server=host)
        cctxt.cast(context, 'shelve_offload_instance', instance=instance,
                   clean_shutdown=clean_shutdown)

    def unshelve_instance(self, context, instance, host, node=None):
        """Bring a shelved instance back on ``host``: spawn it on ``node``
        from its shelved image or, when its guest is still there, power
        it on (cast)."""
        cctxt = rpc.prepare(self.client, 'unshelve_instance', '1.4',
                            server=host)
        cctxt.cast(context, 'unshelve_instance', instance=instance,
                   node=node)

    def rescue_instance(self, context, instance, host, rescue_password=None,
                        rescue_image_ref=None, clean_shutdown=True):
        """Boot the guest from a rescue image with its own disk attached
        second: RESCUED (cast)."""
        cctxt = rpc.prepare(self.client, 'rescue_instance', '1.4', server=host)
        cctxt.cast(context, 'rescue_instance', instance=instance,
                   rescue_password=rescue_password,
                   rescue_image_ref=rescue_image_ref,
                   clean_shutdown=clean_shutdown)

    def unrescue_instance(self, context, instance, host):
        """Boot the guest from its own disk again: ACTIVE (cast)."""
        cctxt = rpc.prepare(self.client, 'unrescue_instance', '1.4',
                            server=host)
        cctxt.cast(context, 'unrescue_instance', instance=instance)

    def soft_delete_instance(self, context, instance, host):
        """Power the guest off and mark the instance SOFT_DELETED, to be
        restored or reclaimed later (cast)."""
        cctxt = rpc.prepare(self.client, 'soft_delete_instance', '1.4',
                            server=host)
        cctxt.cast(context, 'soft_delete_instance', instance=instance)

    def restore_instance(self, context, instance, host):
        """Power a SOFT_DELETED instance's guest on: ACTIVE (cast)."""
        cctxt = rpc.prepare(self.client, 'restore_instance', '1.4',
                            server=host)
        cctxt.cast(context, 'restore_instance', instance=instance)

    # ---- 1.5: host information ---------------------------------------------

    def get_host_uptime(self, context, host):
        """:returns: the uptime of ``host`` as its hypervisor reports it,
        in the form of uptime(1) (call)."""
        cctxt = rpc.prepare(self.client, 'get_host_uptime', '1.5', server=host)
        return cctxt.call(context, 'get_host_uptime')

    # ---- 1.6: live migration and evacuation --------------------------------

    def check_can_live_migrate_destination(self, context, instance,
                                           destination, block_migration):
        """On the ``destination`` host: can it take the running guest?
        It asks the source in turn (call).

        :param block_migration: True, False or None ("auto").
        :returns: the migrate_data dict both checks agreed on.
        :raises: MigrationPreCheckError, InvalidCPUInfo,
            InvalidLocalStorage, InvalidSharedStorage.
        """
        cctxt = rpc.prepare(
            self.client, 'check_can_live_migrate_destination', '1.6',
            server=destination, timeout=CONF.long_rpc_timeout)
        return cctxt.call(context, 'check_can_live_migrate_destination',
                          instance=instance,
                          block_migration=block_migration)

    def check_can_live_migrate_source(self, context, instance, migrate_data,
                                      host):
        """On the source ``host``: can it hand the guest over as the
        destination proposes (call)?

        :returns: migrate_data, with "auto" block migration settled.
        """
        cctxt = rpc.prepare(
            self.client, 'check_can_live_migrate_source', '1.6', server=host)
        return cctxt.call(context, 'check_can_live_migrate_source',
                          instance=instance, migrate_data=migrate_data)

    def live_migration(self, context, instance, dest, migration,
                       migrate_data, host):
        """On the source ``host``: move the running guest to ``dest``
        (cast); the migration's status follows it."""
        cctxt = rpc.prepare(self.client, 'live_migration', '1.6', server=host)
        cctxt.cast(context, 'live_migration', instance=instance, dest=dest,
                   migration=migration, migrate_data=migrate_data)

    def pre_live_migration(self, context, instance, disk_info, migrate_data,
                           host):
        """On the destination ``host``: prepare disks and networks for the
        incoming guest (call).

        :returns: migrate_data with the destination's facts.
        """
        cctxt = rpc.prepare(self.client, 'pre_live_migration', '1.6',
                            server=host, timeout=CONF.long_rpc_timeout)
        return cctxt.call(context, 'pre_live_migration', instance=instance,
                          disk_info=disk_info, migrate_data=migrate_data)

    def post_live_migration_at_destination(self, context, instance,
                                           migration, migrate_data, host):
        """On the destination ``host``, after the guest arrived: take the
        instance over (call)."""
        cctxt = rpc.prepare(
            self.client, 'post_live_migration_at_destination', '1.6',
            server=host, timeout=CONF.long_rpc_timeout)
        return cctxt.call(context, 'post_live_migration_at_destination',
                          instance=instance, migration=migration,
                          migrate_data=migrate_data)

    def rollback_live_migration_at_destination(self, context, instance,
                                               migrate_data, host):
        """On the destination ``host``, after a failed or aborted live
        migration: remove what was prepared there (cast)."""
        cctxt = rpc.prepare(
            self.client, 'rollback_live_migration_at_destination', '1.6',
            server=host)
        cctxt.cast(context, 'rollback_live_migration_at_destination',
                   instance=instance, migrate_data=migrate_data)

    def live_migration_force_complete(self, context, instance, migration,
                                      host):
        """On the source ``host``: make the running live migration end now
        (cast)."""
        cctxt = rpc.prepare(
            self.client, 'live_migration_force_complete', '1.6', server=host)
        cctxt.cast(context, 'live_migration_force_complete',
                   instance=instance, migration=migration)

    def live_migration_abort(self, context, instance, migration, host):
        """On the source ``host``: abort the live migration; the guest runs
        on there (cast)."""
        cctxt = rpc.prepare(self.client, 'live_migration_abort', '1.6',
                            server=host)
        cctxt.cast(context, 'live_migration_abort', instance=instance,
                   migration=migration)

    def evacuate_instance(self, context, instance, image, migration, host,
                          node=None, admin_password=None, target_state=None):
        """On ``host``: rebuild an instance whose own host is down from
        ``image`` (an ImageMeta), with its addresses (cast).

        :param target_state: ``stopped`` to leave it SHUTOFF (2.95).
        """
        cctxt = rpc.prepare(self.client, 'evacuate_instance', '1.6',
                            server=host)
        cctxt.cast(context, 'evacuate_instance', instance=instance,
                   image=image, migration=migration, node=node,
                   admin_password=admin_password, target_state=target_state)

    # ---- 1.7: diagnostics, backups, external events ------------------------

    def get_diagnostics(self, context, instance, host):
        """:returns: the running guest's figures in the driver's own flat
        shape (Nova's diagnostics before microversion 2.48) (call).

        :raises: InstanceInvalidState when the guest does not run.
        """
        cctxt = rpc.prepare(self.client, 'get_diagnostics', '1.7',
                            server=host)
        return cctxt.call(context, 'get_diagnostics', instance=instance)

    def get_instance_diagnostics(self, context, instance, host):
        """:returns: the running guest's figures in the standard shape of
        microversion 2.48, a dict (call).

        :raises: InstanceInvalidState when the guest does not run.
        """
        cctxt = rpc.prepare(self.client, 'get_instance_diagnostics', '1.7',
                            server=host)
        return cctxt.call(context, 'get_instance_diagnostics',
                          instance=instance)

    def backup_instance(self, context, instance, host, image_id,
                        backup_type, rotation):
        """Snapshot the guest into the queued image ``image_id``, then
        keep only the newest ``rotation`` backups of ``backup_type`` of
        the instance (cast)."""
        cctxt = rpc.prepare(self.client, 'backup_instance', '1.7',
                            server=host)
        cctxt.cast(context, 'backup_instance', instance=instance,
                   image_id=image_id, backup_type=backup_type,
                   rotation=rotation)

    def external_instance_event(self, context, instances, events, host):
        """Hand ``events`` (dicts: ``instance_uuid``, ``name``,
        ``status``, ``tag``) about ``instances`` to ``host``, where those
        instances live (cast)."""
        cctxt = rpc.prepare(self.client, 'external_instance_event', '1.7',
                            server=host)
        cctxt.cast(context, 'external_instance_event', instances=instances,
                   events=events)

    # ---- 1.8: the orphan audit ---------------------------------------------

    def audit_orphans(self, context, host, delete=False):
        """Audit ``host``'s guests and instance directories for what no
        live instance owns; with ``delete``, remove them (call).

        :returns: a list of dicts (``kind``, ``host``, ``ident``,
            ``reason``, ``deleted``), see ``compute/audit.py``.
        """
        cctxt = rpc.prepare(self.client, 'audit_orphans', '1.8', server=host)
        return cctxt.call(context, 'audit_orphans', delete=delete)

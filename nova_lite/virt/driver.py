"""ComputeDriver: the contract between the compute manager and a hypervisor."""

import os

from oslo_log import log as logging
from stevedore import driver as stevedore_driver
from stevedore import exception as stevedore_exception

from nova_lite.conf import CONF
from nova_lite import exception

LOG = logging.getLogger(__name__)

DRIVER_NAMESPACE = 'nova_lite.compute.drivers'


class InstanceInfo:
    """What a hypervisor knows about one guest.

    :ivar state: a value from :mod:`nova_lite.states.power_state`.
    :ivar internal_id: the hypervisor's own id of the guest, if any.
    """

    def __init__(self, state, internal_id=None):
        self.state = state
        self.internal_id = internal_id

    def __eq__(self, other):
        return (isinstance(other, InstanceInfo) and
                (self.state, self.internal_id) ==
                (other.state, other.internal_id))

    def __repr__(self):
        return 'InstanceInfo(state=%r, internal_id=%r)' % (
            self.state, self.internal_id)


class ComputeDriver:
    """Base class of virt drivers; every method states its contract.

    ``instance`` arguments are instance objects with at least ``uuid``,
    ``name`` (the hypervisor's name of the guest), ``flavor`` (``memory_mb``,
    ``vcpus``, ``root_gb``, ``ephemeral_gb``, ``swap``, ``extra_specs``),
    ``image_ref``, ``host``, ``node``, ``user_data``, ``display_name`` and
    ``metadata``. Guests are found by ``uuid``.

    A driver calls back into compute only through ``self.virtapi``.
    """

    capabilities = {
        'supports_pause': True,
        'supports_suspend': True,
        'supports_console_output': True,
    }

    def __init__(self, virtapi, image_api=None):
        self.virtapi = virtapi
        # NOTE: given by the compute manager (nova_lite.image.glance.API):
        # a driver downloads and uploads images through it, and never
        # reaches up to the image client itself.
        self._image_api = image_api

    # ---- host ---------------------------------------------------------------

    def init_host(self, host):
        """Prepare the hypervisor of compute host ``host`` for use.

        After return the driver can serve every other call.

        :raises HypervisorUnavailable: the hypervisor cannot be reached.
        """

    def cleanup_host(self, host):
        """Release what :meth:`init_host` took; guests are left running."""

    def plugs_host_networks(self):
        """:returns: whether guests of this driver use the host's network
        devices (bridges), so that the compute service must join them to
        their segments."""
        return False

    def get_available_nodes(self, refresh=False):
        """:returns: the node names this driver manages (one per host)."""
        raise NotImplementedError()

    def get_available_resource(self, nodename):
        """Report the size and use of node ``nodename``.

        :returns: dict with ``vcpus``, ``memory_mb``, ``local_gb``,
            ``vcpus_used``, ``memory_mb_used``, ``local_gb_used``,
            ``hypervisor_type`` (str), ``hypervisor_version`` (int),
            ``hypervisor_hostname`` (the node name) and ``cpu_info``
            (a JSON string).
        """
        raise NotImplementedError()

    # ---- inventory ----------------------------------------------------------

    def list_instances(self):
        """:returns: the names of all guests on the hypervisor, ours or not."""
        raise NotImplementedError()

    def list_instance_uuids(self):
        """:returns: the uuids of all guests on the hypervisor."""
        raise NotImplementedError()

    def list_guest_names(self):
        """:returns: ``{uuid: name}`` of all guests on the hypervisor,
        ours or not."""
        raise NotImplementedError()

    def instances_path(self):
        """:returns: the directory under which this driver keeps a
        directory per instance, named after its uuid (Nova's
        ``$state_path/instances``)."""
        return os.path.join(CONF.state_path, 'instances')

    def instance_exists(self, instance):
        """:returns: True when the hypervisor has a guest for ``instance``."""
        try:
            self.get_info(instance)
        except exception.InstanceNotFoundOnHypervisor:
            return False
        return True

    def get_info(self, instance):
        """:returns: an :class:`InstanceInfo` for the guest of ``instance``.

        :raises InstanceNotFoundOnHypervisor: no such guest.
        """
        raise NotImplementedError()

    # ---- lifecycle ----------------------------------------------------------

    def spawn(self, context, instance, image_meta, injected_files,
              admin_password, allocations, network_info=None,
              block_device_info=None):
        """Create and start the guest of ``instance``.

        After a normal return the guest exists and is RUNNING, with one
        NIC per VIF of ``network_info`` (in that order, with the VIF's MAC,
        on its network's bridge). On any error the guest is not left
        behind (no defined guest, no instance files) and the error is
        raised; the manager reschedules the build.

        :param network_info: a
            :class:`nova_lite.objects.network_info.NetworkInfo` (a list of
            VIF dicts); None or empty for a guest without NICs.

        :raises InstanceExists: a guest for ``instance`` already exists.
        :raises InstanceDeployFailure: the hypervisor refused the guest.
        """
        raise NotImplementedError()

    def destroy(self, context, instance, network_info=None,
                block_device_info=None, destroy_disks=True):
        """Stop and remove the guest of ``instance``.

        After return no guest of ``instance`` exists; with ``destroy_disks``
        its local files are gone too, and so are the host devices of its
        NICs (``network_info``, when given). A guest that is already gone is
        not an error, so calling this twice is safe.
        """
        raise NotImplementedError()

    def reboot(self, context, instance, network_info, reboot_type):
        """Reboot the guest; ``reboot_type`` is ``'SOFT'`` or ``'HARD'``.

        SOFT asks the guest OS to shut down and starts the guest again,
        falling back to HARD when the OS has not shut down within
        ``[libvirt] wait_soft_reboot_seconds`` (or the guest was not
        running); HARD stops the guest without asking and starts it again
        from its existing definition and disks. After return the guest is
        RUNNING.

        :raises InstanceNotFoundOnHypervisor: no such guest.
        """
        raise NotImplementedError()

    def power_off(self, instance, timeout=0, retry_interval=0):
        """Stop the guest, keeping its definition and disks.

        With ``timeout > 0`` the guest OS is asked to shut down first, every
        ``retry_interval`` seconds, for up to ``timeout`` seconds; then (or
        with ``timeout == 0`` at once) it is stopped hard. After return the
        guest is SHUTDOWN.

        :raises InstanceNotFoundOnHypervisor: no such guest.
        """
        raise NotImplementedError()

    def power_on(self, context, instance, network_info,
                 block_device_info=None):
        """Start a stopped guest from its existing definition and disks.

        After return it is RUNNING; a guest that already runs is left as
        it is.

        :raises InstanceNotFoundOnHypervisor: no such guest.
        """
        raise NotImplementedError()

    def pause(self, instance):
        """Freeze the guest's CPUs, memory kept. After return it is PAUSED."""
        raise NotImplementedError()

    def unpause(self, instance):
        """Undo :meth:`pause`. After return the guest is RUNNING."""
        raise NotImplementedError()

    def suspend(self, instance):
        """Save the guest's memory to disk and stop it.

        After return the guest is SUSPENDED.
        """
        raise NotImplementedError()

    def resume(self, instance):
        """Undo :meth:`suspend`. After return the guest is RUNNING."""
        raise NotImplementedError()

    def get_host_uptime(self):
        """:returns: how long the host has been up, as uptime(1) says it
            (time, uptime, users, load averages).

        :raises HostUptimeNotAvailable: the host could not tell.
        """
        raise NotImplementedError()

    def get_console_output(self, context, instance):
        """:returns: the end of the guest's serial console log as text
            (at most about 100 KiB; '' while nothing was written).

        Works for a stopped guest too: its log stays until it is destroyed.

        :raises InstanceNotFoundOnHypervisor: no such guest.
        :raises ConsoleNotAvailable: the guest has no console log.
        """
        raise NotImplementedError()

    def get_diagnostics(self, instance):
        """:returns: the running guest's counters as a flat dict, in the
            driver's own words (Nova's shape before microversion 2.48),
            e.g. ``cpu0_time``, ``memory``, ``vda_read``, ``<tap>_rx``.

        :raises InstanceNotFoundOnHypervisor: no such guest.
        """
        raise NotImplementedError()

    def get_instance_diagnostics(self, instance):
        """:returns: the running guest's figures in the standard shape
            (microversion 2.48), a dict: ``state`` (a power state name),
            ``driver``, ``hypervisor``, ``hypervisor_os``, ``uptime``
            (seconds since launch), ``config_drive``, ``num_cpus``,
            ``num_nics``, ``num_disks``, ``memory_details`` {``maximum``,
            ``used``} (MiB), ``cpu_details`` [{``id``, ``time`` (ns),
            ``utilisation``}], ``nic_details`` [{``mac_address``,
            ``rx_octets``, ``rx_errors``, ``rx_drop``, ``rx_packets``,
            ``rx_rate``, ``tx_octets``, ``tx_errors``, ``tx_drop``,
            ``tx_packets``, ``tx_rate``}] and ``disk_details``
            [{``read_bytes``, ``read_requests``, ``write_bytes``,
            ``write_requests``, ``errors_count``}]; a figure the
            hypervisor does not tell is None.

        :raises InstanceNotFoundOnHypervisor: no such guest.
        """
        raise NotImplementedError()

    # ---- snapshot and rescue ----------------------------------------------

    def snapshot(self, context, instance, image_id, update_task_state):
        """Copy the guest's root disk into the queued image ``image_id``.

        Calls ``update_task_state(task_state=IMAGE_PENDING_UPLOAD)`` once
        the disk is about to be copied and ``update_task_state(
        task_state=IMAGE_UPLOADING, expected_state=IMAGE_PENDING_UPLOAD)``
        before the upload, as Nova's drivers do. After return the image is
        ``active`` with data that boots (a running guest runs again, a
        stopped one stays stopped).

        :raises InstanceNotFoundOnHypervisor: no such guest.
        :raises UnexpectedTaskStateError: from the callback, when a newer
            request (a delete) overtook the snapshot.
        """
        raise NotImplementedError()

    def rescue(self, context, instance, network_info, image_meta,
               rescue_password):
        """Boot the guest from ``image_meta`` (an ImageMeta) with its own
        root disk attached second. After return the guest is RUNNING in
        rescue mode; :meth:`unrescue` undoes it.

        :raises InstanceNotFoundOnHypervisor: no such guest.
        """
        raise NotImplementedError()

    def unrescue(self, context, instance):
        """Boot the guest from its own disks again, as before
        :meth:`rescue`; the rescue disk is removed. After return the
        guest is RUNNING.

        :raises InstanceNotFoundOnHypervisor: no such guest.
        """
        raise NotImplementedError()

    # ---- resize -------------------------------------------------------------

    def migrate_disk_and_power_off(self, context, instance, dest, flavor,
                                   network_info, block_device_info=None,
                                   timeout=0, retry_interval=0):
        """Source side of a resize: stop the guest (cleanly within
        ``timeout`` as :meth:`power_off`) and set its disks aside for
        ``dest``, the destination host (possibly this one).

        After return the guest is SHUTDOWN and its old disks and
        definition are kept until :meth:`confirm_migration` drops them or
        :meth:`finish_revert_migration` brings them back.

        :param flavor: the new flavor.
        :returns: disk info (a JSON string) for :meth:`finish_migration`.
        :raises ResizeError: the resize cannot be done (e.g. a smaller
            root disk); the guest is then untouched.
        :raises InstanceNotFoundOnHypervisor: no such guest.
        """
        raise NotImplementedError()

    def finish_migration(self, context, migration, instance, disk_info,
                         network_info, image_meta, resize_instance,
                         block_device_info=None, power_on=True):
        """Destination side of a resize: a guest of ``instance.flavor``
        (the new one) on the disks the source set aside, grown to the new
        root size when ``resize_instance``.

        After return the guest is RUNNING (SHUTDOWN if not ``power_on``).
        """
        raise NotImplementedError()

    def confirm_migration(self, context, migration, instance, network_info):
        """Source side of a confirm: drop what
        :meth:`migrate_disk_and_power_off` set aside. Idempotent."""
        raise NotImplementedError()

    def finish_revert_migration(self, context, instance, network_info,
                                migration, block_device_info=None,
                                power_on=True):
        """Source side of a revert (after the destination destroyed its
        guest): the old guest with its old disks and definition again.

        After return the guest is RUNNING (SHUTDOWN if not ``power_on``).
        """
        raise NotImplementedError()

    # ---- live migration -----------------------------------------------------
    #
    # The walk (Nova's): the destination checks it can take the guest
    # (check_can_live_migrate_destination), the source checks it can hand
    # it over and settles "auto" block migration
    # (check_can_live_migrate_source), the destination prepares disks and
    # networks (pre_live_migration), the source moves the running guest
    # (live_migration) and then cleans up after success
    # (post_live_migration, post_live_migration_at_source) while the
    # destination finishes (post_live_migration_at_destination); a failure
    # after pre_live_migration undoes the destination's part
    # (rollback_live_migration_at_destination).
    #
    # ``migrate_data`` is a plain dict (it crosses RPC as JSON); each step
    # returns it with its own facts added. Keys every driver knows:
    #   block_migration: True / False (None: "auto", settled by the source)
    #   is_shared_instance_path: the source and destination see one
    #       instance directory
    #   dest_host: the destination's service host name
    #   dest_addr: the address the destination hypervisor is reached at
    #   source_host: the source's service host name

    def check_can_live_migrate_destination(self, context, instance,
                                           src_compute_info,
                                           dst_compute_info,
                                           block_migration=None):
        """On the destination: can this host run ``instance`` (CPU model,
        hypervisor type)? Leaves a marker the source looks for to tell a
        shared instance path.

        :param src_compute_info: the source's hypervisor facts (a dict
            with ``cpu_info`` as a JSON string, ``hypervisor_type``).
        :returns: migrate_data for the source's check.
        :raises InvalidCPUInfo, MigrationPreCheckError: it cannot.
        """
        raise NotImplementedError()

    def cleanup_live_migration_destination_check(self, context,
                                                 migrate_data):
        """On the destination: drop the marker of the check. Idempotent."""
        raise NotImplementedError()

    def check_can_live_migrate_source(self, context, instance, migrate_data):
        """On the source: can the guest be handed over as asked? Settles
        ``block_migration`` None ("auto") from
        ``is_shared_instance_path``.

        :returns: migrate_data.
        :raises InvalidLocalStorage: block migration asked for on a
            shared instance path (Nova's choice of names).
        :raises InvalidSharedStorage: no block migration asked for on an
            instance path that is not shared.
        :raises MigrationPreCheckError: the guest cannot move (e.g. it is
            not running).
        """
        raise NotImplementedError()

    def get_instance_disk_info(self, instance):
        """On the source: the guest's disks, for the destination's
        :meth:`pre_live_migration` (a JSON string)."""
        raise NotImplementedError()

    def pre_live_migration(self, context, instance, network_info, disk_info,
                           migrate_data):
        """On the destination: the instance directory, disks the source's
        can be copied into (for a block migration), the files that are
        not copied by the hypervisor (config drive, console log) and the
        guest's networks plugged.

        :returns: migrate_data (with ``dest_addr``).
        :raises MigrationError: the destination cannot be prepared.
        """
        raise NotImplementedError()

    def live_migration(self, context, instance, dest, post_method,
                       recover_method, block_migration=False,
                       migrate_data=None, migration=None):
        """On the source: move the running guest to ``dest``; blocks until
        it ends. Calls ``post_method(context, instance, dest,
        block_migration, migrate_data)`` when the guest runs on the
        destination, or ``recover_method(context, instance, dest,
        migrate_data, error)`` when it still runs here (failed or
        aborted). Neither call raises out of this method.

        :param migration: the Migration, whose memory_* / disk_* progress
            the driver saves as the move goes on.
        """
        raise NotImplementedError()

    def live_migration_force_complete(self, instance):
        """On the source: make a running live migration end now (pause
        the guest so its memory stops changing).

        :raises MigrationError: no live migration of ``instance`` runs.
        """
        raise NotImplementedError()

    def live_migration_abort(self, instance):
        """On the source: abort a running live migration; the guest goes
        on running here and ``recover_method`` is called.

        :raises MigrationError: no live migration of ``instance`` runs.
        """
        raise NotImplementedError()

    def post_live_migration(self, context, instance, migrate_data):
        """On the source, after success: drop the guest's definition and,
        unless the instance path is shared, its directory."""
        raise NotImplementedError()

    def post_live_migration_at_source(self, context, instance,
                                      network_info):
        """On the source, after success: unplug the guest's networks."""
        raise NotImplementedError()

    def post_live_migration_at_destination(self, context, instance,
                                           network_info,
                                           block_migration=False):
        """On the destination, after success: the guest is defined here
        for good (it survives a restart of the hypervisor)."""
        raise NotImplementedError()

    def rollback_live_migration_at_destination(self, context, instance,
                                               network_info,
                                               destroy_disks=True,
                                               migrate_data=None):
        """On the destination, after a failure: no guest, and (unless the
        path is shared) no instance directory left here. Idempotent."""
        raise NotImplementedError()


def load_compute_driver(virtapi, driver_name=None, image_api=None):
    """Load and instantiate a virt driver by name.

    :param virtapi: the :class:`~nova_lite.virt.virtapi.VirtAPI` given to
        the driver.
    :param image_api: the image service client the driver downloads and
        uploads images with.
    :param driver_name: a name such as ``fake`` or ``libvirt``; defaults to
        ``CONF.compute_driver``.
    :returns: a :class:`ComputeDriver`.
    :raises VirtDriverNotFound: the name is unknown or its code cannot be
        imported.
    """
    name = driver_name or CONF.compute_driver
    try:
        manager = stevedore_driver.DriverManager(DRIVER_NAMESPACE, name)
    except (stevedore_exception.NoMatches, ImportError,
            AttributeError) as error:
        LOG.error('Virt driver %s cannot be loaded from the %s entry '
                  'points: %s', name, DRIVER_NAMESPACE, error)
        raise exception.VirtDriverNotFound(name=name) from error
    LOG.info('Loading virt driver %s (%s)', name,
             manager.extensions[0].entry_point.value)
    return manager.driver(virtapi, image_api=image_api)

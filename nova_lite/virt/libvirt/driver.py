"""LibvirtDriver: guests through a libvirt connection ([libvirt] group)."""

import collections.abc
import json
import os
import shutil
import tempfile
import time

from oslo_log import log as logging

from nova_lite.conf import CONF
from nova_lite import exception
from nova_lite.image import meta as image_body
from nova_lite.network import linux_net
from nova_lite.privsep import path as priv_path
from nova_lite.states import power_state
from nova_lite import utils
from nova_lite.virt import configdrive
from nova_lite.virt import driver
from nova_lite.virt.libvirt import config as vconfig
from nova_lite.virt.libvirt import designer
from nova_lite.virt.libvirt import diagnostics as libvirt_diagnostics
from nova_lite.virt.libvirt import disk_transfer
from nova_lite.virt.libvirt import guest as libvirt_guest
from nova_lite.virt.libvirt import host as libvirt_host
from nova_lite.virt.libvirt import imagebackend
from nova_lite.virt.libvirt import imagecache
from nova_lite.virt.libvirt import migration as libvirt_migration
from nova_lite.virt.libvirt import rescue as libvirt_rescue
from nova_lite.virt.libvirt import snapshot as libvirt_snapshot

LOG = logging.getLogger(__name__)

# NOTE: starting a defined guest is quick once createWithFlags returns; this
# only bounds a hypervisor that accepts the start but never runs the guest.
SPAWN_RUNNING_TIMEOUT = 60
POLL_INTERVAL = 0.5
# NOTE: a console log can grow without bound; the API only shows its end.
MAX_CONSOLE_BYTES = 100 * 1024
# NOTE: uptime(1) answers at once; this only bounds a host in trouble.
UPTIME_TIMEOUT = 10
# NOTE: what the designer was told at spawn, kept in the instance directory
# for the operations that must generate the guest again (Nova keeps it in
# the instance's system_metadata, which a driver cannot write here).
BOOT_INFO = 'boot.json'
# Power states of a guest whose OS has shut down (or died).
SHUTDOWN_STATES = (power_state.SHUTDOWN, power_state.CRASHED)
# Errors of the request itself (its image, its user data): any other host
# would fail the same way, so the build ends in ERROR, not rescheduled.
BUILD_ABORT_ERRORS = (exception.ImageNotFound, exception.ImageUnacceptable,
                      exception.ImageChecksumMismatch,
                      exception.FlavorDiskSmallerThanImage,
                      exception.InvalidInput)
# NOTE: files of an instance directory that stay behind when the
# instance moves: a resized guest starts a new console log (a live
# migrated one takes its log along, see LIVE_MIGRATION_FILES), and a
# ``.part`` is a copy that never completed.
_STAYING_PREFIXES = ('console',)
_STAYING_SUFFIXES = ('.part',)
# The files a block live migration copies itself: what QEMU does not
# mirror (the read-only config drive), what the driver keeps beside the
# guest, and the console log, so the destination's QEMU appends to it.
LIVE_MIGRATION_FILES = (designer.CONFIG_DRIVE, BOOT_INFO, designer.CONSOLE_LOG)
# The instance's qcow2 disks (overlays of a cached image or blank).
QCOW2_DISKS = (designer.ROOT_DISK, designer.EPHEMERAL_DISK)
# The name an offer gives a cached image: a file of ``$state_path/_base``.
BASE_PREFIX = '_base/'
# The marker of check_can_live_migrate_destination, in the instances path.
_MARKER_PREFIX = 'tmp-live-migration-'


def _make_readable(path):
    """Take over ``path`` if this service cannot read it: virtlogd writes
    a guest's console log as root, readable by root alone."""
    if os.path.exists(path) and not os.access(path, os.R_OK):
        priv_path.chown(path, os.geteuid(), os.getegid())


def _image_facts(image_meta, instance):
    """:returns: (image id, disk_format, properties) of ``image_meta``.

    ``image_meta`` is an ImageMeta object or a Glance image body (a dict,
    possibly empty); a missing id falls back to ``instance.image_ref``.
    """
    if isinstance(image_meta, collections.abc.Mapping):
        properties = image_body.properties(image_meta)
        image_id = image_meta.get('id')
        disk_format = image_meta.get('disk_format')
    else:
        def field(name):
            if image_meta.obj_attr_is_set(name):
                return getattr(image_meta, name)
            return None
        properties = dict(field('properties') or {})
        image_id = field('id')
        disk_format = field('disk_format')
    return (image_id or instance.image_ref, disk_format,
            {k: v for k, v in properties.items() if v is not None})


class LibvirtDriver(driver.ComputeDriver):
    """A virt driver over ``[libvirt] connection_uri``."""

    def __init__(self, virtapi, image_api=None):
        super().__init__(virtapi, image_api)
        self._host = libvirt_host.Host(CONF.libvirt.connection_uri,
                                       host_name=CONF.host)
        self._image_cache = None
        self._disk_transfer = None
        # {instance uuid: LiveMigrationJob} of the live migrations that
        # run from this host, for force-complete and abort.
        self._live_migrations = {}

    # ---- helpers ------------------------------------------------------------

    @staticmethod
    def _instances_path():
        return os.path.join(CONF.state_path, 'instances')

    def _instance_dir(self, instance):
        return os.path.join(self._instances_path(), instance.uuid)

    def _domain_type(self):
        return designer.domain_type(self._host.get_driver_type(),
                                    CONF.libvirt.virt_type)

    @property
    def image_cache(self):
        """The host's :class:`ImageCache` under ``$state_path/_base``."""
        base_dir = os.path.join(CONF.state_path, imagecache.BASE_DIR_NAME)
        if self._image_cache is None or self._image_cache.base_dir != base_dir:
            self._image_cache = imagecache.ImageCache(
                base_dir,
                lambda ctx, image_id, dst: self._image_api.download(
                    ctx, image_id, dst))
        return self._image_cache

    def _boot_info_path(self, instance):
        return os.path.join(self._instance_dir(instance), BOOT_INFO)

    def _save_boot_info(self, instance, boot_info):
        with open(self._boot_info_path(instance), 'w') as f:
            json.dump(boot_info, f)

    @staticmethod
    def _load_json(path):
        """:returns: the JSON in ``path``; {} when there is no such file."""
        try:
            with open(path) as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

    def _load_boot_info(self, instance):
        """:returns: the designer inputs saved at spawn ({} if none)."""
        return self._load_json(self._boot_info_path(instance))

    def _guest_xml(self, instance, boot_info):
        conf = designer.guest_config(
            instance, self._domain_type(), self._instance_dir(instance),
            cpu_mode=CONF.libvirt.cpu_mode,
            image_properties=boot_info.get('image_properties'),
            kernel_path=boot_info.get('kernel_path'),
            ramdisk_path=boot_info.get('ramdisk_path'),
            config_drive=boot_info.get('config_drive', False),
            default_machine_type=CONF.libvirt.hw_machine_type,
            network_info=boot_info.get('network_info'))
        return conf.to_xml()

    def _plugs_host_devices(self):
        # NOTE: libvirt's test:///default hypervisor has no host behind
        # it: its guests' NICs plug into nothing.
        return self._domain_type() != 'test'

    def plugs_host_networks(self):
        return self._plugs_host_devices()

    def _plug_vifs(self, network_info):
        """Make the host side of the NICs ready before the guest exists.

        After return every VIF's bridge exists, is up and is joined to its
        network's segment, and no device has the name of its tap (one a
        crashed guest left would make libvirt refuse the new one).

        :raises: InternalError when ``ip`` fails.
        """
        if not self._plugs_host_devices():
            return
        self.virtapi.plug_networks(network_info)
        for vif in network_info or ():
            linux_net.ensure_bridge(designer.vif_bridge(vif),
                                    mtu=designer.vif_mtu(vif))
            linux_net.delete_net_dev(designer.vif_tap_name(vif))

    def _unplug_vifs(self, instance, network_info):
        """Remove taps of the guest's NICs that outlived it (libvirt
        removes them with a guest it stops; this is for the rest)."""
        if not self._plugs_host_devices():
            return
        for vif in network_info or ():
            try:
                linux_net.delete_net_dev(designer.vif_tap_name(vif))
            except exception.InternalError as e:
                LOG.warning('Could not remove the tap of instance %s: %s',
                            instance.uuid, e)

    def _create_images(self, context, instance, image_meta):
        """Make the instance's disks from the cached images.

        After return the instance directory holds ``disk`` (a qcow2
        overlay of the image, of the flavor's ``root_gb``) and, when the
        flavor has ephemeral space, ``disk.eph0``; the image's kernel and
        ramdisk (image properties ``kernel_id``, ``ramdisk_id``) are in
        the image cache.

        NOTE: the domain refers to the cached kernel and ramdisk rather
        than to copies, since the cache never drops an image.

        :returns: the designer inputs of the guest (see
            :func:`designer.guest_config`).
        """
        image_id, disk_format, properties = _image_facts(image_meta,
                                                         instance)
        instance_dir = self._instance_dir(instance)
        cache = self.image_cache
        base = cache.fetch(context, image_id)
        base_fmt = imagebackend.base_format(image_id, base, disk_format)
        imagebackend.create_overlay(image_id, base, base_fmt,
                                    designer.root_disk_path(instance_dir),
                                    instance.flavor.root_gb)
        if instance.flavor.ephemeral_gb:
            imagebackend.create_blank(
                designer.ephemeral_disk_path(instance_dir),
                instance.flavor.ephemeral_gb)
        boot_info = {'image_properties': properties, 'kernel_path': None,
                     'ramdisk_path': None}
        kernel_id = properties.get('kernel_id')
        if kernel_id:
            boot_info['kernel_path'] = cache.fetch(context, kernel_id)
            ramdisk_id = properties.get('ramdisk_id')
            if ramdisk_id:
                boot_info['ramdisk_path'] = cache.fetch(context, ramdisk_id)
        return boot_info

    @staticmethod
    def _wait_for_state(guest, wanted, timeout):
        """Poll until ``guest`` is in power state ``wanted``.

        :returns: True when it got there within ``timeout`` seconds.
        """
        deadline = time.monotonic() + timeout
        while True:
            if guest.get_power_state() == wanted:
                return True
            if time.monotonic() >= deadline:
                return False
            utils.sleep(POLL_INTERVAL)

    def _launch_and_wait(self, guest, instance):
        guest.launch()
        if not self._wait_for_state(guest, power_state.RUNNING,
                                    SPAWN_RUNNING_TIMEOUT):
            raise exception.InternalError(
                err='guest of instance %s did not reach running within '
                    '%ss' % (instance.uuid, SPAWN_RUNNING_TIMEOUT))

    # ---- host ---------------------------------------------------------------

    def init_host(self, host):
        self._host = libvirt_host.Host(CONF.libvirt.connection_uri,
                                       host_name=host)
        self._host.get_connection()
        driver_type = self._host.get_driver_type()
        # NOTE: say so at start-up rather than fail every spawn later: kvm
        # needs /dev/kvm, and these machines often lack it (use qemu).
        if (driver_type.upper() == 'QEMU' and CONF.libvirt.virt_type == 'kvm'
                and not os.path.exists('/dev/kvm')):
            raise exception.InternalError(
                err='[libvirt] virt_type is kvm but /dev/kvm is absent; '
                    'set virt_type = qemu on this host')
        utils.ensure_tree(self._instances_path())
        # NOTE: libvirt's test hypervisor has no other host to move to;
        # there the server starts when something is first offered.
        if self._domain_type() != 'test':
            try:
                self._transfer_server()
            except exception.MigrationError as e:
                # NOTE: not fatal: the guests here run without it; moving
                # them to other hosts fails (and says why) until it runs.
                LOG.error('%s', e.format_message())

    def cleanup_host(self, host):
        if self._disk_transfer is not None:
            self._disk_transfer.stop()
            self._disk_transfer = None
        self._host.close()

    def get_available_nodes(self, refresh=False):
        return [self._host.get_hostname()]

    def _disk_gb(self):
        path = utils.ensure_tree(self._instances_path())
        st = os.statvfs(path)
        total = st.f_frsize * st.f_blocks
        free = st.f_frsize * st.f_bavail
        return total // 1024 ** 3, (total - free) // 1024 ** 3

    def _cpu_info(self, node_info):
        cpu = self._host.get_capabilities().host_cpu
        cpu = cpu or vconfig.LibvirtConfigCapsHostCPU()
        # NOTE: virNodeGetInfo: [arch, MB, cpus, MHz, nodes, sockets,
        # cores, threads]; used where the capabilities lack a topology.
        return json.dumps({
            'arch': cpu.arch or node_info[0],
            'model': cpu.model,
            'vendor': cpu.vendor,
            'topology': {'sockets': cpu.sockets or node_info[5],
                         'cores': cpu.cores or node_info[6],
                         'threads': cpu.threads or node_info[7]},
            'features': sorted(cpu.features),
        })

    def get_available_resource(self, nodename):
        node_info = self._host.get_info()
        vcpus_used = memory_kib_used = 0
        for guest in self._host.list_guests():
            try:
                if not guest.is_active():
                    continue
                _state, max_mem_kib, _mem, vcpus, _time = guest.get_info()
            except exception.InstanceNotFoundOnHypervisor:
                continue  # NOTE: deleted while we were counting.
            vcpus_used += vcpus
            memory_kib_used += max_mem_kib
        local_gb, local_gb_used = self._disk_gb()
        return {
            'vcpus': node_info[2],
            'memory_mb': node_info[1],
            'local_gb': local_gb,
            'vcpus_used': vcpus_used,
            'memory_mb_used': memory_kib_used // 1024,
            'local_gb_used': local_gb_used,
            'hypervisor_type': self._host.get_driver_type(),
            'hypervisor_version': int(self._host.get_version()),
            'hypervisor_hostname': self._host.get_hostname(),
            'cpu_info': self._cpu_info(node_info),
        }

    # ---- inventory ----------------------------------------------------------

    def list_instances(self):
        return [guest.name for guest in self._host.list_guests()]

    def list_instance_uuids(self):
        return [guest.uuid for guest in self._host.list_guests()]

    def list_guest_names(self):
        return {guest.uuid: guest.name for guest in self._host.list_guests()}

    def instances_path(self):
        return self._instances_path()

    def get_info(self, instance):
        guest = self._host.get_guest(instance)
        return driver.InstanceInfo(state=guest.get_power_state(),
                                   internal_id=guest.id)

    # ---- lifecycle ----------------------------------------------------------

    def spawn(self, context, instance, image_meta, injected_files,
              admin_password, allocations, network_info=None,
              block_device_info=None):
        """Create and start the guest of ``instance``; see the base class.

        The image (and its kernel and ramdisk, when its properties name
        them) is fetched into the image cache once per host; the root disk
        is a qcow2 overlay of it; a config drive is built when the
        instance asks for one or ``[DEFAULT] force_config_drive`` is set.
        After a normal return the guest is RUNNING and its serial console
        writes to ``console.log`` in the instance directory.

        :raises BuildAbortException: the image or the request cannot work
            on any host (unknown image, bad checksum, disk too small,
            user data not base64); the build is not rescheduled.
        :raises InstanceDeployFailure: this host failed (image service
            down, qemu-img or libvirt error); a reschedule may succeed.
        :raises InstanceExists: a guest for ``instance`` already exists.
        """
        if self.instance_exists(instance):
            raise exception.InstanceExists(name=instance.name)
        instance_dir = self._instance_dir(instance)
        started = time.monotonic()
        try:
            utils.ensure_tree(instance_dir)
            boot_info = self._create_images(context, instance, image_meta)
            boot_info['config_drive'] = configdrive.required_by(instance)
            if boot_info['config_drive']:
                configdrive.build(designer.config_drive_path(instance_dir),
                                  instance, network_info)
            # NOTE: kept so that a guest generated again gets the same NICs
            # (MACs included), and destroy knows its taps.
            boot_info['network_info'] = list(network_info or [])
            self._save_boot_info(instance, boot_info)
            self._plug_vifs(network_info)
            guest = self._host.write_instance_config(
                self._guest_xml(instance, boot_info))
            self._launch_and_wait(guest, instance)
        except BUILD_ABORT_ERRORS as e:
            LOG.error('Spawn of %s aborted: %s', instance.uuid,
                      e.format_message())
            self._cleanup_failed_spawn(instance)
            raise exception.BuildAbortException(
                instance_uuid=instance.uuid,
                reason=e.format_message()) from e
        except (exception.InternalError, exception.ImageServiceUnavailable,
                OSError) as e:
            LOG.error('Spawn of %s failed: %s', instance.uuid, e)
            self._cleanup_failed_spawn(instance)
            raise exception.InstanceDeployFailure(
                reason='%s (host %s)' % (e, CONF.host)) from e
        except Exception:
            self._cleanup_failed_spawn(instance)
            raise
        LOG.info('Instance %s is running as %s (spawned in %.2f s)',
                 instance.uuid, instance.name, time.monotonic() - started)

    def _cleanup_failed_spawn(self, instance):
        try:
            self.destroy(None, instance)
        except Exception:
            # NOTE: the spawn error is the one worth reporting; a failed
            # cleanup is logged and left to the next destroy.
            LOG.exception('Cleanup after failed spawn of %s failed',
                          instance.uuid)

    def destroy(self, context, instance, network_info=None,
                block_device_info=None, destroy_disks=True):
        if not network_info:
            network_info = self._load_boot_info(instance).get('network_info')
        try:
            guest = self._host.get_guest(instance)
            guest.poweroff()
            guest.delete_configuration()
        except exception.InstanceNotFoundOnHypervisor:
            LOG.debug('Instance %s is already gone from the hypervisor',
                      instance.uuid)
        self._unplug_vifs(instance, network_info)
        if destroy_disks:
            shutil.rmtree(self._instance_dir(instance), ignore_errors=True)

    def _start_again(self, guest, instance, network_info):
        """Start the stopped guest from its definition; wait till it runs.

        The host side of its NICs is made ready first (a bridge lost with
        a host reboot, a tap a crashed guest left): ``network_info``, or
        the NICs recorded at spawn when the caller has none.
        """
        if not network_info:
            network_info = self._load_boot_info(instance).get('network_info')
        self._plug_vifs(network_info)
        self._launch_and_wait(guest, instance)

    def _soft_reboot(self, instance, network_info):
        """Shut the guest OS down cleanly and start the guest again.

        :returns: False when the guest was not running or its OS did not
            shut down within ``[libvirt] wait_soft_reboot_seconds``, so
            the caller falls back to a hard reboot.
        """
        guest = self._host.get_guest(instance)
        if guest.get_power_state() != power_state.RUNNING:
            return False
        if not self._clean_shutdown(guest,
                                    CONF.libvirt.wait_soft_reboot_seconds,
                                    CONF.compute.shutdown_retry_interval):
            return False
        # NOTE: "shut down" covers libvirt's SHUTDOWN state, in which QEMU
        # is still exiting; a start then would fail as "already running".
        guest.poweroff()
        self._start_again(guest, instance, network_info)
        return True

    def _hard_reboot(self, instance, network_info):
        """Stop the guest at once and start it from its definition.

        NOTE: the existing definition is started again, not a freshly
        generated one (as Nova does): it is what the guest was built with,
        NICs and their MAC addresses included, so the guest finds the
        same hardware. Disks and config drive stay as they are. A memory
        image left by a suspend is dropped, so the guest boots afresh.
        """
        guest = self._host.get_guest(instance)
        guest.poweroff()
        guest.discard_saved_state()
        self._start_again(guest, instance, network_info)

    def reboot(self, context, instance, network_info, reboot_type):
        """Reboot the guest; see the base class.

        After return the guest is RUNNING; a soft reboot that the guest
        OS did not complete in time was finished as a hard one.
        """
        if reboot_type == 'SOFT':
            if self._soft_reboot(instance, network_info):
                LOG.info('Instance %s soft rebooted', instance.uuid)
                return
            LOG.warning('Soft reboot of %s did not complete; rebooting hard',
                        instance.uuid)
        self._hard_reboot(instance, network_info)
        LOG.info('Instance %s hard rebooted', instance.uuid)

    def _clean_shutdown(self, guest, timeout, retry_interval):
        """Ask the guest OS to shut down (ACPI), again every
        ``retry_interval`` seconds, until it has or ``timeout`` passed.

        NOTE: the request is repeated because a guest still booting (its
        ACPI daemon not yet up) drops it, as Nova's driver does. Waiting
        sleeps the green thread, so the service keeps serving meanwhile.

        :returns: True when the guest OS shut down (or was down already).
        """
        if guest.get_power_state() in SHUTDOWN_STATES:
            return True
        started = time.monotonic()
        guest.shutdown()
        next_request = started + retry_interval if retry_interval else None
        while True:
            if guest.get_power_state() in SHUTDOWN_STATES:
                LOG.info('Guest %s shut down cleanly after %.1f s',
                         guest.name, time.monotonic() - started)
                return True
            now = time.monotonic()
            if now - started >= timeout:
                LOG.info('Guest %s did not shut down within %s s',
                         guest.name, timeout)
                return False
            if next_request is not None and now >= next_request:
                LOG.debug('Asking guest %s again to shut down', guest.name)
                guest.shutdown()
                next_request = now + retry_interval
            utils.sleep(min(POLL_INTERVAL, timeout - (now - started)))

    def power_off(self, instance, timeout=0, retry_interval=0):
        """Stop the guest, keeping it; see the base class.

        After return the domain is defined and inactive (SHUTDOWN): a
        guest whose OS did not shut down within ``timeout`` (or with
        ``timeout`` 0 at once) is stopped hard, as in Nova.
        """
        guest = self._host.get_guest(instance)
        if timeout:
            self._clean_shutdown(guest, timeout, retry_interval)
        guest.poweroff()

    def power_on(self, context, instance, network_info,
                 block_device_info=None):
        """Start the stopped guest from its definition; see the base class.

        NOTE: as in Nova this is a hard reboot (so a crashed or paused
        guest starts afresh too), except that a guest already running is
        left alone.
        """
        guest = self._host.get_guest(instance)
        if guest.get_power_state() == power_state.RUNNING:
            return
        self._hard_reboot(instance, network_info)

    def pause(self, instance):
        self._host.get_guest(instance).pause()

    def unpause(self, instance):
        self._host.get_guest(instance).resume()

    def suspend(self, instance):
        self._host.get_guest(instance).save_memory_state()

    def resume(self, instance):
        guest = self._host.get_guest(instance)
        self._launch_and_wait(guest, instance)

    def get_host_uptime(self):
        """What uptime(1) says on this host (the hypervisor runs here).

        :raises HostUptimeNotAvailable: uptime failed or is missing.
        """
        try:
            result = utils.execute(['env', 'LANG=C', 'uptime'],
                                   timeout=UPTIME_TIMEOUT)
        except exception.InternalError as error:
            raise exception.HostUptimeNotAvailable(
                host=CONF.host, reason=error.format_message())
        return result.stdout.rstrip('\n')

    def get_console_output(self, context, instance):
        """The last ``MAX_CONSOLE_BYTES`` of the serial console log.

        Bytes that are not UTF-8 come out as U+FFFD. A log not written yet
        (the guest has just been defined) reads as ''.

        :raises InstanceNotFoundOnHypervisor: no such guest.
        :raises ConsoleNotAvailable: its domain logs no console to a file.
        """
        guest = self._host.get_guest(instance)
        conf = vconfig.LibvirtConfigGuest().parse_str(guest.get_xml_desc())
        # NOTE: the domain's own definition says where its console goes;
        # trust it over our naming convention.
        paths = [d.source_path for d in conf.devices
                 if isinstance(d, vconfig.LibvirtConfigGuestCharBase)
                 and d.type == 'file' and d.source_path]
        if not paths:
            raise exception.ConsoleNotAvailable()
        for path in paths:
            try:
                _make_readable(path)
                with open(path, 'rb') as f:
                    f.seek(0, os.SEEK_END)
                    f.seek(max(0, f.tell() - MAX_CONSOLE_BYTES))
                    return f.read().decode('utf-8', errors='replace')
            except FileNotFoundError:
                continue
        LOG.info('Console log of instance %s does not exist (yet)',
                 instance.uuid)
        return ''

    def get_diagnostics(self, instance):
        """The guest's counters in Nova's libvirt words; see
        :mod:`nova_lite.virt.libvirt.diagnostics`."""
        return libvirt_diagnostics.get_diagnostics(
            self._host.get_guest(instance))

    def get_instance_diagnostics(self, instance):
        """The guest's figures in the standard shape; see
        :mod:`nova_lite.virt.libvirt.diagnostics`."""
        return libvirt_diagnostics.get_instance_diagnostics(
            self._host.get_guest(instance), instance, self._domain_type())

    # ---- moving files between hosts ----------------------------------------
    #
    # NOTE: a host hands an instance's files to another through its disk
    # transfer server (disk_transfer.py): it *offers* them under a
    # one-time token, and the destination pulls them. The offer's facts
    # (``url``, ``token``, ``files``) travel in the RPC messages of the
    # move. Cached images (backing files, kernel, ramdisk) are offered too,
    # as ``_base/<cache name>`` with their image id: the destination
    # downloads an image from the image service as spawn does and pulls it
    # from the source only when the image service cannot give it (an
    # image deleted since). See docs/migrations.md.

    def _transfer_server(self):
        """:returns: this host's running DiskTransferServer.

        :raises MigrationError: it cannot listen.
        """
        server = self._disk_transfer
        if server is not None and server.running:
            return server
        listen = CONF.libvirt.disk_transfer_listen or CONF.my_ip
        advertise = (CONF.my_ip if listen in ('0.0.0.0', '::')
                     else listen)
        server = disk_transfer.DiskTransferServer(
            listen, CONF.libvirt.disk_transfer_port, advertise=advertise)
        try:
            server.start()
        except OSError as e:
            raise exception.MigrationError(
                reason='the disk transfer server of host %s cannot listen '
                       'on %s:%s: %s' % (CONF.host, listen,
                                         CONF.libvirt.disk_transfer_port, e)
            ) from e
        self._disk_transfer = server
        return server

    def _revoke_offers(self, instance):
        if self._disk_transfer is not None:
            self._disk_transfer.revoke_instance(instance.uuid)

    @staticmethod
    def _moving_files(directory):
        """{name: path} of the files of ``directory`` that move with the
        instance on a resize (all but the console log)."""
        files = {}
        for name in sorted(os.listdir(directory)):
            path = os.path.join(directory, name)
            if (os.path.isfile(path) and
                    not name.startswith(_STAYING_PREFIXES) and
                    not name.endswith(_STAYING_SUFFIXES)):
                files[name] = path
        return files

    def _cached_images(self, instance, directory, boot_info):
        """The cached images the instance's files refer to.

        :returns: ({offered name: path}, {offered name: facts}) where the
            facts are ``image_id`` (None when no image of the instance
            has that cache name) and ``source_path``.
        """
        properties = boot_info.get('image_properties') or {}
        known = {imagecache.base_name(i): i for i in (
            instance.image_ref, properties.get('kernel_id'),
            properties.get('ramdisk_id')) if i}
        used = [boot_info.get('kernel_path'), boot_info.get('ramdisk_path')]
        for name in QCOW2_DISKS:
            path = os.path.join(directory, name)
            if os.path.isfile(path):
                used.append(imagebackend.qemu_img_info(
                    path, 'qcow2', force_share=True).get(
                    'backing-filename'))
        paths, extra = {}, {}
        for path in used:
            if not path or not os.path.isfile(path):
                continue
            name = BASE_PREFIX + os.path.basename(path)
            paths[name] = path
            extra[name] = {'image_id': known.get(os.path.basename(path)),
                           'source_path': path}
        return paths, extra

    def _offer(self, instance, paths, extra):
        for path in paths.values():
            _make_readable(path)
        return self._transfer_server().offer(
            instance.uuid, paths, CONF.libvirt.disk_transfer_timeout,
            extra=extra)

    def _ensure_cached_images(self, context, instance, transfer):
        """Make each cached image of the offer ``transfer`` present in
        this host's image cache: downloaded from the image service as at
        spawn, or pulled from the source when that fails.

        :returns: {source's path: this host's path} of those images.
        :raises DiskTransferError: an image could be had from neither.
        """
        path_map = {}
        base_dir = self.image_cache.base_dir
        for entry in transfer['files']:
            if not entry['name'].startswith(BASE_PREFIX):
                continue
            cache_name = entry['name'][len(BASE_PREFIX):]
            if cache_name in ('', '.', '..') or '/' in cache_name:
                raise exception.DiskTransferError(
                    instance_uuid=instance.uuid, source=transfer['url'],
                    reason='refusing the file name %r' % entry['name'])
            local = os.path.join(base_dir, cache_name)
            path_map[entry.get('source_path') or local] = local
            if os.path.exists(local):
                continue
            image_id = entry.get('image_id')
            if image_id and imagecache.base_name(image_id) == cache_name:
                try:
                    self.image_cache.fetch(context, image_id)
                    continue
                except (exception.NovaException, OSError) as e:
                    LOG.warning('Image %s of instance %s is not available '
                                'from the image service (%s); copying it '
                                'from the source host', image_id,
                                instance.uuid, e)
            utils.ensure_tree(base_dir)
            with utils.named_lock('imagecache-%s' % cache_name):
                if not os.path.exists(local):
                    disk_transfer.fetch_file(transfer, entry['name'], local,
                                             instance.uuid)
        return path_map

    @staticmethod
    def _rebase_disks(instance_dir, path_map):
        """Point the instance's qcow2 disks at this host's copies of their
        backing files, where those sit at another path than on the
        source (another ``state_path``)."""
        for name in QCOW2_DISKS:
            path = os.path.join(instance_dir, name)
            if not os.path.isfile(path):
                continue
            info = imagebackend.qemu_img_info(path, 'qcow2')
            backing = info.get('backing-filename')
            if backing and path_map.get(backing, backing) != backing:
                utils.execute((imagebackend.QEMU_IMG, 'rebase', '-u', '-f',
                               'qcow2', '-F',
                               info.get('backing-filename-format', 'raw'),
                               '-b', path_map[backing], path),
                              imagebackend.QEMU_IMG_TIMEOUT)

    @staticmethod
    def _localize_boot_info(boot_info, path_map):
        """The kernel and ramdisk paths of this host's image cache."""
        for key in ('kernel_path', 'ramdisk_path'):
            if boot_info.get(key) in path_map:
                boot_info[key] = path_map[boot_info[key]]
        return boot_info

    def _pull_instance_files(self, context, instance, transfer, names=None):
        """Cached images, then the instance's files (``names``, default
        all offered) of the offer ``transfer`` into the instance
        directory. :returns: the path map of the cached images."""
        path_map = self._ensure_cached_images(context, instance, transfer)
        if names is None:
            names = [e['name'] for e in transfer['files']
                     if not e['name'].startswith(BASE_PREFIX)]
        disk_transfer.fetch_files(transfer, self._instance_dir(instance),
                                  instance.uuid, names=names)
        return path_map

    # ---- resize -------------------------------------------------------------
    #
    # NOTE: the instance directory is set aside as ``<dir>_resize`` and a
    # new directory gets copies of the disks and config drive, as Nova's
    # driver does. On one host (or hosts sharing ``state_path``) the
    # destination copies the files directly; between hosts it pulls them
    # from the source's disk transfer server (Nova copies over ssh).

    def _resize_dir(self, instance):
        return self._instance_dir(instance) + '_resize'

    def migrate_disk_and_power_off(self, context, instance, dest, flavor,
                                   network_info, block_device_info=None,
                                   timeout=0, retry_interval=0):
        """Stop the guest and set its directory aside; see the base class.

        For another host, the set-aside files and the cached images they
        need are offered to it (see :meth:`finish_migration`).

        :returns: JSON of ``source_host``, ``source_dir`` and, when
            ``dest`` is another host, ``transfer``: the offer (``url``,
            ``token``, ``files`` [{``name``, ``size``, ...}],
            ``expires_in``).
        :raises ResizeError: the new flavor's root disk is smaller (a
            qcow2 cannot shrink under a filesystem), or the files cannot
            be offered; before the guest is touched.
        """
        old_root = instance.flavor.root_gb
        if flavor.root_gb and flavor.root_gb < old_root:
            raise exception.ResizeError(reason='Unable to resize disk down.')
        remote = dest != CONF.host
        if remote:
            try:
                self._transfer_server()
            except exception.MigrationError as e:
                raise exception.ResizeError(reason=e.format_message()) from e
        self.power_off(instance, timeout, retry_interval)
        instance_dir = self._instance_dir(instance)
        saved = self._resize_dir(instance)
        if os.path.exists(saved):
            # NOTE: a resize that failed half way left it; the live
            # directory is the one to keep.
            shutil.rmtree(saved)
        os.rename(instance_dir, saved)
        info = {'source_dir': saved, 'source_host': CONF.host}
        if remote:
            try:
                paths = self._moving_files(saved)
                images, extra = self._cached_images(
                    instance, saved, self._load_json(
                        os.path.join(saved, BOOT_INFO)))
                paths.update(images)
                info['transfer'] = self._offer(instance, paths, extra)
            except Exception:
                os.rename(saved, instance_dir)
                raise
        LOG.info('Instance %s powered off; its disks are set aside in %s%s',
                 instance.uuid, saved,
                 ' and offered to %s' % dest if remote else '')
        return json.dumps(info)

    @staticmethod
    def _readable_here(info):
        """Whether the set-aside files of ``info`` are this host's to copy:
        the same host, a source that offered nothing, or a ``state_path``
        shared with the source (every offered file there, same size)."""
        if info.get('source_host') == CONF.host or 'transfer' not in info:
            return True
        source_dir = info['source_dir']
        for entry in info['transfer']['files']:
            if entry['name'].startswith(BASE_PREFIX):
                continue
            path = os.path.join(source_dir, entry['name'])
            if not os.path.isfile(path) or \
                    os.path.getsize(path) != entry['size']:
                return False
        return True

    def _copy_local(self, instance, source_dir):
        if not os.path.isdir(source_dir):
            raise exception.ResizeError(
                reason='the disks of instance %s are not readable on this '
                       'host (%s) and were not offered by the source'
                       % (instance.uuid, source_dir))
        instance_dir = self._instance_dir(instance)
        for name, source in self._moving_files(source_dir).items():
            shutil.copy2(source, os.path.join(instance_dir, name))

    def finish_migration(self, context, migration, instance, disk_info,
                         network_info, image_meta, resize_instance,
                         block_device_info=None, power_on=True):
        """The guest of the new flavor on copies of the old disks; see the
        base class. The copies come from the source's disk transfer
        server, or straight from ``source_dir`` when it is readable here
        (see :meth:`_readable_here`). The root disk grows to the new
        ``root_gb`` with ``qemu-img resize``; vCPUs and memory come from
        the new domain definition.

        On failure nothing of the instance is left on this host (no guest
        definition, no directory; a same-host resize keeps the source's)
        and the error is raised: :class:`DiskTransferError` when the
        copy failed.
        """
        info = json.loads(disk_info)
        instance_dir = self._instance_dir(instance)
        same_host = info.get('source_host') == CONF.host
        started = time.monotonic()
        defined = False
        try:
            utils.ensure_tree(instance_dir)
            path_map = {}
            if self._readable_here(info):
                self._copy_local(instance, info['source_dir'])
            else:
                path_map = self._pull_instance_files(context, instance,
                                                     info['transfer'])
                self._rebase_disks(instance_dir, path_map)
            root = designer.root_disk_path(instance_dir)
            new_size = instance.flavor.root_gb * imagebackend.GiB
            if resize_instance and new_size:
                current = imagebackend.qemu_img_info(root, 'qcow2')[
                    'virtual-size']
                if new_size > current:
                    utils.execute((imagebackend.QEMU_IMG, 'resize', '-f',
                                   'qcow2', root, str(new_size)),
                                  imagebackend.QEMU_IMG_TIMEOUT)
            boot_info = self._localize_boot_info(
                self._load_boot_info(instance), path_map)
            if network_info:
                boot_info['network_info'] = list(network_info)
            if path_map or network_info:
                self._save_boot_info(instance, boot_info)
            guest = self._host.write_instance_config(
                self._guest_xml(instance, boot_info))
            defined = not same_host
            if power_on:
                self._start_again(guest, instance, network_info)
        except Exception as e:
            LOG.error('Finishing the migration of %s on %s failed: %s',
                      instance.uuid, CONF.host, e)
            self._cleanup_failed_finish(instance, defined, network_info)
            raise
        LOG.info('Instance %s resized to %d MiB, %d vCPU(s), %d GiB in '
                 '%.2f s', instance.uuid, instance.flavor.memory_mb,
                 instance.flavor.vcpus, instance.flavor.root_gb,
                 time.monotonic() - started)

    def _cleanup_failed_finish(self, instance, defined, network_info):
        """Remove the new directory and, when this call defined it (not
        on the source's host, whose definition it is), the guest."""
        try:
            if defined:
                self.destroy(None, instance, network_info)
            else:
                shutil.rmtree(self._instance_dir(instance),
                              ignore_errors=True)
        except Exception:
            LOG.exception('Cleanup after a failed migration of %s failed',
                          instance.uuid)

    def confirm_migration(self, context, migration, instance, network_info):
        """Drop the set-aside directory (and, when the guest moved to
        another host, its old definition here) and the offer of its
        files."""
        if migration.source_compute != migration.dest_compute:
            try:
                self._host.get_guest(instance).delete_configuration()
            except exception.InstanceNotFoundOnHypervisor:
                pass
        self._revoke_offers(instance)
        shutil.rmtree(self._resize_dir(instance), ignore_errors=True)

    def finish_revert_migration(self, context, instance, network_info,
                                migration, block_device_info=None,
                                power_on=True):
        """The set-aside directory back in place and the guest defined
        from it with the (restored) old flavor; the offer of its files is
        revoked. See the base class."""
        self._revoke_offers(instance)
        saved = self._resize_dir(instance)
        instance_dir = self._instance_dir(instance)
        if not os.path.isdir(saved):
            raise exception.InstanceNotFoundOnHypervisor(
                instance_id=instance.uuid)
        if os.path.exists(instance_dir):
            shutil.rmtree(instance_dir)
        os.rename(saved, instance_dir)
        guest = self._host.write_instance_config(
            self._guest_xml(instance, self._load_boot_info(instance)))
        if power_on:
            self._start_again(guest, instance, network_info)

    # ---- live migration -----------------------------------------------------
    #
    # NOTE: the walk is the base class's. What this driver adds to
    # migrate_data on the way:
    #   destination check: dest_host, dest_addr, filename (the marker),
    #       block_migration (as asked), disk_available_mb, dest_state_path
    #   source check: is_shared_instance_path, block_migration (settled),
    #       source_host, source_state_path and, for a block migration,
    #       source_disks (as get_instance_disk_info) and transfer: the
    #       offer of the files QEMU does not copy (LIVE_MIGRATION_FILES)
    #       and of the cached images the disks and kernel need, which
    #       pre_live_migration pulls. The offer is revoked when
    #       live_migration ends (or by post_live_migration), and expires
    #       after [libvirt] disk_transfer_timeout in any case.

    def _inbound_addr(self):
        return CONF.libvirt.live_migration_inbound_addr or CONF.my_ip

    def _compare_cpu(self, cpu_info):
        """Can this host's CPU run a guest of the source's ``cpu_info``
        (the JSON of get_available_resource)?

        :raises InvalidCPUInfo: it cannot.
        :raises MigrationPreCheckError: libvirt could not compare them.
        """
        cpu = libvirt_migration.cpu_config(cpu_info)
        try:
            result = self._host.compare_cpu(cpu.to_xml())
        except exception.InternalError as e:
            raise exception.MigrationPreCheckError(
                reason='cannot compare the CPU of the source with host %s: '
                       '%s' % (CONF.host, e.format_message())) from e
        if result <= 0:
            raise exception.InvalidCPUInfo(
                reason='the CPU of the source (%s %s) is not compatible '
                       'with the CPU of host %s (libvirt compareCPU: %s)'
                       % (cpu.vendor, cpu.model, CONF.host, result))

    def check_can_live_migrate_destination(self, context, instance,
                                           src_compute_info,
                                           dst_compute_info,
                                           block_migration=None):
        """See the base class. The CPUs are compared (compareCPU) only
        for ``kvm`` with a ``cpu_mode`` of host-model, host-passthrough or
        custom, as Nova: an emulated (``qemu``) CPU is the same anywhere.

        :returns: migrate_data with ``dest_host``, ``dest_addr``,
            ``filename`` (a marker in this host's instances path),
            ``block_migration`` (as given), ``disk_available_mb`` and
            ``dest_state_path``.
        """
        src_type = (src_compute_info or {}).get('hypervisor_type')
        if src_type and src_type != self._host.get_driver_type():
            raise exception.MigrationPreCheckError(
                reason='the source runs %s, host %s runs %s'
                       % (src_type, CONF.host, self._host.get_driver_type()))
        if (CONF.libvirt.virt_type == 'kvm' and
                self._domain_type() == 'kvm' and
                CONF.libvirt.cpu_mode in ('host-model', 'host-passthrough',
                                          'custom')):
            self._compare_cpu((src_compute_info or {}).get('cpu_info'))
        instances_path = utils.ensure_tree(self._instances_path())
        fd, marker = tempfile.mkstemp(dir=instances_path,
                                      prefix=_MARKER_PREFIX)
        os.close(fd)
        st = os.statvfs(instances_path)
        return {
            'dest_host': CONF.host,
            'dest_addr': self._inbound_addr(),
            'filename': os.path.basename(marker),
            'block_migration': block_migration,
            'disk_available_mb': st.f_frsize * st.f_bavail // 1024 ** 2,
            'dest_state_path': CONF.state_path,
        }

    def _marker_path(self, migrate_data):
        name = os.path.basename((migrate_data or {}).get('filename') or '')
        if not name.startswith(_MARKER_PREFIX):
            return None
        return os.path.join(self._instances_path(), name)

    def cleanup_live_migration_destination_check(self, context,
                                                 migrate_data):
        path = self._marker_path(migrate_data)
        if path:
            try:
                os.unlink(path)
            except FileNotFoundError:
                pass

    def check_can_live_migrate_source(self, context, instance, migrate_data):
        """See the base class. The instance path is shared when the
        destination's marker is visible here. For a block migration the
        files QEMU does not copy are offered to the destination (see the
        NOTE of this section) after a check that its disk has room.

        NOTE: as Nova (and as the exceptions' messages read): a block
        migration on a shared path raises InvalidLocalStorage, none on a
        path that is not shared InvalidSharedStorage.
        """
        migrate_data = dict(migrate_data or {})
        guest = self._host.get_guest(instance)
        state = guest.get_power_state()
        if state not in (power_state.RUNNING, power_state.PAUSED):
            raise exception.MigrationPreCheckError(
                reason='instance %s is not running (power state %s)'
                       % (instance.uuid, state))
        marker = self._marker_path(migrate_data)
        shared = bool(marker and os.path.exists(marker))
        block = migrate_data.get('block_migration')
        if block is None:
            block = not shared
        source = '%s:%s' % (CONF.host, self._instance_dir(instance))
        if block and shared:
            raise exception.InvalidLocalStorage(
                path=source,
                reason='block migration cannot be used with a shared '
                       'instance path')
        if not block and not shared:
            raise exception.InvalidSharedStorage(
                path=source,
                reason='the instance path is not shared with host %s; '
                       'use block migration'
                       % migrate_data.get('dest_host'))
        migrate_data.update(is_shared_instance_path=shared,
                            block_migration=block, source_host=CONF.host,
                            source_state_path=CONF.state_path)
        if block:
            disks = self._disk_list(guest)
            needed = sum(max(d['virt_disk_size'], d['disk_size'])
                         for d in disks if not d['readonly']) // 1024 ** 2
            available = migrate_data.get('disk_available_mb')
            if available is not None and needed > available:
                raise exception.MigrationPreCheckError(
                    reason='the disks of instance %s need %d MiB, host %s '
                           'has %d MiB' % (instance.uuid, needed,
                                           migrate_data.get('dest_host'),
                                           available))
            migrate_data['source_disks'] = disks
            migrate_data['transfer'] = self._offer_live_files(instance)
        return migrate_data

    def _offer_live_files(self, instance):
        instance_dir = self._instance_dir(instance)
        paths = {name: os.path.join(instance_dir, name)
                 for name in LIVE_MIGRATION_FILES
                 if os.path.isfile(os.path.join(instance_dir, name))}
        images, extra = self._cached_images(
            instance, instance_dir, self._load_boot_info(instance))
        paths.update(images)
        try:
            return self._offer(instance, paths, extra)
        except exception.MigrationError as e:
            raise exception.MigrationPreCheckError(
                reason=e.format_message()) from e

    @staticmethod
    def _disk_list(guest):
        """The guest's file disks as get_instance_disk_info tells them."""
        return libvirt_migration.file_disks(guest.get_xml_desc())

    def get_instance_disk_info(self, instance):
        """:returns: JSON list of the guest's file disks, each with
            ``path``, ``target``, ``type`` (qcow2/raw), ``readonly``,
            ``virt_disk_size``, ``disk_size`` (bytes used),
            ``backing_file`` (the cache name of its base image, or ''),
            ``backing_format`` and ``over_committed_disk_size``.

        :raises InstanceNotFoundOnHypervisor: no such guest.
        """
        return json.dumps(self._disk_list(self._host.get_guest(instance)))

    def _create_migration_disks(self, instance, disks, path_map):
        """Empty disks for QEMU to mirror the source's into: each
        writable disk of ``disks`` with its virtual size, format and (on
        this host's copy of) its backing file."""
        instance_dir = self._instance_dir(instance)
        base_dir = self.image_cache.base_dir
        for disk in disks:
            if disk.get('readonly'):
                continue
            name = os.path.basename(disk['path'])
            if name in ('', '.', '..'):
                raise exception.MigrationError(
                    reason='refusing the disk path %r' % disk['path'])
            path = os.path.join(instance_dir, name)
            fmt = disk['type'] if disk['type'] in ('qcow2', 'raw') else 'raw'
            args = [imagebackend.QEMU_IMG, 'create', '-f', fmt]
            if fmt == 'qcow2' and disk.get('backing_file'):
                backing = os.path.join(
                    base_dir, os.path.basename(disk['backing_file']))
                if not os.path.exists(backing):
                    raise exception.MigrationError(
                        reason='the backing file %s of %s is not on host %s'
                               % (backing, name, CONF.host))
                args += ['-F', disk.get('backing_format') or 'raw',
                         '-b', backing]
            args += [path, str(disk['virt_disk_size'])]
            utils.execute(args, imagebackend.QEMU_IMG_TIMEOUT)

    def pre_live_migration(self, context, instance, network_info, disk_info,
                           migrate_data):
        """See the base class. Unless the instance path is shared: the
        instance directory (which must not exist yet); for a block
        migration the cached images (image service, else the source),
        empty disks over them (from ``disk_info``, else
        ``migrate_data['source_disks']``) and the offered files
        (config drive, boot.json, console log) pulled from the source.
        Then the guest's networks are plugged.

        :returns: migrate_data with ``dest_addr``.
        :raises MigrationError: the destination cannot be prepared;
            nothing of the instance is left here.
        """
        migrate_data = dict(migrate_data or {})
        instance_dir = self._instance_dir(instance)
        created = False
        try:
            if not migrate_data.get('is_shared_instance_path'):
                if os.path.exists(instance_dir):
                    raise exception.MigrationError(
                        reason='the directory %s of instance %s exists '
                               'already on host %s'
                               % (instance_dir, instance.uuid, CONF.host))
                utils.ensure_tree(instance_dir)
                created = True
                if migrate_data.get('block_migration'):
                    self._prepare_block_migration(
                        context, instance, disk_info, migrate_data)
            self._plug_vifs(network_info)
        except (exception.NovaException, OSError) as e:
            if created:
                shutil.rmtree(instance_dir, ignore_errors=True)
            reason = (e.format_message()
                      if isinstance(e, exception.NovaException) else str(e))
            LOG.error('Preparing host %s for the live migration of %s '
                      'failed: %s', CONF.host, instance.uuid, reason)
            if isinstance(e, exception.MigrationError):
                raise
            raise exception.MigrationError(reason=reason) from e
        migrate_data['dest_addr'] = (migrate_data.get('dest_addr') or
                                     self._inbound_addr())
        migrate_data.setdefault('dest_host', CONF.host)
        return migrate_data

    def _prepare_block_migration(self, context, instance, disk_info,
                                 migrate_data):
        transfer = migrate_data.get('transfer')
        if not transfer:
            raise exception.MigrationError(
                reason='the source offered no files of instance %s'
                       % instance.uuid)
        if isinstance(disk_info, str):
            disk_info = json.loads(disk_info)
        disks = disk_info or migrate_data.get('source_disks') or []
        path_map = self._ensure_cached_images(context, instance, transfer)
        self._create_migration_disks(instance, disks, path_map)
        self._pull_instance_files(context, instance, transfer)
        boot_info = self._load_boot_info(instance)
        if boot_info and path_map:
            self._save_boot_info(
                instance, self._localize_boot_info(boot_info, path_map))

    def _destination_xml(self, guest, migrate_data):
        """The domain XML for the destination when its ``state_path``
        differs from this host's (else None: the paths stay)."""
        dest_state = migrate_data.get('dest_state_path')
        if not dest_state or dest_state == CONF.state_path:
            return None
        xml = guest.get_xml_desc(libvirt_guest.VIR_DOMAIN_XML_MIGRATABLE)
        return libvirt_migration.updated_guest_xml(
            xml, {CONF.state_path: dest_state})

    def live_migration(self, context, instance, dest, post_method,
                       recover_method, block_migration=False,
                       migrate_data=None, migration=None):
        """See the base class. ``migrateToURI3`` to the destination's
        libvirtd (``[libvirt] live_migration_uri`` or
        ``qemu+<live_migration_scheme>://<dest_addr>/system``) with QEMU's
        stream to ``tcp://<dest_addr>``, run in a native thread while this
        green thread saves the progress into ``migration`` and aborts the
        migration after ``[libvirt] live_migration_completion_timeout``
        seconds per GiB. Never raises.
        """
        md = dict(migrate_data or {})
        error = None
        try:
            guest = self._host.get_guest(instance)
            dest_addr = md.get('dest_addr') or dest
            xml = guest.get_xml_desc(
                libvirt_guest.VIR_DOMAIN_XML_MIGRATABLE)
            disks = (libvirt_migration.writable_disks(xml)
                     if block_migration else None)
            disk_bytes = 0
            if block_migration:
                disk_bytes = sum(d['disk_size'] for d in
                                 self._disk_list(guest) if not d['readonly'])
            job = libvirt_migration.LiveMigrationJob(
                guest, instance.uuid,
                libvirt_migration.migration_uri(
                    dest_addr, CONF.libvirt.live_migration_scheme,
                    CONF.libvirt.live_migration_uri),
                libvirt_migration.migration_flags(block_migration),
                libvirt_migration.migration_params(
                    dest_addr, migrate_disks=disks,
                    bandwidth=CONF.libvirt.live_migration_bandwidth,
                    dest_xml=self._destination_xml(guest, md)),
                migration=migration,
                timeout=libvirt_migration.completion_timeout(
                    CONF.libvirt.live_migration_completion_timeout,
                    instance.flavor.memory_mb, disk_bytes))
            self._live_migrations[instance.uuid] = job
            try:
                job.run()
            finally:
                self._live_migrations.pop(instance.uuid, None)
        except Exception as e:
            error = e
        finally:
            self._revoke_offers(instance)
        if error is None:
            LOG.info('Instance %s runs on %s now', instance.uuid, dest)
            callback, args = post_method, (context, instance, dest,
                                           block_migration, migrate_data)
        else:
            LOG.error('Live migration of %s to %s failed: %s',
                      instance.uuid, dest, error)
            callback, args = recover_method, (context, instance, dest,
                                              migrate_data, error)
        try:
            callback(*args)
        except Exception:
            LOG.exception('%s after the live migration of %s failed',
                          getattr(callback, '__name__', callback),
                          instance.uuid)

    def _live_migration_job(self, instance):
        job = self._live_migrations.get(instance.uuid)
        if job is None:
            raise exception.MigrationError(
                reason='no live migration of instance %s runs on host %s'
                       % (instance.uuid, CONF.host))
        return job

    def live_migration_force_complete(self, instance):
        self._live_migration_job(instance).force_complete()

    def live_migration_abort(self, instance):
        self._live_migration_job(instance).abort()

    def post_live_migration(self, context, instance, migrate_data):
        """Drop what is left of the guest here (libvirt undefined it with
        the migration), its directory unless shared, and its offers."""
        try:
            guest = self._host.get_guest(instance)
            if guest.is_active():
                LOG.warning('Instance %s still runs on %s after its live '
                            'migration; leaving it', instance.uuid,
                            CONF.host)
                return
            guest.delete_configuration()
        except exception.InstanceNotFoundOnHypervisor:
            pass
        self._revoke_offers(instance)
        if not (migrate_data or {}).get('is_shared_instance_path'):
            shutil.rmtree(self._instance_dir(instance), ignore_errors=True)

    def post_live_migration_at_source(self, context, instance,
                                      network_info):
        self._unplug_vifs(instance, network_info)

    def post_live_migration_at_destination(self, context, instance,
                                           network_info,
                                           block_migration=False):
        """The guest defined here for good (PERSIST_DEST did it; a guest
        that came transient is defined from its live XML) and its NICs
        recorded in boot.json, as finish_migration does."""
        guest = self._host.get_guest(instance)
        if not guest.is_persistent():
            self._host.write_instance_config(guest.get_xml_desc(
                libvirt_guest.VIR_DOMAIN_XML_MIGRATABLE))
        if network_info and os.path.isdir(self._instance_dir(instance)):
            boot_info = self._load_boot_info(instance)
            boot_info['network_info'] = list(network_info)
            self._save_boot_info(instance, boot_info)

    def rollback_live_migration_at_destination(self, context, instance,
                                               network_info,
                                               destroy_disks=True,
                                               migrate_data=None):
        """No guest of ``instance`` here (an incoming one is paused), and
        no directory unless the path is shared. Idempotent."""
        try:
            guest = self._host.get_guest(instance)
            guest.poweroff()
            guest.delete_configuration()
        except exception.InstanceNotFoundOnHypervisor:
            pass
        self._unplug_vifs(instance, network_info)
        if destroy_disks and not (migrate_data or {}).get(
                'is_shared_instance_path'):
            shutil.rmtree(self._instance_dir(instance), ignore_errors=True)

    # ---- snapshot and rescue ----------------------------------------------

    def snapshot(self, context, instance, image_id, update_task_state):
        """Flatten the root disk into image ``image_id``; see the base
        class and :mod:`nova_lite.virt.libvirt.snapshot`."""
        libvirt_snapshot.snapshot(self, context, instance, image_id,
                                  update_task_state)

    def rescue(self, context, instance, network_info, image_meta,
               rescue_password):
        """Boot from the rescue image, own disk second; see
        :mod:`nova_lite.virt.libvirt.rescue`."""
        libvirt_rescue.rescue(self, context, instance, network_info,
                              image_meta)

    def unrescue(self, context, instance):
        """Boot from the instance's own definition again."""
        libvirt_rescue.unrescue(self, context, instance)

"""LibvirtDriver: guests through a libvirt connection ([libvirt] group)."""

import collections.abc
import json
import os
import shutil
import time

from oslo_log import log as logging

from nova_lite.compute import power_state
from nova_lite.conf import CONF
from nova_lite import exception
from nova_lite.image import glance
from nova_lite.network import linux_net
from nova_lite import utils
from nova_lite.virt import configdrive
from nova_lite.virt import driver
from nova_lite.virt.libvirt import config as vconfig
from nova_lite.virt.libvirt import designer
from nova_lite.virt.libvirt import host as libvirt_host
from nova_lite.virt.libvirt import imagebackend
from nova_lite.virt.libvirt import imagecache
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
# Properties of an image body that are not image properties.
_IMAGE_FIELDS = ('id', 'name', 'status', 'checksum', 'disk_format',
                 'container_format', 'size', 'min_ram', 'min_disk',
                 'properties', 'owner', 'visibility', 'protected',
                 'created_at', 'updated_at', 'tags', 'os_hash_algo',
                 'os_hash_value', 'os_hidden', 'virtual_size', 'file',
                 'self', 'schema', 'direct_url', 'locations')


def _image_facts(image_meta, instance):
    """:returns: (image id, disk_format, properties) of ``image_meta``.

    ``image_meta`` is an ImageMeta object or a Glance image body (a dict,
    possibly empty); a missing id falls back to ``instance.image_ref``.
    """
    if isinstance(image_meta, collections.abc.Mapping):
        properties = {k: v for k, v in image_meta.items()
                      if k not in _IMAGE_FIELDS}
        properties.update(image_meta.get('properties') or {})
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

    def __init__(self, virtapi):
        super().__init__(virtapi)
        self._host = libvirt_host.Host(CONF.libvirt.connection_uri,
                                       host_name=CONF.host)
        self._image_api = glance.API()
        self._image_cache = None

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

    def _load_boot_info(self, instance):
        """:returns: the designer inputs saved at spawn ({} if none)."""
        try:
            with open(self._boot_info_path(instance)) as f:
                return json.load(f)
        except FileNotFoundError:
            return {}

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

    def cleanup_host(self, host):
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
                with open(path, 'rb') as f:
                    f.seek(0, os.SEEK_END)
                    f.seek(max(0, f.tell() - MAX_CONSOLE_BYTES))
                    return f.read().decode('utf-8', errors='replace')
            except FileNotFoundError:
                continue
        LOG.info('Console log of instance %s does not exist (yet)',
                 instance.uuid)
        return ''

    # ---- resize (helper A) --------------------------------------------------
    #
    # NOTE: the instance directory is set aside as ``<dir>_resize`` and a
    # new directory gets copies of the disks and config drive, as Nova's
    # driver does. The copy is a plain file copy: on one host (or hosts
    # sharing ``state_path``, as namespaced lab hosts do) the destination
    # reads the source's files directly; Nova copies over ssh instead.

    def _resize_dir(self, instance):
        return self._instance_dir(instance) + '_resize'

    def migrate_disk_and_power_off(self, context, instance, dest, flavor,
                                   network_info, block_device_info=None,
                                   timeout=0, retry_interval=0):
        """Stop the guest and set its directory aside; see the base class.

        :raises ResizeError: the new flavor's root disk is smaller (a
            qcow2 cannot shrink under a filesystem), before anything.
        """
        old_root = instance.flavor.root_gb
        if flavor.root_gb and flavor.root_gb < old_root:
            raise exception.ResizeError(reason='Unable to resize disk down.')
        self.power_off(instance, timeout, retry_interval)
        instance_dir = self._instance_dir(instance)
        saved = self._resize_dir(instance)
        if os.path.exists(saved):
            # NOTE: a resize that failed half way left it; the live
            # directory is the one to keep.
            shutil.rmtree(saved)
        os.rename(instance_dir, saved)
        LOG.info('Instance %s powered off; its disks are set aside in %s',
                 instance.uuid, saved)
        return json.dumps({'source_dir': saved, 'source_host': CONF.host})

    def finish_migration(self, context, migration, instance, disk_info,
                         network_info, image_meta, resize_instance,
                         block_device_info=None, power_on=True):
        """The guest of the new flavor on copies of the old disks; see the
        base class. The root disk grows to the new ``root_gb`` with
        ``qemu-img resize``; vCPUs and memory come from the new domain
        definition."""
        info = json.loads(disk_info)
        source_dir = info['source_dir']
        instance_dir = self._instance_dir(instance)
        started = time.monotonic()
        if not os.path.isdir(source_dir):
            raise exception.ResizeError(
                reason='the disks of instance %s are not readable on this '
                       'host (%s); resize between hosts needs a shared '
                       'state_path' % (instance.uuid, source_dir))
        utils.ensure_tree(instance_dir)
        for name in os.listdir(source_dir):
            if name.startswith('console'):
                continue
            source = os.path.join(source_dir, name)
            if os.path.isfile(source):
                shutil.copy2(source, os.path.join(instance_dir, name))
        root = designer.root_disk_path(instance_dir)
        new_size = instance.flavor.root_gb * imagebackend.GiB
        if resize_instance and new_size:
            current = imagebackend.qemu_img_info(root, 'qcow2')[
                'virtual-size']
            if new_size > current:
                utils.execute((imagebackend.QEMU_IMG, 'resize', '-f',
                               'qcow2', root, str(new_size)),
                              imagebackend.QEMU_IMG_TIMEOUT)
        boot_info = self._load_boot_info(instance)
        if network_info:
            boot_info['network_info'] = list(network_info)
            self._save_boot_info(instance, boot_info)
        guest = self._host.write_instance_config(
            self._guest_xml(instance, boot_info))
        if power_on:
            self._start_again(guest, instance, network_info)
        LOG.info('Instance %s resized to %d MiB, %d vCPU(s), %d GiB in '
                 '%.2f s', instance.uuid, instance.flavor.memory_mb,
                 instance.flavor.vcpus, instance.flavor.root_gb,
                 time.monotonic() - started)

    def confirm_migration(self, context, migration, instance, network_info):
        """Drop the set-aside directory (and, when the guest moved to
        another host, its old definition here)."""
        if migration.source_compute != migration.dest_compute:
            try:
                self._host.get_guest(instance).delete_configuration()
            except exception.InstanceNotFoundOnHypervisor:
                pass
        shutil.rmtree(self._resize_dir(instance), ignore_errors=True)

    def finish_revert_migration(self, context, instance, network_info,
                                migration, block_device_info=None,
                                power_on=True):
        """The set-aside directory back in place and the guest defined
        from it with the (restored) old flavor; see the base class."""
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

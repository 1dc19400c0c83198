"""Designer: the decisions that turn an instance into a guest config."""

import os

from oslo_log import log as logging

from nova_lite.virt.libvirt import config as vconfig

LOG = logging.getLogger(__name__)

ROOT_DISK = 'disk'
EPHEMERAL_DISK = 'disk.eph0'
CONFIG_DRIVE = 'disk.config'
CONSOLE_LOG = 'console.log'
KERNEL = 'kernel'
RAMDISK = 'ramdisk'

# NOTE: Nova's kernel command line for x86 guests booted from a kernel
# image: the console on the first serial port (where console.log is) and
# the root disk on the first virtio disk. Image property os_command_line
# replaces it.
DEFAULT_CMDLINE = 'root=/dev/vda console=tty0 console=ttyS0'
# NOTE: as Nova, the config drive takes the last device name of its bus,
# so adding disks never renames it.
LAST_DEVICE = {'ide': 'hdd', 'sata': 'sdf', 'scsi': 'sdz', 'virtio': 'vdz'}

# NOTE: libvirt's test:///default hypervisor (driver type TEST) only accepts
# domains of type 'test', whatever [libvirt] virt_type says.
_TEST_DRIVER_TYPE = 'TEST'


def domain_type(driver_type, virt_type):
    """Choose the ``<domain type>``.

    :param driver_type: libvirt's name of the connection's hypervisor
        (``virConnectGetType``), e.g. ``QEMU`` or ``TEST``.
    :param virt_type: ``[libvirt] virt_type``: ``kvm`` or ``qemu``.
    """
    if driver_type.upper() == _TEST_DRIVER_TYPE:
        return 'test'
    return virt_type


def root_disk_path(instance_dir):
    return os.path.join(instance_dir, ROOT_DISK)


def console_log_path(instance_dir):
    return os.path.join(instance_dir, CONSOLE_LOG)


def ephemeral_disk_path(instance_dir):
    return os.path.join(instance_dir, EPHEMERAL_DISK)


def config_drive_path(instance_dir):
    return os.path.join(instance_dir, CONFIG_DRIVE)


def _file_disk(path, fmt, target_dev, target_bus, device='disk'):
    disk = vconfig.LibvirtConfigGuestDisk()
    disk.source_type = 'file'
    disk.source_device = device
    disk.driver_name = 'qemu'
    disk.driver_format = fmt
    disk.source_path = path
    disk.target_dev = target_dev
    disk.target_bus = target_bus
    return disk


def root_disk_config(instance_dir):
    """The root disk: a qcow2 file in the instance directory, virtio, vda.

    NOTE: the file (an overlay on the cached image) is made by
    ``imagebackend``; the test hypervisor never opens it.
    """
    return _file_disk(root_disk_path(instance_dir), 'qcow2', 'vda', 'virtio')


def ephemeral_disk_config(instance_dir):
    """The flavor's ephemeral disk: qcow2, virtio, vdb."""
    return _file_disk(ephemeral_disk_path(instance_dir), 'qcow2', 'vdb',
                      'virtio')


def machine_type(virt_type, image_properties, default):
    """Choose the ``<os><type machine>``.

    :param image_properties: the image's properties; ``hw_machine_type``
        wins over ``default`` (``[libvirt] hw_machine_type``).
    :returns: the machine type, or None for the test hypervisor, which
        has no machine types.
    """
    if virt_type == 'test':
        return None
    return (image_properties or {}).get('hw_machine_type') or default


def config_drive_bus(machine, image_properties):
    """Choose the bus of the config drive cdrom.

    NOTE: ``ide`` on ``pc``: the IDE cdrom needs no AHCI driver in the
    guest (the Debian cloud kernel has none). ``q35`` has no IDE, so its
    cdrom sits on SATA, as in Nova. Image property ``hw_cdrom_bus`` wins.
    """
    chosen = (image_properties or {}).get('hw_cdrom_bus')
    if chosen:
        return chosen
    if machine and 'q35' in machine:
        return 'sata'
    return 'ide'


def config_drive_config(instance_dir, bus):
    """The config drive: a read-only raw ISO image, a cdrom on ``bus``.

    NOTE: virtio has no cdrom device, so there it is a read-only disk.
    """
    device = 'disk' if bus == 'virtio' else 'cdrom'
    disk = _file_disk(config_drive_path(instance_dir), 'raw',
                      LAST_DEVICE.get(bus, 'hdd'), bus, device=device)
    disk.readonly = True
    return disk


# NOTE: as Nova for kvm and qemu guests: virtio unless the image asks for
# another model (image property hw_vif_model).
DEFAULT_VIF_MODEL = 'virtio'
_TAP_PREFIX = 'tap'
_NIC_NAME_LEN = 14


def vif_tap_name(vif):
    """The host tap device of a VIF: ``tap`` and 11 characters of its id
    (Linux allows 15 characters), unless the VIF names one."""
    return vif.get('devname') or (_TAP_PREFIX + vif['id'])[:_NIC_NAME_LEN]


def vif_bridge(vif):
    """The host bridge a VIF plugs into."""
    return (vif.get('network') or {}).get('bridge')


def vif_mtu(vif):
    return ((vif.get('network') or {}).get('meta') or {}).get('mtu')


def interface_config(vif, image_properties=None):
    """The guest NIC of one VIF of Nova's network model: a tap on its
    network's bridge, with the VIF's MAC.

    :param vif: a VIF dict (``id``, ``address``, ``network.bridge``,
        ``network.meta.mtu``).
    """
    conf = vconfig.LibvirtConfigGuestInterface()
    conf.net_type = 'bridge'
    conf.mac_addr = vif['address']
    conf.source_dev = vif_bridge(vif)
    conf.target_dev = vif_tap_name(vif)
    conf.model = ((image_properties or {}).get('hw_vif_model') or
                  DEFAULT_VIF_MODEL)
    conf.mtu = vif_mtu(vif)
    return conf


def kernel_boot(guest, kernel_path, ramdisk_path, image_properties):
    """Boot ``guest`` from a kernel (and initrd) file instead of its disk.

    :param kernel_path: the cached kernel image; None boots from disk.
    :param ramdisk_path: the cached ramdisk image, or None.
    """
    if kernel_path is None:
        return
    guest.os_kernel = kernel_path
    guest.os_initrd = ramdisk_path
    guest.os_cmdline = ((image_properties or {}).get('os_command_line') or
                        DEFAULT_CMDLINE)


def console_configs(instance_dir):
    """A serial port logging to a file, and the console on top of it.

    NOTE: a file rather than a pty, so the output survives without a
    reader attached and get_console_output can read it back.
    """
    serial = vconfig.LibvirtConfigGuestSerial()
    serial.type = 'file'
    serial.source_path = console_log_path(instance_dir)
    # NOTE: libvirt truncates a file source at each start; the log keeps
    # every boot instead, so that a stop/start or a reboot does not erase
    # what the guest said before (the API shows only the log's end).
    serial.source_append = True
    serial.target_port = 0
    console = vconfig.LibvirtConfigGuestConsole()
    console.type = 'file'
    console.source_path = console_log_path(instance_dir)
    console.source_append = True
    console.target_type = 'serial'
    console.target_port = 0
    return [serial, console]


def cpu_config(virt_type, cpu_mode):
    """The guest ``<cpu>``, or None to let libvirt choose.

    :param cpu_mode: ``[libvirt] cpu_mode``; ``custom`` needs a model that
        no option names yet, so it is treated like unset.
    """
    if virt_type == 'test' or cpu_mode in (None, 'none'):
        return None
    if cpu_mode == 'custom':
        LOG.warning('[libvirt] cpu_mode=custom needs a CPU model, which '
                    'nova-lite cannot be told yet; letting libvirt choose')
        return None
    cpu = vconfig.LibvirtConfigGuestCPU()
    cpu.mode = cpu_mode
    return cpu


def guest_config(instance, virt_type, instance_dir, cpu_mode=None,
                 image_properties=None, kernel_path=None, ramdisk_path=None,
                 config_drive=False, default_machine_type='pc',
                 network_info=None):
    """Build the :class:`LibvirtConfigGuest` of ``instance``.

    :param virt_type: the domain type (see :func:`domain_type`).
    :param instance_dir: the instance's directory on this host.
    :param image_properties: the properties of the instance's image.
    :param kernel_path: see :func:`kernel_boot`.
    :param ramdisk_path: see :func:`kernel_boot`.
    :param config_drive: attach ``disk.config`` as the config drive.
    :param default_machine_type: see :func:`machine_type`.
    :param network_info: the instance's VIFs (Nova's network model); one
        NIC each, in order.
    """
    guest = vconfig.LibvirtConfigGuest()
    guest.virt_type = virt_type
    guest.name = instance.name
    guest.uuid = instance.uuid
    guest.title = getattr(instance, 'display_name', None)
    guest.memory = instance.flavor.memory_mb * 1024
    guest.vcpus = instance.flavor.vcpus
    guest.os_type = 'hvm'
    guest.os_machine = machine_type(virt_type, image_properties,
                                    default_machine_type)
    guest.os_boot_dev = ['hd']
    kernel_boot(guest, kernel_path, ramdisk_path, image_properties)
    if virt_type != 'test':
        # NOTE: without ACPI the guest cannot hear a soft shutdown/reboot.
        guest.features = ['acpi', 'apic']
    guest.cpu = cpu_config(virt_type, cpu_mode)
    guest.clock_offset = 'utc'
    guest.on_poweroff = 'destroy'
    guest.on_reboot = 'restart'
    guest.on_crash = 'destroy'
    guest.add_device(root_disk_config(instance_dir))
    if instance.flavor.ephemeral_gb:
        guest.add_device(ephemeral_disk_config(instance_dir))
    if config_drive:
        guest.add_device(config_drive_config(
            instance_dir, config_drive_bus(guest.os_machine,
                                           image_properties)))
    for vif in network_info or ():
        guest.add_device(interface_config(vif, image_properties))
    for device in console_configs(instance_dir):
        guest.add_device(device)
    return guest

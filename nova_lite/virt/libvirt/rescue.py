"""Rescue of a libvirt guest: boot it from a rescue image with its own
root disk attached second, and back.

The domain is redefined under the same name and uuid: its first disk is
``disk.rescue`` (a qcow2 overlay of the rescue image), its second the
instance's own ``disk``; the rescue image's kernel and ramdisk boot it.
The definition it had is kept in ``unrescue.xml`` in the instance
directory (as Nova keeps it) and defined again by unrescue.
"""

import copy
import os

from oslo_log import log as logging

from nova_lite.conf import CONF
from nova_lite import exception
from nova_lite.virt.libvirt import config as vconfig
from nova_lite.virt.libvirt import designer
from nova_lite.virt.libvirt import imagebackend

LOG = logging.getLogger(__name__)

RESCUE_DISK = 'disk.rescue'
UNRESCUE_XML = 'unrescue.xml'


def _rescue_config(driver, instance, boot_info, image_properties,
                   kernel_path, ramdisk_path):
    instance_dir = driver._instance_dir(instance)
    conf = designer.guest_config(
        instance, driver._domain_type(), instance_dir,
        cpu_mode=CONF.libvirt.cpu_mode,
        image_properties=image_properties, kernel_path=kernel_path,
        ramdisk_path=ramdisk_path,
        config_drive=boot_info.get('config_drive', False),
        default_machine_type=CONF.libvirt.hw_machine_type,
        network_info=boot_info.get('network_info'))
    disks = [d for d in conf.devices
             if isinstance(d, vconfig.LibvirtConfigGuestDisk)]
    root = next(d for d in disks if d.target_dev == 'vda')
    own = copy.deepcopy(root)
    root.source_path = os.path.join(instance_dir, RESCUE_DISK)
    # NOTE: the server's own disk goes second, as in Nova; the disks
    # after it (ephemeral) move one name down.
    for disk in disks:
        if (disk is not root and disk.target_bus == 'virtio' and
                disk.target_dev != designer.LAST_DEVICE['virtio']):
            disk.target_dev = 'vd' + chr(ord(disk.target_dev[-1]) + 1)
    own.target_dev = 'vdb'
    conf.devices.insert(conf.devices.index(root) + 1, own)
    return conf


def rescue(driver, context, instance, network_info, image_meta):
    """See :meth:`nova_lite.virt.driver.ComputeDriver.rescue`.

    :param driver: the :class:`LibvirtDriver`.
    """
    guest = driver._host.get_guest(instance)
    instance_dir = driver._instance_dir(instance)
    unrescue_xml = os.path.join(instance_dir, UNRESCUE_XML)
    if not os.path.exists(unrescue_xml):
        with open(unrescue_xml, 'w') as f:
            f.write(guest.get_xml_desc())
    boot_info = driver._load_boot_info(instance)
    image_id = image_meta.id
    properties = dict(image_meta.properties or {})
    cache = driver.image_cache
    base = cache.fetch(context, image_id)
    base_fmt = imagebackend.base_format(image_id, base,
                                        image_meta.disk_format)
    rescue_disk = os.path.join(instance_dir, RESCUE_DISK)
    if os.path.exists(rescue_disk):
        os.unlink(rescue_disk)
    imagebackend.create_overlay(image_id, base, base_fmt, rescue_disk, 0)
    kernel_path = ramdisk_path = None
    if properties.get('kernel_id'):
        kernel_path = cache.fetch(context, properties['kernel_id'])
        if properties.get('ramdisk_id'):
            ramdisk_path = cache.fetch(context, properties['ramdisk_id'])
    conf = _rescue_config(driver, instance, boot_info, properties,
                          kernel_path, ramdisk_path)
    guest.poweroff()
    guest.discard_saved_state()
    guest = driver._host.write_instance_config(conf.to_xml())
    driver._start_again(guest, instance, network_info)
    LOG.info('Instance %s runs in rescue mode from image %s',
             instance.uuid, image_id)


def unrescue(driver, context, instance):
    """See :meth:`nova_lite.virt.driver.ComputeDriver.unrescue`.

    :raises InstanceNotFoundOnHypervisor: no such guest.
    :raises InternalError: the guest is not in rescue mode.
    """
    guest = driver._host.get_guest(instance)
    instance_dir = driver._instance_dir(instance)
    unrescue_xml = os.path.join(instance_dir, UNRESCUE_XML)
    try:
        with open(unrescue_xml) as f:
            xml = f.read()
    except FileNotFoundError:
        raise exception.InternalError(
            err='instance %s is not in rescue mode (no %s)'
                % (instance.uuid, UNRESCUE_XML)) from None
    guest.poweroff()
    guest = driver._host.write_instance_config(xml)
    driver._start_again(guest, instance, None)
    for name in (UNRESCUE_XML, RESCUE_DISK):
        try:
            os.unlink(os.path.join(instance_dir, name))
        except FileNotFoundError:
            pass
    LOG.info('Instance %s left rescue mode', instance.uuid)

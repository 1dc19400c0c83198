"""designer: the decisions behind a guest's libvirt config."""

import shutil
import subprocess

import pytest

from nova_lite.virt.libvirt import config as vconfig
from nova_lite.virt.libvirt import designer

from .helpers import make_flavor
from .helpers import make_instance


@pytest.mark.parametrize('driver_type, virt_type, expected', [
    ('TEST', 'kvm', 'test'),
    ('Test', 'qemu', 'test'),
    ('QEMU', 'kvm', 'kvm'),
    ('QEMU', 'qemu', 'qemu'),
])
def test_domain_type(driver_type, virt_type, expected):
    assert designer.domain_type(driver_type, virt_type) == expected


@pytest.mark.parametrize('virt_type, cpu_mode, expected', [
    ('kvm', 'host-model', 'host-model'),
    ('kvm', 'host-passthrough', 'host-passthrough'),
    ('kvm', None, None),
    ('kvm', 'none', None),
    ('kvm', 'custom', None),
    ('test', 'host-model', None),
])
def test_cpu_config(virt_type, cpu_mode, expected):
    cpu = designer.cpu_config(virt_type, cpu_mode)
    assert (cpu.mode if cpu else None) == expected


def _build(virt_type, cpu_mode=None):
    instance = make_instance(7, flavor=make_flavor(memory_mb=512, vcpus=3))
    return instance, designer.guest_config(instance, virt_type, '/s/i/u',
                                           cpu_mode=cpu_mode)


def test_guest_config_from_instance():
    instance, guest = _build('qemu')
    assert (guest.virt_type, guest.name, guest.uuid) == (
        'qemu', instance.name, instance.uuid)
    assert guest.memory == 512 * 1024
    assert guest.vcpus == 3
    assert guest.features == ['acpi', 'apic']
    disks = [d for d in guest.devices
             if isinstance(d, vconfig.LibvirtConfigGuestDisk)]
    assert [(d.source_path, d.target_dev) for d in disks] == [
        ('/s/i/u/disk', 'vda')]
    chars = [d for d in guest.devices
             if isinstance(d, vconfig.LibvirtConfigGuestCharBase)]
    assert {(d.root_name, d.type, d.source_path) for d in chars} == {
        ('serial', 'file', '/s/i/u/console.log'),
        ('console', 'file', '/s/i/u/console.log')}


def test_test_domain_has_no_hardware_features():
    _, guest = _build('test', cpu_mode='host-model')
    assert guest.features == [] and guest.cpu is None


@pytest.mark.skipif(shutil.which('virt-xml-validate') is None,
                    reason='virt-xml-validate is not installed')
@pytest.mark.parametrize('virt_type, cpu_mode', [('kvm', 'host-model'),
                                                 ('qemu', None)])
def test_guest_xml_validates_against_libvirt_schema(tmp_path, virt_type,
                                                    cpu_mode):
    _, guest = _build(virt_type, cpu_mode)
    path = tmp_path / 'domain.xml'
    path.write_text(guest.to_xml())
    result = subprocess.run(['virt-xml-validate', str(path), 'domain'],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def _disks(guest):
    return [d for d in guest.devices
            if isinstance(d, vconfig.LibvirtConfigGuestDisk)]


def _full(virt_type='qemu', properties=None, kernel='/s/_base/k',
          ramdisk='/s/_base/r', ephemeral_gb=1):
    instance = make_instance(7, flavor=make_flavor(ephemeral_gb=ephemeral_gb))
    return designer.guest_config(
        instance, virt_type, '/s/i/u', image_properties=properties or {},
        kernel_path=kernel, ramdisk_path=ramdisk, config_drive=True,
        default_machine_type='pc')


def test_kernel_boot_and_config_drive_xml():
    guest = _full()
    parsed = vconfig.LibvirtConfigGuest().parse_str(guest.to_xml())
    assert parsed.os_machine == 'pc'
    assert (parsed.os_kernel, parsed.os_initrd) == ('/s/_base/k',
                                                    '/s/_base/r')
    assert parsed.os_cmdline == 'root=/dev/vda console=tty0 console=ttyS0'
    assert [(d.source_path, d.source_device, d.driver_format, d.target_dev,
             d.target_bus, d.readonly) for d in _disks(parsed)] == [
        ('/s/i/u/disk', 'disk', 'qcow2', 'vda', 'virtio', False),
        ('/s/i/u/disk.eph0', 'disk', 'qcow2', 'vdb', 'virtio', False),
        ('/s/i/u/disk.config', 'cdrom', 'raw', 'hdd', 'ide', True)]


def test_disk_boot_without_kernel():
    guest = _full(kernel=None, ramdisk=None, ephemeral_gb=0)
    assert (guest.os_kernel, guest.os_initrd, guest.os_cmdline) == (
        None, None, None)
    assert [d.target_dev for d in _disks(guest)] == ['vda', 'hdd']


@pytest.mark.parametrize('properties, machine, bus, device, dev', [
    ({}, 'pc', 'ide', 'cdrom', 'hdd'),
    ({'hw_machine_type': 'q35'}, 'q35', 'sata', 'cdrom', 'sdf'),
    ({'hw_machine_type': 'pc-q35-7.2'}, 'pc-q35-7.2', 'sata', 'cdrom',
     'sdf'),
    ({'hw_machine_type': 'q35', 'hw_cdrom_bus': 'virtio'}, 'q35', 'virtio',
     'disk', 'vdz'),
])
def test_machine_type_and_config_drive_bus(properties, machine, bus, device,
                                           dev):
    guest = _full(properties=properties)
    drive = _disks(guest)[-1]
    assert guest.os_machine == machine
    assert (drive.target_bus, drive.source_device, drive.target_dev) == (
        bus, device, dev)


def test_image_command_line_wins():
    guest = _full(properties={'os_command_line': 'console=ttyS0 quiet'})
    assert guest.os_cmdline == 'console=ttyS0 quiet'


def test_test_domain_has_no_machine_type():
    assert _full(virt_type='test').os_machine is None


@pytest.mark.skipif(shutil.which('virt-xml-validate') is None,
                    reason='virt-xml-validate is not installed')
@pytest.mark.parametrize('properties', [{}, {'hw_machine_type': 'q35'}])
def test_kernel_boot_xml_validates(tmp_path, properties):
    path = tmp_path / 'domain.xml'
    path.write_text(_full(properties=properties).to_xml())
    result = subprocess.run(['virt-xml-validate', str(path), 'domain'],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr

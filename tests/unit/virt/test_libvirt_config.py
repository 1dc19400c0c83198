"""LibvirtConfig* classes: what they format parses back to the same values."""

import xml.etree.ElementTree as etree

import pytest

from nova_lite.virt.libvirt import config as vconfig

from .helpers import libvirt_available


def _guest():
    guest = vconfig.LibvirtConfigGuest()
    guest.virt_type = 'qemu'
    guest.name = 'instance-00000001'
    guest.uuid = 'b5b3e3a4-3c1f-4c1e-9d0b-5a2b1f7f3c11'
    guest.title = 'my server'
    guest.memory = 65536
    guest.vcpus = 2
    guest.os_boot_dev = ['hd']
    guest.os_kernel = '/var/lib/k'
    guest.os_cmdline = 'console=ttyS0'
    guest.features = ['acpi', 'apic']
    guest.cpu = vconfig.LibvirtConfigGuestCPU()
    guest.cpu.mode = 'host-model'
    guest.clock_offset = 'utc'
    guest.on_crash = 'destroy'
    disk = vconfig.LibvirtConfigGuestDisk()
    disk.driver_name, disk.driver_format = 'qemu', 'qcow2'
    disk.source_path = '/i/disk'
    disk.target_dev, disk.target_bus = 'vda', 'virtio'
    guest.add_device(disk)
    serial = vconfig.LibvirtConfigGuestSerial()
    serial.type, serial.source_path, serial.target_port = 'file', '/i/log', 0
    guest.add_device(serial)
    return guest


def _attrs(obj):
    return {k: (_attrs(v) if isinstance(v, vconfig.LibvirtConfigObject)
                else [_attrs(d) for d in v] if k == 'devices' else v)
            for k, v in vars(obj).items()}


def test_guest_round_trip():
    guest = _guest()
    parsed = vconfig.LibvirtConfigGuest().parse_str(guest.to_xml())
    assert _attrs(parsed) == _attrs(guest)


def test_guest_format():
    root = etree.fromstring(_guest().to_xml())
    assert root.get('type') == 'qemu'
    assert root.findtext('name') == 'instance-00000001'
    assert root.find('memory').get('unit') == 'KiB'
    assert root.findtext('memory') == '65536'
    assert root.findtext('vcpu') == '2'
    assert root.find('os/boot').get('dev') == 'hd'
    assert root.find('devices/disk/source').get('file') == '/i/disk'
    assert root.find('devices/serial').get('type') == 'file'
    assert root.find('devices/serial/source').get('path') == '/i/log'


@pytest.mark.parametrize('source_type, attr', [('file', 'file'),
                                               ('block', 'dev')])
def test_disk_source_attribute(source_type, attr):
    disk = vconfig.LibvirtConfigGuestDisk()
    disk.source_type, disk.source_path = source_type, '/x'
    disk.target_dev, disk.readonly = 'vdb', True
    element = disk.format_dom()
    assert element.find('source').get(attr) == '/x'
    assert element.find('driver') is None
    parsed = vconfig.LibvirtConfigGuestDisk()
    parsed.parse_dom(element)
    assert _attrs(parsed) == _attrs(disk)


def test_console_round_trip():
    console = vconfig.LibvirtConfigGuestConsole()
    console.type, console.source_path = 'file', '/i/log'
    console.target_type, console.target_port = 'serial', 0
    parsed = vconfig.LibvirtConfigGuestConsole().parse_str(console.to_xml())
    assert _attrs(parsed) == _attrs(console)


def test_console_log_appends_across_starts():
    from nova_lite.virt.libvirt import designer
    for dev in designer.console_configs('/i'):
        xml = dev.to_xml()
        assert "append=\"on\"" in xml or "append='on'" in xml, xml
        assert type(dev)().parse_str(xml).source_append is True


def test_parse_wrong_root_raises():
    with pytest.raises(ValueError):
        vconfig.LibvirtConfigGuestDisk().parse_str('<serial type="pty"/>')


def test_parse_skips_unknown_devices():
    xml = ('<domain type="kvm"><name>a</name><memory unit="KiB">1024'
           '</memory><vcpu>1</vcpu><devices><controller type="usb"/>'
           '<serial type="pty"><target port="0"/></serial></devices>'
           '</domain>')
    guest = vconfig.LibvirtConfigGuest().parse_str(xml)
    assert [type(d) for d in guest.devices] == [
        vconfig.LibvirtConfigGuestSerial]
    assert guest.devices[0].target_port == 0


def test_caps_round_trip():
    caps = vconfig.LibvirtConfigCaps()
    caps.host_cpu = vconfig.LibvirtConfigCapsHostCPU()
    cpu = caps.host_cpu
    cpu.arch, cpu.model, cpu.vendor = 'x86_64', 'Skylake', 'Intel'
    cpu.sockets, cpu.cores, cpu.threads = 1, 4, 2
    cpu.features = ['vmx', 'avx2']
    parsed = vconfig.LibvirtConfigCaps().parse_str(caps.to_xml())
    assert _attrs(parsed) == _attrs(caps)


@pytest.mark.skipif(not libvirt_available(), reason='no libvirt-python')
def test_parse_libvirt_generated_xml():
    import libvirt
    conn = libvirt.open('test:///default')
    try:
        xml = conn.defineXML(_guest().to_xml().replace(
            'type="qemu"', 'type="test"', 1)).XMLDesc(0)
        caps = vconfig.LibvirtConfigCaps().parse_str(conn.getCapabilities())
    finally:
        conn.close()
    guest = vconfig.LibvirtConfigGuest().parse_str(xml)
    assert (guest.virt_type, guest.name, guest.memory, guest.vcpus) == (
        'test', 'instance-00000001', 65536, 2)
    disks = [d for d in guest.devices
             if isinstance(d, vconfig.LibvirtConfigGuestDisk)]
    assert [d.source_path for d in disks] == ['/i/disk']
    assert caps.host_cpu.arch

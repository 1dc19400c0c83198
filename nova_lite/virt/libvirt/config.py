"""Libvirt XML as small classes that format and parse it and decide nothing.

Every class holds plain attributes, ``format_dom()`` turns them into an
``xml.etree`` element and ``parse_dom()`` fills them from one. Choices (which
domain type, which disk bus) belong to ``designer.py``.
"""

import xml.etree.ElementTree as etree


def _text(parent, tag, value, **attrs):
    """Append ``<tag attrs>value</tag>`` to ``parent``; returns the child."""
    child = etree.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()
                                           if v is not None})
    if value is not None:
        child.text = str(value)
    return child


def _int(text):
    return int(text) if text is not None else None


class LibvirtConfigObject:
    """Base: an object that formats to and parses from one XML element."""

    root_name = None

    def format_dom(self):
        return etree.Element(self.root_name)

    def parse_dom(self, xmldoc):
        if xmldoc.tag != self.root_name:
            raise ValueError('Root element is %s, expected %s'
                             % (xmldoc.tag, self.root_name))

    def to_xml(self):
        element = self.format_dom()
        etree.indent(element)
        return etree.tostring(element, encoding='unicode')

    def parse_str(self, xmlstr):
        self.parse_dom(etree.fromstring(xmlstr))
        return self


class LibvirtConfigGuestDisk(LibvirtConfigObject):
    """``<disk>``: a file- or block-backed guest disk."""

    root_name = 'disk'

    def __init__(self):
        self.source_type = 'file'
        self.source_device = 'disk'
        self.driver_name = None
        self.driver_format = None
        self.driver_cache = None
        self.source_path = None
        self.target_dev = None
        self.target_bus = None
        self.readonly = False

    def format_dom(self):
        dev = super().format_dom()
        dev.set('type', self.source_type)
        dev.set('device', self.source_device)
        if self.driver_name or self.driver_format or self.driver_cache:
            _text(dev, 'driver', None, name=self.driver_name,
                  type=self.driver_format, cache=self.driver_cache)
        if self.source_path is not None:
            key = 'dev' if self.source_type == 'block' else 'file'
            _text(dev, 'source', None, **{key: self.source_path})
        _text(dev, 'target', None, dev=self.target_dev, bus=self.target_bus)
        if self.readonly:
            etree.SubElement(dev, 'readonly')
        return dev

    def parse_dom(self, xmldoc):
        super().parse_dom(xmldoc)
        self.source_type = xmldoc.get('type')
        self.source_device = xmldoc.get('device')
        for child in xmldoc:
            if child.tag == 'driver':
                self.driver_name = child.get('name')
                self.driver_format = child.get('type')
                self.driver_cache = child.get('cache')
            elif child.tag == 'source':
                self.source_path = child.get('file') or child.get('dev')
            elif child.tag == 'target':
                self.target_dev = child.get('dev')
                self.target_bus = child.get('bus')
            elif child.tag == 'readonly':
                self.readonly = True


class LibvirtConfigGuestCharBase(LibvirtConfigObject):
    """A character device (``<serial>``, ``<console>``): file or pty."""

    def __init__(self):
        self.type = 'pty'
        self.source_path = None
        # True: a file source is appended to, not truncated, at each start
        self.source_append = None
        self.target_port = None
        self.target_type = None

    def format_dom(self):
        dev = super().format_dom()
        dev.set('type', self.type)
        if self.source_path is not None:
            append = None
            if self.source_append is not None:
                append = 'on' if self.source_append else 'off'
            _text(dev, 'source', None, path=self.source_path, append=append)
        if self.target_port is not None or self.target_type is not None:
            _text(dev, 'target', None, type=self.target_type,
                  port=self.target_port)
        return dev

    def parse_dom(self, xmldoc):
        super().parse_dom(xmldoc)
        self.type = xmldoc.get('type')
        for child in xmldoc:
            if child.tag == 'source':
                self.source_path = child.get('path')
                if child.get('append') is not None:
                    self.source_append = child.get('append') == 'on'
            elif child.tag == 'target':
                self.target_type = child.get('type')
                self.target_port = _int(child.get('port'))


class LibvirtConfigGuestSerial(LibvirtConfigGuestCharBase):
    """``<serial>``: the guest's serial port."""

    root_name = 'serial'


class LibvirtConfigGuestConsole(LibvirtConfigGuestCharBase):
    """``<console>``: the guest's console, usually over its serial port."""

    root_name = 'console'


class LibvirtConfigGuestCPU(LibvirtConfigObject):
    """``<cpu>`` of a guest: mode and, for ``custom``, a model."""

    root_name = 'cpu'

    def __init__(self):
        self.mode = None
        self.model = None

    def format_dom(self):
        cpu = super().format_dom()
        if self.mode is not None:
            cpu.set('mode', self.mode)
        if self.model is not None:
            _text(cpu, 'model', self.model)
        return cpu

    def parse_dom(self, xmldoc):
        super().parse_dom(xmldoc)
        self.mode = xmldoc.get('mode')
        self.model = xmldoc.findtext('model')


class LibvirtConfigGuestInterface(LibvirtConfigObject):
    """``<interface>``: a guest NIC, here a tap on a host bridge."""

    root_name = 'interface'

    def __init__(self):
        self.net_type = 'bridge'
        self.mac_addr = None
        self.source_dev = None  # the bridge, for net_type 'bridge'
        self.target_dev = None  # the host's tap device
        self.model = None
        self.mtu = None

    def format_dom(self):
        dev = super().format_dom()
        dev.set('type', self.net_type)
        if self.mac_addr is not None:
            _text(dev, 'mac', None, address=self.mac_addr)
        if self.source_dev is not None:
            key = 'bridge' if self.net_type == 'bridge' else 'dev'
            _text(dev, 'source', None, **{key: self.source_dev})
        if self.target_dev is not None:
            _text(dev, 'target', None, dev=self.target_dev)
        if self.model is not None:
            _text(dev, 'model', None, type=self.model)
        if self.mtu is not None:
            _text(dev, 'mtu', None, size=self.mtu)
        return dev

    def parse_dom(self, xmldoc):
        super().parse_dom(xmldoc)
        self.net_type = xmldoc.get('type')
        for child in xmldoc:
            if child.tag == 'mac':
                self.mac_addr = child.get('address')
            elif child.tag == 'source':
                self.source_dev = child.get('bridge') or child.get('dev')
            elif child.tag == 'target':
                self.target_dev = child.get('dev')
            elif child.tag == 'model':
                self.model = child.get('type')
            elif child.tag == 'mtu':
                self.mtu = _int(child.get('size'))


_DEVICE_CLASSES = {cls.root_name: cls for cls in (
    LibvirtConfigGuestDisk, LibvirtConfigGuestSerial,
    LibvirtConfigGuestConsole, LibvirtConfigGuestInterface)}


class LibvirtConfigGuest(LibvirtConfigObject):
    """``<domain>``: a whole guest definition."""

    root_name = 'domain'

    def __init__(self):
        self.virt_type = None
        self.name = None
        self.uuid = None
        self.title = None
        self.memory = None  # KiB
        self.vcpus = 1
        self.os_type = 'hvm'
        self.os_arch = None
        self.os_machine = None
        self.os_kernel = None
        self.os_initrd = None
        self.os_cmdline = None
        self.os_boot_dev = []
        self.features = []
        self.cpu = None
        self.clock_offset = None
        self.on_poweroff = None
        self.on_reboot = None
        self.on_crash = None
        self.devices = []

    def add_device(self, device):
        self.devices.append(device)

    def _format_os(self, root):
        os_el = etree.SubElement(root, 'os')
        _text(os_el, 'type', self.os_type, arch=self.os_arch,
              machine=self.os_machine)
        for tag in ('kernel', 'initrd', 'cmdline'):
            value = getattr(self, 'os_' + tag)
            if value is not None:
                _text(os_el, tag, value)
        for dev in self.os_boot_dev:
            _text(os_el, 'boot', None, dev=dev)

    def format_dom(self):
        root = super().format_dom()
        root.set('type', self.virt_type)
        _text(root, 'name', self.name)
        if self.uuid is not None:
            _text(root, 'uuid', self.uuid)
        if self.title is not None:
            _text(root, 'title', self.title)
        _text(root, 'memory', self.memory, unit='KiB')
        _text(root, 'vcpu', self.vcpus)
        self._format_os(root)
        if self.features:
            features = etree.SubElement(root, 'features')
            for feature in self.features:
                etree.SubElement(features, feature)
        if self.cpu is not None:
            root.append(self.cpu.format_dom())
        if self.clock_offset is not None:
            _text(root, 'clock', None, offset=self.clock_offset)
        for event in ('on_poweroff', 'on_reboot', 'on_crash'):
            if getattr(self, event) is not None:
                _text(root, event, getattr(self, event))
        devices = etree.SubElement(root, 'devices')
        for device in self.devices:
            devices.append(device.format_dom())
        return root

    def _parse_os(self, os_el):
        for child in os_el:
            if child.tag == 'type':
                self.os_type = child.text
                self.os_arch = child.get('arch')
                self.os_machine = child.get('machine')
            elif child.tag in ('kernel', 'initrd', 'cmdline'):
                setattr(self, 'os_' + child.tag, child.text)
            elif child.tag == 'boot':
                self.os_boot_dev.append(child.get('dev'))

    def parse_dom(self, xmldoc):
        super().parse_dom(xmldoc)
        self.virt_type = xmldoc.get('type')
        for child in xmldoc:
            if child.tag in ('name', 'uuid', 'title'):
                setattr(self, child.tag, child.text)
            elif child.tag == 'memory':
                # NOTE: libvirt itself always answers in KiB; other units
                # appear only in hand-written XML, which we never parse.
                self.memory = int(child.text)
            elif child.tag == 'vcpu':
                self.vcpus = int(child.text)
            elif child.tag == 'os':
                self._parse_os(child)
            elif child.tag == 'features':
                self.features = [f.tag for f in child]
            elif child.tag == 'cpu':
                self.cpu = LibvirtConfigGuestCPU()
                self.cpu.parse_dom(child)
            elif child.tag == 'clock':
                self.clock_offset = child.get('offset')
            elif child.tag in ('on_poweroff', 'on_reboot', 'on_crash'):
                setattr(self, child.tag, child.text)
            elif child.tag == 'devices':
                self._parse_devices(child)

    def _parse_devices(self, devices):
        for child in devices:
            cls = _DEVICE_CLASSES.get(child.tag)
            # NOTE: devices we have no class for (controllers libvirt adds
            # by itself, ...) are skipped, not an error.
            if cls is not None:
                device = cls()
                device.parse_dom(child)
                self.devices.append(device)


class LibvirtConfigCapsHostCPU(LibvirtConfigObject):
    """``<cpu>`` of ``<capabilities><host>``: what the host CPU is."""

    root_name = 'cpu'

    def __init__(self):
        self.arch = None
        self.model = None
        self.vendor = None
        self.sockets = None
        self.cores = None
        self.threads = None
        self.features = []

    def format_dom(self):
        cpu = super().format_dom()
        for tag in ('arch', 'model', 'vendor'):
            if getattr(self, tag) is not None:
                _text(cpu, tag, getattr(self, tag))
        if self.sockets is not None:
            _text(cpu, 'topology', None, sockets=self.sockets,
                  cores=self.cores, threads=self.threads)
        for name in self.features:
            _text(cpu, 'feature', None, name=name)
        return cpu

    def parse_dom(self, xmldoc):
        super().parse_dom(xmldoc)
        for child in xmldoc:
            if child.tag in ('arch', 'model', 'vendor'):
                setattr(self, child.tag, child.text)
            elif child.tag == 'topology':
                self.sockets = _int(child.get('sockets'))
                self.cores = _int(child.get('cores'))
                self.threads = _int(child.get('threads'))
            elif child.tag == 'feature' and child.get('name'):
                self.features.append(child.get('name'))


class LibvirtConfigCaps(LibvirtConfigObject):
    """``<capabilities>``: the parts of a host's capabilities we read."""

    root_name = 'capabilities'

    def __init__(self):
        self.host_cpu = None

    def format_dom(self):
        caps = super().format_dom()
        host = etree.SubElement(caps, 'host')
        if self.host_cpu is not None:
            host.append(self.host_cpu.format_dom())
        return caps

    def parse_dom(self, xmldoc):
        super().parse_dom(xmldoc)
        cpu = xmldoc.find('host/cpu')
        if cpu is not None:
            self.host_cpu = LibvirtConfigCapsHostCPU()
            self.host_cpu.parse_dom(cpu)

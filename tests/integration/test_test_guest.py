"""The test guest (tools/build-test-guest.sh) boots and does its job.

Boots the guest under QEMU software emulation (TCG: /dev/kvm is not
usable on these machines) with a Nova-style config drive and checks the
marker line it prints on the serial console, that it configures its NIC
from network_data.json and answers ping (over a tap device on a bridge in
a network namespace of the test's own, using TEST-NET-1 addresses), and
that it powers off on an ACPI power-button press.

The guest is built once per session into $NOVA_LITE_TEST_GUEST_DIR, else
~/.nova-lite/test-guest (the script is idempotent, so later runs reuse
it).  Skipped only when qemu-system-x86_64 is missing; the ping test is
also skipped when this process may not create network namespaces or tap
devices.
"""

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import time
import uuid

import pytest

QEMU = 'qemu-system-x86_64'
BOOT_TIMEOUT = float(os.environ.get('NOVA_LITE_TEST_GUEST_TIMEOUT', '60'))
MARKER = 'NOVA-LITE-GUEST-READY'
GUEST_MAC = 'fa:16:3e:00:02:0a'
GUEST_IP = '192.0.2.10'
HOST_IP = '192.0.2.1'


def make_config_drive(path, instance_uuid, user_data=None,
                      network_data=None, name='guest'):
    """Write a Nova-style config drive ISO (label config-2) to path."""
    root = path + '.d'
    latest = os.path.join(root, 'openstack', 'latest')
    os.makedirs(latest)
    meta = {'uuid': instance_uuid, 'name': name,
            'hostname': '%s.novalocal' % name, 'launch_index': 0,
            'availability_zone': 'nova', 'project_id': 'p1',
            'meta': {'uuid': 'not-this-one'}, 'devices': [],
            'public_keys': {'key1': 'ssh-ed25519 AAAAC3Nz test@host'}}
    with open(os.path.join(latest, 'meta_data.json'), 'w') as f:
        json.dump(meta, f)
    if user_data is not None:
        with open(os.path.join(latest, 'user_data'), 'wb') as f:
            f.write(user_data)
    if network_data is not None:
        with open(os.path.join(latest, 'network_data.json'), 'w') as f:
            json.dump(network_data, f)
    tool = shutil.which('genisoimage') or shutil.which('mkisofs')
    assert tool, 'genisoimage is not installed (apt-get install genisoimage)'
    subprocess.run([tool, '-quiet', '-o', path, '-V', 'config-2', '-J', '-R',
                    root], check=True, timeout=60)
    return path


def network_data(ip=GUEST_IP, gateway=HOST_IP, mac=GUEST_MAC):
    """network_data.json as Nova writes it for one static IPv4 port."""
    return {
        'links': [{'id': 'tap0b1c2d3e-4f', 'vif_id': str(uuid.uuid4()),
                   'type': 'bridge', 'mtu': 1500,
                   'ethernet_mac_address': mac}],
        'networks': [{'id': 'network0', 'type': 'ipv4',
                      'link': 'tap0b1c2d3e-4f', 'ip_address': ip,
                      'netmask': '255.255.255.0',
                      'routes': [{'network': '0.0.0.0',
                                  'netmask': '0.0.0.0',
                                  'gateway': gateway}],
                      'network_id': str(uuid.uuid4()),
                      'services': [{'type': 'dns', 'address': gateway}]}],
        'services': [{'type': 'dns', 'address': gateway}],
    }


class Guest(object):
    """One QEMU process running the test guest."""

    def __init__(self, guest, workdir, iso=None, iso_if='ide',
                 machine='pc', netdev=None, append='', prefix=()):
        self.console = os.path.join(workdir, 'console.log')
        self.monitor = os.path.join(workdir, 'monitor.sock')
        cmd = list(prefix) + [
            QEMU, '-machine', machine, '-accel', 'tcg', '-m', '256',
            '-nodefaults', '-no-user-config', '-display', 'none',
            '-no-reboot',
            '-kernel', guest['kernel'], '-initrd', guest['initramfs'],
            '-append', ('console=ttyS0 quiet ' + append).strip(),
            '-serial', 'file:%s' % self.console,
            '-monitor', 'unix:%s,server=on,wait=off' % self.monitor]
        if iso and iso_if == 'ide':
            cmd += ['-drive', 'file=%s,media=cdrom,readonly=on' % iso]
        elif iso:
            cmd += ['-drive', 'file=%s,if=%s,format=raw,readonly=on'
                    % (iso, iso_if)]
        if netdev:
            cmd += ['-netdev', netdev,
                    '-device', 'virtio-net-pci,netdev=n0,mac=%s'
                    % GUEST_MAC]
        self.log = open(os.path.join(workdir, 'qemu.log'), 'wb')
        self.started = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                     stdout=self.log,
                                     stderr=subprocess.STDOUT)

    def lines(self):
        try:
            with open(self.console, 'rb') as f:
                data = f.read().decode('utf-8', 'replace')
        except IOError:
            return []
        return [line.rstrip('\r') for line in data.split('\n')]

    def wait_for_marker(self, timeout=BOOT_TIMEOUT):
        """The marker line, once complete; seconds since qemu started."""
        deadline = self.started + timeout
        while time.monotonic() < deadline:
            lines = self.lines()
            # the last element is an unterminated line: not complete yet
            for line in lines[:-1]:
                if line.startswith(MARKER):
                    return line, time.monotonic() - self.started
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(
            'no %s line within %ss (qemu exit %s); console:\n%s\nqemu:\n%s'
            % (MARKER, timeout, self.proc.poll(), '\n'.join(self.lines()),
               self._qemu_log()))

    def _qemu_log(self):
        self.log.flush()
        with open(self.log.name, 'rb') as f:
            return f.read().decode('utf-8', 'replace')

    def hmp(self, command):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.settimeout(10)
            s.connect(self.monitor)
            s.sendall(command.encode() + b'\n')
            time.sleep(0.2)
        finally:
            s.close()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)
        self.log.close()


@pytest.fixture
def boot(test_guest, tmp_path):
    """boot(**kw) -> Guest; every guest is killed at teardown."""
    guests = []

    def _boot(**kw):
        workdir = tmp_path / ('vm%d' % len(guests))
        workdir.mkdir()
        g = Guest(test_guest, str(workdir), **kw)
        guests.append(g)
        return g

    yield _boot
    for g in guests:
        g.stop()


def test_marker_shows_uuid_and_user_data(boot, tmp_path):
    instance_uuid = str(uuid.uuid4())
    user_data = (b'#cloud-config\nruncmd:\n - echo "a b=c"\n'
                 b'\xff\x00 binary tail\n')
    iso = make_config_drive(str(tmp_path / 'cfg.iso'), instance_uuid,
                            user_data, network_data(), name='vm-one')
    # restrict=on: user-mode networking isolated from the host and beyond
    g = boot(iso=iso, netdev='user,id=n0,restrict=on')
    line, elapsed = g.wait_for_marker()
    assert line == '%s uuid=%s user_data=%s' % (
        MARKER, instance_uuid, base64.b64encode(user_data).decode())
    lines = g.lines()
    info = [x for x in lines if x.startswith('NOVA-LITE-GUEST-INFO ')]
    assert info and 'hostname=vm-one ' in info[0], lines
    assert 'public_keys=1 ' in info[0], lines
    assert 'name_b64=%s' % base64.b64encode(b'vm-one').decode() in info[0]
    assert ('NOVA-LITE-GUEST-NET if=eth0 type=ipv4 addr=%s '
            'netmask=255.255.255.0 routes=0.0.0.0/0.0.0.0:%s'
            % (GUEST_IP, HOST_IP)) in lines, lines
    print('boot to marker: %.2fs' % elapsed)


def test_marker_without_config_drive(boot):
    g = boot(append='nova-lite.cd_wait=2')
    line, _ = g.wait_for_marker()
    assert line == '%s uuid=none' % MARKER


def test_config_drive_on_virtio_disk_q35_without_user_data(boot, tmp_path):
    # q35's cdrom would hang off AHCI, which the Debian cloud kernel lacks;
    # a virtio-blk config drive works on any machine type.
    instance_uuid = str(uuid.uuid4())
    iso = make_config_drive(str(tmp_path / 'cfg.iso'), instance_uuid)
    g = boot(iso=iso, iso_if='virtio', machine='q35')
    line, _ = g.wait_for_marker()
    assert line == '%s uuid=%s user_data=-' % (MARKER, instance_uuid)


def test_power_button_powers_off(boot, tmp_path):
    iso = make_config_drive(str(tmp_path / 'cfg.iso'), str(uuid.uuid4()),
                            b'')
    g = boot(iso=iso)
    line, _ = g.wait_for_marker()
    assert line.endswith(' user_data=')
    # busybox acpid daemonizes before it opens the event devices, so a
    # press right after the marker can still go unheard: press again, as a
    # person would, until the guest powers off or 60 s have passed.
    for _ in range(12):
        if g.proc.poll() is None:
            g.hmp('system_powerdown')
        try:
            rc = g.proc.wait(timeout=5)
            break
        except subprocess.TimeoutExpired:
            continue
    else:
        pytest.fail('guest ignored the ACPI power button for 60 s')
    assert rc == 0
    assert 'NOVA-LITE-GUEST-POWEROFF' in g.lines()


def _ip(*args, **kw):
    return subprocess.run(('ip',) + args, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True,
                          timeout=30, **kw)


@pytest.fixture
def netns():
    """A network namespace with bridge br0 (192.0.2.1/24) and tap0 on it."""
    if shutil.which('ip') is None:
        pytest.skip('iproute2 (ip) is not installed')
    name = 'nl-tg-%d-%s' % (os.getpid(), uuid.uuid4().hex[:6])
    r = _ip('netns', 'add', name)
    if r.returncode:
        pytest.skip('cannot create a network namespace here: %s'
                    % r.stdout.strip())
    try:
        steps = [('link', 'add', 'br0', 'type', 'bridge'),
                 ('tuntap', 'add', 'dev', 'tap0', 'mode', 'tap'),
                 ('link', 'set', 'tap0', 'master', 'br0'),
                 ('addr', 'add', HOST_IP + '/24', 'dev', 'br0'),
                 ('link', 'set', 'lo', 'up'),
                 ('link', 'set', 'br0', 'up'),
                 ('link', 'set', 'tap0', 'up')]
        for step in steps:
            r = _ip('-n', name, *step)
            if r.returncode:
                pytest.skip('cannot set up a bridge and tap device (ip %s):'
                            ' %s' % (' '.join(step), r.stdout.strip()))
        yield name
    finally:
        _ip('-n', name, 'link', 'del', 'tap0')
        _ip('-n', name, 'link', 'del', 'br0')
        _ip('netns', 'del', name)


def test_guest_answers_ping(boot, netns, ping_command, tmp_path):
    instance_uuid = str(uuid.uuid4())
    iso = make_config_drive(str(tmp_path / 'cfg.iso'), instance_uuid,
                            b'ping me', network_data())
    g = boot(iso=iso, prefix=('ip', 'netns', 'exec', netns),
             netdev='tap,id=n0,ifname=tap0,script=no,downscript=no')
    line, _ = g.wait_for_marker()
    assert ' uuid=%s ' % instance_uuid in line
    ping = ['ip', 'netns', 'exec', netns] + ping_command
    r = None
    for _ in range(10):         # bounded: at most 10 tries of 3 pings
        r = subprocess.run(ping + ['-c', '3', '-W', '2', GUEST_IP],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True, timeout=30)
        if r.returncode == 0:
            break
        time.sleep(1)
    assert r.returncode == 0, 'guest does not answer ping:\n%s' % r.stdout
    assert re.search(r'[1-9]\d* packets received', r.stdout), r.stdout
    # the guest sits on the bridge with the MAC from network_data.json
    neigh = _ip('-n', netns, 'neigh', 'show', GUEST_IP).stdout
    assert GUEST_MAC in neigh.lower(), neigh

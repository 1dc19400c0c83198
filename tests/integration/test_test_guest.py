"""The test guest (tools/build-test-guest.sh) boots and does its job.

Boots the guest under QEMU software emulation (TCG: /dev/kvm is not
usable on these machines) with a Nova-style config drive and checks the
marker line it prints on the serial console, that it configures its NIC
from network_data.json and answers ping (over a tap device on a bridge in
a network namespace of the test's own, using TEST-NET-1 addresses), runs
the "#nova-lite-" directives of its user data, and powers off on an ACPI
power-button press. Without a config drive it takes its address from
DHCP (a dnsmasq of the test's own on that bridge, with a static host
entry) and its identity from a metadata service (a small HTTP server of
the test's on 169.254.169.254:80), or gives up after nova-lite.md_wait.

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
import sys
import time
import uuid

import pytest

QEMU = 'qemu-system-x86_64'
BOOT_TIMEOUT = float(os.environ.get('NOVA_LITE_TEST_GUEST_TIMEOUT', '60'))
MARKER = 'NOVA-LITE-GUEST-READY'
GUEST_MAC = 'fa:16:3e:00:02:0a'
GUEST_IP = '192.0.2.10'
HOST_IP = '192.0.2.1'
METADATA_IP = '169.254.169.254'


def make_config_drive(path, instance_uuid, user_data=None,
                      network_data=None, name='guest', public_keys=None):
    """Write a Nova-style config drive ISO (label config-2) to path."""
    root = path + '.d'
    latest = os.path.join(root, 'openstack', 'latest')
    os.makedirs(latest)
    meta = {'uuid': instance_uuid, 'name': name,
            'hostname': '%s.novalocal' % name, 'launch_index': 0,
            'availability_zone': 'nova', 'project_id': 'p1',
            'meta': {'uuid': 'not-this-one'}, 'devices': [],
            'public_keys': public_keys or {
                'key1': 'ssh-ed25519 AAAAC3Nz test@host'}}
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


def wait_for_line(g, prefix, timeout=BOOT_TIMEOUT):
    """The first complete console line of guest g starting with prefix."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in g.lines()[:-1]:
            if line.startswith(prefix):
                return line
        if g.proc.poll() is not None:
            break
        time.sleep(0.1)
    raise AssertionError('no %r line within %ss; console:\n%s'
                         % (prefix, timeout, '\n'.join(g.lines())))


def test_marker_shows_uuid_and_user_data(boot, tmp_path):
    instance_uuid = str(uuid.uuid4())
    # directive lines amid binary data; 192.0.2.99 is nobody
    user_data = (b'#cloud-config\nruncmd:\n - echo "a b=c"\n'
                 b'\xff\x00 binary\r\n#nova-lite-ping 192.0.2.99\r\n'
                 b'\x00 #nova-lite-ping ignored\n#nova-lite-nonsense * x\n'
                 b'\xfe tail')
    iso = make_config_drive(str(tmp_path / 'cfg.iso'), instance_uuid,
                            user_data, network_data(), name='vm-one')
    # restrict=on: user-mode networking isolated from the host and beyond
    g = boot(iso=iso, netdev='user,id=n0,restrict=on',
             append='nova-lite.ping_wait=1')
    line, elapsed = g.wait_for_marker()
    assert line == '%s uuid=%s user_data=%s' % (
        MARKER, instance_uuid, base64.b64encode(user_data).decode())
    lines = g.lines()
    info = [x for x in lines if x.startswith('NOVA-LITE-GUEST-INFO ')]
    assert info and info[0].startswith(
        'NOVA-LITE-GUEST-INFO source=config_drive config_drive=/dev/'), lines
    assert ' hostname=vm-one ' in info[0], lines
    assert ' public_keys=1 key_names=key1 ' in info[0], lines
    assert 'name_b64=%s' % base64.b64encode(b'vm-one').decode() in info[0]
    assert ('NOVA-LITE-GUEST-NET if=eth0 type=ipv4 addr=%s '
            'netmask=255.255.255.0 routes=0.0.0.0/0.0.0.0:%s mtu=1500'
            % (GUEST_IP, HOST_IP)) in lines, lines
    print('boot to marker: %.2fs' % elapsed)
    done = wait_for_line(g, 'NOVA-LITE-GUEST-DIRECTIVES ', timeout=30)
    assert done == 'NOVA-LITE-GUEST-DIRECTIVES done=2'
    lines = g.lines()
    assert ('NOVA-LITE-GUEST-PING addr=192.0.2.99 result=timeout'
            in lines), lines
    assert ('NOVA-LITE-GUEST-DIRECTIVE unknown=#nova-lite-nonsense'
            in lines), lines
    assert not [x for x in lines if 'addr=ignored' in x], lines


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
    user_data = b'ping me\n#nova-lite-ping %s\n' % HOST_IP.encode()
    iso = make_config_drive(str(tmp_path / 'cfg.iso'), instance_uuid,
                            user_data, network_data())
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
    # and it pings the host back, as its user data asked
    line = wait_for_line(g, 'NOVA-LITE-GUEST-PING ', timeout=30)
    assert line == 'NOVA-LITE-GUEST-PING addr=%s result=ok' % HOST_IP


def test_guest_ssh_login_with_the_config_drive_key(boot, netns, tmp_path):
    # tempest's validation: an ECDSA key (its default ssh_key_type) from
    # the config drive's public_keys, root, commands behind tempest's
    # ssh_shell_prologue.
    for tool in ('ssh', 'ssh-keygen'):
        if shutil.which(tool) is None:
            pytest.skip('%s is not installed (openssh-client)' % tool)
    key = str(tmp_path / 'id_ecdsa')
    subprocess.run(['ssh-keygen', '-q', '-t', 'ecdsa', '-N', '', '-C',
                    'tempest@nova-lite', '-f', key], check=True, timeout=60)
    with open(key + '.pub') as f:
        public_key = f.read()
    instance_uuid = str(uuid.uuid4())
    iso = make_config_drive(str(tmp_path / 'cfg.iso'), instance_uuid,
                            network_data=network_data(), name='sshguest',
                            public_keys={'tempest-key': public_key})
    g = boot(iso=iso, prefix=('ip', 'netns', 'exec', netns),
             netdev='tap,id=n0,ifname=tap0,script=no,downscript=no')
    g.wait_for_marker()
    ssh_line = [x for x in g.lines() if x.startswith('NOVA-LITE-GUEST-SSH ')]
    assert ssh_line == ['NOVA-LITE-GUEST-SSH port=22 authorized_keys=1 '
                        'host_keys=ecdsa,ed25519 status=started'], g.lines()
    command = ('set -eu -o pipefail; PATH=$PATH:/sbin:/usr/sbin; '
               'hostname; id -u; sudo sh -c "echo via-sudo"; '
               'ip addr | grep -c "inet %s/"; false | cat; echo not-here'
               % GUEST_IP)
    argv = ['ip', 'netns', 'exec', netns, 'ssh', '-i', key,
            '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=no',
            '-o', 'UserKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=10',
            'root@%s' % GUEST_IP, command]
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=120)
    # pipefail: "false | cat" ends the script with false's status
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert r.stdout.split() == ['sshguest', '0', 'via-sudo', '1'], (
        r.stdout, r.stderr)
    # a key that is not in the config drive is refused
    other = str(tmp_path / 'id_other')
    subprocess.run(['ssh-keygen', '-q', '-t', 'ecdsa', '-N', '', '-f',
                    other], check=True, timeout=60)
    argv[argv.index(key)] = other
    r = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=120)
    assert r.returncode == 255, (r.returncode, r.stdout, r.stderr)
    assert 'Permission denied' in r.stderr, r.stderr


# --- Without a config drive: DHCP and the metadata service. ---

DHCP_MTU = 1450
DHCP_HOSTNAME = 'from-dhcp'
# The metadata service of the test: the files of a dict, GET only; a
# request with an X-Instance-ID header naming another instance is refused
# (403), as Nova's metadata service refuses a request it cannot tie to
# the instance; every request is logged as one JSON line.
METADATA_SERVER = r'''
import http.server, json, sys

files, instance_uuid = json.load(open(sys.argv[1])), sys.argv[2]
log = open(sys.argv[3], 'a', buffering=1)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        asked = self.headers.get('X-Instance-ID')
        log.write(json.dumps({'path': self.path, 'instance': asked}) + '\n')
        if asked not in (None, instance_uuid):
            code, body = 403, b'403 Forbidden\n'
        elif self.path in files:
            code, body = 200, files[self.path].encode('latin-1')
        else:
            code, body = 404, b'404 Not Found\n'
        self.send_response(code)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.HTTPServer((sys.argv[4], 80), Handler)
open(sys.argv[5], 'w').close()      # bound: the test may go on
server.serve_forever()
'''


class NetworkServices(object):
    """dnsmasq (DHCP only) and the metadata server, in a namespace."""

    def __init__(self, netns, workdir):
        self.netns = netns
        self.workdir = workdir
        self.procs = []
        self.request_log = os.path.join(workdir, 'metadata-requests.log')

    def _spawn(self, name, argv):
        log = open(os.path.join(self.workdir, name + '.log'), 'wb')
        try:
            proc = subprocess.Popen(
                ['ip', 'netns', 'exec', self.netns] + argv,
                stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT)
        finally:
            log.close()
        self.procs.append(proc)
        return proc

    def start_dnsmasq(self, mac, ip, mtu, hostname):
        """DHCP for one static host entry, no dynamic pool, no DNS."""
        net = ip.rsplit('.', 1)[0] + '.0'
        self._spawn('dnsmasq', [
            shutil.which('dnsmasq') or '/usr/sbin/dnsmasq',
            '--keep-in-foreground', '--conf-file=/dev/null', '--port=0',
            '--no-resolv', '--no-hosts', '--user=root', '--group=root',
            '--interface=br0', '--bind-interfaces', '--pid-file=',
            '--dhcp-leasefile=%s' % os.path.join(self.workdir, 'leases'),
            '--dhcp-range=%s,static,255.255.255.0' % net,
            '--dhcp-host=%s,%s,%s' % (mac, ip, hostname),
            '--dhcp-option=option:mtu,%d' % mtu,
            '--dhcp-option=option:router,%s' % HOST_IP,
            '--dhcp-option=option:dns-server,%s' % HOST_IP,
            # RFC 3442: the guest takes these and ignores the router
            '--dhcp-option=option:classless-static-route,'
            '%s/32,%s,0.0.0.0/0,%s' % (METADATA_IP, HOST_IP, HOST_IP),
            '--log-dhcp', '--log-facility=-'])

    def start_metadata(self, files, instance_uuid):
        """The metadata server on 169.254.169.254:80; back once bound."""
        r = _ip('-n', self.netns, 'addr', 'add', METADATA_IP + '/32',
                'dev', 'br0')
        assert r.returncode == 0, r.stdout
        files_path = os.path.join(self.workdir, 'metadata.json')
        with open(files_path, 'w') as f:
            json.dump(files, f)
        script = os.path.join(self.workdir, 'metadata_server.py')
        with open(script, 'w') as f:
            f.write(METADATA_SERVER)
        ready = os.path.join(self.workdir, 'metadata.ready')
        proc = self._spawn('metadata', [
            sys.executable, script, files_path, instance_uuid,
            self.request_log, METADATA_IP, ready])
        deadline = time.monotonic() + 20
        while not os.path.exists(ready):
            assert proc.poll() is None and time.monotonic() < deadline, (
                'metadata server did not start: %s' % self.log('metadata'))
            time.sleep(0.05)

    def requests(self):
        try:
            with open(self.request_log) as f:
                return [json.loads(line) for line in f]
        except IOError:
            return []

    def log(self, name):
        try:
            with open(os.path.join(self.workdir, name + '.log'), 'rb') as f:
                return f.read().decode('utf-8', 'replace')
        except IOError:
            return ''

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


@pytest.fixture
def services(netns, tmp_path):
    """NetworkServices in the netns namespace, stopped at teardown."""
    workdir = tmp_path / 'services'
    workdir.mkdir()
    svc = NetworkServices(netns, str(workdir))
    try:
        yield svc
    finally:
        # before the netns fixture removes the namespace
        svc.stop()


def test_dhcp_and_metadata_without_config_drive(boot, netns, services,
                                                tmp_path):
    if not (shutil.which('dnsmasq') or os.path.exists('/usr/sbin/dnsmasq')):
        pytest.skip('dnsmasq is not installed (apt-get install dnsmasq-base)')
    instance_uuid = str(uuid.uuid4())
    other_uuid = str(uuid.uuid4())
    meta = {'uuid': instance_uuid, 'name': 'dhcp one',
            'hostname': 'dhcp-one.novalocal', 'launch_index': 0,
            'availability_zone': 'nova', 'project_id': 'p1',
            'public_keys': {'key1': 'ssh-ed25519 AAAAC3Nz one@host',
                            'key two': 'ssh-ed25519 AAAAC3Nz two@host'}}
    meta_json = json.dumps(meta)
    user_data = ('#!/bin/sh\n'
                 'echo hello\n'
                 '#nova-lite-ping %s\n'
                 '#nova-lite-fetch /openstack/latest/meta_data.json '
                 'X-Instance-ID:%s\n'
                 '#nova-lite-fetch /openstack/latest/meta_data.json\n'
                 '#nova-lite-fetch /no/such/path\n'
                 % (HOST_IP, other_uuid)).encode()
    services.start_dnsmasq(GUEST_MAC, GUEST_IP, DHCP_MTU, DHCP_HOSTNAME)
    services.start_metadata({
        '/openstack/latest/meta_data.json': meta_json,
        '/openstack/latest/user_data': user_data.decode('latin-1')},
        instance_uuid)
    g = boot(prefix=('ip', 'netns', 'exec', netns),
             netdev='tap,id=n0,ifname=tap0,script=no,downscript=no',
             append='nova-lite.cd_wait=1 nova-lite.md_wait=30 '
                    'nova-lite.ping_wait=20 nova-lite.trace')
    try:
        line, elapsed = g.wait_for_marker()
        assert line == '%s uuid=%s user_data=%s' % (
            MARKER, instance_uuid, base64.b64encode(user_data).decode())
        lines = g.lines()
        assert ('NOVA-LITE-GUEST-NET if=eth0 type=dhcp addr=%s mtu=%d'
                % (GUEST_IP, DHCP_MTU)) in lines, lines
        info = [x for x in lines if x.startswith('NOVA-LITE-GUEST-INFO ')]
        assert info == [
            'NOVA-LITE-GUEST-INFO source=metadata hostname=dhcp-one '
            'public_keys=2 key_names=key1,key%%20two name_b64=%s'
            % base64.b64encode(b'dhcp one').decode()], lines
        done = wait_for_line(g, 'NOVA-LITE-GUEST-DIRECTIVES ', timeout=40)
        assert done == 'NOVA-LITE-GUEST-DIRECTIVES done=4'
        lines = g.lines()
        results = [x for x in lines
                   if x.startswith(('NOVA-LITE-GUEST-PING ',
                                    'NOVA-LITE-GUEST-FETCH '))]
        path = '/openstack/latest/meta_data.json'
        assert results == [
            'NOVA-LITE-GUEST-PING addr=%s result=ok' % HOST_IP,
            'NOVA-LITE-GUEST-FETCH path=%s status=403 body_b64=' % path,
            'NOVA-LITE-GUEST-FETCH path=%s status=200 body_b64=%s'
            % (path, base64.b64encode(meta_json.encode()).decode()),
            'NOVA-LITE-GUEST-FETCH path=/no/such/path status=404 body_b64=',
        ], lines
    except AssertionError:
        print('dnsmasq:\n%s\nmetadata:\n%s'
              % (services.log('dnsmasq'), services.log('metadata')))
        raise
    # the forged header reached the metadata service as written
    assert {'path': path, 'instance': other_uuid} in services.requests()
    trace = {}
    for x in lines:
        m = re.match(r'NOVA-LITE-GUEST-TRACE (\S+) (.*)', x)
        if m:
            trace.setdefault(m.group(2), float(m.group(1)))
    boot_line = [x for x in lines if x.startswith('NOVA-LITE-GUEST-BOOT ')]
    print('boot to marker: %.2fs (qemu start); guest %s; first lease at '
          '%ss, meta_data.json at %ss'
          % (elapsed, boot_line, trace.get('first lease'),
             trace.get('meta_data.json read')))


def test_dhcp_without_metadata_service(boot):
    # QEMU's user-mode network answers DHCP (10.0.2.15) but nobody
    # answers on 169.254.169.254 (restrict=on keeps it from the host)
    g = boot(netdev='user,id=n0,restrict=on',
             append='nova-lite.cd_wait=1 nova-lite.md_wait=3')
    line, elapsed = g.wait_for_marker()
    assert line == '%s uuid=none' % MARKER
    assert ('NOVA-LITE-GUEST-NET if=eth0 type=dhcp addr=10.0.2.15 mtu=1500'
            in g.lines()), g.lines()
    print('boot to marker: %.2fs' % elapsed)

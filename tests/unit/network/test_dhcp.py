"""network/dhcp: one dnsmasq per network, its files under tmp_path; the
process is faked at the edges (utils.execute starts it, os.kill signals
it, Dnsmasq.pid finds it)."""

import os
import signal
import subprocess
import sys
import time
from unittest import mock

import pytest

from nova_lite import exception
from nova_lite.network import dhcp
from nova_lite.privsep import dhcp as priv_dhcp

A = ('fa:16:3e:00:00:01', '192.0.2.2', 'vm-1.novalocal')
B = ('fa:16:3e:00:00:02', '192.0.2.3', 'vm-2')
C = ('fa:16:3e:00:00:03', '192.0.2.4', None)


def _lease(mac, ip, name='*'):
    return '1893456000 %s %s %s 01:%s\n' % (mac, ip, name, mac)


class FakeDnsmasq:
    """A dnsmasq process: started by utils.execute, which writes its pid
    file, and gone on SIGTERM (unless ``stubborn``) or SIGKILL."""

    def __init__(self):
        self.pid = None
        self.next_pid = 4242
        self.stubborn = False
        self.events = []
        self.leases_at_start = []

    def execute(self, cmd, timeout, ok_errors=(), input=None):
        leases = os.path.join(os.path.dirname(
            _arg(cmd, '--pid-file')), 'leases')
        self.leases_at_start.append(_read(leases))
        self.events.append(('start', cmd))
        self.pid = self.next_pid
        self.next_pid += 1
        return subprocess.CompletedProcess(cmd, 0, '', '')

    def kill(self, pid, sig):
        if pid != self.pid:
            raise ProcessLookupError(pid)
        if sig == 0:
            return
        self.events.append((sig, pid))
        if sig == signal.SIGKILL or (sig == signal.SIGTERM and
                                     not self.stubborn):
            self.pid = None


def _arg(cmd, name):
    return next(a.split('=', 1)[1] for a in cmd if a.startswith(name + '='))


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return None


@pytest.fixture
def proc(flags, tmp_path):
    # NOTE: the privileged side acts on directories of the state path only.
    flags(state_path=str(tmp_path))
    fake = FakeDnsmasq()
    with mock.patch('nova_lite.utils.execute', side_effect=fake.execute), \
            mock.patch.object(dhcp.os, 'kill', side_effect=fake.kill), \
            mock.patch.object(priv_dhcp, 'running_pid',
                              lambda state_dir: fake.pid):
        yield fake


def _dnsmasq(tmp_path, mtu=1450, dns=('192.0.2.53', None),
             gateway='192.0.2.1', cidr='192.0.2.0/24', bridge='brq1'):
    return dhcp.Dnsmasq(str(tmp_path / 'net'), bridge, cidr, gateway, dns,
                        mtu)


def _started(proc):
    return [event[1] for event in proc.events if event[0] == 'start']


def _signals(proc):
    return [event for event in proc.events if event[0] != 'start']


# ---- the command line ------------------------------------------------------

def test_command_line(proc, tmp_path):
    _dnsmasq(tmp_path).update([A])
    d = str(tmp_path / 'net')
    assert _started(proc) == [[
        'dnsmasq', '--conf-file=/dev/null', '--no-hosts', '--no-resolv',
        '--port=0', '--bind-interfaces', '--interface=brq1',
        '--except-interface=lo', '--pid-file=%s/pid' % d,
        '--dhcp-hostsfile=%s/host' % d, '--dhcp-optsfile=%s/opts' % d,
        '--dhcp-leasefile=%s/leases' % d,
        '--dhcp-range=set:nl,192.0.2.0,static,255.255.255.0,86400s',
        '--dhcp-lease-max=256', '--domain=novalocal',
        '--dhcp-authoritative', '--user=root', '--group=root',
        '--dhcp-option-force=tag:nl,option:mtu,1450']]


@pytest.mark.parametrize('kwargs, options, present, absent', [
    (dict(mtu=None), {}, [], ['--dhcp-option-force']),
    (dict(mtu=1500), {}, ['--dhcp-option-force=tag:nl,option:mtu,1500'],
     []),
    (dict(cidr='10.0.0.0/16', bridge='nlabc'), {},
     ['--dhcp-range=set:nl,10.0.0.0,static,255.255.0.0,86400s',
      '--dhcp-lease-max=65536', '--interface=nlabc'], ['--interface=brq']),
    (dict(), dict(dhcp_lease_time=600, dnsmasq_binary='/opt/dnsmasq'),
     ['/opt/dnsmasq', '--dhcp-range=set:nl,192.0.2.0,static,'
                      '255.255.255.0,600s'], ['dnsmasq']),
])
def test_command_line_varies_with_the_network(proc, tmp_path, flags,
                                              kwargs, options, present,
                                              absent):
    if options:
        flags(group='network', **options)
    _dnsmasq(tmp_path, **kwargs).update([])
    cmd = _started(proc)[0]
    assert [arg for arg in present if arg not in cmd] == []
    assert [arg for arg in cmd if arg.startswith(tuple(absent))] == []


# ---- the files -------------------------------------------------------------

@pytest.mark.parametrize('entries, expected', [
    ([], ''),
    ([A], 'fa:16:3e:00:00:01,vm-1,192.0.2.2\n'),
    ([A, B, C], 'fa:16:3e:00:00:01,vm-1,192.0.2.2\n'
                'fa:16:3e:00:00:02,vm-2,192.0.2.3\n'
                'fa:16:3e:00:00:03,192.0.2.4\n'),
    ([('FA:16:3E:00:00:09', '192.0.2.9', '')], 'FA:16:3E:00:00:09,'
                                               '192.0.2.9\n'),
])
def test_hosts_file(proc, tmp_path, entries, expected):
    server = _dnsmasq(tmp_path)
    server.update(entries)
    assert _read(server.hosts_file) == expected
    assert server.hosts_file == str(tmp_path / 'net' / 'host')
    assert os.stat(server.hosts_file).st_mode & 0o777 == 0o644
    assert not os.path.exists(server.hosts_file + '.tmp')


@pytest.mark.parametrize('gateway, dns, expected', [
    ('192.0.2.1', ('192.0.2.53', None),
     'tag:nl,option:router,192.0.2.1\n'
     'tag:nl,option:dns-server,192.0.2.53\n'),
    ('192.0.2.1', ('192.0.2.53', '192.0.2.54'),
     'tag:nl,option:router,192.0.2.1\n'
     'tag:nl,option:dns-server,192.0.2.53,192.0.2.54\n'),
    ('192.0.2.1', (None, None), 'tag:nl,option:router,192.0.2.1\n'),
    (None, (), ''),
])
def test_options_file(proc, tmp_path, gateway, dns, expected):
    _dnsmasq(tmp_path, gateway=gateway, dns=dns).update([A])
    assert _read(str(tmp_path / 'net' / 'opts')) == expected


# ---- reloads and restarts --------------------------------------------------

def test_started_when_not_running(proc, tmp_path):
    server = _dnsmasq(tmp_path)
    server.update([A])
    assert len(_started(proc)) == 1
    assert _signals(proc) == []


def test_sighup_on_change_only(proc, tmp_path):
    server = _dnsmasq(tmp_path)
    server.update([A])
    server.update([A])
    assert _signals(proc) == []
    server.update([A, B])
    assert _signals(proc) == [(signal.SIGHUP, 4242)]
    server.update([A, B])
    assert _signals(proc) == [(signal.SIGHUP, 4242)]
    # NOTE: an options change (a new DNS server) reloads too.
    _dnsmasq(tmp_path, dns=('192.0.2.54',)).update([A, B])
    assert _signals(proc) == [(signal.SIGHUP, 4242)] * 2
    assert len(_started(proc)) == 1


def test_a_removed_entry_without_a_lease_is_a_reload(proc, tmp_path):
    server = _dnsmasq(tmp_path)
    server.update([A, B])
    with open(str(tmp_path / 'net' / 'leases'), 'w') as f:
        f.write(_lease(*A[:2]))
    server.update([A])
    assert _signals(proc) == [(signal.SIGHUP, 4242)]
    assert len(_started(proc)) == 1


@pytest.mark.parametrize('hosts_mac, lease_mac', [
    (B[0], B[0]),
    # NOTE: MACs compare whatever their case.
    (B[0].upper(), B[0]),
    (B[0], B[0].upper()),
])
def test_a_leased_mac_that_disappears_is_a_restart(proc, tmp_path,
                                                   hosts_mac, lease_mac):
    server = _dnsmasq(tmp_path)
    server.update([A, (hosts_mac,) + B[1:]])
    leases = str(tmp_path / 'net' / 'leases')
    with open(leases, 'w') as f:
        f.write(_lease(A[0], A[1], 'vm-1') + _lease(lease_mac, B[1]) +
                'duid 00:01:00:01\n')
    server.update([A])
    assert _signals(proc) == [(signal.SIGTERM, 4242)]
    assert len(_started(proc)) == 2
    kept = _lease(A[0], A[1], 'vm-1') + 'duid 00:01:00:01\n'
    # NOTE: dropped before the new dnsmasq reads the lease file.
    assert proc.leases_at_start[-1] == kept
    assert _read(leases) == kept
    assert _read(server.hosts_file) == 'fa:16:3e:00:00:01,vm-1,192.0.2.2\n'


def test_a_lease_dropped_when_dnsmasq_was_not_running(proc, tmp_path):
    server = _dnsmasq(tmp_path)
    server.update([A, B])
    proc.pid = None
    with open(str(tmp_path / 'net' / 'leases'), 'w') as f:
        f.write(_lease(*B[:2]))
    server.update([A])
    assert _signals(proc) == []
    assert len(_started(proc)) == 2
    assert proc.leases_at_start[-1] == ''


def test_restarted_when_it_died(proc, tmp_path):
    server = _dnsmasq(tmp_path)
    server.update([A])
    proc.pid = None
    server.update([A])
    assert len(_started(proc)) == 2
    assert _signals(proc) == []


def test_start_fails_without_a_pid_file(proc, tmp_path):
    proc.execute = mock.Mock(return_value=None)
    with mock.patch('nova_lite.utils.execute', proc.execute), \
            mock.patch.object(dhcp, 'START_TIMEOUT', 0.1):
        with pytest.raises(exception.InternalError) as caught:
            _dnsmasq(tmp_path).update([A])
    assert 'dnsmasq on brq1 wrote no pid file' in \
        caught.value.format_message()


def test_start_failure_is_raised(proc, tmp_path):
    with mock.patch('nova_lite.utils.execute',
                    side_effect=exception.InternalError(err='no dnsmasq')):
        with pytest.raises(exception.InternalError):
            _dnsmasq(tmp_path).update([A])


# ---- stop ------------------------------------------------------------------

def test_stop(proc, tmp_path):
    server = _dnsmasq(tmp_path)
    server.stop()
    assert proc.events == []
    server.update([A])
    server.stop()
    assert _signals(proc) == [(signal.SIGTERM, 4242)]
    assert proc.pid is None


def test_stop_kills_a_stubborn_dnsmasq(proc, tmp_path):
    server = _dnsmasq(tmp_path)
    server.update([A])
    proc.stubborn = True
    with mock.patch.object(dhcp, 'STOP_TIMEOUT', 0.1):
        server.stop()
    assert _signals(proc) == [(signal.SIGTERM, 4242),
                              (signal.SIGKILL, 4242)]


# ---- pid: the pid file and /proc -------------------------------------------

@pytest.mark.parametrize('content', [None, '', 'garbage\n'])
def test_pid_without_a_usable_pid_file(tmp_path, content):
    server = _dnsmasq(tmp_path)
    if content is not None:
        with open(str(tmp_path / 'net' / 'pid'), 'w') as f:
            f.write(content)
    assert server.pid() is None


def test_pid_of_a_dead_process(tmp_path):
    server = _dnsmasq(tmp_path)
    with open(str(tmp_path / 'net' / 'pid'), 'w') as f:
        f.write('%d\n' % os.getpid())
    with mock.patch.object(dhcp.os, 'kill',
                           side_effect=ProcessLookupError):
        assert server.pid() is None


def test_pid_of_a_recycled_pid(tmp_path):
    # NOTE: this test's own process lives, but is no dnsmasq of this
    # network: its command line has no --pid-file of it.
    server = _dnsmasq(tmp_path)
    with open(str(tmp_path / 'net' / 'pid'), 'w') as f:
        f.write('%d\n' % os.getpid())
    assert server.pid() is None


def _wait_for_exec(pid, marker):
    """Wait until ``pid`` runs its command line: just after Popen its
    /proc cmdline may still be empty."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with open('/proc/%d/cmdline' % pid) as f:
            if marker in f.read():
                return
        time.sleep(0.01)
    raise AssertionError('process %d never ran' % pid)


@pytest.mark.parametrize('kill_error', [None, PermissionError])
def test_pid_of_the_running_dnsmasq(tmp_path, kill_error):
    server = _dnsmasq(tmp_path)
    pid_file = str(tmp_path / 'net' / 'pid')
    child = subprocess.Popen([sys.executable, '-c',
                              'import time; time.sleep(60)',
                              '--pid-file=%s' % pid_file])
    try:
        _wait_for_exec(child.pid, pid_file)
        with open(pid_file, 'w') as f:
            f.write('%d\n' % child.pid)
        with mock.patch.object(dhcp.os, 'kill', side_effect=kill_error):
            assert server.pid() == child.pid
        other = _dnsmasq(tmp_path / 'other')
        with open(str(tmp_path / 'other' / 'net' / 'pid'), 'w') as f:
            f.write('%d\n' % child.pid)
        assert other.pid() is None
    finally:
        child.kill()
        child.wait()

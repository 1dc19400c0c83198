"""network/linux_net: bridges and taps through ip(8), which is mocked at the
edge (subprocess) along with the host's /sys/class/net."""

import subprocess
from unittest import mock

import pytest

from nova_lite import exception
from nova_lite.network import linux_net
from nova_lite import utils


class FakeHost:
    """/sys/class/net and ``ip`` of a host: ``devices`` maps name -> up."""

    def __init__(self, devices=None, fail=None):
        self.devices = dict(devices or {})
        self.commands = []
        self.fail = fail or {}

    def exists(self, name):
        return name in self.devices

    def is_up(self, name):
        return self.devices.get(name, False)

    def run(self, cmd, **kwargs):
        self.commands.append(cmd[1:])
        verb = tuple(cmd[1:3])
        if verb in self.fail:
            return subprocess.CompletedProcess(cmd, 2, '', self.fail[verb])
        if verb == ('link', 'add'):
            self.devices[cmd[4]] = False
        elif verb == ('link', 'set'):
            self.devices[cmd[4]] = True
        elif verb == ('link', 'delete'):
            self.devices.pop(cmd[4], None)
        return subprocess.CompletedProcess(cmd, 0, '', '')


@pytest.fixture
def host():
    fake = FakeHost()
    with mock.patch.object(linux_net, 'device_exists', fake.exists), \
            mock.patch.object(linux_net, '_is_up', fake.is_up), \
            mock.patch.object(utils.subprocess, 'run', fake.run):
        yield fake


def test_ensure_bridge_creates_and_brings_up(host):
    linux_net.ensure_bridge('brq1', mtu=1450)
    assert host.commands == [
        ['link', 'add', 'name', 'brq1', 'mtu', '1450', 'type', 'bridge'],
        ['link', 'set', 'dev', 'brq1', 'up']]
    assert host.devices == {'brq1': True}


def test_ensure_bridge_is_idempotent(host):
    host.devices['br0'] = True
    linux_net.ensure_bridge('br0')
    assert host.commands == []
    host.devices['br0'] = False
    linux_net.ensure_bridge('br0')
    assert host.commands == [['link', 'set', 'dev', 'br0', 'up']]


def test_ensure_bridge_tolerates_a_racing_creator(host):
    host.fail[('link', 'add')] = 'RTNETLINK answers: File exists'
    linux_net.ensure_bridge('brq1')
    assert host.commands[-1] == ['link', 'set', 'dev', 'brq1', 'up']


def test_ensure_bridge_reports_a_refusal(host):
    host.fail[('link', 'add')] = 'RTNETLINK answers: Operation not permitted'
    with pytest.raises(exception.InternalError) as caught:
        linux_net.ensure_bridge('brq1')
    assert 'Operation not permitted' in caught.value.format_message()


def test_ip_missing_is_an_internal_error():
    with mock.patch.object(utils.subprocess, 'run',
                           side_effect=FileNotFoundError('ip')), \
            mock.patch.object(linux_net, 'device_exists',
                              return_value=False):
        with pytest.raises(exception.InternalError):
            linux_net.ensure_bridge('brq1')


def test_delete_net_dev(host):
    linux_net.delete_net_dev('tap0')
    assert host.commands == []
    host.devices['tap0'] = True
    linux_net.delete_net_dev('tap0')
    assert host.commands == [['link', 'delete', 'dev', 'tap0']]
    assert 'tap0' not in host.devices
    host.devices['tap1'] = True
    host.fail[('link', 'delete')] = 'Cannot find device "tap1"'
    linux_net.delete_net_dev('tap1')


def test_device_exists_reads_sys_class_net(tmp_path):
    (tmp_path / 'lo').mkdir()
    (tmp_path / 'lo' / 'flags').write_text('0x9\n')
    (tmp_path / 'br0').mkdir()
    (tmp_path / 'br0' / 'flags').write_text('0x1002\n')
    with mock.patch.object(linux_net, '_SYS_NET', str(tmp_path)):
        assert linux_net.device_exists('lo')
        assert not linux_net.device_exists('eth9')
        assert linux_net._is_up('lo')
        assert not linux_net._is_up('br0')
        assert not linux_net._is_up('eth9')

"""network/linux_net: VXLAN flood entries, VXLAN and VLAN devices and
addresses; utils.execute is mocked at the edge with ``bridge fdb show``
output."""

import subprocess
from unittest import mock

import pytest

from nova_lite import exception
from nova_lite.network import linux_net

FDB = """\
00:00:00:00:00:00 dst 192.0.2.11 self permanent
33:33:00:00:00:01 self permanent
fa:16:3e:00:00:01 dst 192.0.2.12 self
fa:16:3e:00:00:02 master brq1
00:00:00:00:00:00 dst 192.0.2.13 via eth0 self permanent

"""
FLOOD = '00:00:00:00:00:00'


class FakeExecute:
    """utils.execute: ``bridge fdb show`` prints ``fdb``; every other
    command succeeds unless ``fail`` maps its first words to a stderr."""

    def __init__(self, fdb=''):
        self.fdb = fdb
        self.commands = []
        self.fail = {}

    def __call__(self, cmd, timeout, ok_errors=(), input=None):
        if cmd[:3] == ['bridge', 'fdb', 'show']:
            return subprocess.CompletedProcess(cmd, 0, self.fdb, '')
        self.commands.append((cmd, tuple(ok_errors)))
        stderr = self.fail.get(tuple(cmd[:3]))
        if stderr is None:
            return subprocess.CompletedProcess(cmd, 0, '', '')
        if any(text in stderr for text in ok_errors):
            return subprocess.CompletedProcess(cmd, 2, '', stderr)
        raise exception.InternalError(err=stderr)


@pytest.fixture
def execute():
    fake = FakeExecute()
    with mock.patch('nova_lite.utils.execute', side_effect=fake):
        yield fake


@pytest.mark.parametrize('fdb, expected', [
    ('', set()),
    (FDB, {'192.0.2.11', '192.0.2.13'}),
])
def test_vxlan_peers_reads_the_flood_entries(execute, fdb, expected):
    execute.fdb = fdb
    assert linux_net.vxlan_peers('vxlan-1001') == expected


@pytest.mark.parametrize('fdb, peers, appended, deleted', [
    ('', [], [], []),
    ('', ['192.0.2.12', '192.0.2.11'], ['192.0.2.11', '192.0.2.12'], []),
    (FDB, {'192.0.2.11', '192.0.2.13'}, [], []),
    (FDB, ['192.0.2.11'], [], ['192.0.2.13']),
    (FDB, [], [], ['192.0.2.11', '192.0.2.13']),
    # NOTE: 192.0.2.12 is in the table only as a learnt MAC's entry.
    (FDB, ['192.0.2.12', '192.0.2.13'], ['192.0.2.12'], ['192.0.2.11']),
    (FDB, ('192.0.2.14', '192.0.2.14'), ['192.0.2.14'],
     ['192.0.2.11', '192.0.2.13']),
])
def test_set_vxlan_peers(execute, fdb, peers, appended, deleted):
    execute.fdb = fdb
    linux_net.set_vxlan_peers('vxlan-1001', peers)
    assert execute.commands == [
        (['bridge', 'fdb', 'append', FLOOD, 'dev', 'vxlan-1001', 'dst',
          peer], ('File exists',)) for peer in appended] + [
        (['bridge', 'fdb', 'del', FLOOD, 'dev', 'vxlan-1001', 'dst', peer],
         ('No such file', 'Cannot find')) for peer in deleted]


def test_set_vxlan_peers_tolerates_racing_changes(execute):
    execute.fdb = FDB
    execute.fail[('bridge', 'fdb', 'append')] = 'RTNETLINK answers: ' \
        'File exists'
    execute.fail[('bridge', 'fdb', 'del')] = 'RTNETLINK answers: No such ' \
        'file or directory'
    linux_net.set_vxlan_peers('vxlan-1001', ['192.0.2.99'])
    assert len(execute.commands) == 3


def test_set_vxlan_peers_reports_a_failure(execute):
    execute.fail[('bridge', 'fdb', 'append')] = 'Cannot find device'
    with pytest.raises(exception.InternalError):
        linux_net.set_vxlan_peers('vxlan-1001', ['192.0.2.11'])


@pytest.fixture
def devices():
    existing = set()
    with mock.patch.object(linux_net, 'device_exists',
                           side_effect=existing.__contains__), \
            mock.patch.object(linux_net, '_is_up', return_value=False):
        yield existing


@pytest.mark.parametrize('mtu, extra', [(None, []), (1450, ['mtu', '1450'])])
def test_ensure_vxlan(execute, devices, mtu, extra):
    linux_net.ensure_vxlan('vxlan-7', 7, '192.0.2.10', 4789, mtu=mtu)
    assert [cmd for cmd, _ok in execute.commands] == [
        ['ip', 'link', 'add', 'vxlan-7'] + extra + [
            'type', 'vxlan', 'id', '7', 'local', '192.0.2.10', 'dstport',
            '4789', 'nolearning'],
        ['ip', 'link', 'set', 'dev', 'vxlan-7', 'up']]


def test_ensure_vxlan_and_vlan_leave_an_existing_device(execute, devices):
    devices.update({'vxlan-7', 'eth1.5'})
    linux_net.ensure_vxlan('vxlan-7', 7, '192.0.2.10', 4789)
    linux_net.ensure_vlan('eth1.5', 'eth1', 5)
    assert [cmd for cmd, _ok in execute.commands] == [
        ['ip', 'link', 'set', 'dev', 'vxlan-7', 'up'],
        ['ip', 'link', 'set', 'dev', 'eth1.5', 'up']]


def test_ensure_vlan(execute, devices):
    linux_net.ensure_vlan('eth1.100', 'eth1', 100)
    assert execute.commands == [
        (['ip', 'link', 'add', 'link', 'eth1', 'name', 'eth1.100', 'type',
          'vlan', 'id', '100'], ('File exists',)),
        (['ip', 'link', 'set', 'dev', 'eth1.100', 'up'], ())]


@pytest.mark.parametrize('cidr, expected', [
    ('192.0.2.0/24', '192.0.2.1/24'),
    ('10.0.0.0/8', '192.0.2.1/8'),
])
def test_ensure_address(execute, cidr, expected):
    linux_net.ensure_address('brq1', '192.0.2.1', cidr)
    execute.fail[('ip', 'addr', 'add')] = 'RTNETLINK answers: File exists'
    linux_net.ensure_address('brq1', '192.0.2.1', cidr)
    assert [cmd for cmd, _ok in execute.commands] == [
        ['ip', 'addr', 'add', expected, 'dev', 'brq1']] * 2

"""The privileged entry points refuse what is not theirs to do, and do
what is, with the command they build themselves (subprocess is mocked at
the edge)."""

import os
import signal
import subprocess
from unittest import mock

import pytest

from nova_lite import privsep
from nova_lite.privsep import dhcp as priv_dhcp
from nova_lite.privsep import linux_net as priv_net
from nova_lite.privsep import path as priv_path


@pytest.fixture
def run():
    """subprocess.run, recording every command; all succeed."""
    calls = []

    def fake(cmd, **kwargs):
        calls.append((list(cmd), kwargs.get('input')))
        return subprocess.CompletedProcess(cmd, 0, '', '')

    with mock.patch('nova_lite.utils.subprocess.run', side_effect=fake):
        yield calls


BAD_DEVICES = ['', 'a' * 16, '-x', 'br/0', 'br 0', 'all', 'dev', None, 7,
               '../eth0', 'eth0;reboot']


@pytest.mark.parametrize('name', BAD_DEVICES)
def test_a_bad_device_name_is_refused(run, name):
    for call in (lambda: priv_net.add_bridge(name),
                 lambda: priv_net.delete_device(name),
                 lambda: priv_net.set_up(name),
                 lambda: priv_net.set_master('tap1', name),
                 lambda: priv_net.add_vlan(name, 'eth1', 100),
                 lambda: priv_net.add_flood_entry(name, '10.0.0.2')):
        with pytest.raises(ValueError):
            call()
    assert run == []


@pytest.mark.parametrize('call', [
    lambda: priv_net.add_bridge('brq1', mtu=67),
    lambda: priv_net.add_bridge('brq1', mtu='1450'),
    lambda: priv_net.set_mtu('brq1', 70000),
    lambda: priv_net.add_vxlan('vxlan-1', 0, '10.0.0.1', 4789),
    lambda: priv_net.add_vxlan('vxlan-1', 1, '10.0.0.1 dev eth0', 4789),
    lambda: priv_net.add_vxlan('vxlan-1', 1, '10.0.0.1', 0),
    lambda: priv_net.add_vlan('eth1.5000', 'eth1', 5000),
    lambda: priv_net.add_vlan('eth1.1', 'eth1', True),
    lambda: priv_net.add_address('brq1', '192.0.2.1', 33),
    lambda: priv_net.add_address('brq1', 'example.com', 24),
    lambda: priv_net.add_flood_entry('vxlan-1', '10.0.0.0/8'),
])
def test_bad_values_are_refused(run, call):
    with pytest.raises(ValueError):
        call()
    assert run == []


def test_well_formed_operations_run_their_command(run):
    assert priv_net.add_bridge('brq1', mtu=1450)
    priv_net.add_vxlan('vxlan-7', 7, '10.0.0.1', 4789, mtu=1450)
    priv_net.add_vlan('eth1.100', 'eth1', 100)
    priv_net.add_address('brq1', '192.0.2.1', 24)
    priv_net.add_flood_entry('vxlan-7', '10.0.0.2')
    assert [cmd for cmd, _input in run] == [
        ['ip', 'link', 'add', 'name', 'brq1', 'mtu', '1450', 'type',
         'bridge'],
        ['ip', 'link', 'add', 'vxlan-7', 'mtu', '1450', 'type', 'vxlan',
         'id', '7', 'local', '10.0.0.1', 'dstport', '4789', 'nolearning'],
        ['ip', 'link', 'add', 'link', 'eth1', 'name', 'eth1.100', 'type',
         'vlan', 'id', '100'],
        ['ip', 'addr', 'add', '192.0.2.1/24', 'dev', 'brq1'],
        ['bridge', 'fdb', 'append', '00:00:00:00:00:00', 'dev', 'vxlan-7',
         'dst', '10.0.0.2']]


OURS = ('*nat\n:nova-lite-brq-pre - [0:0]\n'
        '-A nova-lite-brq-pre -i brq1 -d 169.254.169.254/32 -p tcp -j DNAT '
        '--to-destination 192.0.2.1:9697\nCOMMIT\n')


@pytest.mark.parametrize('text', [
    OURS.replace('-A nova-lite-brq-pre', '-A PREROUTING'),
    OURS.replace('*nat', '*mangle'),
    OURS.replace(':nova-lite-brq-pre', ':INPUT'),
    OURS + '-F\n',
    OURS + '-A nova-lite-brq-pre -j ACCEPT\n-X nova-lite-brq-post\n',
])
def test_restore_refuses_rules_outside_nova_lites_chains(run, text):
    with pytest.raises(ValueError):
        priv_net.restore_chains(text)
    assert run == []


def test_restore_runs_iptables_restore_with_the_text(run):
    priv_net.restore_chains(OURS)
    assert run == [(['iptables-restore', '-w', '--noflush'], OURS)]


@pytest.mark.parametrize('table, builtin, chain', [
    ('nat', 'PREROUTING', 'INPUT'), ('raw', 'PREROUTING', 'nova-lite-x'),
    ('filter', 'PREROUTING', 'nova-lite-x'),
    ('nat', 'POSTROUTING', 'nova-lite-' + 'x' * 19)])
def test_jumps_and_removals_only_touch_nova_lites_chains(run, table, builtin,
                                                         chain):
    with pytest.raises(ValueError):
        priv_net.ensure_jump(table, builtin, chain)
    with pytest.raises(ValueError):
        priv_net.remove_chain(table, builtin, chain)
    assert run == []


# ---- DHCP ------------------------------------------------------------------

@pytest.fixture
def state_path(flags, tmp_path):
    flags(state_path=str(tmp_path / 'state'))
    return str(tmp_path / 'state')


@pytest.mark.parametrize('state_dir', [
    '/etc', 'relative/dir', '{state}/../etc', '{state}', '{state}x/net',
    '{state}/networks/./n1', None])
def test_dhcp_refuses_a_directory_outside_the_state_path(run, state_path,
                                                         state_dir):
    if state_dir:
        state_dir = state_dir.format(state=state_path)
    with pytest.raises(ValueError):
        priv_dhcp.start(state_dir, 'brq1', '192.0.2.0/24')
    with pytest.raises(ValueError):
        priv_dhcp.send_signal(state_dir, signal.SIGHUP)
    with pytest.raises(ValueError):
        priv_dhcp.drop_leases(state_dir, ['fa:16:3e:00:00:01'])
    assert run == []


def test_dhcp_start_builds_dnsmasqs_command(run, state_path):
    net = os.path.join(state_path, 'networks', 'n1')
    priv_dhcp.start(net, 'brq1', '192.0.2.0/24', 1450)
    (cmd, _input), = run
    assert cmd[0] == 'dnsmasq'
    assert '--interface=brq1' in cmd
    assert '--pid-file=%s/pid' % net in cmd
    with pytest.raises(ValueError):
        priv_dhcp.start(net, 'brq1 --dhcp-script=/bin/sh', '192.0.2.0/24')


def test_dhcp_signals_only_its_own_dnsmasq(state_path):
    net = os.path.join(state_path, 'networks', 'n1')
    with pytest.raises(ValueError):
        priv_dhcp.send_signal(net, signal.SIGUSR1)
    # NOTE: no pid file: no process of that network to signal.
    with mock.patch.object(priv_dhcp.os, 'kill') as kill:
        assert priv_dhcp.send_signal(net, signal.SIGTERM) is False
    kill.assert_not_called()


def test_drop_leases_keeps_the_others(state_path):
    net = os.path.join(state_path, 'networks', 'n1')
    os.makedirs(net)
    with open(os.path.join(net, 'leases'), 'w') as f:
        f.write('1 fa:16:3e:00:00:01 192.0.2.2 a *\n'
                '1 fa:16:3e:00:00:02 192.0.2.3 b *\n')
    priv_dhcp.drop_leases(net, ['FA:16:3E:00:00:01'])
    with open(os.path.join(net, 'leases')) as f:
        assert f.read() == '1 fa:16:3e:00:00:02 192.0.2.3 b *\n'


# ---- files -----------------------------------------------------------------

def test_chown_only_inside_instance_directories(state_path, tmp_path):
    inside = os.path.join(state_path, 'instances', 'u1')
    os.makedirs(inside)
    log = os.path.join(inside, 'console.log')
    open(log, 'w').close()
    os.symlink('/etc/shadow', os.path.join(inside, 'link'))
    for path in ('/etc/shadow', os.path.join(inside, '..', '..', 'x'),
                 os.path.join(inside, 'link'), 'console.log',
                 os.path.join(state_path, 'instances')):
        with pytest.raises(ValueError):
            priv_path.chown(path, os.getuid(), os.getgid())
    with pytest.raises(ValueError):
        priv_path.chown(log, -1, 0)
    priv_path.chown(log, os.getuid(), os.getgid())
    assert os.stat(log).st_uid == os.getuid()


# ---- how unprivileged services start the daemons ---------------------------

def test_sudoers_pins_each_context():
    rules = privsep.sudoers_rules('nova-lite')
    lines = [line for line in rules.splitlines()
             if line.startswith('nova-lite ALL')]
    assert len(lines) == len(privsep.CONTEXTS)
    for context, line in zip(privsep.CONTEXTS, lines):
        assert line == (
            'nova-lite ALL=(root) NOPASSWD: %s * --privsep_context %s '
            '--privsep_sock_path *' % (privsep.helper_path(),
                                       context.pypath))
    for user in ('', 'a b', 'root ALL=(ALL) ALL #', 'x\ny'):
        with pytest.raises(ValueError):
            privsep.sudoers_rules(user)


def test_init_starts_daemons_with_sudo_and_this_config(flags, tmp_path):
    conf_file = tmp_path / 'nova-lite.conf'
    conf_file.write_text('')
    privsep.CONF([], project='nova-lite',
                 default_config_files=[str(conf_file)])
    try:
        with mock.patch.object(privsep.os, 'geteuid', return_value=1000):
            privsep.init()
        for context in privsep.CONTEXTS:
            assert privsep.CONF[context.cfg_section].helper_command == (
                'sudo -n %s --config-file %s' % (privsep.helper_path(),
                                                 conf_file))
            assert context.helper_command('/tmp/sock')[-4:] == [
                '--privsep_context', context.pypath,
                '--privsep_sock_path', '/tmp/sock']
    finally:
        for context in privsep.CONTEXTS:
            privsep.CONF.set_default('helper_command', None,
                                     group=context.cfg_section)
        privsep.CONF([], project='nova-lite', default_config_files=[])

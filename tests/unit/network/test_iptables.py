"""network/iptables: a network's rules and nova-lite's chains, written
with one iptables-restore; utils.execute is mocked at the edge."""

import subprocess
from unittest import mock

import pytest

from nova_lite.network import iptables

DNAT = ('-i brq1 -d 169.254.169.254/32 -p tcp -m tcp --dport 80 -j DNAT '
        '--to-destination 192.0.2.1:9697')
FORWARD = ['-i brq1 -j ACCEPT', '-o brq1 -j ACCEPT']
MASQUERADE = '-s 192.0.2.0/24 ! -d 192.0.2.0/24 -j MASQUERADE'


@pytest.mark.parametrize('gateway, snat, port, pre, post', [
    ('192.0.2.1', False, 9697, [DNAT], []),
    ('192.0.2.1', True, 9697, [DNAT], [MASQUERADE]),
    ('192.0.2.1', False, 8775, [DNAT.replace('9697', '8775')], []),
    (None, False, 9697, [], []),
    (None, True, 9697, [], [MASQUERADE]),
])
def test_network_rules(gateway, snat, port, pre, post):
    assert iptables.network_rules('brq1', '192.0.2.0/24', gateway, snat,
                                  port) == {
        ('nat', 'PREROUTING'): pre,
        ('nat', 'POSTROUTING'): post,
        ('filter', 'FORWARD'): FORWARD}


@pytest.mark.parametrize('prefix', ['brq', 'nl', 'abcd'])
def test_chains_are_named_after_the_bridge_prefix(flags, prefix):
    flags(bridge_prefix=prefix, group='network')
    assert iptables.chains() == {
        ('nat', 'PREROUTING'): 'nova-lite-%s-pre' % prefix,
        ('nat', 'POSTROUTING'): 'nova-lite-%s-post' % prefix,
        ('filter', 'FORWARD'): 'nova-lite-%s-fwd' % prefix}
    # NOTE: iptables takes chain names of at most 28 characters.
    assert max(len(chain) for chain in iptables.chains().values()) <= 28


class FakeIptables:
    """utils.execute for iptables: ``jumps`` holds the (table, built-in
    chain) pairs already jumping to nova-lite's chain."""

    def __init__(self, jumps=()):
        self.jumps = set(jumps)
        self.commands = []

    def __call__(self, cmd, timeout, ok_errors=(), input=None):
        self.commands.append((cmd, input))
        code = 0
        if '-C' in cmd:
            table = cmd[cmd.index('-t') + 1]
            builtin = cmd[cmd.index('-C') + 1]
            code = 0 if (table, builtin) in self.jumps else 1
            assert ok_errors, 'a missing jump must not raise'
        return subprocess.CompletedProcess(cmd, code, '', '')

    def restores(self):
        return [(cmd, text) for cmd, text in self.commands
                if cmd[0] == 'iptables-restore']

    def verbs(self, verb):
        return [cmd for cmd, _ in self.commands if verb in cmd]


@pytest.fixture
def execute():
    fake = FakeIptables()
    with mock.patch('nova_lite.utils.execute', side_effect=fake):
        yield fake


def _merged(*networks):
    merged = {}
    for args in networks:
        for key, rules in iptables.network_rules(*args).items():
            merged.setdefault(key, []).extend(rules)
    return merged


@pytest.mark.parametrize('prefix', ['brq', 'nl'])
def test_apply_writes_one_restore_text_per_table(execute, flags, prefix):
    flags(bridge_prefix=prefix, group='network')
    rules = _merged(('brq1', '192.0.2.0/24', '192.0.2.1', True, 9697),
                    ('brq2', '198.51.100.0/24', None, False, 9697))
    iptables.apply(rules)
    pre, post, fwd = ('nova-lite-%s-%s' % (prefix, suffix)
                      for suffix in ('pre', 'post', 'fwd'))
    assert execute.restores() == [(
        ['iptables-restore', '-w', '--noflush'],
        '*nat\n'
        ':{pre} - [0:0]\n'
        '-A {pre} {dnat}\n'
        ':{post} - [0:0]\n'
        '-A {post} {masquerade}\n'
        'COMMIT\n'
        '*filter\n'
        ':{fwd} - [0:0]\n'
        '-A {fwd} -i brq1 -j ACCEPT\n'
        '-A {fwd} -o brq1 -j ACCEPT\n'
        '-A {fwd} -i brq2 -j ACCEPT\n'
        '-A {fwd} -o brq2 -j ACCEPT\n'
        'COMMIT\n'.format(pre=pre, post=post, fwd=fwd, dnat=DNAT,
                          masquerade=MASQUERADE))]


def test_apply_with_no_network_empties_the_chains(execute):
    iptables.apply({})
    assert execute.restores()[0][1] == (
        '*nat\n:nova-lite-brq-pre - [0:0]\n:nova-lite-brq-post - [0:0]\n'
        'COMMIT\n*filter\n:nova-lite-brq-fwd - [0:0]\nCOMMIT\n')


def test_apply_creates_the_chains_and_missing_jumps(execute):
    execute.jumps = {('nat', 'POSTROUTING')}
    iptables.apply({})
    assert execute.verbs('-N') == [
        ['iptables', '-w', '-t', 'nat', '-N', 'nova-lite-brq-pre'],
        ['iptables', '-w', '-t', 'nat', '-N', 'nova-lite-brq-post'],
        ['iptables', '-w', '-t', 'filter', '-N', 'nova-lite-brq-fwd']]
    assert execute.verbs('-I') == [
        ['iptables', '-w', '-t', 'nat', '-I', 'PREROUTING', '1', '-j',
         'nova-lite-brq-pre'],
        ['iptables', '-w', '-t', 'filter', '-I', 'FORWARD', '1', '-j',
         'nova-lite-brq-fwd']]
    # NOTE: the chains and jumps exist before the restore fills them.
    assert execute.commands[-1][0][0] == 'iptables-restore'


def test_apply_adds_no_jump_twice(execute):
    execute.jumps = set(iptables.chains())
    iptables.apply({})
    assert execute.verbs('-I') == []


def test_remove(execute):
    iptables.remove()
    assert [cmd for cmd, _ in execute.commands] == [
        ['iptables', '-w', '-t', table, verb] + args
        for table, builtin, chain in (
            ('nat', 'PREROUTING', 'nova-lite-brq-pre'),
            ('nat', 'POSTROUTING', 'nova-lite-brq-post'),
            ('filter', 'FORWARD', 'nova-lite-brq-fwd'))
        for verb, args in (('-D', [builtin, '-j', chain]), ('-F', [chain]),
                           ('-X', [chain]))]

"""The network host's packet rules: metadata redirect, forwarding, SNAT.

nova-lite's rules live in chains of its own (named after ``[network]
bridge_prefix``, so two deployments on one host keep apart), each jumped
to from the built-in chain; a sync replaces a chain's whole content at
once with ``iptables-restore --noflush``, which leaves every other rule
of the host alone. The commands run in the privileged entry points of
``privsep/linux_net.py``.
"""

from oslo_log import log as logging

from nova_lite import conf
from nova_lite.privsep import linux_net as priv_net

CONF = conf.CONF
LOG = logging.getLogger(__name__)

METADATA_ADDRESS = '169.254.169.254'


def chains():
    """{(table, built-in chain): nova-lite's chain}."""
    prefix = 'nova-lite-%s' % CONF.network.bridge_prefix
    return {('nat', 'PREROUTING'): prefix + '-pre',
            ('nat', 'POSTROUTING'): prefix + '-post',
            ('filter', 'FORWARD'): prefix + '-fwd'}


def network_rules(bridge, cidr, gateway, enable_snat, proxy_port):
    """{(table, built-in chain): [rule]} of one network."""
    rules = {('nat', 'PREROUTING'): [], ('nat', 'POSTROUTING'): [],
             ('filter', 'FORWARD'): ['-i %s -j ACCEPT' % bridge,
                                     '-o %s -j ACCEPT' % bridge]}
    if gateway:
        rules[('nat', 'PREROUTING')].append(
            '-i %s -d %s/32 -p tcp -m tcp --dport 80 -j DNAT '
            '--to-destination %s:%d' % (bridge, METADATA_ADDRESS, gateway,
                                        proxy_port))
    if enable_snat:
        rules[('nat', 'POSTROUTING')].append(
            '-s %s ! -d %s -j MASQUERADE' % (cidr, cidr))
    return rules


def apply(rules):
    """Make nova-lite's chains hold exactly ``rules``.

    :param rules: {(table, built-in chain): [rule]}, e.g. the merge of
        :func:`network_rules` of every network.
    """
    by_table = {}
    for (table, builtin), chain in chains().items():
        priv_net.ensure_jump(table, builtin, chain)
        lines = by_table.setdefault(table, [])
        lines.append(':%s - [0:0]' % chain)
        lines += ['-A %s %s' % (chain, rule)
                  for rule in rules.get((table, builtin), ())]
    text = ''.join('*%s\n%s\nCOMMIT\n' % (table, '\n'.join(lines))
                   for table, lines in by_table.items())
    priv_net.restore_chains(text)


def remove():
    """Remove nova-lite's chains and the jumps to them."""
    for (table, builtin), chain in chains().items():
        priv_net.remove_chain(table, builtin, chain)

"""The lab's network: bridges, veths, namespaces, sysctls, iptables."""

import ipaddress
import json
import re

from nova_lite_lab import consts
from nova_lite_lab import system


def ip(*args, check=True):
    return system.run(['ip'] + list(args), check=check)


def iptables(*args, check=True):
    return system.run(['iptables', '-w', '10'] + list(args), check=check)


def links():
    """{name: link dict} of the root namespace (``ip -d -j link``)."""
    out = ip('-d', '-j', 'link', 'show').stdout
    return {link['ifname']: link for link in json.loads(out or '[]')}


def netns_list():
    out = ip('netns', 'list', check=False).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def netns(host):
    return consts.NETNS_PREFIX + host


def lab_netns():
    """The namespaces of lab hosts (nl-cpuN) that exist."""
    prefix = consts.NETNS_PREFIX
    return [n for n in netns_list() if n.startswith(prefix)
            and consts.HOST_RE.match(n[len(prefix):])]


def sysctl_read(key):
    with open('/proc/sys/' + key.replace('.', '/')) as f:
        return f.read().strip()


def sysctl_write(key, value):
    with open('/proc/sys/' + key.replace('.', '/'), 'w') as f:
        f.write(str(value))


def lab_bridge_state_dir():
    """The state dir in the alias of an existing nl-lab ('' if it has
    none); None when there is no nl-lab."""
    link = links().get(consts.LAB_BRIDGE)
    if link is None:
        return None
    match = re.search(r'state_dir=(\S+)', link.get('ifalias', ''))
    return match.group(1) if match else ''


# ---- make -----------------------------------------------------------------

def setup_root(lab):
    """The lab and physical bridges, the controller's links, forwarding
    and the DNAT that lets computes reach RabbitMQ on 127.0.0.1."""
    ip('link', 'add', consts.LAB_BRIDGE, 'type', 'bridge')
    ip('link', 'set', consts.LAB_BRIDGE, 'alias',
       'nova-lite-lab state_dir=%s' % lab.state_dir)
    ip('addr', 'add', '%s/%d' % (lab.controller_ip, lab.subnet.prefixlen),
       'dev', consts.LAB_BRIDGE)
    ip('link', 'set', consts.LAB_BRIDGE, 'up')
    ip('link', 'add', consts.PHYS_BRIDGE, 'type', 'bridge')
    ip('link', 'set', consts.PHYS_BRIDGE, 'up')
    # NOTE: nlphys-ctl stays out of nl-phys: the network host enslaves it
    # into a flat or VLAN network's bridge.
    ip('link', 'add', consts.CTL_PHYS, 'type', 'veth', 'peer', 'name',
       consts.CTL_PHYS_PEER)
    ip('link', 'set', consts.CTL_PHYS_PEER, 'master', consts.PHYS_BRIDGE, 'up')
    ip('link', 'set', consts.CTL_PHYS, 'up')
    sysctl_write('net.ipv4.conf.%s.route_localnet' % consts.LAB_BRIDGE, 1)
    sysctl_write('net.ipv4.ip_forward', 1)
    chain = consts.NAT_CHAIN
    iptables('-t', 'nat', '-N', chain)
    iptables('-t', 'nat', '-A', chain, '-d', lab.controller_ip, '-p', 'tcp',
             '--dport', str(consts.RABBIT_PORT), '-j', 'DNAT',
             '--to-destination', '127.0.0.1:%d' % consts.RABBIT_PORT)
    iptables('-t', 'nat', '-I', 'PREROUTING', '-i', consts.LAB_BRIDGE,
             '-j', chain)
    # NOTE: frames crossing the hub nl-phys are bridged in the very
    # namespace of the network host; with br_netfilter on they would be
    # tracked there first, and the connection, its NAT already decided,
    # would then skip the network host's metadata redirect on the
    # network's own bridge. A real switch tracks nothing.
    iptables('-t', 'raw', '-N', chain)
    iptables('-t', 'raw', '-A', chain, '-i', consts.PHYS_BRIDGE, '-j', 'CT',
             '--notrack')
    iptables('-t', 'raw', '-I', 'PREROUTING', '-j', chain)


def setup_host(lab, host):
    """netns nl-cpuN: eth0 on nl-lab with the host's IP, eth1 on nl-phys."""
    ns = netns(host)
    ip('netns', 'add', ns)
    for end, dev, bridge in (('l', 'eth0', consts.LAB_BRIDGE),
                             ('p', 'eth1', consts.PHYS_BRIDGE)):
        ip('link', 'add', '%s-%s' % (ns, end), 'type', 'veth', 'peer',
           'name', dev, 'netns', ns)
        ip('link', 'set', '%s-%s' % (ns, end), 'master', bridge, 'up')
    for dev in ('lo', 'eth0', 'eth1'):
        ip('-n', ns, 'link', 'set', dev, 'up')
    ip('-n', ns, 'addr', 'add',
       '%s/%d' % (lab.host_ip(host), lab.subnet.prefixlen), 'dev', 'eth0')
    ip('-n', ns, 'route', 'add', 'default', 'via', lab.controller_ip)


# ---- remove ---------------------------------------------------------------

def delete_link(name):
    """Delete link ``name`` if it (still) exists: deleting one end of a
    veth pair deletes the other.

    :returns: True if this call deleted it.
    :raises LabError: it exists and could not be deleted.
    """
    if ip('link', 'show', 'dev', name, check=False).returncode:
        return False
    proc = ip('link', 'del', name, check=False)
    if proc.returncode and 'Cannot find device' not in proc.stdout:
        raise system.LabError('ip link del %s: %s' % (name, proc.stdout))
    return proc.returncode == 0


def network_host_links(lab):
    """Root-namespace links the lab's network host made: bridges named
    ``nll*`` and ``vxlan-*`` tunnels on the lab network.

    NOTE: only the vxlan-* links whose local address is in the lab subnet
    or that sit in an nll* bridge: another deployment on this machine may
    have tunnels of that name too.
    """
    found = []
    for name, link in links().items():
        if name.startswith(consts.BRIDGE_PREFIX):
            found.append(name)
        elif name.startswith('vxlan-'):
            local = link.get('linkinfo', {}).get('info_data', {}).get(
                'local')
            in_lab = False
            try:
                in_lab = ipaddress.ip_address(local) in lab.subnet
            except (ValueError, TypeError):
                pass
            if in_lab or link.get('master', '').startswith(
                    consts.BRIDGE_PREFIX):
                found.append(name)
    return found


def lab_chains():
    """``(table, chain)`` of the iptables chains of the lab: its own and
    those of its network host (``nova-lite-<bridge_prefix>*``)."""
    found = []
    for table in ('nat', 'filter', 'mangle', 'raw'):
        for line in iptables('-t', table, '-S',
                             check=False).stdout.splitlines():
            fields = line.split()
            if fields[:1] == ['-N'] and (
                    fields[1] == consts.NAT_CHAIN or fields[1].startswith(
                        'nova-lite-' + consts.BRIDGE_PREFIX)):
                found.append((table, fields[1]))
    return found


def delete_chain(table, chain):
    """Delete the rules that jump to ``chain``, then the chain."""
    for line in iptables('-t', table, '-S').stdout.splitlines():
        fields = line.split()
        if fields[:1] == ['-A'] and fields[-2:] == ['-j', chain]:
            iptables('-t', table, '-D', *fields[1:])
    iptables('-t', table, '-F', chain)
    iptables('-t', table, '-X', chain)

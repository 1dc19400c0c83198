"""Linux network devices of a host: bridges, VXLAN and VLAN devices,
their forwarding entries, addresses and left-over taps.

What is read comes from /sys and ``bridge(8)``; what is changed is done
by the privileged entry points of ``privsep/linux_net.py`` (``ip(8)`` and
``bridge(8)`` with CAP_NET_ADMIN). A bridge made beforehand by the
operator is only brought up, and not even that when it is up.
Several builds may plug into one bridge at once, so every step tolerates
another process having done it first.
"""

import ipaddress
import os

from oslo_log import log as logging

from nova_lite.privsep import linux_net as priv_net
from nova_lite import utils

LOG = logging.getLogger(__name__)

IP_TIMEOUT = 30
_SYS_NET = '/sys/class/net'


def device_exists(name):
    """Whether the network device ``name`` exists on this host."""
    return os.path.exists(os.path.join(_SYS_NET, name))


def _is_up(name):
    try:
        with open(os.path.join(_SYS_NET, name, 'flags')) as f:
            return bool(int(f.read().strip(), 16) & 0x1)  # IFF_UP
    except (OSError, ValueError):
        return False


def ensure_bridge(name, mtu=None):
    """Make the Linux bridge ``name`` exist and be up.

    After return the bridge exists and is up. A bridge that exists is
    left as it is but for bringing it up; two callers racing to create
    it both succeed.

    :param mtu: set on a bridge this call creates.
    :raises: InternalError when ``ip`` refuses (e.g. no CAP_NET_ADMIN).
    """
    if not device_exists(name):
        if priv_net.add_bridge(name, int(mtu) if mtu else None):
            LOG.info('Created bridge %s', name)
    _set_up(name)


def delete_net_dev(name):
    """Remove the network device ``name`` if it is there (a tap a crashed
    guest left behind). After return no such device exists."""
    if not device_exists(name):
        return
    if priv_net.delete_device(name):
        LOG.info('Deleted left-over network device %s', name)


def _master(name):
    """The bridge ``name`` is a port of, or None."""
    try:
        return os.path.basename(os.readlink(
            os.path.join(_SYS_NET, name, 'master')))
    except OSError:
        return None


def _set_up(name):
    if not _is_up(name):
        priv_net.set_up(name)


def add_to_bridge(bridge, name):
    """Make the device ``name`` an up port of ``bridge`` (moving it from
    another bridge if need be)."""
    if _master(name) != bridge:
        priv_net.set_master(name, bridge)
        LOG.info('Added %s to bridge %s', name, bridge)
    _set_up(name)


def ensure_vxlan(name, vni, local_ip, port, mtu=None):
    """Make the VXLAN device ``name`` (VNI ``vni``, sourcing from
    ``local_ip``) exist and be up.

    Learning is off: the forwarding entries that say where to send are
    set by :func:`set_vxlan_peers`, and remote MACs are learnt by the
    bridge it is a port of.

    :raises: InternalError, e.g. when another device has this VNI.
    """
    if not device_exists(name):
        if priv_net.add_vxlan(name, int(vni), str(local_ip), int(port),
                              int(mtu) if mtu else None):
            LOG.info('Created VXLAN device %s (VNI %s, local %s)', name, vni,
                     local_ip)
    _set_up(name)


def vxlan_peers(name):
    """The tunnel addresses the flood entries of ``name`` send to."""
    out = utils.execute(['bridge', 'fdb', 'show', 'dev', name],
                        IP_TIMEOUT).stdout
    peers = set()
    for line in out.splitlines():
        words = line.split()
        if words[:1] == ['00:00:00:00:00:00'] and 'dst' in words:
            peers.add(words[words.index('dst') + 1])
    return peers


def set_vxlan_peers(name, peers):
    """Make ``name`` flood its broadcast, unknown-unicast and multicast
    frames to exactly the tunnel addresses ``peers`` (head-end
    replication: no multicast needed in the underlay)."""
    current = vxlan_peers(name)
    for peer in sorted(set(peers) - current):
        priv_net.add_flood_entry(name, peer)
    for peer in sorted(current - set(peers)):
        priv_net.delete_flood_entry(name, peer)
    if current != set(peers):
        LOG.info('VXLAN device %s floods to %s', name,
                 ', '.join(sorted(peers)) or 'nobody')


def ensure_vlan(name, interface, vid):
    """Make the VLAN device ``name`` (``vid`` on ``interface``) exist and
    be up.

    :raises: InternalError, e.g. when ``interface`` does not exist.
    """
    if not device_exists(name):
        if priv_net.add_vlan(name, interface, int(vid)):
            LOG.info('Created VLAN device %s (%s on %s)', name, vid,
                     interface)
    _set_up(name)


def set_mtu(name, mtu):
    try:
        with open(os.path.join(_SYS_NET, name, 'mtu')) as f:
            if int(f.read()) == int(mtu):
                return
    except (OSError, ValueError):
        pass
    priv_net.set_mtu(name, int(mtu))


def ensure_address(name, address, cidr):
    """Give the device ``name`` the address ``address`` with the prefix of
    ``cidr`` (e.g. a network's gateway on its bridge)."""
    prefix = ipaddress.ip_network(cidr).prefixlen
    if priv_net.add_address(name, str(address), prefix):
        LOG.info('Added address %s/%d to %s', address, prefix, name)

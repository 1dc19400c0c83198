"""The L2 agent of a host: each network's bridge joined to its segment.

Every host with guests (and the network host) runs one, inside its
service: for each network it serves, the network's bridge exists, is up,
has the network's MTU and holds the segment's uplink (a VXLAN device, a
VLAN device or the physical interface). VXLAN devices flood to the
tunnel addresses of every other host, which the agent reads from the
database (through the conductor on a compute host) when it plugs a
network and every ``[network] tunnel_sync_interval`` seconds, so hosts
that come or go are followed without multicast.
"""

from oslo_log import log as logging

from nova_lite import conf
from nova_lite import exception
from nova_lite.network import linux_net
from nova_lite.network import segments
from nova_lite import objects
from nova_lite import utils

CONF = conf.CONF
LOG = logging.getLogger(__name__)

_NAME_LEN = 15


def vxlan_device(vni):
    """The VXLAN device of VNI ``vni`` (Neutron's name)."""
    return 'vxlan-%d' % vni


def vlan_device(interface, vid):
    """The VLAN device of ``vid`` on ``interface``, within 15 characters."""
    suffix = '.%d' % vid
    return interface[:_NAME_LEN - len(suffix)] + suffix


class L2Agent:
    """Plugs the networks of one host into their segments."""

    def __init__(self, host):
        self.host = host
        # bridge -> VXLAN device, of the networks plugged so far
        self._vxlan = {}
        self._lock = utils.semaphore(1)
        self._registered = False

    @property
    def tunnels(self):
        """Whether this host takes part in VXLAN (``[network] local_ip``)."""
        return bool(CONF.network.local_ip)

    def plug(self, context, network):
        """Make the bridge of ``network`` ready on this host.

        :param network: a network of the network model (a VIF's
            ``network``: ``bridge``, ``meta`` with the segment and MTU).
        After return the bridge exists, is up and holds its uplink.
        :raises: InternalError when a device cannot be made; InvalidInput
            when this host has no interface for the network's physical
            network.
        """
        bridge = network['bridge']
        meta = network.get('meta') or {}
        segment = segments.Segment.from_meta(meta)
        mtu = meta.get('mtu')
        # NOTE: before the bridge, so that a host without the physical
        # network is told so without an empty bridge left behind.
        interface = self._interface(segment)
        with self._lock:
            linux_net.ensure_bridge(bridge, mtu=mtu)
            uplink = self._ensure_uplink(context, bridge, segment, mtu,
                                         interface)
            if uplink:
                linux_net.add_to_bridge(bridge, uplink)
            if mtu:
                linux_net.set_mtu(bridge, mtu)

    def plug_all(self, context, network_info):
        """:meth:`plug` each network of a NetworkInfo, once."""
        seen = set()
        for vif in network_info or ():
            network = vif.get('network')
            if network and network['bridge'] not in seen:
                seen.add(network['bridge'])
                self.plug(context, network)

    def _interface(self, segment):
        """The interface of the segment's physical network (None for
        VXLAN).

        :raises: InvalidInput when this host has none.
        """
        if segment.network_type == segments.VXLAN:
            return None
        interface = segments.interface_mappings().get(
            segment.physical_network)
        if interface is None:
            raise exception.InvalidInput(
                reason='host %s has no interface for physical network %s '
                       '([network] physical_interface_mappings)'
                       % (self.host, segment.physical_network))
        return interface

    def _ensure_uplink(self, context, bridge, segment, mtu, interface):
        if segment.network_type == segments.VXLAN:
            if not self.tunnels or segment.segmentation_id is None:
                # NOTE: no tunnel address: a host on its own.
                return None
            name = vxlan_device(segment.segmentation_id)
            linux_net.ensure_vxlan(name, segment.segmentation_id,
                                   CONF.network.local_ip,
                                   CONF.network.vxlan_port, mtu=mtu)
            self._vxlan[bridge] = name
            linux_net.set_vxlan_peers(name, self._peers(context))
            return name
        if segment.network_type == segments.FLAT:
            return interface
        name = vlan_device(interface, segment.segmentation_id)
        linux_net.ensure_vlan(name, interface, segment.segmentation_id)
        return name

    def _peers(self, context):
        """The tunnel addresses of every other host."""
        self._register(context)
        own = CONF.network.local_ip
        return {endpoint.ip_address for endpoint in
                objects.TunnelEndpointList.get_all(context)
                if endpoint.ip_address != own}

    def _register(self, context):
        if not self._registered:
            objects.TunnelEndpoint.register(context, self.host,
                                            CONF.network.local_ip)
            self._registered = True

    def sync_tunnels(self, context):
        """Record this host's tunnel address and point every VXLAN device
        plugged here at the current set of other hosts."""
        if not self.tunnels:
            return
        self._registered = False
        peers = self._peers(context)
        with self._lock:
            for bridge, name in list(self._vxlan.items()):
                if not linux_net.device_exists(name):
                    del self._vxlan[bridge]
                    continue
                linux_net.set_vxlan_peers(name, peers)

    def forget(self, bridge):
        """Stop keeping the VXLAN device of ``bridge`` current (the
        network is gone from this host)."""
        self._vxlan.pop(bridge, None)

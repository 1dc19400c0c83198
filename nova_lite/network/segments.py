"""Network segments: what joins a network's bridges across hosts.

A network is one L2 segment over every host, of one of three types (as
Neutron's ML2 types):

* ``vxlan``: a VXLAN device with the network's VNI on each host's bridge,
  sending to the other hosts' tunnel addresses (unicast, head-end
  replication: no multicast needed);
* ``vlan``: a VLAN device ``INTERFACE.VID`` of a physical network's
  interface on each host's bridge;
* ``flat``: the physical network's interface itself on the bridge.

Nothing here touches a host or a database: this is the arithmetic of
segment ids, their ranges and the MTU.
"""

from nova_lite import conf
from nova_lite import exception

CONF = conf.CONF

VXLAN = 'vxlan'
VLAN = 'vlan'
FLAT = 'flat'
TYPES = (VXLAN, VLAN, FLAT)
MAX_VNI = 2 ** 24 - 1
MAX_VLAN = 4094
# NOTE: outer IPv4 (20) + UDP (8) + VXLAN (8) + inner Ethernet (14)
# headers, as Neutron counts them.
VXLAN_OVERHEAD = 50


def _field(obj, name):
    """``obj.name``, None when unset.

    NOTE: a versioned object raises NotImplementedError, not
    AttributeError, for a field that was never set.
    """
    try:
        return getattr(obj, name)
    except (AttributeError, NotImplementedError):
        return None


def _ranges(text, what, highest):
    """[(first, last)] of ``FIRST:LAST`` strings, each within
    1..``highest``."""
    ranges = []
    for item in text:
        try:
            first, last = (int(x) for x in item.split(':'))
        except ValueError:
            raise exception.InvalidInput(
                reason='%s %r is not FIRST:LAST' % (what, item))
        if not 1 <= first <= last <= highest:
            raise exception.InvalidInput(
                reason='%s %r is not a range within 1..%d'
                       % (what, item, highest))
        ranges.append((first, last))
    return ranges


def vlan_ranges():
    """{physnet: [(first, last)]} of ``[network] network_vlan_ranges``."""
    result = {}
    for item in CONF.network.network_vlan_ranges:
        physnet, _, rest = item.partition(':')
        result.setdefault(physnet, [])
        if rest:
            result[physnet] += _ranges([rest], 'network_vlan_ranges',
                                       MAX_VLAN)
    return result


def interface_mappings():
    """{physnet: interface} of ``[network] physical_interface_mappings``."""
    result = {}
    for item in CONF.network.physical_interface_mappings:
        physnet, sep, interface = item.partition(':')
        if not sep or not physnet or not interface:
            raise exception.InvalidInput(
                reason='physical_interface_mappings entry %r is not '
                       'PHYSNET:INTERFACE' % item)
        result[physnet] = interface
    return result


class Segment:
    """The segment of one network."""

    def __init__(self, network_type, physical_network=None,
                 segmentation_id=None):
        self.network_type = network_type
        self.physical_network = physical_network
        self.segmentation_id = segmentation_id

    @classmethod
    def of(cls, network):
        """The segment of a Network object (or row)."""
        return cls(_field(network, 'network_type') or VXLAN,
                   _field(network, 'physical_network'),
                   _field(network, 'segmentation_id'))

    @classmethod
    def from_meta(cls, meta):
        """The segment of a network model's ``meta``."""
        return cls(meta.get('network_type') or VXLAN,
                   meta.get('physical_network'),
                   meta.get('segmentation_id'))

    @classmethod
    def validated(cls, network_type, physical_network=None,
                  segmentation_id=None):
        """A segment a new network may have.

        :raises: InvalidInput, naming what is wrong.
        """
        if network_type not in TYPES:
            raise exception.InvalidInput(
                reason='network type %r is not one of %s'
                       % (network_type, ', '.join(TYPES)))
        if segmentation_id is not None:
            try:
                segmentation_id = int(segmentation_id)
            except (TypeError, ValueError):
                raise exception.InvalidInput(
                    reason='segment id %r is not a number' %
                           (segmentation_id,))
        if network_type == VXLAN:
            if physical_network:
                raise exception.InvalidInput(
                    reason='a vxlan network has no physical network')
            if segmentation_id is not None and not (
                    1 <= segmentation_id <= MAX_VNI):
                raise exception.InvalidInput(
                    reason='VNI %d is not within 1..%d'
                           % (segmentation_id, MAX_VNI))
            return cls(VXLAN, None, segmentation_id)
        if not physical_network:
            raise exception.InvalidInput(
                reason='a %s network needs a physical network'
                       % network_type)
        if network_type == FLAT:
            if segmentation_id is not None:
                raise exception.InvalidInput(
                    reason='a flat network has no segment id')
            return cls(FLAT, physical_network)
        if segmentation_id is not None:
            if not 1 <= segmentation_id <= MAX_VLAN:
                raise exception.InvalidInput(
                    reason='VLAN id %d is not within 1..%d'
                           % (segmentation_id, MAX_VLAN))
        elif not vlan_ranges().get(physical_network):
            raise exception.InvalidInput(
                reason='no VLAN id given and [network] network_vlan_ranges '
                       'has no range for physical network %s'
                       % physical_network)
        return cls(VLAN, physical_network, segmentation_id)

    def key(self, segmentation_id=None):
        """The unique name of the segment, e.g. ``vlan:physnet1:100``."""
        sid = (self.segmentation_id if segmentation_id is None
               else segmentation_id)
        if self.network_type == VXLAN:
            return 'vxlan:%d' % sid
        if self.network_type == VLAN:
            return 'vlan:%s:%d' % (self.physical_network, sid)
        return 'flat:%s' % self.physical_network

    def key_format(self):
        """The :meth:`key` of an id as a %-format, e.g. ``vxlan:%d``."""
        return self.key(0).rsplit(':', 1)[0] + ':%d'

    def candidates(self):
        """``{'format': key format, 'ranges': [[first, last]]}``: where the
        segment id is to be allocated from, lowest first; None when the
        segment is fully given."""
        if self.network_type == FLAT or self.segmentation_id is not None:
            return None
        if self.network_type == VXLAN:
            ranges = _ranges(CONF.network.vni_ranges, 'vni_ranges', MAX_VNI)
        else:
            ranges = vlan_ranges().get(self.physical_network, [])
        return {'format': self.key_format(),
                'ranges': [list(r) for r in sorted(ranges)]}

    def overhead(self):
        return VXLAN_OVERHEAD if self.network_type == VXLAN else 0

    def max_mtu(self):
        """The largest MTU a guest NIC may have on this segment."""
        return CONF.network.default_mtu - self.overhead()

    def meta(self):
        """The segment as network model ``meta`` entries."""
        return {'network_type': self.network_type,
                'physical_network': self.physical_network,
                'segmentation_id': self.segmentation_id}


def network_meta(network):
    """The network model ``meta`` of a Network: its segment and MTU."""
    return dict(Segment.of(network).meta(), mtu=effective_mtu(network))


def effective_mtu(network):
    """The MTU of a network's NICs: its own, else the physical MTU less
    its segment's overhead (a network made before segments existed)."""
    return _field(network, 'mtu') or Segment.of(network).max_mtu()

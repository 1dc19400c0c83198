"""Options of the [network] group: segments, IPAM, DHCP and the network
host."""

from oslo_config import cfg

network_group = cfg.OptGroup('network', title='Network options')

network_opts = [
    cfg.StrOpt('bridge_prefix',
               default='brq',
               max_length=4,
               help="""
Prefix of the Linux bridge name of a network created without one.

The name is this prefix followed by the first 11 characters of the
network's UUID, as Neutron's Linux bridge agent names its bridges; with
at most 4 characters the name fits the 15 characters Linux allows.

Related options:

* ``nova-lite-manage network create --bridge`` names a bridge instead.
"""),
    cfg.IntOpt('default_mtu',
               default=1500, min=68,
               help="""
MTU of the physical networks (Neutron's ``global_physnet_mtu``). A network
created without ``--mtu`` gets it, less the encapsulation's overhead for
a VXLAN network (50 bytes); the guest learns it from
``network_data.json`` and DHCP.
"""),
    cfg.IntOpt('allocate_retries',
               default=30, min=1,
               help="""
Attempts at allocating one address before the build fails, when
attempts lose races (another allocator committed the address or MAC one
chose first). Each attempt reads the addresses in use afresh.
"""),
    cfg.StrOpt('default_network_type',
               default='vxlan',
               choices=[('vxlan', 'an overlay: a VXLAN device per network '
                                  'on every host, unicast between the '
                                  'hosts\' tunnel addresses'),
                        ('vlan', 'a VLAN of a physical network'),
                        ('flat', 'a physical network, untagged')],
               help="""
The segment type of a network created without ``--provider-network-type``
(Neutron's ``tenant_network_types``).

Related options:

* ``vni_ranges``, ``network_vlan_ranges``: where its segment id comes from.
"""),
    cfg.ListOpt('vni_ranges',
                default=['1001:2000'],
                help="""
``FIRST:LAST`` ranges of VXLAN network identifiers (VNIs) given to VXLAN
networks created without ``--provider-segment``, the lowest free first.
A VNI given explicitly may be any of 1..16777215.
"""),
    cfg.ListOpt('network_vlan_ranges',
                default=[],
                help="""
``PHYSNET:FIRST:LAST`` ranges of VLAN ids given to VLAN networks of that
physical network created without ``--provider-segment`` (Neutron's ML2
option of the same name). ``PHYSNET`` alone lets VLAN networks use it only
with an explicit id.
"""),
    cfg.ListOpt('physical_interface_mappings',
                default=[],
                help="""
``PHYSNET:INTERFACE`` pairs: the host interface that carries each physical
network (as Neutron's Linux bridge agent). A flat network's bridge takes
the interface itself; a VLAN network's bridge takes ``INTERFACE.VID``.
Every host with guests on flat or VLAN networks needs the mapping; the
interface names may differ from host to host.
"""),
    cfg.HostAddressOpt('local_ip',
                       help="""
This host's tunnel address: where other hosts send the VXLAN traffic of
its guests. Unset, the host takes no part in VXLAN: its bridges of VXLAN
networks are joined to nothing (enough for a single host, e.g.
``nova-lite-all``).

Related options:

* ``my_ip``: usually the same address, on a management network.
"""),
    cfg.PortOpt('vxlan_port',
                default=4789,
                help='UDP port of the VXLAN tunnels (IANA\'s 4789).'),
    cfg.IntOpt('tunnel_sync_interval',
               default=5, min=1,
               help="""
Seconds between two refreshes of the tunnel endpoints a host sends its
VXLAN traffic to: hosts that came or went are followed within this time.
"""),
    cfg.PortOpt('metadata_proxy_port',
                default=9697,
                help="""
Port of a network's metadata proxy on its gateway address, where the
network host redirects the guests' requests for 169.254.169.254:80.
"""),
    cfg.IntOpt('dhcp_lease_time',
               default=86400, min=120,
               help='Seconds a DHCP lease lasts.'),
    cfg.IntOpt('network_sync_interval',
               default=30, min=1,
               help="""
Seconds between two full resynchronisations of the network host (bridges,
gateways, DHCP entries, NAT rules) with the database; changes are applied
at once when the API or a compute host announces them, this heals
anything missed.
"""),
    cfg.StrOpt('dnsmasq_binary',
               default='dnsmasq',
               help='The dnsmasq executable that serves DHCP.'),
]


def register_opts(conf):
    conf.register_group(network_group)
    conf.register_opts(network_opts, group=network_group)


def list_opts():
    return {network_group: network_opts}

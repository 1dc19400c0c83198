"""Options of the [network] group: nova-lite's flat networks and IPAM."""

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
MTU of the NICs of a network created without ``--mtu``, written to the
guest's ``network_data.json`` and set on its link.
"""),
    cfg.IntOpt('allocate_retries',
               default=30, min=1,
               help="""
Attempts at allocating one address before the build fails, when
attempts lose races (another allocator committed the address or MAC one
chose first). Each attempt reads the addresses in use afresh.
"""),
]


def register_opts(conf):
    conf.register_group(network_group)
    conf.register_opts(network_opts, group=network_group)


def list_opts():
    return {network_group: network_opts}

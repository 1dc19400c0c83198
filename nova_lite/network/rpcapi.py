"""Client side of the network host's RPC API: the only place that knows
its topic and method signatures."""

import oslo_messaging as messaging

from nova_lite import conf
from nova_lite import rpc

CONF = conf.CONF

RPC_TOPIC = 'network'


class NetworkAPI:
    """API version history:

    * 1.0 - refresh_networks
    """

    VERSION = '1.0'

    def __init__(self):
        target = messaging.Target(topic=RPC_TOPIC, version='1.0')
        self.client = rpc.get_client(target,
                                     version_cap=CONF.upgrade_levels.network)

    def refresh_networks(self, context, network_uuids=None):
        """Have every network host bring these networks (all of them when
        None) in line with the database: bridge, gateway, DHCP entries,
        NAT rules; a deleted network is taken down (fanout cast).
        """
        cctxt = self.client.prepare(version='1.0', fanout=True)
        cctxt.cast(context, 'refresh_networks', network_uuids=network_uuids)

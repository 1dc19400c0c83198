"""nova-lite-network: the network host (gateways, DHCP, metadata proxies,
NAT) of every network."""

from nova_lite.cmd import common


def main():
    common.serve('nova-lite-network')

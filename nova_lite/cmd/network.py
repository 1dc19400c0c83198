"""nova-lite-network: the network host (gateways, DHCP, metadata proxies,
NAT) of every network."""

from nova_lite.cmd import common
from nova_lite.objects import service as service_obj


def main():
    common.serve(service_obj.NETWORK_BINARY)

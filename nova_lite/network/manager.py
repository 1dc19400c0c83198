"""The network host (``nova-lite-network``): every network's gateway, DHCP
server, metadata proxy and NAT rules, in one place.

One host (the controller, in a lab) holds what nova-network's FlatDHCP
and Neutron's DHCP, L3 and metadata agents hold: for each network, its
bridge joined to the segment (so it sees every guest of the network
whatever host it runs on), the gateway address on that bridge, a dnsmasq
with the network's static entries, a metadata proxy on the gateway
address and the rules that send guests' 169.254.169.254 there, forward
their traffic and, for a network with ``enable_snat``, masquerade it to
the outside. A host of its own for all of it, rather than every compute
(nova-network's multi_host), keeps one answer per gateway address on a
segment that spans hosts, with no ARP filtering on the computes.

What it made for a network is written down in ``$state_path/networks/
<network uuid>/``, so that a network deleted while the service was down
is still taken down, and ``teardown_host`` can remove everything.
"""

import json
import os
import shutil

import oslo_messaging as messaging
from oslo_log import log as logging

from nova_lite import conf
from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite.network import agent as l2_agent
from nova_lite.network import dhcp
from nova_lite.network import iptables
from nova_lite.network import linux_net
from nova_lite.network import metadata_proxy
from nova_lite.network import segments
from nova_lite import objects
from nova_lite.privsep import linux_net as priv_net
from nova_lite import utils

CONF = conf.CONF
LOG = logging.getLogger(__name__)

RECORD = 'network.json'


def state_dir():
    return os.path.join(CONF.state_path, 'networks')


class NetworkManager:
    """Keeps this host's part of every network in line with the
    database."""

    target = messaging.Target(version='1.0')

    def __init__(self, host=None):
        self.host = host or CONF.host
        self.agent = l2_agent.L2Agent(self.host)
        self._proxies = {}
        self._lock = utils.semaphore(1)
        # NOTE: what the rules were last set to: an address announced on
        # a boot changes no rule, and a full sync sets them anyway.
        self._rules = None

    # ---- service hooks -----------------------------------------------------

    def init_host(self):
        """Enable routing and bring every network up."""
        _enable_forwarding()
        context = nova_context.get_admin_context()
        self.agent.sync_tunnels(context)
        self._sync_networks(context)

    def cleanup_host(self):
        """Close the metadata proxies' sockets (bridges, DHCP servers and
        rules stay: guests keep their network while the service
        restarts)."""
        for proxy in self._proxies.values():
            proxy.stop()
        self._proxies.clear()

    def periodic_tasks(self):
        """(callable, interval seconds) pairs the service runs; private
        names, so no RPC message reaches them."""
        tasks = [(self._sync_networks, CONF.network.network_sync_interval)]
        if self.agent.tunnels:
            tasks.append((self._sync_tunnels,
                          CONF.network.tunnel_sync_interval))
        return tasks

    def _sync_tunnels(self, context=None):
        self.agent.sync_tunnels(context or nova_context.get_admin_context())

    def _sync_networks(self, context=None):
        """Bring every network (and every deleted one) in line."""
        self.refresh_networks(context or nova_context.get_admin_context())

    # ---- RPC ---------------------------------------------------------------

    def refresh_networks(self, context, network_uuids=None):
        """Bring these networks (all when None) in line with the database:
        a live one is set up, a deleted one taken down.

        A network that fails is logged and the others go on; the next
        sync tries it again.
        """
        with self._lock:
            live = {net.uuid: net for net in
                    objects.NetworkList.get_all(
                        nova_context.get_admin_context())}
            wanted = set(live) if network_uuids is None else set(
                network_uuids)
            if network_uuids is None:
                wanted |= set(_recorded())
            for uuid in sorted(wanted):
                try:
                    if uuid in live:
                        self._set_up(live[uuid])
                    else:
                        self._take_down(uuid)
                except (exception.NovaException, OSError) as error:
                    LOG.error('Network %s could not be brought in line: %s',
                              uuid, getattr(error, 'format_message',
                                            error.__str__)())
            rules = _rules(live.values())
            if network_uuids is not None and rules == self._rules:
                return
            try:
                iptables.apply(rules)
                self._rules = rules
            except exception.NovaException as error:
                LOG.error('The NAT and forwarding rules could not be set: '
                          '%s', error.format_message())

    # ---- one network -------------------------------------------------------

    def _set_up(self, network):
        context = nova_context.get_admin_context()
        meta = segments.network_meta(network)
        directory = utils.ensure_tree(os.path.join(state_dir(),
                                                   network.uuid))
        _write_record(directory, network)
        self.agent.plug(context, {'bridge': network.bridge, 'meta': meta})
        if network.gateway:
            linux_net.ensure_address(network.bridge, network.gateway,
                                     network.cidr)
        self._dhcp(network, directory).update(network.dhcp_hosts())
        if network.gateway and network.uuid not in self._proxies:
            self._proxies[network.uuid] = metadata_proxy.MetadataProxy(
                network.id, network.uuid, network.gateway,
                CONF.network.metadata_proxy_port).start()

    @staticmethod
    def _dhcp(network, directory):
        return dhcp.Dnsmasq(directory, network.bridge, network.cidr,
                            network.gateway, (network.dns1, network.dns2),
                            segments.effective_mtu(network))

    def _take_down(self, uuid):
        proxy = self._proxies.pop(uuid, None)
        if proxy is not None:
            proxy.stop()
        self.agent.forget(_read_record(uuid).get('bridge'))
        take_down(uuid)


def _enable_forwarding():
    try:
        if priv_net.enable_ip_forwarding():
            LOG.info('Enabled IPv4 forwarding: the network host routes its '
                     'networks\' traffic')
    except OSError as error:
        LOG.error('Could not enable IPv4 forwarding: %s', error)


def _rules(networks):
    merged = {}
    for network in networks:
        for key, rules in iptables.network_rules(
                network.bridge, network.cidr, network.gateway,
                network.enable_snat,
                CONF.network.metadata_proxy_port).items():
            merged.setdefault(key, []).extend(rules)
    return merged


def _recorded():
    """The uuids of the networks this host has a record of."""
    try:
        return [name for name in os.listdir(state_dir())
                if os.path.isfile(os.path.join(state_dir(), name, RECORD))]
    except FileNotFoundError:
        return []


def _write_record(directory, network):
    segment = segments.Segment.of(network)
    record = {'uuid': network.uuid, 'bridge': network.bridge,
              'cidr': network.cidr, 'gateway': network.gateway}
    if segment.network_type == segments.VXLAN and segment.segmentation_id:
        record['uplink'] = l2_agent.vxlan_device(segment.segmentation_id)
    elif segment.network_type == segments.VLAN:
        interface = segments.interface_mappings().get(
            segment.physical_network)
        if interface:
            record['uplink'] = l2_agent.vlan_device(
                interface, segment.segmentation_id)
    with open(os.path.join(directory, RECORD), 'w') as f:
        json.dump(record, f)


def _read_record(uuid):
    try:
        with open(os.path.join(state_dir(), uuid, RECORD)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def take_down(uuid):
    """Remove what this host made for network ``uuid``: its DHCP server,
    bridge, uplink device and record. After return none of it is left."""
    record = _read_record(uuid)
    directory = os.path.join(state_dir(), uuid)
    if record:
        dhcp.Dnsmasq(directory, record['bridge'], record['cidr'],
                     record.get('gateway')).stop()
        for device in (record.get('uplink'), record['bridge']):
            if device:
                linux_net.delete_net_dev(device)
        LOG.info('Took network %s down (bridge %s)', uuid, record['bridge'])
    shutil.rmtree(directory, ignore_errors=True)


def teardown_host():
    """Remove every network's part on this host and nova-lite's rules.

    :returns: the uuids of the networks taken down.
    """
    uuids = _recorded()
    for uuid in uuids:
        take_down(uuid)
    iptables.remove()
    return uuids

"""The network API: which networks a server gets, and its addresses.

Semantics of a create's ``networks`` (Nova's, 2.37+):

* ``'auto'`` (and, before 2.37, no ``networks`` at all): one NIC on the
  network the project may use; a project's own network wins over a
  shared one, the oldest over a newer one. With no network, no NIC.
* ``'none'``: no NIC.
* a list of ``{'network_id', 'address', 'port_id', 'tag'}``: one NIC per
  entry, with the fixed IP ``address`` when given.

Every database access goes through remotable objects, so the compute
service (which allocates at build) reaches the database only through
the conductor.
"""

import ipaddress
import re

from oslo_log import log as logging
from oslo_utils import excutils
from oslo_utils import uuidutils

from nova_lite import conf
from nova_lite import exception
from nova_lite.network import rpcapi as network_rpcapi
from nova_lite.network import segments
from nova_lite import objects
from nova_lite.objects import network_info as model

CONF = conf.CONF
LOG = logging.getLogger(__name__)

AUTO = 'auto'
NONE = 'none'
# NOTE: Linux's limit on a device name, and the characters ip(8) and
# libvirt take without quoting.
_BRIDGE_RE = re.compile(r'^[A-Za-z0-9_.-]{1,15}$')
MIN_MTU = 68


def _requests(requested_networks):
    """``'auto'``, ``'none'`` or a list of request dicts."""
    if requested_networks is None:
        return AUTO
    if isinstance(requested_networks, str):
        return requested_networks
    return [dict(req) for req in requested_networks]


def default_bridge(network_uuid):
    """The bridge of a network created without one: ``[network]
    bridge_prefix`` and 11 characters of its uuid."""
    return (CONF.network.bridge_prefix + network_uuid)[
        :len(CONF.network.bridge_prefix) + 11]


class API:
    """Networks for the compute API, the REST layer, the compute service
    and nova-lite-manage.

    Every change of a network or of its addresses is announced to the
    network host (a fanout cast), which updates its bridges, gateways and
    DHCP entries at once.
    """

    def __init__(self, notify_network_host=True):
        self.notify_network_host = notify_network_host

    # ---- networks ----------------------------------------------------------

    def get_all(self, context):
        """The networks ``context`` may see (all of them for admins)."""
        return objects.NetworkList.get_all(context)

    def get(self, context, network_uuid):
        """One network ``context`` may see.

        :raises: NetworkNotFound, also for a malformed id.
        """
        if not uuidutils.is_uuid_like(network_uuid):
            raise exception.NetworkNotFound(network_id=network_uuid)
        return objects.Network.get_by_uuid(context, network_uuid)

    def get_by_uuid_or_label(self, context, ref):
        """The network whose uuid or label is ``ref``.

        :raises: NetworkNotFound
        """
        if uuidutils.is_uuid_like(ref):
            try:
                return objects.Network.get_by_uuid(context, ref)
            except exception.NetworkNotFound:
                pass
        return objects.Network.get_by_label(context, ref)

    def create(self, context, label, cidr, gateway=None, bridge=None,
               dns=None, mtu=None, project_id=None, network_type=None,
               physical_network=None, segmentation_id=None,
               enable_snat=False):
        """Define an IPv4 network: one L2 segment across every host.

        :param cidr: its address range, e.g. ``192.0.2.0/24`` (a /30 at
            the smallest; no host bits set).
        :param gateway: the router's address; defaults to the first host
            address. Never given to a server.
        :param bridge: the Linux bridge of its NICs on every compute host;
            defaults to :func:`default_bridge`.
        :param dns: up to two DNS server addresses.
        :param mtu: the NICs' MTU; unset means ``[network] default_mtu``
            less the segment type's overhead.
        :param project_id: the owning project; None shares the network
            with every project.
        :param network_type: ``vxlan``, ``vlan`` or ``flat``; unset means
            ``[network] default_network_type``.
        :param physical_network: the physical network of a ``vlan`` or
            ``flat`` network (a name of ``[network]
            physical_interface_mappings``).
        :param segmentation_id: the VNI of a ``vxlan`` network or the VLAN
            id of a ``vlan`` one; unset takes the lowest free one of
            ``[network] vni_ranges`` / ``network_vlan_ranges``.
        :param enable_snat: the network host masquerades the network's
            traffic to the outside behind its own address.
        :returns: the new Network.
        :raises: InvalidInput for a value that cannot work; NetworkExists
            when the label is taken; NetworkSegmentInUse,
            NetworkOverlaps.
        """
        label = (label or '').strip()
        if not label or len(label) > 255:
            raise exception.InvalidInput(
                reason='a network needs a label of 1 to 255 characters')
        try:
            net = ipaddress.ip_network(cidr, strict=True)
        except ValueError as error:
            raise exception.InvalidInput(reason='invalid CIDR %s: %s'
                                         % (cidr, error))
        if net.version != 4:
            raise exception.InvalidInput(
                reason='only IPv4 networks are supported, not %s' % cidr)
        if net.prefixlen > 30:
            raise exception.InvalidInput(
                reason='%s is too small: a network needs at least a /30' %
                       cidr)
        if gateway is None:
            gateway = str(next(net.hosts()))
        else:
            gateway = self._address_in(net, gateway, 'gateway')
        dns = [str(self._address(d, 'DNS server')) for d in (dns or [])]
        if len(dns) > 2:
            raise exception.InvalidInput(
                reason='a network has at most two DNS servers')
        network_type = network_type or CONF.network.default_network_type
        segment = segments.Segment.validated(network_type, physical_network,
                                             segmentation_id)
        max_mtu = segment.max_mtu()
        if mtu is not None:
            try:
                mtu = int(mtu)
            except (TypeError, ValueError):
                raise exception.InvalidInput(
                    reason='MTU %r is not a number' % (mtu,))
        if mtu is not None and not MIN_MTU <= mtu <= max_mtu:
            raise exception.InvalidInput(
                reason='MTU %s is not within %d..%d (a %s network on a '
                       'physical MTU of %d)' % (
                           mtu, MIN_MTU, max_mtu, network_type,
                           CONF.network.default_mtu))
        uuid = uuidutils.generate_uuid()
        bridge = bridge or default_bridge(uuid)
        if not _BRIDGE_RE.match(bridge):
            raise exception.InvalidInput(
                reason='bridge %r is not a valid device name (1 to 15 of '
                       'A-Z a-z 0-9 _ . -)' % bridge)
        candidates = segment.candidates()
        network = objects.Network(
            context=context, uuid=uuid, label=label, cidr=str(net),
            gateway=gateway, bridge=bridge,
            dns1=dns[0] if dns else None,
            dns2=dns[1] if len(dns) > 1 else None,
            mtu=mtu if mtu is not None else max_mtu,
            project_id=project_id, network_type=network_type,
            physical_network=segment.physical_network,
            segmentation_id=segment.segmentation_id,
            segment=segment.key() if candidates is None else None,
            enable_snat=bool(enable_snat))
        network.create(segments=candidates)
        LOG.info('Created network %s (%s, %s, %s) on bridge %s', network.uuid,
                 label, cidr, network.segment, bridge)
        if self.notify_network_host:
            network_rpcapi.NetworkAPI().refresh_networks(
                context, network_uuids=[network.uuid])
        return network

    @staticmethod
    def _address(value, what):
        try:
            return ipaddress.ip_address(str(value).strip())
        except ValueError:
            raise exception.InvalidInput(reason='invalid %s address %s'
                                         % (what, value))

    def _address_in(self, net, value, what):
        ip = self._address(value, what)
        if ip not in net or ip in (net.network_address,
                                   net.broadcast_address):
            raise exception.InvalidInput(
                reason='%s %s is not a host address of %s' % (what, value,
                                                              net))
        return str(ip)

    def delete(self, context, ref):
        """Delete the network whose uuid or label is ``ref``.

        :returns: the deleted Network.
        :raises: NetworkNotFound; NetworkInUse while servers hold any of
            its addresses.
        """
        network = self.get_by_uuid_or_label(context, ref)
        network.destroy()
        LOG.info('Deleted network %s (%s)', network.uuid, network.label)
        if self.notify_network_host:
            network_rpcapi.NetworkAPI().refresh_networks(
                context, network_uuids=[network.uuid])
        return network

    # ---- servers -----------------------------------------------------------

    def validate_networks(self, context, requested_networks, num_instances):
        """Check a create's ``networks`` before anything is written.

        :param num_instances: the create's max_count.
        :returns: ``num_instances`` (every NIC fits; addresses are only
            claimed at build).
        :raises: PortNotFound (nova-lite has no ports),
            InvalidFixedIpAndMaxCountRequest, NetworkNotFound,
            FixedIpInvalid, FixedIpNotFoundForNetwork, FixedIpReserved,
            FixedIpAlreadyInUse, InvalidInput (an address asked twice).
        """
        requests = _requests(requested_networks)
        if requests in (AUTO, NONE):
            return num_instances
        for req in requests:
            if req.get('port_id'):
                raise exception.PortNotFound(port_id=req['port_id'])
            if req.get('address') and num_instances > 1:
                raise exception.InvalidFixedIpAndMaxCountRequest(
                    reason='max_count cannot be greater than 1 if an '
                           'fixed_ip is specified.')
        wanted = set()
        for req in requests:
            network = self.get(context, req.get('network_id'))
            if not req.get('address'):
                continue
            address = network.check_fixed_ip(req['address'])
            if (network.id, address) in wanted:
                raise exception.InvalidInput(
                    reason='fixed IP %s is requested twice' % address)
            wanted.add((network.id, address))
            try:
                held = objects.FixedIP.get_by_address(context, network.id,
                                                      address)
            except exception.FixedIpNotFoundForAddress:
                continue
            raise exception.FixedIpAlreadyInUse(
                address=address, instance_uuid=held.instance_uuid)
        return num_instances

    def _targets(self, context, instance, requested_networks):
        """[(Network, address or None)] for the NICs of ``instance``."""
        requests = _requests(requested_networks)
        if requests == NONE:
            return []
        if requests == AUTO:
            network = self._auto_network(context, instance.project_id)
            return [(network, None)] if network is not None else []
        targets = []
        for req in requests:
            if req.get('port_id'):
                raise exception.PortNotFound(port_id=req['port_id'])
            targets.append((self.get(context, req.get('network_id')),
                            req.get('address') or None))
        return targets

    @staticmethod
    def _auto_network(context, project_id):
        """The network ``auto`` means for a project, or None.

        NOTE: Nova answers 409 (NetworkAmbiguous) when a project may use
        several networks; nova-lite picks one deterministically instead:
        the project's own before shared ones, the oldest first (the list
        comes oldest first).
        """
        networks = objects.NetworkList.get_by_project(context, project_id)
        own = [n for n in networks if n.project_id == project_id]
        chosen = (own or list(networks) or [None])[0]
        if chosen is not None:
            LOG.debug('Network "auto" of project %s is %s (%s)', project_id,
                      chosen.uuid, chosen.label)
        return chosen

    def allocate_for_instance(self, context, instance, requested_networks):
        """Give ``instance`` its NICs: a MAC and a fixed IP each.

        NICs the instance is still recorded with (a failed build whose
        release failed too) are released first, so a retried build does
        not collect NICs. On any error nothing stays allocated.

        :returns: the instance's NetworkInfo (not saved on it).
        :raises: NetworkNotFound, PortNotFound, NoMoreFixedIps,
            FixedIpAlreadyInUse and the other errors of
            :meth:`validate_networks`.
        """
        if _recorded_nics(instance):
            objects.VirtualInterfaceList.delete_by_instance_uuid(
                context, instance.uuid)
        vifs = []
        try:
            for network, address in self._targets(context, instance,
                                                  requested_networks):
                vifs.append(objects.VirtualInterface.allocate(
                    context, instance.uuid, network.id, address=address))
        except Exception:
            with excutils.save_and_reraise_exception():
                self._release(context, instance.uuid)
        network_info = build_network_info(vifs)
        self._announce(context, network_info)
        LOG.info('Allocated %s to instance %s',
                 ', '.join('%s on %s' % (ip['address'], vif['network'][
                     'label']) for vif in network_info
                     for ip in vif.fixed_ips()) or 'no NIC', instance.uuid)
        return network_info

    @staticmethod
    def _release(context, instance_uuid):
        try:
            objects.VirtualInterfaceList.delete_by_instance_uuid(
                context, instance_uuid)
        except Exception:
            LOG.exception('Could not release the addresses of %s',
                          instance_uuid)

    def deallocate_for_instance(self, context, instance):
        """Release every NIC and address of ``instance``.

        After return its addresses can be given to other servers, and
        ``instance.network_info`` is empty (the caller saves it, if it
        keeps the instance). Releasing twice is harmless.
        """
        held = _recorded_nics(instance)
        released = objects.VirtualInterfaceList.delete_by_instance_uuid(
            context, instance.uuid)
        if released:
            LOG.info('Released %d NIC(s) of instance %s', released,
                     instance.uuid)
            self._announce(context, held, everywhere=not held)
        instance.network_info = model.NetworkInfo()

    # ---- addresses held for a dead host ------------------------------------

    def hold_for_instance(self, context, instance, host):
        """Keep the NICs and addresses of ``instance``, deleted while its
        compute ``host`` is down, for that host: its guest may still run
        there, so no other server may get its MACs or fixed IPs.

        The network host keeps their DHCP entries: each binds the
        address to the held MAC only, so nobody else gets a lease for
        it. They are released by :meth:`release_held`, when ``host``
        confirms the guest is gone or its compute service is deleted.
        """
        held = objects.VirtualInterfaceList.hold_by_instance_uuid(
            context, instance.uuid, host)
        if held:
            LOG.info('Holding %d NIC(s) of instance %s for host %s, which '
                     'is down', held, instance.uuid, host)
        instance.network_info = model.NetworkInfo()

    def get_held_instance_uuids(self, context, host):
        """The uuids of the instances whose NICs are held for ``host``."""
        return {vif.instance_uuid for vif in
                objects.VirtualInterfaceList.get_held_by_host(context, host)}

    def release_held(self, context, host, instance_uuid=None):
        """Release the NICs and addresses held for ``host`` (those of
        ``instance_uuid`` only, when given); after return other servers
        can get them. Releasing twice is harmless.

        :returns: how many NICs were released.
        """
        held = [vif for vif in
                objects.VirtualInterfaceList.get_held_by_host(context, host)
                if instance_uuid in (None, vif.instance_uuid)]
        released = objects.VirtualInterfaceList.release_held(
            context, host, instance_uuid=instance_uuid)
        if released:
            LOG.info('Released %d NIC(s) held for host %s%s', released,
                     host, ' of instance %s' % instance_uuid
                     if instance_uuid else '')
            self._announce(context, build_network_info(held),
                           everywhere=not held)
        return released

    def _announce(self, context, network_info, everywhere=False):
        """Tell the network host the DHCP entries of these NICs' networks
        changed (of every network when they are not known)."""
        if not self.notify_network_host:
            return
        uuids = sorted({vif['network']['id'] for vif in network_info
                        if vif.get('network')})
        if uuids or everywhere:
            network_rpcapi.NetworkAPI().refresh_networks(
                context, network_uuids=uuids or None)

    def get_instance_nw_info(self, context, instance):
        """The NetworkInfo of what ``instance`` holds now, from its VIFs."""
        return build_network_info(
            objects.VirtualInterfaceList.get_by_instance_uuid(
                context, instance.uuid))


def _recorded_nics(instance):
    """The NICs saved on ``instance`` (none when it has no such field)."""
    try:
        return list(getattr(instance, 'network_info', None) or [])
    except NotImplementedError:
        # NOTE: an object field never loaded.
        return []


def build_network_info(vifs):
    """The network model of VirtualInterface objects, in their order."""
    network_info = model.NetworkInfo()
    for vif in vifs:
        net = vif.network
        subnet = model.Subnet(
            cidr=net.cidr,
            gateway=(model.IP(address=net.gateway, type='gateway')
                     if net.gateway else None),
            dns=[model.IP(address=server, type='dns')
                 for server in (net.dns1, net.dns2) if server],
            ips=[model.FixedIP(address=address)
                 for address in vif.fixed_ips])
        network = model.Network(
            id=net.uuid, bridge=net.bridge, label=net.label,
            subnets=[subnet],
            meta=dict(segments.network_meta(net), tenant_id=net.project_id))
        network_info.append(model.VIF(id=vif.uuid, address=vif.address,
                                      network=network,
                                      type=model.VIF_TYPE_BRIDGE,
                                      active=True))
    return network_info

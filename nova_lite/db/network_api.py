"""The database door of networking: networks, VIFs and IPAM.

Like ``db/api.py`` every function answers with detached rows (a VIF row
comes with its ``network`` and ``fixed_ips`` loaded). Compute hosts reach
these functions only through the conductor, by way of the objects in
``objects/network.py``.

IPAM: an address is allocated by inserting its ``fixed_ips`` row, and the
unique key on (network_id, address) decides every race, whichever
database and however many processes. Allocations on one network first
take that network's row lock (a no-op UPDATE: a row lock on MariaDB and
PostgreSQL, the write lock on sqlite), so they queue up instead of
colliding; a collision that happens anyway (a requested address, a MAC)
rolls the attempt back and the next attempt reads the addresses afresh.
"""

import datetime
import ipaddress
import random

from oslo_db import exception as db_exc
from oslo_log import log as logging
from oslo_utils import uuidutils
import sqlalchemy as sa

from nova_lite import conf
from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite import exception

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# NOTE: the OUI Nova (and Neutron) give guest NICs.
MAC_PREFIX = (0xfa, 0x16, 0x3e)


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


# ---- address arithmetic (no database) --------------------------------------

def generate_mac():
    """A random MAC address ``fa:16:3e:xx:xx:xx``."""
    octets = list(MAC_PREFIX) + [random.randint(0x00, 0xff)
                                 for _ in range(3)]
    return ':'.join('%02x' % octet for octet in octets)


def reserved_addresses(cidr, gateway):
    """The addresses of ``cidr`` never given to a server: its network and
    broadcast addresses and the gateway."""
    net = ipaddress.ip_network(cidr)
    reserved = {net.network_address, net.broadcast_address}
    if gateway:
        reserved.add(ipaddress.ip_address(gateway))
    return reserved


def check_fixed_ip(cidr, gateway, network_uuid, address):
    """Check that ``address`` may be given to a server on a network.

    :returns: the address in its canonical form.
    :raises: FixedIpInvalid (not an IPv4 address), FixedIpNotFoundForNetwork
        (outside ``cidr``), FixedIpReserved (network, broadcast or gateway
        address).
    """
    try:
        ip = ipaddress.ip_address(str(address).strip())
    except ValueError:
        raise exception.FixedIpInvalid(address=address)
    net = ipaddress.ip_network(cidr)
    if ip.version != net.version or ip not in net:
        raise exception.FixedIpNotFoundForNetwork(address=address,
                                                  network_uuid=network_uuid)
    if ip in reserved_addresses(cidr, gateway):
        raise exception.FixedIpReserved(address=address,
                                        network_uuid=network_uuid)
    return str(ip)


def lowest_free_address(cidr, gateway, used):
    """The lowest host address of ``cidr`` neither reserved nor in ``used``
    (canonical strings), or None when the network is full."""
    reserved = reserved_addresses(cidr, gateway)
    for host in ipaddress.ip_network(cidr).hosts():
        if host not in reserved and str(host) not in used:
            return str(host)
    return None


def usable_address_count(cidr, gateway):
    """How many addresses of ``cidr`` servers may get."""
    net = ipaddress.ip_network(cidr)
    hosts = net.num_addresses - 2
    if gateway and ipaddress.ip_address(gateway) in net:
        hosts -= 1
    return max(hosts, 0)


# ---- networks --------------------------------------------------------------

def _network_query(project_id=None, read_deleted='no'):
    query = sa.select(models.Network)
    if read_deleted == 'no':
        query = query.where(models.Network.deleted == 0)
    if project_id is not None:
        query = query.where(sa.or_(models.Network.project_id.is_(None),
                                   models.Network.project_id == project_id))
    return query


def network_create(values, segments=None):
    """Create a network.

    :param values: columns; ``uuid``, ``label``, ``cidr`` and ``bridge``
        are required, and ``segment`` unless ``segments`` is given.
    :param segments: where to allocate the segment from:
        ``{'format': 'vxlan:%d', 'ranges': [[first, last]]}``; the network
        gets the lowest id of the ranges whose segment no live network
        holds.
    :returns: the new row.
    :raises: NetworkExists when a live network has that label;
        NetworkSegmentInUse when its segment is taken (or every
        candidate is); NetworkOverlaps when its CIDR overlaps a live
        network's.
    """
    values = dict(values)
    values.setdefault('uuid', uuidutils.generate_uuid())
    values.setdefault('deleted', 0)
    for _attempt in range(CONF.network.allocate_retries):
        try:
            return _network_create_once(values, segments)
        except db_exc.DBDuplicateEntry:
            # NOTE: another create took the same label or segment between
            # our read and our insert; read again to say which.
            if _live_network(label=values['label']) is not None:
                raise exception.NetworkExists(label=values['label'])
            if segments is None:
                raise exception.NetworkSegmentInUse(
                    segment=values.get('segment'))
    raise exception.NetworkSegmentInUse(segment=values.get('segment'))


def _live_network(**criteria):
    with db_api.transaction() as session:
        return session.scalars(_network_query().filter_by(
            **criteria)).first()


def _lowest_free_segment(segments, taken):
    """``(id, segment)`` of the lowest id of the ranges not ``taken``.

    NOTE: at most len(taken) + 1 ids are looked at, whatever the ranges'
    size (a VNI range may span 16 million ids).
    """
    for first, last in sorted(segments['ranges']):
        for sid in range(first, last + 1):
            segment = segments['format'] % sid
            if segment not in taken:
                return sid, segment
    return None


def _network_create_once(values, segments):
    with db_api.transaction() as session:
        live = list(session.scalars(_network_query()))
        if any(n.label == values['label'] for n in live):
            raise exception.NetworkExists(label=values['label'])
        cidr = ipaddress.ip_network(values['cidr'])
        for other in live:
            if ipaddress.ip_network(other.cidr).overlaps(cidr):
                raise exception.NetworkOverlaps(cidr=values['cidr'],
                                                network_id=other.uuid,
                                                other_cidr=other.cidr)
        taken = {n.segment for n in live}
        if segments is not None:
            free = _lowest_free_segment(segments, taken)
            if free is None:
                raise exception.NetworkSegmentInUse(
                    segment='every one of %s %s' % (
                        segments['format'].split(':')[0],
                        ', '.join('%d:%d' % tuple(r)
                                  for r in segments['ranges'])))
            values['segmentation_id'], values['segment'] = free
        elif values.get('segment') is not None and values['segment'] in taken:
            raise exception.NetworkSegmentInUse(segment=values['segment'])
        row = models.Network(**values)
        session.add(row)
        session.flush()
        return row


def network_get_by_uuid(uuid, project_id=None):
    """The live network ``uuid``.

    :param project_id: when given, only a network shared or owned by this
        project is found; None (an administrator) finds any.
    :raises: NetworkNotFound
    """
    with db_api.transaction() as session:
        row = session.scalars(_network_query(project_id)
                              .filter_by(uuid=uuid)).first()
        if row is None:
            raise exception.NetworkNotFound(network_id=uuid)
        return row


def network_get_by_label(label, project_id=None):
    """The live network labelled ``label``; see :func:`network_get_by_uuid`.

    :raises: NetworkNotFound
    """
    with db_api.transaction() as session:
        row = session.scalars(_network_query(project_id)
                              .filter_by(label=label)).first()
        if row is None:
            raise exception.NetworkNotFound(network_id=label)
        return row


def network_get_all(project_id=None):
    """Live networks, oldest first.

    :param project_id: only those shared or owned by this project; None
        for all of them.
    """
    with db_api.transaction() as session:
        return list(session.scalars(_network_query(project_id).order_by(
            models.Network.created_at, models.Network.id)))


def network_allocated_counts(network_ids=None):
    """``{network_id: number of allocated addresses}``."""
    query = (sa.select(models.FixedIp.network_id,
                       sa.func.count(models.FixedIp.id))
             .group_by(models.FixedIp.network_id))
    if network_ids is not None:
        query = query.where(models.FixedIp.network_id.in_(list(network_ids)))
    with db_api.transaction() as session:
        return {network_id: int(count)
                for network_id, count in session.execute(query)}


@db_api.retry_on_conflict
def network_destroy(uuid):
    """Soft-delete the network ``uuid``.

    The network's row is written first, so an allocation on it waits for
    (and then sees) the delete, or the delete sees its address.

    :raises: NetworkNotFound; NetworkInUse while any address of it is
        allocated.
    """
    with db_api.transaction() as session:
        row = session.scalars(_network_query().filter_by(uuid=uuid)).first()
        if row is None:
            raise exception.NetworkNotFound(network_id=uuid)
        now = _now()
        result = session.execute(
            sa.update(models.Network)
            .where(models.Network.id == row.id, models.Network.deleted == 0)
            .values(deleted=row.id, deleted_at=now, updated_at=now)
            .execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise exception.NetworkNotFound(network_id=uuid)
        in_use = session.scalar(
            sa.select(sa.func.count(models.FixedIp.id))
            .where(models.FixedIp.network_id == row.id))
        if in_use:
            # NOTE: raising rolls the soft delete back.
            raise exception.NetworkInUse(network_id=uuid)


def network_dhcp_hosts(network_id):
    """``[(MAC, fixed IP, instance hostname)]`` of every address held on a
    network, by address: its DHCP server's static entries."""
    query = (sa.select(models.VirtualInterface.address,
                       models.FixedIp.address, models.Instance.hostname)
             .join(models.FixedIp, models.FixedIp.virtual_interface_id ==
                   models.VirtualInterface.id)
             .outerjoin(models.Instance, models.Instance.uuid ==
                        models.VirtualInterface.instance_uuid)
             .where(models.FixedIp.network_id == network_id)
             .order_by(models.FixedIp.address))
    with db_api.transaction() as session:
        return [tuple(row) for row in session.execute(query)]


# ---- tunnel endpoints ------------------------------------------------------

def tunnel_endpoint_set(host, ip_address):
    """Record (or move) the tunnel address of ``host``; returns its row."""
    for _attempt in range(CONF.network.allocate_retries):
        try:
            with db_api.transaction() as session:
                row = session.scalars(sa.select(models.TunnelEndpoint)
                                      .filter_by(host=host)).first()
                if row is None:
                    row = models.TunnelEndpoint(host=host,
                                                ip_address=ip_address)
                    session.add(row)
                elif row.ip_address != ip_address:
                    row.ip_address = ip_address
                session.flush()
                return row
        except db_exc.DBDuplicateEntry:
            # NOTE: the same host registering twice at once; read again.
            continue
    raise exception.InternalError(
        err='could not record the tunnel address of %s' % host)


def tunnel_endpoint_get_all():
    """Every host's tunnel address, by host name."""
    with db_api.transaction() as session:
        return list(session.scalars(sa.select(models.TunnelEndpoint)
                                    .order_by(models.TunnelEndpoint.host)))


def tunnel_endpoint_delete(host):
    """Forget the tunnel address of ``host`` (its service was deleted)."""
    with db_api.transaction() as session:
        return session.execute(
            sa.delete(models.TunnelEndpoint)
            .where(models.TunnelEndpoint.host == host)).rowcount


# ---- VIFs and fixed IPs ----------------------------------------------------

def _vif_query():
    return sa.select(models.VirtualInterface)


@db_api.retry_on_conflict
def _allocate_once(instance_uuid, network_id, address):
    with db_api.transaction() as session:
        # NOTE: the lock that queues allocations on this network (see the
        # module docstring); it also fails an allocation on a network that
        # was deleted meanwhile.
        locked = session.execute(
            sa.update(models.Network)
            .where(models.Network.id == network_id,
                   models.Network.deleted == 0)
            .values(id=models.Network.id)
            .execution_options(synchronize_session=False))
        network = session.get(models.Network, network_id)
        if locked.rowcount != 1 or network is None or network.deleted:
            raise exception.NetworkNotFound(network_id=network_id)
        if address is not None:
            address = check_fixed_ip(network.cidr, network.gateway,
                                     network.uuid, address)
            holder = session.scalars(
                sa.select(models.FixedIp.instance_uuid)
                .where(models.FixedIp.network_id == network_id,
                       models.FixedIp.address == address)).first()
            if holder is not None:
                raise exception.FixedIpAlreadyInUse(address=address,
                                                    instance_uuid=holder)
        else:
            used = set(session.scalars(
                sa.select(models.FixedIp.address)
                .where(models.FixedIp.network_id == network_id)))
            address = lowest_free_address(network.cidr, network.gateway,
                                          used)
            if address is None:
                raise exception.NoMoreFixedIps(net=network.uuid)
        vif = models.VirtualInterface(
            uuid=uuidutils.generate_uuid(), address=generate_mac(),
            network_id=network_id, instance_uuid=instance_uuid)
        session.add(vif)
        session.flush()
        fixed = models.FixedIp(address=address, network_id=network_id,
                               virtual_interface_id=vif.id,
                               instance_uuid=instance_uuid)
        session.add(fixed)
        session.flush()
        # NOTE: refresh runs the eager loaders: the row leaves the session
        # with its network and address.
        session.refresh(vif)
        return vif


def virtual_interface_allocate(instance_uuid, network_id, address=None):
    """Give ``instance_uuid`` a new VIF (MAC) with one address of a network.

    :param network_id: the network's primary key.
    :param address: the fixed IP wanted; None for the lowest free one.
    :returns: the VIF row, with ``network`` and ``fixed_ips``.
    :raises: NetworkNotFound (deleted meanwhile); FixedIpInvalid,
        FixedIpNotFoundForNetwork, FixedIpReserved, FixedIpAlreadyInUse
        for an ``address`` that cannot be had; NoMoreFixedIps when the
        network is full; DBRetryExhausted after
        ``[network] allocate_retries`` lost races.
    """
    attempts = CONF.network.allocate_retries
    for attempt in range(1, attempts + 1):
        try:
            return _allocate_once(instance_uuid, network_id, address)
        except db_exc.DBDuplicateEntry as error:
            # NOTE: someone committed the same address (or MAC) between our
            # read and our insert; the unique keys refused the second one.
            if address is not None:
                holder = _fixed_ip_holder(network_id, address)
                if holder is not None:
                    raise exception.FixedIpAlreadyInUse(
                        address=address, instance_uuid=holder)
            LOG.debug('Address allocation for %s on network %s lost a race '
                      '(attempt %d of %d): %s', instance_uuid, network_id,
                      attempt, attempts, error.inner_exception)
    raise exception.DBRetryExhausted(
        reason='address allocation on network %s lost %d races'
               % (network_id, attempts))


def _fixed_ip_holder(network_id, address):
    try:
        address = str(ipaddress.ip_address(address))
    except ValueError:
        return None
    with db_api.transaction() as session:
        return session.scalars(
            sa.select(models.FixedIp.instance_uuid)
            .where(models.FixedIp.network_id == network_id,
                   models.FixedIp.address == address)).first()


def virtual_interface_get_by_instance(instance_uuid):
    """The VIFs of an instance, oldest first."""
    with db_api.transaction() as session:
        return list(session.scalars(
            _vif_query().where(
                models.VirtualInterface.instance_uuid == instance_uuid)
            .order_by(models.VirtualInterface.id)).unique())


@db_api.retry_on_conflict
def virtual_interface_delete_by_instance(instance_uuid):
    """Release every VIF and address of an instance.

    :returns: how many VIFs there were (0 when nothing was allocated,
        so releasing twice is harmless).
    """
    with db_api.transaction() as session:
        session.execute(sa.delete(models.FixedIp).where(
            models.FixedIp.instance_uuid == instance_uuid))
        result = session.execute(sa.delete(models.VirtualInterface).where(
            models.VirtualInterface.instance_uuid == instance_uuid))
        return result.rowcount


# ---- addresses held for a dead host ----------------------------------------
#
# A server deleted while its compute host is down may still run there: its
# VIFs (MACs) and fixed IPs are not released but marked ``held_by_host``,
# so no other server gets them, until the host confirms the guest is gone
# or its compute service is deleted.

@db_api.retry_on_conflict
def virtual_interface_hold_by_instance(instance_uuid, host):
    """Keep every VIF and address of an instance for ``host``.

    :returns: how many VIFs are now held.
    """
    with db_api.transaction() as session:
        return session.execute(
            sa.update(models.VirtualInterface)
            .where(models.VirtualInterface.instance_uuid == instance_uuid)
            .values(held_by_host=host, updated_at=_now())
            .execution_options(synchronize_session=False)).rowcount


def virtual_interface_get_held_by_host(host):
    """The VIFs held for ``host``, oldest first."""
    with db_api.transaction() as session:
        return list(session.scalars(
            _vif_query().where(models.VirtualInterface.held_by_host == host)
            .order_by(models.VirtualInterface.id)).unique())


@db_api.retry_on_conflict
def virtual_interface_release_held(host, instance_uuid=None):
    """Release the VIFs and addresses held for ``host`` (only those of
    ``instance_uuid`` when given); an address still held by a live server
    is never touched.

    :returns: how many VIFs were released.
    """
    held = sa.select(models.VirtualInterface.id).where(
        models.VirtualInterface.held_by_host == host)
    if instance_uuid is not None:
        held = held.where(
            models.VirtualInterface.instance_uuid == instance_uuid)
    with db_api.transaction() as session:
        ids = list(session.scalars(held))
        if not ids:
            return 0
        session.execute(sa.delete(models.FixedIp).where(
            models.FixedIp.virtual_interface_id.in_(ids)))
        return session.execute(sa.delete(models.VirtualInterface).where(
            models.VirtualInterface.id.in_(ids))).rowcount


def fixed_ip_get_by_address(network_id, address):
    """The allocation of ``address`` on a network.

    :raises: FixedIpNotFoundForAddress when it is free (or not an address).
    """
    try:
        canonical = str(ipaddress.ip_address(str(address).strip()))
    except ValueError:
        raise exception.FixedIpNotFoundForAddress(address=address)
    with db_api.transaction() as session:
        row = session.scalars(
            sa.select(models.FixedIp)
            .where(models.FixedIp.network_id == network_id,
                   models.FixedIp.address == canonical)).first()
        if row is None:
            raise exception.FixedIpNotFoundForAddress(address=address)
        return row


def fixed_ip_get_by_network(network_id):
    """Every allocated address of a network, by allocation order."""
    with db_api.transaction() as session:
        return list(session.scalars(
            sa.select(models.FixedIp)
            .where(models.FixedIp.network_id == network_id)
            .order_by(models.FixedIp.id)))

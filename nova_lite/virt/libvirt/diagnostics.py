"""Diagnostics of a libvirt guest: its counters read from the domain.

The domain's own definition names its disks (targets) and NICs (MAC
addresses and host tap devices); libvirt's statistics calls read each.
A device whose counters cannot be read (a NIC without a tap, say) is left
out rather than fail the whole answer, as Nova's driver does.
"""

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_lite import exception
from nova_lite.states import power_state
from nova_lite.virt.libvirt import config as vconfig
from nova_lite.virt.libvirt import designer
from nova_lite.virt.libvirt import guest as libvirt_guest

LOG = logging.getLogger(__name__)


def _devices(guest):
    """(disks, NICs) of the domain's definition."""
    conf = vconfig.LibvirtConfigGuest().parse_str(guest.get_xml_desc())
    disks = [d for d in conf.devices
             if isinstance(d, vconfig.LibvirtConfigGuestDisk) and
             d.target_dev]
    nics = [d for d in conf.devices
            if isinstance(d, vconfig.LibvirtConfigGuestInterface)]
    return disks, nics


def _stats(read, device, what):
    try:
        return read(device)
    except exception.InternalError as error:
        LOG.info('No %s counters of %s: %s', what, device,
                 error.format_message())
        return None


def _uptime(instance):
    """Seconds since the instance was launched (Nova's meaning)."""
    launched_at = getattr(instance, 'launched_at', None)
    if not launched_at:
        return 0
    now = timeutils.utcnow(with_timezone=launched_at.tzinfo is not None)
    return max(0, int((now - launched_at).total_seconds()))


def _used_memory_mib(guest, memory_kib):
    """The memory the guest uses: what its balloon driver says it has
    less what it leaves unused, else the QEMU process' resident size,
    else what libvirt gave it."""
    try:
        stats = guest.memory_stats()
    except exception.InternalError:
        stats = {}
    if 'available' in stats and 'unused' in stats:
        return (stats['available'] - stats['unused']) // 1024
    if 'rss' in stats:
        return stats['rss'] // 1024
    return memory_kib // 1024


def get_diagnostics(guest):
    """The flat dict of Nova's libvirt driver: ``cpu<N>_time``,
    ``<disk>_read``/``_read_req``/``_write``/``_write_req``/``_errors``,
    ``<tap>_rx``/``_rx_packets``/``_rx_errors``/``_rx_drop`` and the
    same for ``_tx``, ``memory`` (KiB) and ``memory-<stat>``."""
    result = {}
    for vcpu in guest.get_vcpus_info():
        result['cpu%d_time' % vcpu[0]] = vcpu[2]
    disks, nics = _devices(guest)
    for disk in disks:
        stats = _stats(guest.block_stats, disk.target_dev, 'disk')
        if stats is None:
            continue
        for suffix, value in zip(('_read_req', '_read', '_write_req',
                                  '_write', '_errors'), stats):
            result[disk.target_dev + suffix] = value
    for nic in nics:
        if not nic.target_dev:
            continue
        stats = _stats(guest.interface_stats, nic.target_dev, 'NIC')
        if stats is None:
            continue
        for suffix, value in zip(('_rx', '_rx_packets', '_rx_errors',
                                  '_rx_drop', '_tx', '_tx_packets',
                                  '_tx_errors', '_tx_drop'), stats):
            result[nic.target_dev + suffix] = value
    _state, max_memory, _memory, _vcpus, _cpu_time = guest.get_info()
    result['memory'] = max_memory
    try:
        for key, value in guest.memory_stats().items():
            result['memory-' + key] = value
    except exception.InternalError:
        pass
    return result


def get_instance_diagnostics(guest, instance, hypervisor):
    """The standard dict (microversion 2.48) of the guest; see
    :meth:`nova_lite.virt.driver.ComputeDriver.get_instance_diagnostics`.

    :param hypervisor: the domain type, e.g. ``kvm`` or ``qemu``.
    """
    state, max_memory, memory, _vcpus, _cpu_time = guest.get_info()
    disks, nics = _devices(guest)
    cpu_details = [{'id': vcpu[0], 'time': vcpu[2], 'utilisation': None}
                   for vcpu in guest.get_vcpus_info()]
    disk_details = []
    for disk in disks:
        stats = _stats(guest.block_stats, disk.target_dev, 'disk')
        if stats is None:
            continue
        read_requests, read_bytes, write_requests, write_bytes, errors = (
            stats)
        disk_details.append({'read_bytes': read_bytes,
                             'read_requests': read_requests,
                             'write_bytes': write_bytes,
                             'write_requests': write_requests,
                             'errors_count': errors})
    nic_details = []
    for nic in nics:
        stats = (_stats(guest.interface_stats, nic.target_dev, 'NIC')
                 if nic.target_dev else None)
        if stats is None:
            stats = (None,) * 8
        (rx_octets, rx_packets, rx_errors, rx_drop,
         tx_octets, tx_packets, tx_errors, tx_drop) = stats
        nic_details.append({'mac_address': nic.mac_addr,
                            'rx_octets': rx_octets, 'rx_errors': rx_errors,
                            'rx_drop': rx_drop, 'rx_packets': rx_packets,
                            'rx_rate': None,
                            'tx_octets': tx_octets, 'tx_errors': tx_errors,
                            'tx_drop': tx_drop, 'tx_packets': tx_packets,
                            'tx_rate': None})
    config_drive = any(
        (disk.source_path or '').endswith('/' + designer.CONFIG_DRIVE)
        for disk in disks)
    return {
        'state': power_state.STATE_MAP.get(
            libvirt_guest.LIBVIRT_POWER_STATE.get(state,
                                                  power_state.NOSTATE)),
        'driver': 'libvirt',
        'hypervisor': hypervisor,
        'hypervisor_os': 'linux',
        'uptime': _uptime(instance),
        'config_drive': config_drive,
        'num_cpus': len(cpu_details),
        'num_nics': len(nic_details),
        'num_disks': len(disk_details),
        'memory_details': {'maximum': max_memory // 1024,
                           'used': _used_memory_mib(guest, memory)},
        'cpu_details': cpu_details,
        'nic_details': nic_details,
        'disk_details': disk_details,
    }

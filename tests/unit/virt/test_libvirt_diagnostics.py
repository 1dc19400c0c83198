"""The libvirt driver's diagnostics, with libvirt mocked at the domain:
which calls it makes on the domain its definition describes, and how it
words the counters (Nova's flat dict, and the 2.48 standard shape)."""

import datetime
import types

from oslo_utils import timeutils
import pytest

from nova_lite.virt.libvirt import diagnostics
from nova_lite.virt.libvirt import guest as libvirt_guest

XML = """<domain type='kvm'>
  <name>instance-0000002a</name>
  <memory>524288</memory>
  <vcpu>2</vcpu>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/nova-lite/instances/x/disk'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <driver name='qemu' type='raw'/>
      <source file='/var/lib/nova-lite/instances/x/disk.config'/>
      <target dev='hdd' bus='ide'/>
    </disk>
    <interface type='bridge'>
      <mac address='fa:16:3e:11:22:33'/>
      <source bridge='br100'/>
      <target dev='tap11223344-55'/>
    </interface>
    <interface type='bridge'>
      <mac address='fa:16:3e:44:55:66'/>
      <source bridge='br100'/>
    </interface>
  </devices>
</domain>
"""


class LibvirtError(Exception):
    def get_error_code(self):
        return 1


class FakeDomain:
    """The virDomain calls diagnostics make, with a running guest's
    figures; ``hdd`` has no block statistics (libvirt refuses)."""

    def XMLDesc(self, flags):
        return XML

    def name(self):
        return 'instance-0000002a'

    def info(self):
        return [libvirt_guest.VIR_DOMAIN_RUNNING, 524288, 524288, 2,
                9000000000]

    def vcpus(self):
        return ([(0, 1, 5000000000, 3), (1, 1, 4000000000, 1)],
                [(True,), (True,)])

    def blockStats(self, device):
        if device != 'vda':
            raise LibvirtError('no stats for %s' % device)
        return (112, 262144, 488, 5778432, -1)

    def interfaceStats(self, device):
        assert device == 'tap11223344-55'
        return (2070139, 26701, 0, 1, 140208, 662, 0, 2)

    def memoryStats(self):
        return {'actual': 524288, 'rss': 200000, 'available': 500000,
                'unused': 300000}


@pytest.fixture
def guest():
    libvirt = types.SimpleNamespace(libvirtError=LibvirtError)
    return libvirt_guest.Guest(FakeDomain(), libvirt)


def test_flat_diagnostics(guest):
    assert diagnostics.get_diagnostics(guest) == {
        'cpu0_time': 5000000000, 'cpu1_time': 4000000000,
        'vda_read_req': 112, 'vda_read': 262144, 'vda_write_req': 488,
        'vda_write': 5778432, 'vda_errors': -1,
        'tap11223344-55_rx': 2070139, 'tap11223344-55_rx_packets': 26701,
        'tap11223344-55_rx_errors': 0, 'tap11223344-55_rx_drop': 1,
        'tap11223344-55_tx': 140208, 'tap11223344-55_tx_packets': 662,
        'tap11223344-55_tx_errors': 0, 'tap11223344-55_tx_drop': 2,
        'memory': 524288, 'memory-actual': 524288, 'memory-rss': 200000,
        'memory-available': 500000, 'memory-unused': 300000,
    }


def test_standard_diagnostics(guest):
    launched = timeutils.utcnow() - datetime.timedelta(seconds=100)
    result = diagnostics.get_instance_diagnostics(
        guest, types.SimpleNamespace(launched_at=launched), 'kvm')
    assert 100 <= result.pop('uptime') < 160
    assert result == {
        'state': 'running', 'driver': 'libvirt', 'hypervisor': 'kvm',
        'hypervisor_os': 'linux', 'config_drive': True,
        'num_cpus': 2, 'num_nics': 2, 'num_disks': 1,
        'memory_details': {'maximum': 512, 'used': 195},
        'cpu_details': [{'id': 0, 'time': 5000000000, 'utilisation': None},
                        {'id': 1, 'time': 4000000000,
                         'utilisation': None}],
        'nic_details': [
            {'mac_address': 'fa:16:3e:11:22:33', 'rx_octets': 2070139,
             'rx_errors': 0, 'rx_drop': 1, 'rx_packets': 26701,
             'rx_rate': None, 'tx_octets': 140208, 'tx_errors': 0,
             'tx_drop': 2, 'tx_packets': 662, 'tx_rate': None},
            {'mac_address': 'fa:16:3e:44:55:66', 'rx_octets': None,
             'rx_errors': None, 'rx_drop': None, 'rx_packets': None,
             'rx_rate': None, 'tx_octets': None, 'tx_errors': None,
             'tx_drop': None, 'tx_packets': None, 'tx_rate': None}],
        'disk_details': [{'read_bytes': 262144, 'read_requests': 112,
                          'write_bytes': 5778432, 'write_requests': 488,
                          'errors_count': -1}],
    }


def test_used_memory_falls_back_to_rss_then_to_info(guest):
    domain = guest._domain
    domain.memoryStats = lambda: {'actual': 524288, 'rss': 204800}
    result = diagnostics.get_instance_diagnostics(
        guest, types.SimpleNamespace(launched_at=None), 'qemu')
    assert result['memory_details'] == {'maximum': 512, 'used': 200}
    assert result['uptime'] == 0

    def refused():
        raise LibvirtError('no balloon')
    domain.memoryStats = refused
    result = diagnostics.get_instance_diagnostics(
        guest, types.SimpleNamespace(launched_at=None), 'qemu')
    assert result['memory_details']['used'] == 512

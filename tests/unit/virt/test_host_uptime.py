"""get_host_uptime of the drivers (os-hypervisors uptime, 2.88 show): the
fake driver's fixed line, and libvirt's from the host's uptime(1)."""

from unittest import mock

import pytest

from nova_lite import exception
from nova_lite.virt import fake
from nova_lite.virt import virtapi

from .helpers import libvirt_available


def test_fake_host_has_a_fixed_uptime():
    assert fake.FakeDriver(None).get_host_uptime() == fake.FAKE_UPTIME


@pytest.fixture
def libvirt_driver(flags, tmp_path):
    if not libvirt_available():
        pytest.skip('libvirt-python is not installed')
    from nova_lite.virt.libvirt import driver as libvirt_driver
    flags.set(host='uptime-host', state_path=str(tmp_path))
    flags.set(group='libvirt', connection_uri='test:///default')
    return libvirt_driver.LibvirtDriver(virtapi.VirtAPI())


def test_libvirt_reads_the_host_uptime(libvirt_driver):
    uptime = libvirt_driver.get_host_uptime()
    assert ' up ' in uptime and 'load average' in uptime
    assert not uptime.endswith('\n')


def test_libvirt_uptime_failure(libvirt_driver):
    with mock.patch('nova_lite.utils.execute',
                    side_effect=exception.InternalError(err='no uptime')):
        with pytest.raises(exception.HostUptimeNotAvailable):
            libvirt_driver.get_host_uptime()

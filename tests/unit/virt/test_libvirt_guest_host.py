"""libvirt Guest and Host wrappers: state mapping, errors, connection."""

import pytest

from nova_lite import exception
from nova_lite.states import power_state
from nova_lite.virt.libvirt import guest as libvirt_guest
from nova_lite.virt.libvirt import host as libvirt_host

from .helpers import libvirt_available
from .helpers import make_instance

needs_libvirt = pytest.mark.skipif(not libvirt_available(),
                                   reason='libvirt-python is not installed')

G = libvirt_guest


@pytest.mark.parametrize('state, reason, expected', [
    (G.VIR_DOMAIN_NOSTATE, 0, power_state.NOSTATE),
    (G.VIR_DOMAIN_RUNNING, 1, power_state.RUNNING),
    (G.VIR_DOMAIN_BLOCKED, 1, power_state.RUNNING),
    (G.VIR_DOMAIN_PAUSED, 1, power_state.PAUSED),
    (G.VIR_DOMAIN_SHUTDOWN, 1, power_state.SHUTDOWN),
    (G.VIR_DOMAIN_SHUTOFF, 1, power_state.SHUTDOWN),
    (G.VIR_DOMAIN_SHUTOFF, G.VIR_DOMAIN_SHUTOFF_SAVED,
     power_state.SUSPENDED),
    (G.VIR_DOMAIN_CRASHED, 1, power_state.CRASHED),
    (G.VIR_DOMAIN_PMSUSPENDED, 1, power_state.SUSPENDED),
    (99, 0, power_state.NOSTATE),
])
def test_power_state_of(state, reason, expected):
    assert libvirt_guest.power_state_of(state, reason) == expected


@needs_libvirt
def test_spelled_constants_match_libvirt():
    import libvirt
    for name in ('VIR_DOMAIN_NOSTATE', 'VIR_DOMAIN_RUNNING',
                 'VIR_DOMAIN_BLOCKED', 'VIR_DOMAIN_PAUSED',
                 'VIR_DOMAIN_SHUTDOWN', 'VIR_DOMAIN_SHUTOFF',
                 'VIR_DOMAIN_CRASHED', 'VIR_DOMAIN_PMSUSPENDED',
                 'VIR_DOMAIN_SHUTOFF_SAVED', 'VIR_ERR_OPERATION_INVALID',
                 'VIR_ERR_NO_DOMAIN', 'VIR_DOMAIN_UNDEFINE_MANAGED_SAVE'):
        assert getattr(libvirt_guest, name) == getattr(libvirt, name), name


def test_host_defaults_to_qemu_system_and_opens_lazily():
    host = libvirt_host.Host('')
    assert host.uri == 'qemu:///system'
    assert host._conn is None


@needs_libvirt
def test_unreachable_hypervisor_raises_unavailable(tmp_path):
    host = libvirt_host.Host('test://%s/missing.xml' % tmp_path, 'h1')
    with pytest.raises(exception.HypervisorUnavailable) as err:
        host.get_connection()
    assert 'h1' in str(err.value)


@needs_libvirt
def test_broken_connection_is_reopened():
    host = libvirt_host.Host('test:///default')
    first = host.get_connection()
    assert host.get_connection() is first
    first.close()
    second = host.get_connection()
    assert second is not first
    assert second.isAlive()
    host.close()


@needs_libvirt
def test_get_guest_of_unknown_instance_raises_not_found():
    host = libvirt_host.Host('test:///default')
    with pytest.raises(exception.InstanceNotFoundOnHypervisor):
        host.get_guest(make_instance())
    host.close()


@needs_libvirt
def test_guest_errors_are_translated():
    host = libvirt_host.Host('test:///default')
    guest = host.list_guests()[0]  # the test hypervisor's own domain
    guest.poweroff()
    guest.poweroff()  # already off: not an error
    assert guest.get_power_state() == power_state.SHUTDOWN
    with pytest.raises(exception.InternalError):
        guest.pause()  # a stopped guest cannot be paused
    host.close()

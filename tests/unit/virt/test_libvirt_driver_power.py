"""LibvirtDriver power actions and console output against a fake libvirt.

libvirt is replaced at the edge: a module with ``open()`` and
``libvirtError`` whose connection holds scripted domains. A domain obeys an
ACPI shutdown request (once its OS listens, from ``acpi_ready_at``) after
``shutdown_takes`` seconds; time is a fake clock that the driver's sleeps
advance, so no test waits.
"""

import json
import os
import types
from unittest import mock

import pytest

from nova_lite.conf import CONF
from nova_lite import exception
from nova_lite.states import power_state
from nova_lite.virt.libvirt import driver as libvirt_driver
from nova_lite.virt.libvirt import guest as libvirt_guest
from nova_lite.virt.libvirt import host as libvirt_host
from nova_lite.virt import virtapi

from .helpers import make_instance

G = libvirt_guest
SHUTOFF_REASON_SHUTDOWN = 1
SHUTOFF_REASON_DESTROYED = 2


class FakeLibvirtError(Exception):
    def __init__(self, message, code):
        super().__init__(message)
        self.code = code

    def get_error_code(self):
        return self.code


class FakeClock:
    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def monotonic(self):
        return self.now

    def sleep(self, seconds):
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds


class FakeDomain:
    """A domain whose guest OS answers ACPI as scripted."""

    def __init__(self, clock, uuid, name, xml, running=True,
                 acpi_ready_at=0.0, shutdown_takes=2.0, start_fails=False):
        self.clock = clock
        self.uuid = uuid
        self._name = name
        self.xml = xml
        self.acpi_ready_at = acpi_ready_at
        self.shutdown_takes = shutdown_takes
        self.start_fails = start_fails
        self.active = running
        self.reason = 1
        self.domid = 1 if running else -1
        self.off_at = None
        self.managed_save = False
        self.calls = []

    def _tick(self):
        if self.off_at is not None and self.clock.now >= self.off_at:
            self.active = False
            self.reason = SHUTOFF_REASON_SHUTDOWN
            self.off_at = None
            self.domid = -1

    def _invalid(self, what):
        raise FakeLibvirtError('domain is not running: %s' % what,
                               G.VIR_ERR_OPERATION_INVALID)

    def name(self):
        return self._name

    def UUIDString(self):
        return self.uuid

    def ID(self):
        self._tick()
        return self.domid

    def state(self, flags):
        self._tick()
        if self.active:
            return [G.VIR_DOMAIN_RUNNING, 1]
        if self.managed_save:
            return [G.VIR_DOMAIN_SHUTOFF, G.VIR_DOMAIN_SHUTOFF_SAVED]
        return [G.VIR_DOMAIN_SHUTOFF, self.reason]

    def isActive(self):
        self._tick()
        return int(self.active)

    def shutdown(self):
        self._tick()
        self.calls.append(('shutdown', self.clock.now))
        if not self.active:
            self._invalid('shutdown')
        if (self.acpi_ready_at is not None and self.off_at is None and
                self.clock.now >= self.acpi_ready_at):
            self.off_at = self.clock.now + self.shutdown_takes

    def destroy(self):
        self._tick()
        self.calls.append(('destroy', self.clock.now))
        if not self.active:
            self._invalid('destroy')
        self.active = False
        self.reason = SHUTOFF_REASON_DESTROYED
        self.off_at = None
        self.domid = -1

    def createWithFlags(self, flags):
        self._tick()
        self.calls.append(('create', self.clock.now))
        if self.active:
            raise FakeLibvirtError('domain is already running',
                                   G.VIR_ERR_OPERATION_INVALID)
        if self.start_fails:
            raise FakeLibvirtError('cannot open disk', 1)
        self.active = True
        self.managed_save = False
        self.domid = max(self.domid, 0) + 100

    def hasManagedSaveImage(self, flags):
        return int(self.managed_save)

    def managedSaveRemove(self, flags):
        self.calls.append(('managedSaveRemove', self.clock.now))
        self.managed_save = False

    def undefineFlags(self, flags):
        self.calls.append(('undefine', self.clock.now))
        self.conn.domains.pop(self.uuid, None)

    def XMLDesc(self, flags):
        return self.xml

    def names(self):
        return [call for call, _when in self.calls]


class FakeConnection:
    def __init__(self):
        self.domains = {}

    def add(self, domain):
        domain.conn = self
        self.domains[domain.uuid] = domain
        return domain

    def isAlive(self):
        return 1

    def getType(self):
        return 'QEMU'

    def lookupByUUIDString(self, uuid):
        try:
            return self.domains[uuid]
        except KeyError:
            raise FakeLibvirtError('no domain with uuid %s' % uuid,
                                   G.VIR_ERR_NO_DOMAIN) from None

    def close(self):
        pass


def _domain_xml(instance, console_path):
    devices = ''
    if console_path:
        devices = ("<serial type='file'><source path='%s'/>"
                   "<target port='0'/></serial>" % console_path)
    return ("<domain type='qemu'><name>%s</name><uuid>%s</uuid>"
            "<memory>65536</memory><vcpu>1</vcpu>"
            "<os><type>hvm</type></os><devices>%s</devices></domain>"
            % (instance.name, instance.uuid, devices))


@pytest.fixture
def clock():
    clock = FakeClock()
    with mock.patch.object(libvirt_driver, 'time',
                           types.SimpleNamespace(monotonic=clock.monotonic)), \
            mock.patch('nova_lite.utils.sleep', clock.sleep):
        yield clock


@pytest.fixture
def conn(flags, tmp_path):
    flags.set(host='power-test-host', state_path=str(tmp_path))
    flags.set(group='libvirt', connection_uri='fake:///power')
    conn = FakeConnection()
    fake_libvirt = types.SimpleNamespace(
        libvirtError=FakeLibvirtError, VIR_ERR_NO_DOMAIN=G.VIR_ERR_NO_DOMAIN,
        open=lambda uri: conn)
    with mock.patch.object(libvirt_host, '_libvirt', fake_libvirt):
        yield conn


@pytest.fixture
def drv(conn, clock):
    return libvirt_driver.LibvirtDriver(virtapi.VirtAPI())


@pytest.fixture
def guest(conn, clock, tmp_path):
    """A running guest of an instance, its console log in its directory."""
    instance = make_instance()
    instance_dir = tmp_path / 'instances' / instance.uuid
    instance_dir.mkdir(parents=True)
    log = instance_dir / 'console.log'
    domain = conn.add(FakeDomain(clock, instance.uuid, instance.name,
                                 _domain_xml(instance, str(log))))
    return types.SimpleNamespace(instance=instance, domain=domain, log=log,
                                 dir=instance_dir)


def _state(drv, instance):
    return drv.get_info(instance).state


# ---- power_off -------------------------------------------------------------

def test_power_off_lets_the_guest_shut_down(drv, guest, clock):
    started = clock.now
    drv.power_off(guest.instance, timeout=60, retry_interval=10)
    assert _state(drv, guest.instance) == power_state.SHUTDOWN
    assert guest.domain.reason == SHUTOFF_REASON_SHUTDOWN
    # asked once; the final hard stop found nothing left to stop
    assert guest.domain.names() == ['shutdown', 'destroy']
    assert clock.now - started < 60


def test_power_off_asks_again_a_guest_still_booting(drv, guest, clock):
    guest.domain.acpi_ready_at = clock.now + 15
    drv.power_off(guest.instance, timeout=60, retry_interval=10)
    assert guest.domain.reason == SHUTOFF_REASON_SHUTDOWN
    shutdowns = [when for call, when in guest.domain.calls
                 if call == 'shutdown']
    assert len(shutdowns) == 3
    assert shutdowns[1] - shutdowns[0] >= 10


def test_power_off_stops_hard_after_the_timeout(drv, guest, clock):
    guest.domain.acpi_ready_at = None  # the OS ignores the power button
    started = clock.now
    drv.power_off(guest.instance, timeout=25, retry_interval=10)
    assert _state(drv, guest.instance) == power_state.SHUTDOWN
    assert guest.domain.reason == SHUTOFF_REASON_DESTROYED
    assert guest.domain.names() == ['shutdown'] * 3 + ['destroy']
    assert clock.now - started == pytest.approx(25)


def test_power_off_without_timeout_is_hard_at_once(drv, guest, clock):
    drv.power_off(guest.instance)
    assert guest.domain.names() == ['destroy']
    assert clock.sleeps == []
    assert _state(drv, guest.instance) == power_state.SHUTDOWN


def test_power_off_of_a_stopped_guest_is_a_no_op(drv, guest, clock):
    guest.domain.active = False
    drv.power_off(guest.instance, timeout=60, retry_interval=10)
    assert guest.domain.names() == ['destroy']
    assert clock.sleeps == []


def test_power_actions_on_an_unknown_guest(drv, conn):
    instance = make_instance()
    for call in (lambda: drv.power_off(instance, 5, 1),
                 lambda: drv.power_on(None, instance, None),
                 lambda: drv.reboot(None, instance, None, 'SOFT'),
                 lambda: drv.reboot(None, instance, None, 'HARD'),
                 lambda: drv.get_console_output(None, instance)):
        with pytest.raises(exception.InstanceNotFoundOnHypervisor):
            call()


# ---- power_on --------------------------------------------------------------

def test_power_on_starts_the_defined_guest(drv, guest):
    guest.domain.active = False
    drv.power_on(None, guest.instance, network_info=None)
    assert _state(drv, guest.instance) == power_state.RUNNING
    assert guest.domain.names() == ['destroy', 'create']
    # started from its definition, not a new one
    assert guest.instance.uuid in guest.domain.xml


def test_power_on_leaves_a_running_guest_alone(drv, guest):
    drv.power_on(None, guest.instance, network_info=None)
    assert guest.domain.names() == []


def test_power_on_that_libvirt_refuses_raises(drv, guest):
    guest.domain.active = False
    guest.domain.start_fails = True
    with pytest.raises(exception.InternalError, match='cannot open disk'):
        drv.power_on(None, guest.instance, network_info=None)


# ---- reboot ----------------------------------------------------------------

def test_soft_reboot_goes_through_the_guest_os(drv, guest, flags):
    flags.set(group='libvirt', wait_soft_reboot_seconds=120)
    old_id = guest.domain.domid
    drv.reboot(None, guest.instance, None, 'SOFT')
    assert _state(drv, guest.instance) == power_state.RUNNING
    assert guest.domain.names() == ['shutdown', 'destroy', 'create']
    assert guest.domain.domid != old_id


def test_soft_reboot_falls_back_to_hard(drv, guest, clock, flags):
    flags.set(group='libvirt', wait_soft_reboot_seconds=30)
    guest.domain.acpi_ready_at = None
    started = clock.now
    drv.reboot(None, guest.instance, None, 'SOFT')
    assert _state(drv, guest.instance) == power_state.RUNNING
    names = guest.domain.names()
    assert names[-2:] == ['destroy', 'create']
    assert set(names[:-2]) == {'shutdown'}
    assert clock.now - started == pytest.approx(30, abs=1)


def test_soft_reboot_of_a_stopped_guest_is_hard(drv, guest, clock):
    guest.domain.active = False
    drv.reboot(None, guest.instance, None, 'SOFT')
    assert guest.domain.names() == ['destroy', 'create']
    assert _state(drv, guest.instance) == power_state.RUNNING


def test_hard_reboot_restarts_without_asking(drv, guest):
    drv.reboot(None, guest.instance, None, 'HARD')
    assert guest.domain.names() == ['destroy', 'create']
    assert guest.domain.reason == SHUTOFF_REASON_DESTROYED
    assert _state(drv, guest.instance) == power_state.RUNNING


def test_hard_reboot_of_a_suspended_guest_boots_afresh(drv, guest):
    guest.domain.active = False
    guest.domain.managed_save = True
    assert _state(drv, guest.instance) == power_state.SUSPENDED
    drv.reboot(None, guest.instance, None, 'HARD')
    assert guest.domain.names() == ['destroy', 'managedSaveRemove',
                                    'create']
    assert _state(drv, guest.instance) == power_state.RUNNING


@pytest.mark.parametrize('given, used', [
    (None, [{'id': 'vif-at-spawn'}]),
    ([{'id': 'vif-now'}], [{'id': 'vif-now'}]),
])
def test_restart_readies_the_nics_first(drv, guest, given, used):
    (guest.dir / libvirt_driver.BOOT_INFO).write_text(
        json.dumps({'network_info': [{'id': 'vif-at-spawn'}]}))
    order = []
    with mock.patch.object(drv, '_plug_vifs',
                           side_effect=lambda n: order.append(('plug', n))):
        guest.domain.createWithFlags = mock.Mock(
            side_effect=lambda f: (order.append(('create', None)),
                                   setattr(guest.domain, 'active', True)))
        drv.reboot(None, guest.instance, given, 'HARD')
    assert order == [('plug', used), ('create', None)]


# ---- destroy ---------------------------------------------------------------

def test_destroy_of_a_stopped_guest_cleans_up(drv, guest, conn):
    drv.power_off(guest.instance)
    drv.destroy(None, guest.instance)
    assert guest.instance.uuid not in conn.domains
    assert not guest.dir.exists()
    assert not drv.instance_exists(guest.instance)


# ---- console output --------------------------------------------------------

def test_console_output_reads_the_log(drv, guest):
    guest.log.write_bytes(b'boot\r\nNOVA-LITE-GUEST-READY uuid=x\n')
    assert drv.get_console_output(None, guest.instance) == (
        'boot\r\nNOVA-LITE-GUEST-READY uuid=x\n')


def test_console_output_of_a_stopped_guest(drv, guest):
    guest.log.write_text('NOVA-LITE-GUEST-POWEROFF\n')
    drv.power_off(guest.instance)
    assert 'POWEROFF' in drv.get_console_output(None, guest.instance)


def test_console_output_keeps_the_end_of_a_long_log(drv, guest):
    with mock.patch.object(libvirt_driver, 'MAX_CONSOLE_BYTES', 10):
        guest.log.write_bytes(b'0123456789abcdefghij')
        assert drv.get_console_output(None, guest.instance) == 'abcdefghij'
    assert libvirt_driver.MAX_CONSOLE_BYTES == 100 * 1024


def test_console_output_replaces_bytes_that_are_not_utf8(drv, guest):
    guest.log.write_bytes(b'ok \xff\xfe end\n')
    assert drv.get_console_output(None, guest.instance) == (
        'ok \ufffd\ufffd end\n')


def test_console_output_before_the_log_exists(drv, guest):
    assert not guest.log.exists()
    assert drv.get_console_output(None, guest.instance) == ''


def test_console_output_of_a_guest_without_console(drv, conn, clock):
    instance = make_instance()
    conn.add(FakeDomain(clock, instance.uuid, instance.name,
                        _domain_xml(instance, None)))
    with pytest.raises(exception.ConsoleNotAvailable):
        drv.get_console_output(None, instance)


def test_console_log_follows_the_domain_definition(drv, conn, clock,
                                                   tmp_path):
    instance = make_instance()
    elsewhere = tmp_path / 'elsewhere.log'
    elsewhere.write_text('from the domain XML\n')
    conn.add(FakeDomain(clock, instance.uuid, instance.name,
                        _domain_xml(instance, str(elsewhere))))
    assert drv.get_console_output(None, instance) == 'from the domain XML\n'
    assert os.path.join(CONF.state_path, 'instances') not in str(elsewhere)

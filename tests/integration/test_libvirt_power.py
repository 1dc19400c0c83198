"""LibvirtDriver power actions on a real QEMU guest through libvirtd.

The test guest of tools/build-test-guest.sh is booted as in
test_libvirt_spawn (whose fixtures this module shares), then rebooted
softly (its busybox acpid powers it off on the ACPI power button and the
driver starts it again) and hard, powered off cleanly (the guest prints
``NOVA-LITE-GUEST-POWEROFF`` on its way down) and hard, powered on, and
destroyed while stopped. libvirt's own view of each stop (the shutoff
reason: the guest shut down, or was destroyed) tells a clean stop from a
hard one.

The console log is appended to at each start, so each boot adds one
READY marker to it.
"""

import base64
import os
from unittest import mock

import pytest

from nova_lite.objects import image_meta as image_meta_obj
from nova_lite.states import power_state
from tests.integration import test_libvirt_spawn as spawn_test

# The fixtures of test_libvirt_spawn, shared (pytest finds them by name).
image_service = spawn_test.image_service
drv = spawn_test.drv

POWEROFF = 'NOVA-LITE-GUEST-POWEROFF'
# virDomainShutoffReason: the guest OS shut down / libvirt destroyed it.
SHUTOFF_SHUTDOWN = 1
SHUTOFF_DESTROYED = 2


def _shutoff_reason(uri, instance):
    import libvirt
    conn = libvirt.open(uri)
    try:
        state, reason = conn.lookupByUUIDString(instance.uuid).state(0)
    finally:
        conn.close()
    assert state == libvirt.VIR_DOMAIN_SHUTOFF, (state, reason)
    return reason


def _ready_line(instance, user_data):
    return '%s uuid=%s user_data=%s' % (
        spawn_test.MARKER, instance.uuid,
        base64.b64encode(user_data).decode())


def _state(drv, instance):
    return drv.get_info(instance).state


@pytest.fixture
def booted(drv, image_service, state_path):
    """A running test guest whose READY marker is on its console."""
    user_data = b'power test\n'
    instance = spawn_test._instance(image_service.ids['root'], user_data)
    image_meta = image_meta_obj.ImageMeta.from_dict(image_service.body)
    drv.spawn(None, instance, image_meta, injected_files=[],
              admin_password=None, allocations=None, network_info=None)
    ready = _ready_line(instance, user_data)
    try:
        assert spawn_test._wait_for_marker(drv, instance) == ready
        yield instance, ready
    finally:
        drv.destroy(None, instance)


def test_reboots(drv, booted):
    instance, ready = booted

    with mock.patch.object(drv, '_hard_reboot',
                           wraps=drv._hard_reboot) as hard:
        drv.reboot(None, instance, None, 'SOFT')
    assert not hard.called, 'the soft reboot fell back to a hard one'
    assert _state(drv, instance) == power_state.RUNNING
    # the console log keeps every boot: one marker more each time
    assert spawn_test._wait_for_marker(drv, instance, since=1) == ready

    drv.reboot(None, instance, None, 'HARD')
    assert _state(drv, instance) == power_state.RUNNING
    assert spawn_test._wait_for_marker(drv, instance, since=2) == ready


def test_power_off_on_and_destroy_while_stopped(drv, booted, libvirtd,
                                                state_path):
    instance, ready = booted
    instance_dir = os.path.join(state_path, 'instances', instance.uuid)

    # A clean stop: the guest OS shuts itself down.
    drv.power_off(instance, timeout=60, retry_interval=10)
    assert _state(drv, instance) == power_state.SHUTDOWN
    assert _shutoff_reason(libvirtd, instance) == SHUTOFF_SHUTDOWN
    console = drv.get_console_output(None, instance)
    assert POWEROFF in console
    assert ready in console

    drv.power_on(None, instance, network_info=None)
    assert _state(drv, instance) == power_state.RUNNING
    assert spawn_test._wait_for_marker(drv, instance, since=1) == ready

    # A hard stop: no time given, the guest is not asked.
    poweroffs = drv.get_console_output(None, instance).count(POWEROFF)
    drv.power_off(instance)
    assert _state(drv, instance) == power_state.SHUTDOWN
    assert _shutoff_reason(libvirtd, instance) == SHUTOFF_DESTROYED
    assert drv.get_console_output(None, instance).count(POWEROFF) == poweroffs

    drv.destroy(None, instance)
    assert not drv.instance_exists(instance)
    assert instance.uuid not in drv.list_instance_uuids()
    assert not os.path.exists(instance_dir)

"""One behaviour suite for every virt driver: fake and libvirt test:///."""

import json

import pytest

from nova_lite.conf import CONF
from nova_lite import exception
from nova_lite.states import power_state
from nova_lite.virt import driver as virt_driver
from nova_lite.virt import virtapi

from .helpers import FakeImageAPI
from .helpers import libvirt_available
from .helpers import make_flavor
from .helpers import make_instance

DRIVERS = [
    'fake',
    pytest.param('libvirt', marks=pytest.mark.skipif(
        not libvirt_available(), reason='libvirt-python is not installed')),
]

RESOURCE_KEYS = {
    'vcpus', 'memory_mb', 'local_gb', 'vcpus_used', 'memory_mb_used',
    'local_gb_used', 'hypervisor_type', 'hypervisor_version',
    'hypervisor_hostname', 'cpu_info',
}


@pytest.fixture(params=DRIVERS)
def drv(request, flags, tmp_path):
    flags.set(host='virt-test-host', state_path=str(tmp_path))
    # NOTE: virt_type stays at its default (kvm): on test:/// the domain
    # type must come out as 'test' regardless.
    flags.set(group='libvirt', connection_uri='test:///default')
    driver = virt_driver.load_compute_driver(virtapi.VirtAPI(),
                                             request.param)
    driver.init_host(CONF.host)
    driver.kind = request.param
    if request.param == 'libvirt':
        # NOTE: no image service in unit tests; images come from a fake
        # at the edge, disks are made by the real qemu-img.
        driver._image_api = FakeImageAPI()
    yield driver
    driver.cleanup_host(CONF.host)


def spawn(driver, instance):
    driver.spawn(None, instance, image_meta={}, injected_files=[],
                 admin_password='secret', allocations={})


def state(driver, instance):
    return driver.get_info(instance).state


class TestComputeDriver:

    def test_lifecycle(self, drv):
        inst = make_instance()
        assert not drv.instance_exists(inst)

        spawn(drv, inst)
        assert state(drv, inst) == power_state.RUNNING
        assert drv.instance_exists(inst)
        assert inst.name in drv.list_instances()
        assert inst.uuid in drv.list_instance_uuids()

        drv.power_off(inst)
        assert state(drv, inst) == power_state.SHUTDOWN
        drv.power_on(None, inst, network_info=None)
        assert state(drv, inst) == power_state.RUNNING

        for reboot_type in ('SOFT', 'HARD'):
            drv.reboot(None, inst, None, reboot_type)
            assert state(drv, inst) == power_state.RUNNING

        drv.pause(inst)
        assert state(drv, inst) == power_state.PAUSED
        drv.unpause(inst)
        assert state(drv, inst) == power_state.RUNNING
        drv.suspend(inst)
        assert state(drv, inst) == power_state.SUSPENDED
        drv.resume(inst)
        assert state(drv, inst) == power_state.RUNNING

        drv.destroy(None, inst)
        assert not drv.instance_exists(inst)
        assert inst.name not in drv.list_instances()
        assert inst.uuid not in drv.list_instance_uuids()
        with pytest.raises(exception.InstanceNotFoundOnHypervisor):
            drv.get_info(inst)

    def test_destroy_twice_and_unknown_is_fine(self, drv):
        inst = make_instance()
        drv.destroy(None, inst)
        spawn(drv, inst)
        drv.destroy(None, inst)
        drv.destroy(None, inst)
        assert not drv.instance_exists(inst)

    def test_destroy_removes_instance_dir(self, drv, tmp_path):
        inst = make_instance()
        spawn(drv, inst)
        drv.destroy(None, inst)
        assert not (tmp_path / 'instances' / inst.uuid).exists()

    def test_clean_power_off(self, drv):
        inst = make_instance()
        spawn(drv, inst)
        drv.power_off(inst, timeout=5, retry_interval=1)
        assert state(drv, inst) == power_state.SHUTDOWN

    def test_stopped_guest_reboots_shows_console_and_is_destroyed(self,
                                                                  drv):
        inst = make_instance()
        spawn(drv, inst)
        drv.power_off(inst, timeout=5, retry_interval=1)
        drv.power_off(inst)
        assert state(drv, inst) == power_state.SHUTDOWN
        assert isinstance(drv.get_console_output(None, inst), str)
        drv.reboot(None, inst, None, 'HARD')
        assert state(drv, inst) == power_state.RUNNING
        drv.power_on(None, inst, network_info=None)
        assert state(drv, inst) == power_state.RUNNING
        drv.power_off(inst)
        drv.destroy(None, inst)
        assert not drv.instance_exists(inst)

    def test_actions_on_unknown_instance_raise(self, drv):
        inst = make_instance()
        for call in (lambda: drv.get_info(inst),
                     lambda: drv.power_off(inst),
                     lambda: drv.power_on(None, inst, None),
                     lambda: drv.reboot(None, inst, None, 'HARD'),
                     lambda: drv.pause(inst),
                     lambda: drv.get_console_output(None, inst)):
            with pytest.raises(exception.InstanceNotFoundOnHypervisor):
                call()

    def test_spawn_twice_raises_instance_exists(self, drv):
        inst = make_instance()
        spawn(drv, inst)
        with pytest.raises(exception.InstanceExists):
            spawn(drv, inst)
        assert state(drv, inst) == power_state.RUNNING

    def test_failed_spawn_raises_and_leaves_nothing(self, drv, flags,  # noqa
                                                    tmp_path):
        if drv.kind == 'fake':
            flags.set(group='fake_driver', fail_spawn=True)
            inst = make_instance()
        else:
            # NOTE: a name the test hypervisor already holds (its default
            # domain) under another uuid makes defineXML fail for real.
            inst = make_instance(name='test')
        with pytest.raises(exception.InstanceDeployFailure) as err:
            spawn(drv, inst)
        assert CONF.host in str(err.value)
        assert not drv.instance_exists(inst)
        assert inst.uuid not in drv.list_instance_uuids()
        assert not (tmp_path / 'instances' / inst.uuid).exists()

    def test_available_resource(self, drv):
        node = drv.get_available_nodes()
        assert len(node) == 1 and node[0]
        before = drv.get_available_resource(node[0])
        assert set(before) == RESOURCE_KEYS
        assert before['hypervisor_hostname'] == node[0]
        assert isinstance(before['hypervisor_version'], int)
        assert isinstance(json.loads(before['cpu_info']), dict)
        for key in ('vcpus', 'memory_mb', 'local_gb'):
            assert before[key] > 0

        inst = make_instance(flavor=make_flavor(vcpus=2, memory_mb=128))
        spawn(drv, inst)
        after = drv.get_available_resource(node[0])
        assert after['vcpus_used'] - before['vcpus_used'] == 2
        assert after['memory_mb_used'] - before['memory_mb_used'] == 128

    def test_console_output(self, drv, tmp_path):
        inst = make_instance()
        spawn(drv, inst)
        output = drv.get_console_output(None, inst)
        assert isinstance(output, str)
        if drv.kind == 'fake':
            assert inst.uuid in output
        else:
            # NOTE: the test hypervisor runs no guest, so nothing writes
            # the log; write it as a guest's serial port would.
            assert output == ''
            log = tmp_path / 'instances' / inst.uuid / 'console.log'
            log.write_text('login: %s\n' % inst.uuid)
            assert inst.uuid in drv.get_console_output(None, inst)

    def test_instances_are_independent(self, drv):
        one, two = make_instance(1), make_instance(2)
        spawn(drv, one)
        spawn(drv, two)
        drv.power_off(one)
        assert state(drv, one) == power_state.SHUTDOWN
        assert state(drv, two) == power_state.RUNNING
        drv.destroy(None, one)
        assert drv.instance_exists(two)
        assert two.name in drv.list_instances()

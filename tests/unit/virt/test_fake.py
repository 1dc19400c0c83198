"""FakeDriver specifics: host size from config, per-host state, concurrency."""

import pytest

from nova_lite import exception
from nova_lite.states import power_state
from nova_lite import utils
from nova_lite.virt import fake
from nova_lite.virt import virtapi

from .helpers import make_flavor
from .helpers import make_instance


def _spawn(driver, instance):
    driver.spawn(None, instance, {}, [], None, {})


def test_size_comes_from_config(flags):
    flags.set(group='fake_driver', vcpus=3, memory_mb=2048, local_gb=40,
              hypervisor_type='fakevisor')
    driver = fake.FakeDriver(virtapi.VirtAPI())
    driver.init_host('host-a')
    assert driver.get_available_nodes() == ['host-a']
    res = driver.get_available_resource('host-a')
    assert (res['vcpus'], res['memory_mb'], res['local_gb']) == (3, 2048, 40)
    assert res['hypervisor_type'] == 'fakevisor'
    assert res['hypervisor_hostname'] == 'host-a'


def test_hosts_in_one_process_are_separate():
    a, b = fake.FakeDriver(None), fake.FakeDriver(None)
    a.init_host('a')
    b.init_host('b')
    inst = make_instance()
    _spawn(a, inst)
    assert a.instance_exists(inst) and not b.instance_exists(inst)


def test_fail_spawn_names_the_host(flags):
    flags.set(group='fake_driver', fail_spawn=True)
    driver = fake.FakeDriver(None)
    driver.init_host('sick-host')
    with pytest.raises(exception.InstanceDeployFailure) as err:
        _spawn(driver, make_instance())
    assert 'sick-host' in str(err.value)
    assert driver.list_instances() == []


def test_concurrent_spawns_with_delay(flags):
    flags.set(group='fake_driver', spawn_delay=0.05)
    driver = fake.FakeDriver(None)
    driver.init_host('busy')
    instances = [make_instance(i, flavor=make_flavor(vcpus=1, memory_mb=10))
                 for i in range(50)]
    threads = [utils.spawn(_spawn, driver, inst) for inst in instances]
    # NOTE: while the spawns sleep, each guest is already listed (NOSTATE)
    # and counted, as a real host would count a guest being started.
    utils.sleep(0)
    assert driver.get_available_resource('busy')['vcpus_used'] == 50
    for thread in threads:
        thread.wait()
    assert sorted(driver.list_instance_uuids()) == sorted(
        i.uuid for i in instances)
    assert {driver.get_info(i).state for i in instances} == {
        power_state.RUNNING}
    assert driver.get_available_resource('busy')['memory_mb_used'] == 500


def test_destroy_during_spawn_fails_the_spawn(flags):
    flags.set(group='fake_driver', spawn_delay=0.05)
    driver = fake.FakeDriver(None)
    inst = make_instance()
    thread = utils.spawn(_spawn, driver, inst)
    utils.sleep(0)
    driver.destroy(None, inst)
    with pytest.raises(exception.InstanceDeployFailure):
        thread.wait()
    assert not driver.instance_exists(inst)


def test_console_tells_boots_and_shutdowns():
    driver = fake.FakeDriver(None)
    driver.init_host('h')
    inst = make_instance()
    _spawn(driver, inst)
    driver.power_off(inst, timeout=5, retry_interval=1)
    driver.power_on(None, inst, None)
    driver.power_off(inst)
    driver.reboot(None, inst, None, 'HARD')
    driver.reboot(None, inst, None, 'SOFT')
    lines = driver.get_console_output(None, inst).splitlines()
    ready = '%s uuid=%s' % (fake.READY_MARKER, inst.uuid)
    assert [line for line in lines if 'booting' not in line] == [
        ready, fake.POWEROFF_MARKER, ready,
        'fake hypervisor: guest %s powered off' % inst.name, ready,
        fake.POWEROFF_MARKER, ready]


def test_console_log_is_bounded():
    driver = fake.FakeDriver(None)
    driver.init_host('h')
    inst = make_instance()
    _spawn(driver, inst)
    for _ in range(fake.MAX_CONSOLE_LINES):
        driver.reboot(None, inst, None, 'SOFT')
    lines = driver.get_console_output(None, inst).splitlines()
    assert len(lines) == fake.MAX_CONSOLE_LINES


def test_power_actions_take_the_configured_time(flags, monkeypatch):
    flags.set(group='fake_driver', power_action_delay=0.5)
    slept = []
    monkeypatch.setattr(utils, 'sleep', slept.append)
    driver = fake.FakeDriver(None)
    driver.init_host('h')
    inst = make_instance()
    _spawn(driver, inst)
    driver.power_off(inst)
    driver.power_on(None, inst, None)
    driver.reboot(None, inst, None, 'HARD')
    assert slept == [0.5, 0.5, 0.5]

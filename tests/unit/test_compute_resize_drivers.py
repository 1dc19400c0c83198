"""The resize contract of the virt drivers, run against the fake driver
and libvirt's test:///default (disks made by the real qemu-img): a resize
on one host, its confirm, its revert, and a refused smaller disk."""

import json
import os
import types

import pytest

from nova_lite.conf import CONF
from nova_lite import exception
from nova_lite.states import power_state
from nova_lite.virt import driver as virt_driver
from nova_lite.virt import virtapi

from tests.unit.virt.helpers import FakeImageAPI
from tests.unit.virt.helpers import libvirt_available
from tests.unit.virt.helpers import make_flavor
from tests.unit.virt.helpers import make_instance

DRIVERS = [
    'fake',
    pytest.param('libvirt', marks=pytest.mark.skipif(
        not libvirt_available(), reason='libvirt-python is not installed')),
]
GiB = 1024 ** 3


@pytest.fixture(params=DRIVERS)
def drv(request, flags, tmp_path):
    flags.set(host='virt-test-host', state_path=str(tmp_path))
    flags.set(group='libvirt', connection_uri='test:///default')
    flags.set(group='fake_driver', power_action_delay=0)
    driver = virt_driver.load_compute_driver(virtapi.VirtAPI(),
                                             request.param)
    driver.init_host(CONF.host)
    driver.kind = request.param
    if request.param == 'libvirt':
        driver._image_api = FakeImageAPI()
    yield driver
    driver.cleanup_host(CONF.host)


def _state(driver, instance):
    return driver.get_info(instance).state


def _migration():
    return types.SimpleNamespace(source_compute=CONF.host,
                                 dest_compute=CONF.host)


def _domain(driver, instance):
    """(memory MiB, vCPUs) the libvirt domain is defined with."""
    from nova_lite.virt.libvirt import config as vconfig
    guest = driver._host.get_guest(instance)
    conf = vconfig.LibvirtConfigGuest().parse_str(guest.get_xml_desc())
    return conf.memory // 1024, conf.vcpus


def _resize(driver, instance, new_flavor):
    disk_info = driver.migrate_disk_and_power_off(
        None, instance, CONF.host, new_flavor, None)
    assert _state(driver, instance) == power_state.SHUTDOWN
    old_flavor = instance.flavor
    instance.flavor = new_flavor
    driver.finish_migration(None, _migration(), instance, disk_info, None,
                            {}, resize_instance=True, power_on=True)
    assert _state(driver, instance) == power_state.RUNNING
    return old_flavor


def test_resize_on_one_host_then_confirm(drv):
    inst = make_instance()
    drv.spawn(None, inst, image_meta={}, injected_files=[],
              admin_password=None, allocations={})
    _resize(drv, inst, make_flavor(memory_mb=128, vcpus=2, root_gb=2))
    if drv.kind == 'libvirt':
        assert _domain(drv, inst) == (128, 2)
        root = os.path.join(CONF.state_path, 'instances', inst.uuid, 'disk')
        from nova_lite.virt.libvirt import imagebackend
        assert imagebackend.qemu_img_info(root, 'qcow2')[
            'virtual-size'] == 2 * GiB
        assert os.path.isdir(drv._resize_dir(inst))
    drv.confirm_migration(None, _migration(), inst, None)
    assert _state(drv, inst) == power_state.RUNNING
    if drv.kind == 'libvirt':
        assert not os.path.exists(drv._resize_dir(inst))
    drv.destroy(None, inst)
    assert not drv.instance_exists(inst)


def test_revert_brings_the_old_guest_back(drv):
    inst = make_instance()
    drv.spawn(None, inst, image_meta={}, injected_files=[],
              admin_password=None, allocations={})
    old = _resize(drv, inst, make_flavor(memory_mb=128, vcpus=2))
    # The destination (here the same host) destroys the resized guest.
    drv.destroy(None, inst, destroy_disks=True)
    inst.flavor = old
    drv.finish_revert_migration(None, inst, None, _migration(),
                                power_on=True)
    assert _state(drv, inst) == power_state.RUNNING
    if drv.kind == 'libvirt':
        assert _domain(drv, inst) == (64, 1)
        assert os.path.exists(os.path.join(
            CONF.state_path, 'instances', inst.uuid, 'disk'))
        assert not os.path.exists(drv._resize_dir(inst))
    drv.destroy(None, inst)


def test_smaller_root_disk_is_refused_untouched(drv):
    inst = make_instance(flavor=make_flavor(root_gb=2))
    drv.spawn(None, inst, image_meta={}, injected_files=[],
              admin_password=None, allocations={})
    with pytest.raises(exception.ResizeError):
        drv.migrate_disk_and_power_off(None, inst, CONF.host,
                                       make_flavor(root_gb=1), None)
    assert _state(drv, inst) == power_state.RUNNING
    drv.destroy(None, inst)


def test_disk_info_is_json(drv):
    inst = make_instance()
    drv.spawn(None, inst, image_meta={}, injected_files=[],
              admin_password=None, allocations={})
    info = drv.migrate_disk_and_power_off(None, inst, CONF.host,
                                          make_flavor(), None)
    assert isinstance(json.loads(info), dict)
    drv.destroy(None, inst)

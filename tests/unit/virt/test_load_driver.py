"""load_compute_driver: drivers found by name, unknown names refused."""

import pytest

from nova_lite import exception
from nova_lite.virt import driver as virt_driver
from nova_lite.virt import fake
from nova_lite.virt.libvirt import driver as libvirt_driver
from nova_lite.virt import virtapi
from tests.fixtures import entry_points


@pytest.mark.parametrize('name, cls', [
    ('fake', fake.FakeDriver),
    ('libvirt', libvirt_driver.LibvirtDriver),
    ('fake.FakeDriver', fake.FakeDriver),
    ('libvirt.LibvirtDriver', libvirt_driver.LibvirtDriver),
])
def test_load_by_name(name, cls):
    api = virtapi.VirtAPI()
    loaded = virt_driver.load_compute_driver(api, name)
    assert type(loaded) is cls
    assert loaded.virtapi is api


def test_default_name_comes_from_config(flags):
    flags.set(compute_driver='libvirt')
    loaded = virt_driver.load_compute_driver(virtapi.VirtAPI())
    assert isinstance(loaded, libvirt_driver.LibvirtDriver)


def test_unknown_name_raises():
    with pytest.raises(exception.VirtDriverNotFound) as err:
        virt_driver.load_compute_driver(virtapi.VirtAPI(), 'hyperv')
    assert 'hyperv' in str(err.value)


def test_driver_of_another_package_is_found(tmp_path, monkeypatch):
    entry_points.install(tmp_path, monkeypatch,
                         virt_driver.DRIVER_NAMESPACE,
                         {'other': 'nova_lite.virt.fake:FakeDriver'})
    loaded = virt_driver.load_compute_driver(virtapi.VirtAPI(), 'other')
    assert isinstance(loaded, fake.FakeDriver)


def test_unimportable_driver_raises_not_found(tmp_path, monkeypatch):
    entry_points.install(tmp_path, monkeypatch,
                         virt_driver.DRIVER_NAMESPACE,
                         {'broken': 'nova_lite.virt.nowhere:Driver'})
    with pytest.raises(exception.VirtDriverNotFound) as err:
        virt_driver.load_compute_driver(virtapi.VirtAPI(), 'broken')
    assert 'broken' in str(err.value)


def test_compute_manager_refuses_unknown_driver_at_start(flags):
    from nova_lite.compute import manager
    flags.set(compute_driver='hyperv')
    with pytest.raises(exception.VirtDriverNotFound):
        manager.ComputeManager(host='h1')

"""load_compute_driver: drivers found by name, unknown names refused."""

import importlib.metadata

import pytest

from nova_lite import exception
from nova_lite.virt import driver as virt_driver
from nova_lite.virt import fake
from nova_lite.virt.libvirt import driver as libvirt_driver
from nova_lite.virt import virtapi


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


def test_builtin_table_used_without_entry_points(monkeypatch):
    monkeypatch.setattr(importlib.metadata, 'entry_points',
                        lambda group: [])
    loaded = virt_driver.load_compute_driver(virtapi.VirtAPI(), 'fake')
    assert isinstance(loaded, fake.FakeDriver)


def test_unimportable_driver_raises_not_found(monkeypatch):
    monkeypatch.setitem(virt_driver.BUILTIN_DRIVERS, 'broken',
                        'nova_lite.virt.no_such_module:Driver')
    with pytest.raises(exception.VirtDriverNotFound):
        virt_driver.load_compute_driver(virtapi.VirtAPI(), 'broken')


def test_builtin_table_matches_setup_cfg():
    import configparser
    import pathlib
    setup_cfg = pathlib.Path(__file__).parents[3] / 'setup.cfg'
    parser = configparser.ConfigParser()
    parser.read(setup_cfg)
    declared = dict(
        line.replace(' ', '').split('=', 1) for line in
        parser['entry_points']['nova_lite.compute.drivers'].split('\n')
        if line.strip())
    assert declared == virt_driver.BUILTIN_DRIVERS

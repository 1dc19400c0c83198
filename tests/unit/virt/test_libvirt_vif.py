"""Guest NICs: the ``<interface>`` config, the designer's choices, spawn and
destroy on test:///default, and the config drive's network_data.json as
the test guest reads it."""

import json
import shutil
from unittest import mock

import pytest

from nova_lite.conf import CONF
from nova_lite.network import api as network_api
from nova_lite import objects
from nova_lite.objects import network_info as model
from nova_lite.virt import configdrive
from nova_lite.virt import driver as virt_driver
from nova_lite.virt.libvirt import config as vconfig
from nova_lite.virt.libvirt import designer
from nova_lite.virt import virtapi

from .helpers import FakeImageAPI
from .helpers import libvirt_available
from .helpers import make_instance

VIF_IDS = ('0b1c2d3e-4f50-4a6b-8c9d-0e1f2a3b4c5d',
           '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d')


def _network_info(mtu=1450):
    """What network_api.build_network_info makes of two VIFs."""
    one = objects.Network(uuid='11111111-2222-3333-4444-555555555555',
                          label='private', cidr='192.0.2.0/24',
                          gateway='192.0.2.1', bridge='brq11111111-22',
                          dns1='192.0.2.53', dns2=None, mtu=mtu,
                          project_id=None)
    two = objects.Network(uuid='66666666-7777-8888-9999-000000000000',
                          label='backend', cidr='198.51.100.0/28',
                          gateway='198.51.100.14', bridge='br-backend',
                          dns1=None, dns2=None, mtu=None, project_id='p1')
    vifs = [objects.VirtualInterface(uuid=VIF_IDS[0],
                                     address='fa:16:3e:00:02:0a',
                                     network=one, fixed_ips=['192.0.2.10']),
            objects.VirtualInterface(uuid=VIF_IDS[1],
                                     address='fa:16:3e:00:02:0b',
                                     network=two,
                                     fixed_ips=['198.51.100.1'])]
    return network_api.build_network_info(vifs)


def test_interface_config_round_trip():
    conf = vconfig.LibvirtConfigGuestInterface()
    conf.mac_addr = 'fa:16:3e:00:02:0a'
    conf.source_dev = 'br100'
    conf.target_dev = 'tap0b1c2d3e-4f'
    conf.model = 'virtio'
    conf.mtu = 1450
    xml = conf.to_xml()
    assert xml == ('<interface type="bridge">\n'
                   '  <mac address="fa:16:3e:00:02:0a" />\n'
                   '  <source bridge="br100" />\n'
                   '  <target dev="tap0b1c2d3e-4f" />\n'
                   '  <model type="virtio" />\n'
                   '  <mtu size="1450" />\n'
                   '</interface>')
    parsed = vconfig.LibvirtConfigGuestInterface().parse_str(xml)
    assert vars(parsed) == vars(conf)


def test_designer_plugs_each_vif_into_its_bridge(flags):
    info = _network_info()
    instance = make_instance(7)
    guest = designer.guest_config(instance, 'kvm', '/s/i/u',
                                  network_info=info)
    nics = [d for d in guest.devices
            if isinstance(d, vconfig.LibvirtConfigGuestInterface)]
    assert [(n.net_type, n.mac_addr, n.source_dev, n.target_dev, n.model,
             n.mtu) for n in nics] == [
        ('bridge', 'fa:16:3e:00:02:0a', 'brq11111111-22', 'tap0b1c2d3e-4f',
         'virtio', 1450),
        ('bridge', 'fa:16:3e:00:02:0b', 'br-backend', 'tap7a6b5c4d-3e',
         'virtio', CONF.network.default_mtu - 50)]
    # NICs come after the disks and before the console, as in Nova.
    kinds = [type(d).__name__ for d in guest.devices]
    assert kinds.index('LibvirtConfigGuestInterface') > kinds.index(
        'LibvirtConfigGuestDisk')
    assert kinds[-1] == 'LibvirtConfigGuestConsole'
    parsed = vconfig.LibvirtConfigGuest().parse_str(guest.to_xml())
    assert [d.mac_addr for d in parsed.devices
            if isinstance(d, vconfig.LibvirtConfigGuestInterface)] == [
        'fa:16:3e:00:02:0a', 'fa:16:3e:00:02:0b']


def test_image_may_choose_the_nic_model():
    vif = _network_info()[0]
    assert designer.interface_config(
        vif, {'hw_vif_model': 'e1000'}).model == 'e1000'


def test_no_network_info_no_nic():
    guest = designer.guest_config(make_instance(7), 'kvm', '/s/i/u')
    assert not [d for d in guest.devices
                if isinstance(d, vconfig.LibvirtConfigGuestInterface)]


def _flatten(value, prefix=''):
    """The keys the test guest's jsonflat.awk makes: a/0/b -> value."""
    flat = {}
    if isinstance(value, dict):
        for key, item in value.items():
            flat.update(_flatten(item, '%s%s/' % (prefix, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            flat.update(_flatten(item, '%s%d/' % (prefix, index)))
    else:
        flat[prefix.rstrip('/')] = value
    return flat


def test_network_data_is_what_the_test_guest_reads():
    data = configdrive.network_data(_network_info())
    # The paths configure_network() of the test guest's init reads.
    flat = _flatten(json.loads(json.dumps(data)))
    assert flat['links/0/id'] == 'tap0b1c2d3e-4f'
    assert flat['links/0/ethernet_mac_address'] == 'fa:16:3e:00:02:0a'
    assert flat['links/0/mtu'] == 1450
    assert flat['links/0/type'] == 'bridge'
    assert flat['links/1/id'] == 'tap7a6b5c4d-3e'
    assert flat['networks/0/type'] == 'ipv4'
    assert flat['networks/0/link'] == 'tap0b1c2d3e-4f'
    assert flat['networks/0/ip_address'] == '192.0.2.10'
    assert flat['networks/0/netmask'] == '255.255.255.0'
    assert flat['networks/0/routes/0/network'] == '0.0.0.0'
    assert flat['networks/0/routes/0/netmask'] == '0.0.0.0'
    assert flat['networks/0/routes/0/gateway'] == '192.0.2.1'
    assert flat['networks/0/network_id'] == \
        '11111111-2222-3333-4444-555555555555'
    assert flat['networks/1/link'] == 'tap7a6b5c4d-3e'
    assert flat['networks/1/ip_address'] == '198.51.100.1'
    assert flat['networks/1/netmask'] == '255.255.255.240'
    assert flat['networks/1/routes/0/gateway'] == '198.51.100.14'
    assert data['services'] == [{'type': 'dns', 'address': '192.0.2.53'}]


def test_network_data_of_a_stored_network_info():
    """What the instance row keeps reads back into the same drive data."""
    info = _network_info()
    again = model.NetworkInfo.hydrate(info.json())
    assert configdrive.network_data(again) == configdrive.network_data(info)


# ---- the libvirt driver on test:///default ---------------------------------

needs_libvirt = pytest.mark.skipif(
    not libvirt_available() or not shutil.which('qemu-img'),
    reason='libvirt-python and qemu-img are needed')


@pytest.fixture
def drv(flags, tmp_path):
    flags.set(host='virt-test-host', state_path=str(tmp_path))
    flags.set(group='libvirt', connection_uri='test:///default')
    driver = virt_driver.load_compute_driver(virtapi.VirtAPI(), 'libvirt')
    driver.init_host(CONF.host)
    driver._image_api = FakeImageAPI()
    yield driver
    driver.cleanup_host(CONF.host)


@needs_libvirt
def test_spawn_defines_one_nic_per_vif_and_keeps_them(drv):
    inst = make_instance()
    info = _network_info()
    with mock.patch('nova_lite.network.linux_net.ensure_bridge') as ensure:
        drv.spawn(None, inst, {'id': inst.image_ref, 'disk_format': 'raw'},
                  [], None, None, network_info=info)
    # NOTE: the test hypervisor has no host to plug into.
    ensure.assert_not_called()
    xml = drv._host.get_guest(inst).get_xml_desc()
    domain = vconfig.LibvirtConfigGuest().parse_str(xml)
    nics = [d for d in domain.devices
            if isinstance(d, vconfig.LibvirtConfigGuestInterface)]
    assert [(n.mac_addr, n.source_dev, n.target_dev) for n in nics] == [
        ('fa:16:3e:00:02:0a', 'brq11111111-22', 'tap0b1c2d3e-4f'),
        ('fa:16:3e:00:02:0b', 'br-backend', 'tap7a6b5c4d-3e')]
    assert drv._load_boot_info(inst)['network_info'] == json.loads(
        info.json())
    # A guest generated again gets the very same NICs.
    regenerated = vconfig.LibvirtConfigGuest().parse_str(
        drv._guest_xml(inst, drv._load_boot_info(inst)))
    assert [d.mac_addr for d in regenerated.devices
            if isinstance(d, vconfig.LibvirtConfigGuestInterface)] == [
        'fa:16:3e:00:02:0a', 'fa:16:3e:00:02:0b']
    drv.destroy(None, inst)
    assert not drv.instance_exists(inst)


@needs_libvirt
def test_spawn_plugs_and_destroy_unplugs_on_a_real_host(drv):
    inst = make_instance()
    info = _network_info()
    with mock.patch.object(drv, '_plugs_host_devices', return_value=True), \
            mock.patch('nova_lite.network.linux_net.ensure_bridge') as \
            ensure, \
            mock.patch('nova_lite.network.linux_net.delete_net_dev') as \
            delete:
        drv.spawn(None, inst, {'id': inst.image_ref, 'disk_format': 'raw'},
                  [], None, None, network_info=info)
        assert ensure.call_args_list == [
            mock.call('brq11111111-22', mtu=1450),
            mock.call('br-backend', mtu=CONF.network.default_mtu - 50)]
        assert [c.args for c in delete.call_args_list] == [
            ('tap0b1c2d3e-4f',), ('tap7a6b5c4d-3e',)]
        delete.reset_mock()
        # NOTE: without network_info, destroy finds the taps in what
        # spawn recorded.
        drv.destroy(None, inst)
        assert [c.args for c in delete.call_args_list] == [
            ('tap0b1c2d3e-4f',), ('tap7a6b5c4d-3e',)]


@needs_libvirt
def test_a_bridge_that_cannot_be_made_fails_the_spawn_here(drv):
    from nova_lite import exception
    inst = make_instance()
    with mock.patch.object(drv, '_plugs_host_devices', return_value=True), \
            mock.patch('nova_lite.network.linux_net.ensure_bridge',
                       side_effect=exception.InternalError(err='no perm')):
        with pytest.raises(exception.InstanceDeployFailure):
            drv.spawn(None, inst,
                      {'id': inst.image_ref, 'disk_format': 'raw'},
                      [], None, None, network_info=_network_info())
    assert not drv.instance_exists(inst)

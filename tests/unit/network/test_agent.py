"""network/agent: a host's bridges joined to their segments; linux_net and
the tunnel endpoint objects are mocked at the edge."""

import types
from unittest import mock

import pytest

from nova_lite import exception
from nova_lite.network import agent as l2_agent
from nova_lite.network import linux_net
from nova_lite import objects
from nova_lite.objects import network_info as model

LINUX_NET = ('ensure_bridge', 'add_to_bridge', 'set_mtu', 'ensure_vxlan',
             'set_vxlan_peers', 'ensure_vlan', 'device_exists')
LOCAL_IP = '192.0.2.10'


@pytest.fixture
def net():
    """linux_net's host-changing functions, recorded in order on one
    mock; every device exists."""
    recorder = mock.Mock()
    recorder.device_exists.return_value = True
    patches = [mock.patch.object(linux_net, name, getattr(recorder, name))
               for name in LINUX_NET]
    for patch in patches:
        patch.start()
    yield recorder
    for patch in patches:
        patch.stop()


class Endpoints:
    """The tunnel_endpoints table, behind the mocked objects."""

    def __init__(self, *addresses):
        self.addresses = list(addresses)

    def get_all(self, context):
        return [types.SimpleNamespace(host='h%d' % i, ip_address=address)
                for i, address in enumerate(self.addresses)]


@pytest.fixture
def endpoints():
    table = Endpoints(LOCAL_IP, '192.0.2.11', '192.0.2.12')
    with mock.patch.object(objects.TunnelEndpointList, 'get_all',
                           side_effect=table.get_all), \
            mock.patch.object(objects.TunnelEndpoint,
                              'register') as register:
        table.register = register
        yield table


@pytest.fixture
def agent(flags, net, endpoints):
    flags(physical_interface_mappings=['physnet1:eth1', 'physnet2:bond0'],
          group='network')
    return l2_agent.L2Agent('h0')


def _network(bridge='brq1', mtu=1450, **segment):
    meta = dict(segment, mtu=mtu) if mtu else dict(segment)
    return model.Network(id='net-' + bridge, bridge=bridge, meta=meta)


def _vxlan(bridge='brq1', vni=1001, mtu=1450):
    return _network(bridge, mtu, network_type='vxlan', segmentation_id=vni)


def _host_calls(net):
    return [c for c in net.mock_calls if c[0] != 'device_exists']


# ---- device names ----------------------------------------------------------

@pytest.mark.parametrize('interface, vid, expected', [
    ('eth1', 100, 'eth1.100'),
    ('eth1', 4094, 'eth1.4094'),
    ('enp0s31f6', 4094, 'enp0s31f6.4094'),
    ('enp0s31f6x', 4094, 'enp0s31f6x.4094'),
    ('enp0s31f6xy', 4094, 'enp0s31f6x.4094'),
    ('verylonginterface', 1, 'verylonginter.1'),
    ('verylonginterface', 42, 'verylonginte.42'),
    ('verylonginterface', 4094, 'verylongin.4094'),
])
def test_vlan_device_fits_fifteen_characters(interface, vid, expected):
    name = l2_agent.vlan_device(interface, vid)
    assert name == expected
    assert len(name) <= 15


@pytest.mark.parametrize('vni, expected', [
    (1, 'vxlan-1'), (1001, 'vxlan-1001'), (2 ** 24 - 1, 'vxlan-16777215')])
def test_vxlan_device(vni, expected):
    assert l2_agent.vxlan_device(vni) == expected
    assert len(expected) <= 15


# ---- plug ------------------------------------------------------------------

def test_plug_vxlan_with_a_tunnel_address(agent, net, endpoints, flags,
                                          admin_ctxt):
    flags(local_ip=LOCAL_IP, group='network')
    assert agent.tunnels
    agent.plug(admin_ctxt, _vxlan())
    assert _host_calls(net) == [
        mock.call.ensure_bridge('brq1', mtu=1450),
        mock.call.ensure_vxlan('vxlan-1001', 1001, LOCAL_IP, 4789,
                               mtu=1450),
        mock.call.set_vxlan_peers('vxlan-1001',
                                  {'192.0.2.11', '192.0.2.12'}),
        mock.call.add_to_bridge('brq1', 'vxlan-1001'),
        mock.call.set_mtu('brq1', 1450)]
    endpoints.register.assert_called_once_with(admin_ctxt, 'h0', LOCAL_IP)


def test_plug_vxlan_uses_the_vxlan_port(agent, net, flags, admin_ctxt):
    flags(local_ip=LOCAL_IP, vxlan_port=8472, group='network')
    agent.plug(admin_ctxt, _vxlan(vni=7, mtu=None))
    assert mock.call.ensure_vxlan('vxlan-7', 7, LOCAL_IP, 8472,
                                  mtu=None) in net.mock_calls
    assert not net.set_mtu.called


def test_plug_vxlan_registers_once(agent, endpoints, flags, admin_ctxt):
    flags(local_ip=LOCAL_IP, group='network')
    agent.plug(admin_ctxt, _vxlan('brq1', 1001))
    agent.plug(admin_ctxt, _vxlan('brq2', 1002))
    assert endpoints.register.call_count == 1


def test_peers_exclude_only_the_own_address(agent, net, endpoints, flags,
                                            admin_ctxt):
    flags(local_ip=LOCAL_IP, group='network')
    endpoints.addresses = [LOCAL_IP, '192.0.2.100', '192.0.2.11']
    agent.plug(admin_ctxt, _vxlan())
    net.set_vxlan_peers.assert_called_once_with(
        'vxlan-1001', {'192.0.2.100', '192.0.2.11'})
    net.reset_mock()
    endpoints.addresses = [LOCAL_IP]
    agent.plug(admin_ctxt, _vxlan())
    net.set_vxlan_peers.assert_called_once_with('vxlan-1001', set())


@pytest.mark.parametrize('network', [
    _vxlan(),
    # NOTE: a network model without a VNI (made before segments).
    _network(mtu=1450),
    _network(mtu=1450, network_type='vxlan'),
])
def test_plug_vxlan_without_a_tunnel_address(agent, net, endpoints,
                                             admin_ctxt, network):
    assert not agent.tunnels
    agent.plug(admin_ctxt, network)
    assert _host_calls(net) == [mock.call.ensure_bridge('brq1', mtu=1450),
                                mock.call.set_mtu('brq1', 1450)]
    assert not endpoints.register.called


def test_plug_vxlan_without_a_vni_joins_nothing(agent, net, endpoints,
                                                flags, admin_ctxt):
    flags(local_ip=LOCAL_IP, group='network')
    agent.plug(admin_ctxt, _network(mtu=1450, network_type='vxlan'))
    assert _host_calls(net) == [mock.call.ensure_bridge('brq1', mtu=1450),
                                mock.call.set_mtu('brq1', 1450)]


@pytest.mark.parametrize('physnet, vid, interface, device', [
    ('physnet1', 100, 'eth1', 'eth1.100'),
    ('physnet2', 4094, 'bond0', 'bond0.4094'),
])
def test_plug_vlan(agent, net, endpoints, flags, admin_ctxt, physnet, vid,
                   interface, device):
    # NOTE: the tunnel address plays no part in a VLAN network.
    flags(local_ip=LOCAL_IP, group='network')
    agent.plug(admin_ctxt, _network(
        'brq1', 1500, network_type='vlan', physical_network=physnet,
        segmentation_id=vid))
    assert _host_calls(net) == [
        mock.call.ensure_bridge('brq1', mtu=1500),
        mock.call.ensure_vlan(device, interface, vid),
        mock.call.add_to_bridge('brq1', device),
        mock.call.set_mtu('brq1', 1500)]
    assert not endpoints.register.called


def test_plug_vlan_of_a_long_interface_name(agent, net, flags, admin_ctxt):
    flags(physical_interface_mappings=['physnet1:enp0s31f6xyz'],
          group='network')
    agent.plug(admin_ctxt, _network(network_type='vlan',
                                    physical_network='physnet1',
                                    segmentation_id=4000))
    net.ensure_vlan.assert_called_once_with('enp0s31f6x.4000',
                                            'enp0s31f6xyz', 4000)
    net.add_to_bridge.assert_called_once_with('brq1', 'enp0s31f6x.4000')


def test_plug_flat(agent, net, admin_ctxt):
    agent.plug(admin_ctxt, _network('brq9', None, network_type='flat',
                                    physical_network='physnet2'))
    assert _host_calls(net) == [mock.call.ensure_bridge('brq9', mtu=None),
                                mock.call.add_to_bridge('brq9', 'bond0')]


@pytest.mark.parametrize('segment', [
    dict(network_type='flat', physical_network='physnet9'),
    dict(network_type='vlan', physical_network='physnet9',
         segmentation_id=5),
])
def test_plug_without_a_mapping_for_the_physnet(agent, net, admin_ctxt,
                                                segment):
    with pytest.raises(exception.InvalidInput) as caught:
        agent.plug(admin_ctxt, _network(**segment))
    message = caught.value.format_message()
    assert 'host h0 has no interface for physical network physnet9' in \
        message
    assert not net.ensure_vlan.called
    assert not net.add_to_bridge.called


def test_plug_all_plugs_each_bridge_once(agent, net, admin_ctxt):
    network_info = model.NetworkInfo([
        model.VIF(id='a', network=_vxlan('brq1')),
        model.VIF(id='b', network=_vxlan('brq2', 1002)),
        model.VIF(id='c', network=_vxlan('brq1')),
        model.VIF(id='d', network=None)])
    agent.plug_all(admin_ctxt, network_info)
    assert net.ensure_bridge.call_args_list == [
        mock.call('brq1', mtu=1450), mock.call('brq2', mtu=1450)]
    agent.plug_all(admin_ctxt, None)


# ---- tunnels ---------------------------------------------------------------

def test_sync_tunnels_updates_every_vxlan_device(agent, net, endpoints,
                                                 flags, admin_ctxt):
    flags(local_ip=LOCAL_IP, group='network')
    agent.plug(admin_ctxt, _vxlan('brq1', 1001))
    agent.plug(admin_ctxt, _vxlan('brq2', 1002))
    agent.plug(admin_ctxt, _network('brq3', network_type='flat',
                                    physical_network='physnet1'))
    net.reset_mock()
    endpoints.register.reset_mock()
    endpoints.addresses = ['192.0.2.12', LOCAL_IP, '192.0.2.13']
    agent.sync_tunnels(admin_ctxt)
    peers = {'192.0.2.12', '192.0.2.13'}
    assert sorted(net.set_vxlan_peers.call_args_list) == [
        mock.call('vxlan-1001', peers), mock.call('vxlan-1002', peers)]
    # NOTE: re-registered: the record may have been removed meanwhile.
    endpoints.register.assert_called_once_with(admin_ctxt, 'h0', LOCAL_IP)
    assert not net.ensure_bridge.called


def test_sync_tunnels_forgets_a_vanished_device(agent, net, flags,
                                                admin_ctxt):
    flags(local_ip=LOCAL_IP, group='network')
    agent.plug(admin_ctxt, _vxlan('brq1', 1001))
    agent.plug(admin_ctxt, _vxlan('brq2', 1002))
    net.reset_mock()
    net.device_exists.side_effect = lambda name: name != 'vxlan-1001'
    agent.sync_tunnels(admin_ctxt)
    assert [c.args[0] for c in net.set_vxlan_peers.call_args_list] == [
        'vxlan-1002']
    net.reset_mock()
    net.device_exists.side_effect = None
    agent.sync_tunnels(admin_ctxt)
    assert [c.args[0] for c in net.set_vxlan_peers.call_args_list] == [
        'vxlan-1002']


def test_forget_stops_keeping_a_device(agent, net, flags, admin_ctxt):
    flags(local_ip=LOCAL_IP, group='network')
    agent.plug(admin_ctxt, _vxlan('brq1', 1001))
    agent.forget('brq1')
    agent.forget('brq1')
    agent.forget(None)
    net.reset_mock()
    agent.sync_tunnels(admin_ctxt)
    assert not net.set_vxlan_peers.called


def test_sync_tunnels_without_a_tunnel_address(agent, net, endpoints,
                                               admin_ctxt):
    agent.plug(admin_ctxt, _vxlan())
    net.reset_mock()
    agent.sync_tunnels(admin_ctxt)
    assert net.mock_calls == []
    assert not endpoints.register.called

"""network/manager: the network host brings each network's bridge,
gateway, DHCP server, metadata proxy and rules in line with a real
sqlite database; the L2 agent, linux_net, dnsmasq, the proxies and
iptables are mocked at the edge, the state directory is tmp_path."""

import json
import os
import types
from unittest import mock

import pytest

from nova_lite.db import instance_api as db_api
from nova_lite.db import network_api as db_network
from nova_lite import exception
from nova_lite.network import agent as l2_agent
from nova_lite.network import api as network_api
from nova_lite.network import iptables
from nova_lite.network import manager as network_manager
from nova_lite import objects
from nova_lite.privsep import linux_net as priv_net

VM = '00000000-0000-4000-8000-000000000001'


class Host:
    """What the manager drives on the host, all mocked."""

    def __init__(self):
        self.dnsmasq = {}
        self.proxies = {}
        self.calls = mock.Mock()

    def make_dnsmasq(self, directory, bridge, cidr, gateway, dns=(),
                     mtu=None):
        server = mock.Mock(name='Dnsmasq(%s)' % bridge)
        self.dnsmasq.setdefault(bridge, []).append(
            ((directory, bridge, cidr, gateway, tuple(dns), mtu), server))
        return server

    def make_proxy(self, network_id, network_uuid, gateway, port):
        proxy = mock.Mock(name='MetadataProxy(%s)' % network_uuid)
        proxy.start.return_value = proxy
        proxy.args = (network_id, network_uuid, gateway, port)
        self.proxies.setdefault(network_uuid, []).append(proxy)
        return proxy


@pytest.fixture
def host(flags, tmp_path):
    flags(state_path=str(tmp_path))
    flags(physical_interface_mappings=['physnet1:eth1', 'physnet2:eth2'],
          group='network')
    fake = Host()
    with mock.patch('nova_lite.network.dhcp.Dnsmasq',
                    side_effect=fake.make_dnsmasq), \
            mock.patch('nova_lite.network.metadata_proxy.MetadataProxy',
                       side_effect=fake.make_proxy), \
            mock.patch('nova_lite.network.linux_net.ensure_address',
                       fake.calls.ensure_address), \
            mock.patch('nova_lite.network.linux_net.delete_net_dev',
                       fake.calls.delete_net_dev), \
            mock.patch('nova_lite.network.iptables.apply',
                       fake.calls.apply), \
            mock.patch('nova_lite.network.iptables.remove',
                       fake.calls.remove):
        yield fake


@pytest.fixture
def manager(host):
    manager = network_manager.NetworkManager('net-host')
    manager.agent = mock.create_autospec(l2_agent.L2Agent, instance=True)
    return manager


@pytest.fixture
def api(database):
    return network_api.API(notify_network_host=False)


@pytest.fixture
def nets(api, admin_ctxt):
    """vxlan (with a server's address), vlan and flat networks."""
    vxlan = api.create(admin_ctxt, 'vx', '192.0.2.0/24',
                       dns=['192.0.2.53'], enable_snat=True)
    vlan = api.create(admin_ctxt, 'vl', '198.51.100.0/24',
                      network_type='vlan', physical_network='physnet1',
                      segmentation_id=100)
    flat = api.create(admin_ctxt, 'fl', '203.0.113.0/24',
                      network_type='flat', physical_network='physnet2')
    db_api.instance_create({'uuid': VM, 'user_id': 'u', 'project_id': 'p',
                            'hostname': 'vm-one', 'vm_state': 'active'})
    vif = objects.VirtualInterface.allocate(admin_ctxt, VM, vxlan.id,
                                            address='192.0.2.10')
    return {'vxlan': vxlan, 'vlan': vlan, 'flat': flat, 'vif': vif}


UPLINK = {'vxlan': 'vxlan-1001', 'vlan': 'eth1.100', 'flat': None}


def _dir(tmp_path, net):
    return os.path.join(str(tmp_path), 'networks', net.uuid)


def _record(tmp_path, net):
    with open(os.path.join(_dir(tmp_path, net), 'network.json')) as f:
        return json.load(f)


def _rules(*networks):
    merged = {}
    for net in networks:
        for key, rules in iptables.network_rules(
                net.bridge, net.cidr, net.gateway, net.enable_snat,
                9697).items():
            merged.setdefault(key, []).extend(rules)
    return merged


# ---- setting networks up ---------------------------------------------------

def test_refresh_sets_up_every_live_network(manager, host, nets, tmp_path,
                                            admin_ctxt):
    manager.refresh_networks(admin_ctxt)
    vxlan, vlan, flat = nets['vxlan'], nets['vlan'], nets['flat']
    assert manager.agent.plug.call_args_list == [
        mock.call(mock.ANY, {'bridge': net.bridge, 'meta': meta})
        for net, meta in sorted([
            (vxlan, {'network_type': 'vxlan', 'physical_network': None,
                     'segmentation_id': 1001, 'mtu': 1450}),
            (vlan, {'network_type': 'vlan', 'physical_network': 'physnet1',
                    'segmentation_id': 100, 'mtu': 1500}),
            (flat, {'network_type': 'flat', 'physical_network': 'physnet2',
                    'segmentation_id': None, 'mtu': 1500})],
            key=lambda pair: pair[0].uuid)]
    assert sorted(host.calls.ensure_address.call_args_list) == sorted(
        mock.call(net.bridge, net.gateway, net.cidr)
        for net in (vxlan, vlan, flat))
    for net in (vxlan, vlan, flat):
        [(args, server)] = host.dnsmasq[net.bridge]
        assert args == (_dir(tmp_path, net), net.bridge, net.cidr,
                        net.gateway, (net.dns1, net.dns2), net.mtu)
        [proxy] = host.proxies[net.uuid]
        assert proxy.args == (net.id, net.uuid, net.gateway, 9697)
        proxy.start.assert_called_once_with()
    host.dnsmasq[vxlan.bridge][0][1].update.assert_called_once_with(
        [[nets['vif'].address, '192.0.2.10', 'vm-one']])
    host.dnsmasq[flat.bridge][0][1].update.assert_called_once_with([])
    host.calls.apply.assert_called_once_with(_rules(vxlan, vlan, flat))
    assert host.calls.apply.call_args.args[0][
        ('nat', 'POSTROUTING')] == [
        '-s 192.0.2.0/24 ! -d 192.0.2.0/24 -j MASQUERADE']


@pytest.mark.parametrize('kind', ['vxlan', 'vlan', 'flat'])
def test_set_up_writes_a_record(manager, nets, tmp_path, admin_ctxt, kind):
    net = nets[kind]
    manager.refresh_networks(admin_ctxt, network_uuids=[net.uuid])
    expected = {'uuid': net.uuid, 'bridge': net.bridge, 'cidr': net.cidr,
                'gateway': net.gateway}
    if UPLINK[kind]:
        expected['uplink'] = UPLINK[kind]
    assert _record(tmp_path, net) == expected


def test_refresh_of_some_networks(manager, host, nets, admin_ctxt):
    vlan = nets['vlan']
    manager.refresh_networks(admin_ctxt, network_uuids=[vlan.uuid])
    assert [c.args[1]['bridge'] for c in
            manager.agent.plug.call_args_list] == [vlan.bridge]
    assert list(host.proxies) == [vlan.uuid]
    # NOTE: the rules are always those of every live network.
    host.calls.apply.assert_called_once_with(
        _rules(nets['vxlan'], vlan, nets['flat']))


def test_unchanged_rules_are_not_set_again_but_by_a_full_sync(
        manager, host, nets, admin_ctxt):
    vxlan = nets['vxlan']
    manager.refresh_networks(admin_ctxt, network_uuids=[vxlan.uuid])
    manager.refresh_networks(admin_ctxt, network_uuids=[vxlan.uuid])
    assert host.calls.apply.call_count == 1
    manager.refresh_networks(admin_ctxt)
    assert host.calls.apply.call_count == 2


def test_refresh_again_keeps_the_proxy(manager, host, nets, admin_ctxt):
    manager.refresh_networks(admin_ctxt)
    manager.refresh_networks(admin_ctxt)
    assert {uuid: len(proxies) for uuid, proxies in
            host.proxies.items()} == {
        net.uuid: 1 for net in (nets['vxlan'], nets['vlan'], nets['flat'])}
    assert manager.agent.plug.call_count == 6
    assert len(host.dnsmasq[nets['vxlan'].bridge]) == 2


def test_a_network_without_gateway_has_no_address_nor_proxy(
        manager, host, admin_ctxt, database):
    # NOTE: the API always sets a gateway; an older row may have none.
    row = db_network.network_create(dict(
        label='nogw', cidr='192.0.2.0/24', gateway=None, bridge='brnogw',
        segmentation_id=5, segment='vxlan:5'))
    manager.refresh_networks(admin_ctxt)
    assert host.calls.ensure_address.call_args_list == []
    assert host.proxies == {}
    [(args, server)] = host.dnsmasq['brnogw']
    assert args[3] is None
    server.update.assert_called_once_with([])
    assert host.calls.apply.call_args.args[0][('nat', 'PREROUTING')] == []
    assert row.uuid in os.listdir(network_manager.state_dir())


def test_a_failing_network_does_not_stop_the_others(manager, host, nets,
                                                    admin_ctxt):
    failing = nets['vlan'].bridge

    def plug(context, network):
        if network['bridge'] == failing:
            raise exception.InvalidInput(reason='no interface')

    manager.agent.plug.side_effect = plug
    manager.refresh_networks(admin_ctxt)
    assert failing not in host.dnsmasq
    assert {nets['vxlan'].bridge, nets['flat'].bridge} <= set(host.dnsmasq)
    assert nets['vlan'].uuid not in host.proxies
    host.calls.apply.assert_called_once_with(
        _rules(nets['vxlan'], nets['vlan'], nets['flat']))


def test_a_failed_proxy_is_started_by_the_next_refresh(manager, host,
                                                       nets, admin_ctxt):
    net = nets['vxlan']
    with mock.patch('nova_lite.network.metadata_proxy.MetadataProxy',
                    side_effect=OSError('Cannot assign requested address')):
        manager.refresh_networks(admin_ctxt, network_uuids=[net.uuid])
    manager.refresh_networks(admin_ctxt, network_uuids=[net.uuid])
    assert len(host.proxies[net.uuid]) == 1


def test_a_rules_failure_is_logged(manager, host, nets, admin_ctxt):
    host.calls.apply.side_effect = exception.InternalError(err='iptables')
    manager.refresh_networks(admin_ctxt)
    assert manager.agent.plug.call_count == 3


# ---- taking networks down --------------------------------------------------

@pytest.mark.parametrize('kind', ['vxlan', 'vlan', 'flat'])
def test_a_deleted_network_is_taken_down_from_its_record(
        manager, host, nets, api, tmp_path, admin_ctxt, kind):
    net = nets[kind]
    if kind == 'vxlan':
        network_api.API(notify_network_host=False).deallocate_for_instance(
            admin_ctxt, types.SimpleNamespace(uuid=VM))
    manager.refresh_networks(admin_ctxt)
    [proxy] = host.proxies[net.uuid]
    host.calls.reset_mock()
    api.delete(admin_ctxt, net.uuid)
    manager.refresh_networks(admin_ctxt, network_uuids=[net.uuid])
    proxy.stop.assert_called_once_with()
    manager.agent.forget.assert_called_once_with(net.bridge)
    (args, server) = host.dnsmasq[net.bridge][-1]
    assert args[:4] == (_dir(tmp_path, net), net.bridge, net.cidr,
                        net.gateway)
    server.stop.assert_called_once_with()
    assert host.calls.delete_net_dev.call_args_list == [
        mock.call(device) for device in (UPLINK[kind], net.bridge)
        if device]
    assert not os.path.exists(_dir(tmp_path, net))
    others = [n for k, n in nets.items() if k not in (kind, 'vif')]
    host.calls.apply.assert_called_once_with(_rules(*others))


def test_a_network_deleted_while_the_service_was_down(host, nets, api,
                                                      tmp_path, admin_ctxt):
    before = network_manager.NetworkManager('net-host')
    before.agent = mock.create_autospec(l2_agent.L2Agent, instance=True)
    before.refresh_networks(admin_ctxt)
    flat = nets['flat']
    api.delete(admin_ctxt, flat.uuid)
    host.calls.reset_mock()
    after = network_manager.NetworkManager('net-host')
    after.agent = mock.create_autospec(l2_agent.L2Agent, instance=True)
    after._sync_networks(admin_ctxt)
    assert host.calls.delete_net_dev.call_args_list == [
        mock.call(flat.bridge)]
    host.dnsmasq[flat.bridge][-1][1].stop.assert_called_once_with()
    after.agent.forget.assert_called_once_with(flat.bridge)
    assert sorted(os.listdir(os.path.join(str(tmp_path), 'networks'))) == \
        sorted([nets['vxlan'].uuid, nets['vlan'].uuid])
    assert after.agent.plug.call_count == 2


def test_refresh_of_an_unknown_network_does_nothing(manager, host, nets,
                                                    admin_ctxt):
    manager.refresh_networks(admin_ctxt, network_uuids=[
        '6d2b7d6c-0a3b-4c4e-9f55-0d8c3f0c1e11'])
    assert host.calls.delete_net_dev.call_args_list == []
    assert manager.agent.plug.call_args_list == []
    assert host.calls.apply.call_count == 1


def test_teardown_host_removes_every_record(manager, host, nets, tmp_path,
                                            admin_ctxt):
    manager.refresh_networks(admin_ctxt)
    host.calls.reset_mock()
    uuids = network_manager.teardown_host()
    kinds = ('vxlan', 'vlan', 'flat')
    live = [nets[kind] for kind in kinds]
    assert sorted(uuids) == sorted(net.uuid for net in live)
    assert sorted(host.calls.delete_net_dev.call_args_list) == sorted(
        mock.call(device) for kind in kinds
        for device in (UPLINK[kind], nets[kind].bridge) if device)
    for net in live:
        host.dnsmasq[net.bridge][-1][1].stop.assert_called_once_with()
    host.calls.remove.assert_called_once_with()
    assert os.listdir(os.path.join(str(tmp_path), 'networks')) == []
    assert network_manager.teardown_host() == []


def test_teardown_host_without_any_network(host, tmp_path):
    assert network_manager.teardown_host() == []
    host.calls.remove.assert_called_once_with()


# ---- service hooks ---------------------------------------------------------

def test_init_host_enables_forwarding_and_syncs(manager, host, nets,
                                                tmp_path):
    forward = tmp_path / 'ip_forward'
    forward.write_text('0\n')
    with mock.patch.object(priv_net, 'IP_FORWARD', str(forward)):
        manager.init_host()
    assert forward.read_text() == '1\n'
    manager.agent.sync_tunnels.assert_called_once_with(mock.ANY)
    assert manager.agent.plug.call_count == 3


@pytest.mark.parametrize('tunnels, expected', [
    (False, ['_sync_networks']),
    (True, ['_sync_networks', '_sync_tunnels']),
])
def test_periodic_tasks(manager, flags, tunnels, expected):
    flags(network_sync_interval=7, tunnel_sync_interval=3, group='network')
    manager.agent.tunnels = tunnels
    tasks = manager.periodic_tasks()
    assert [(task.__name__, interval) for task, interval in tasks] == [
        (name, {'_sync_networks': 7, '_sync_tunnels': 3}[name])
        for name in expected]


def test_cleanup_host_stops_the_proxies(manager, host, nets, admin_ctxt):
    manager.refresh_networks(admin_ctxt)
    manager.cleanup_host()
    for proxies in host.proxies.values():
        proxies[0].stop.assert_called_once_with()
    # NOTE: bridges, DHCP servers and rules stay.
    assert host.calls.delete_net_dev.call_args_list == []

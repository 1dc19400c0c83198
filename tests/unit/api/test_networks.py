"""/os-networks through the app, with the network API mocked: the
nova-network proxy shape until 2.35, 404 from 2.36, 410 for changes."""

import datetime
from unittest import mock

import pytest

from nova_lite import exception
from nova_lite import objects
from tests.unit.api import fakes

NETWORKS = '/v2.1/os-networks'
NET_ID = '20c8acc0-f747-4d71-a389-46d078ebf047'
CREATED = datetime.datetime(2026, 12, 5, 10, 0, 0, 123456)

PUBLIC_KEYS = {'id', 'cidr', 'netmask', 'gateway', 'broadcast', 'dns1',
               'dns2', 'cidr_v6', 'gateway_v6', 'label', 'netmask_v6'}
# Every key of Nova's sample (os-networks/network-show-resp.json).
ADMIN_KEYS = PUBLIC_KEYS | {
    'created_at', 'updated_at', 'deleted_at', 'deleted', 'injected',
    'bridge', 'vlan', 'vpn_public_address', 'vpn_public_port',
    'vpn_private_address', 'dhcp_start', 'project_id', 'host',
    'bridge_interface', 'multi_host', 'priority', 'rxtx_base', 'mtu',
    'dhcp_server', 'enable_dhcp', 'share_address'}


def _network(**kw):
    values = dict(id=1, uuid=NET_ID, label='private', cidr='10.20.105.0/24',
                  gateway='10.20.105.1', bridge='br100', dns1='10.20.105.53',
                  dns2=None, mtu=None, project_id=None, created_at=CREATED,
                  updated_at=None, deleted=False, deleted_at=None)
    values.update(kw)
    return objects.Network(**values)


@pytest.fixture
def client():
    network_api = mock.Mock(name='network.API()')
    network_api.get_all.return_value = [_network()]
    network_api.get.return_value = _network()
    with mock.patch('nova_lite.network.api.API', return_value=network_api):
        client = fakes.Client()
    client.network_api = network_api
    return client


def test_list_as_a_project(client):
    resp = client.request(NETWORKS)
    assert resp.status_int == 200
    (network,) = resp.json['networks']
    assert set(network) == PUBLIC_KEYS
    assert network == {
        'id': NET_ID, 'label': 'private', 'cidr': '10.20.105.0/24',
        'netmask': '255.255.255.0', 'gateway': '10.20.105.1',
        'broadcast': '10.20.105.255', 'dns1': '10.20.105.53', 'dns2': None,
        'cidr_v6': None, 'gateway_v6': None, 'netmask_v6': None}
    context = client.network_api.get_all.call_args.args[0]
    assert context.project_id == fakes.PROJECT


def test_show_as_admin_has_every_field(client, flags):
    # NOTE: a network without an MTU of its own (made before segments)
    # is VXLAN: the physical MTU less the tunnel's 50 bytes.
    flags(default_mtu=1450, group='network')
    resp = client.admin(NETWORKS + '/' + NET_ID)
    assert resp.status_int == 200
    network = resp.json['network']
    assert set(network) == ADMIN_KEYS
    assert (network['bridge'], network['dhcp_start'], network['mtu'],
            network['deleted'], network['enable_dhcp'],
            network['created_at'], network['project_id']) == (
        'br100', '10.20.105.2', 1400, False, True,
        '2026-12-05T10:00:00.123456', None)
    client.network_api.get.assert_called_once_with(mock.ANY, NET_ID)


def test_show_unknown_is_404(client):
    client.network_api.get.side_effect = exception.NetworkNotFound(
        network_id='x')
    resp = client.request(NETWORKS + '/x')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == 'Network not found'


@pytest.mark.parametrize('path', [NETWORKS, NETWORKS + '/' + NET_ID])
def test_gone_from_2_36(client, path):
    assert client.request(path, version='2.35').status_int == 200
    client.network_api.reset_mock()
    resp = client.request(path, version='2.36')
    assert resp.status_int == 404
    assert 'itemNotFound' in resp.json
    assert client.network_api.mock_calls == []


@pytest.mark.parametrize('method, path, body', [
    ('POST', NETWORKS, {'network': {'label': 'new net 111',
                                    'cidr': '10.20.105.0/24'}}),
    ('POST', NETWORKS + '/add', {'id': '1'}),
    ('DELETE', NETWORKS + '/' + NET_ID, None),
    ('POST', NETWORKS + '/' + NET_ID + '/action', {'disassociate': None}),
])
@pytest.mark.parametrize('version', ['2.1', '2.47'])
def test_changes_are_gone(client, method, path, body, version):
    resp = client.admin(path, method=method, body=body, version=version)
    assert resp.status_int == 410
    assert resp.json['computeFault']['code'] == 410


def test_create_body_is_still_validated(client):
    resp = client.admin(NETWORKS, method='POST',
                        body={'network': {'cidr': '10.0.0.0/24'}})
    assert resp.status_int == 400

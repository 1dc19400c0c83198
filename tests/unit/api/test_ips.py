"""/servers/{id}/ips, server addresses in show/detail, and how a create's
network errors answer, through the app with the compute API mocked."""

import pytest

from nova_lite import exception
from nova_lite.objects import network_info as model
from nova_lite.states import vm_states
from tests.unit.api import fakes

IPS = '/v2.1/servers/%s/ips' % fakes.SERVER
NET = '3cb9bc59-5699-4588-a4b1-b87f96708bc6'


def _vif(label, address, mac):
    subnet = model.Subnet(cidr='192.168.1.0/24',
                          ips=[model.FixedIP(address=address)])
    return model.VIF(id='0b1c2d3e-4f50-4a6b-8c9d-0e1f2a3b4c5d', address=mac,
                     network=model.Network(id=NET, label=label,
                                           bridge='br100', subnets=[subnet]))


NETWORK_INFO = model.NetworkInfo([
    _vif('private', '192.168.1.30', '00:0c:29:0d:11:74'),
    _vif('backend', '192.168.1.31', 'fa:16:3e:00:00:02'),
    _vif('private', '192.168.1.32', 'fa:16:3e:00:00:03'),
])


@pytest.fixture
def client():
    client = fakes.Client()
    api = client.compute_api
    api.get.return_value = fakes.instance(network_info=NETWORK_INFO)
    api.get_all.return_value = [fakes.instance(network_info=NETWORK_INFO)]
    api.get_instances_host_statuses.return_value = {fakes.SERVER: 'UP'}
    api.get_instance_host_status.return_value = 'UP'
    api.get_flavor_for_create.return_value = fakes.flavor()
    api.create.return_value = ([fakes.instance()], 'r-abcdefgh')
    return client


def test_index_matches_novas_sample_shape(client):
    resp = client.request(IPS)
    assert resp.status_int == 200
    assert resp.json == {'addresses': {
        'private': [{'addr': '192.168.1.30', 'version': 4},
                    {'addr': '192.168.1.32', 'version': 4}],
        'backend': [{'addr': '192.168.1.31', 'version': 4}]}}


def test_show_one_network(client):
    resp = client.request(IPS + '/private')
    assert resp.status_int == 200
    assert resp.json == {'private': [{'addr': '192.168.1.30', 'version': 4},
                                     {'addr': '192.168.1.32',
                                      'version': 4}]}


def test_show_unknown_label_is_404(client):
    resp = client.request(IPS + '/public')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == (
        'Instance is not a member of specified network')


def test_unknown_server_is_404(client):
    client.compute_api.get.side_effect = exception.InstanceNotFound(
        instance_id='x')
    assert client.request(IPS).status_int == 404
    assert client.request(IPS + '/private').status_int == 404


def test_server_without_nics(client):
    client.compute_api.get.return_value = fakes.instance(
        network_info=model.NetworkInfo())
    assert client.request(IPS).json == {'addresses': {}}


def test_show_and_detail_carry_mac_and_type(client):
    expected = {
        'private': [
            {'addr': '192.168.1.30', 'version': 4,
             'OS-EXT-IPS:type': 'fixed',
             'OS-EXT-IPS-MAC:mac_addr': '00:0c:29:0d:11:74'},
            {'addr': '192.168.1.32', 'version': 4,
             'OS-EXT-IPS:type': 'fixed',
             'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:03'}],
        'backend': [
            {'addr': '192.168.1.31', 'version': 4,
             'OS-EXT-IPS:type': 'fixed',
             'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:02'}]}
    show = client.request('/v2.1/servers/%s' % fakes.SERVER)
    assert show.json['server']['addresses'] == expected
    detail = client.request('/v2.1/servers/detail')
    assert detail.json['servers'][0]['addresses'] == expected


def test_building_server_shows_no_addresses_yet(client):
    client.compute_api.get.return_value = fakes.instance(
        network_info=NETWORK_INFO, vm_state=vm_states.BUILDING,
        task_state='spawning')
    show = client.request('/v2.1/servers/%s' % fakes.SERVER)
    assert show.json['server']['addresses'] == {}


@pytest.mark.parametrize('error, message', [
    (exception.NetworkNotFound(network_id=NET),
     'Network %s could not be found.' % NET),
    (exception.FixedIpAlreadyInUse(address='10.0.0.5',
                                   instance_uuid=fakes.SERVER),
     'Fixed IP address 10.0.0.5 is already in use on instance %s.'
     % fakes.SERVER),
    (exception.FixedIpNotFoundForNetwork(address='10.9.0.5',
                                         network_uuid=NET),
     'Fixed IP address (10.9.0.5) does not exist in network (%s).' % NET),
    (exception.FixedIpReserved(address='10.0.0.1', network_uuid=NET),
     'Fixed IP address 10.0.0.1 is the network'),
    (exception.InvalidFixedIpAndMaxCountRequest(
        reason='max_count cannot be greater than 1 if an fixed_ip is '
               'specified.'),
     'Failed to launch instances: max_count cannot be greater than 1'),
    (exception.PortNotFound(port_id=NET),
     'Port %s could not be found.' % NET),
])
def test_create_network_errors_are_400(client, error, message):
    client.compute_api.create.side_effect = error
    body = {'server': {'name': 'x', 'imageRef': fakes.IMAGE,
                       'flavorRef': '1',
                       'networks': [{'uuid': NET, 'fixed_ip': '10.0.0.5'}]}}
    resp = client.request('/v2.1/servers', method='POST', body=body,
                          version='2.37')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'].startswith(message)

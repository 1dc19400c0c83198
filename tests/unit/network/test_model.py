"""network/model: the network model is its own JSON, and comes back whole."""

import json

from nova_lite.objects import network_info as model

VIF_ID = '0b1c2d3e-4f50-4a6b-8c9d-0e1f2a3b4c5d'


def _vif(address='192.0.2.10'):
    subnet = model.Subnet(
        cidr='192.0.2.0/24',
        gateway=model.IP(address='192.0.2.1', type='gateway'),
        dns=[model.IP(address='192.0.2.53', type='dns')],
        ips=[model.FixedIP(address=address)],
        routes=[model.Route(cidr='198.51.100.0/25',
                            gateway=model.IP(address='192.0.2.254'))])
    network = model.Network(id='net-1', bridge='br100', label='private',
                            subnets=[subnet], meta={'mtu': 1450})
    return model.VIF(id=VIF_ID, address='fa:16:3e:00:02:0a',
                     network=network)


def test_vif_defaults():
    vif = _vif()
    assert vif['type'] == 'bridge'
    assert vif['devname'] == 'tap0b1c2d3e-4f'
    assert len(vif['devname']) == model.NIC_NAME_LEN
    assert vif['network']['subnets'][0]['version'] == 4
    assert vif.fixed_ips() == [{'address': '192.0.2.10', 'type': 'fixed',
                                'version': 4, 'floating_ips': []}]
    assert vif['network'].get_meta('mtu') == 1450


def test_json_round_trip_keeps_types():
    info = model.NetworkInfo([_vif(), _vif('192.0.2.11')])
    text = info.json()
    assert json.loads(text) == json.loads(json.dumps(info))
    back = model.NetworkInfo.hydrate(text)
    assert back == info
    assert isinstance(back[0], model.VIF)
    subnet = back[0]['network']['subnets'][0]
    assert isinstance(subnet, model.Subnet)
    assert isinstance(subnet['gateway'], model.IP)
    assert isinstance(subnet['ips'][0], model.FixedIP)
    assert isinstance(subnet['routes'][0]['gateway'], model.IP)
    assert [ip['address'] for ip in back.fixed_ips()] == ['192.0.2.10',
                                                          '192.0.2.11']
    assert back.labels() == ['private']


def test_hydrate_of_nothing_is_empty():
    for nothing in (None, '', '[]', []):
        info = model.NetworkInfo.hydrate(nothing)
        assert isinstance(info, model.NetworkInfo) and info == []

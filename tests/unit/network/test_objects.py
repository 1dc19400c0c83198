"""The network objects and Instance.network_info (Instance 1.1)."""

import pytest

from nova_lite import exception
from nova_lite import objects
from nova_lite.objects import network as network_obj
from nova_lite.objects import network_info as model

UUID = '00000000-0000-0000-0000-000000000001'


def _info():
    return model.NetworkInfo([model.VIF(
        id='0b1c2d3e-4f50-4a6b-8c9d-0e1f2a3b4c5d',
        address='fa:16:3e:00:00:01',
        network=model.Network(id='n', label='private', subnets=[
            model.Subnet(cidr='192.0.2.0/24',
                         ips=[model.FixedIP(address='192.0.2.2')])]))])


def test_network_model_field_coerces_and_serialises():
    field = network_obj.NetworkModelField()
    info = _info()
    assert field.coerce(None, 'network_info', info) is info
    for given in (info.json(), list(info)):
        assert field.coerce(None, 'network_info', given) == info
    primitive = field.to_primitive(None, 'network_info', info)
    assert isinstance(primitive, str)
    assert field.from_primitive(None, 'network_info', primitive) == info
    assert field.stringify(info) == 'NetworkModel(192.0.2.2)'
    with pytest.raises(ValueError):
        field.coerce(None, 'network_info', 42)


def test_instance_network_info_round_trip(database, ctxt):
    instance = objects.Instance(context=ctxt, uuid=UUID, user_id='u',
                                project_id='p', vm_state='building')
    instance.create()
    assert instance.network_info == []
    instance.network_info = _info()
    instance.save()
    stored = objects.Instance.get_by_uuid(ctxt, UUID)
    assert stored.network_info == _info()
    listed = objects.InstanceList.get_by_filters(ctxt, {})[0]
    assert listed.network_info.fixed_ips()[0]['address'] == '192.0.2.2'


def test_network_info_loads_when_missing(database, ctxt):
    instance = objects.Instance(context=ctxt, uuid=UUID, user_id='u',
                                project_id='p', vm_state='building',
                                network_info=_info())
    instance.create()
    partial = objects.Instance(context=ctxt, uuid=UUID)
    assert partial.network_info == _info()


def test_older_peers_get_no_network_info():
    instance = objects.Instance(uuid=UUID, network_info=_info())
    new = instance.obj_to_primitive()
    assert 'network_info' in new['nova_lite_object.data']
    old = instance.obj_to_primitive(target_version='1.0')
    assert old['nova_lite_object.version'] == '1.0'
    assert 'network_info' not in old['nova_lite_object.data']


def test_network_object_helpers(database, ctxt):
    network = objects.Network(context=ctxt, uuid=UUID, label='l',
                              cidr='192.0.2.0/29', gateway='192.0.2.1',
                              bridge='br0', project_id='project-1')
    network.create()
    assert not network.shared and not network.deleted
    assert network.usable_count() == 5
    assert network.check_fixed_ip(' 192.0.2.3') == '192.0.2.3'
    assert network.allocated_count() == 0
    assert objects.Network.get_by_label(ctxt, 'l').uuid == UUID
    assert [n.uuid for n in objects.NetworkList.get_by_project(
        ctxt, 'project-1')] == [UUID]
    assert objects.NetworkList.get_by_project(ctxt, 'project-2').objects \
        == []
    network.destroy()
    assert network.deleted
    with pytest.raises(exception.NetworkNotFound):
        objects.Network.get_by_uuid(ctxt, UUID)

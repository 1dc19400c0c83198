"""network/api: defining networks, checking a create's networks, and a
server's NICs from allocation to release (also through the conductor's
object indirection, as a compute host does it)."""

import types
from unittest import mock

from oslo_serialization import jsonutils
import pytest

from nova_lite.conductor import manager as conductor_manager
from nova_lite import exception
from nova_lite.network import api as network_api
from nova_lite import objects
from nova_lite.objects import base as objects_base
from nova_lite.objects import network_info as model

INSTANCE = '00000000-0000-0000-0000-%012d'


@pytest.fixture
def api(database):
    return network_api.API()


def _instance(n=1, project_id='project-1'):
    return types.SimpleNamespace(uuid=INSTANCE % n, project_id=project_id)


def _net(api, ctxt, label='private', cidr='192.0.2.0/24', **kw):
    return api.create(ctxt, label, cidr, **kw)


# ---- networks --------------------------------------------------------------

def test_create_fills_defaults(api, admin_ctxt, flags):
    flags(bridge_prefix='nl', group='network')
    net = _net(api, admin_ctxt, dns=['192.0.2.53', '192.0.2.54'])
    assert net.gateway == '192.0.2.1'
    assert net.bridge == 'nl' + net.uuid[:11]
    assert (net.dns1, net.dns2, net.project_id) == (
        '192.0.2.53', '192.0.2.54', None)
    # NOTE: a VXLAN network by default, its MTU less the tunnel's overhead
    # and the lowest VNI of [network] vni_ranges.
    assert (net.network_type, net.mtu) == ('vxlan', 1450)
    assert (net.segmentation_id, net.segment) == (1001, 'vxlan:1001')
    assert net.shared
    again = objects.Network.get_by_uuid(admin_ctxt, net.uuid)
    assert (again.label, again.cidr, again.bridge) == (
        'private', '192.0.2.0/24', net.bridge)


@pytest.mark.parametrize('kwargs, fragment', [
    (dict(cidr='192.0.2.5/24'), 'host bits set'),
    (dict(cidr='2001:db8::/64'), 'only IPv4'),
    (dict(cidr='192.0.2.0/31'), 'at least a /30'),
    (dict(cidr='nonsense'), 'invalid CIDR'),
    (dict(gateway='198.51.100.1'), 'not a host address'),
    (dict(gateway='192.0.2.255'), 'not a host address'),
    (dict(dns=['a', 'b']), 'invalid DNS'),
    (dict(dns=['192.0.2.1'] * 3), 'at most two'),
    (dict(mtu=10), 'MTU'),
    (dict(bridge='a-bridge-name-too-long'), 'not a valid device name'),
    (dict(bridge='br 0'), 'not a valid device name'),
    (dict(label=' '), 'label'),
])
def test_create_refuses_what_cannot_work(api, admin_ctxt, kwargs,
                                         fragment):
    args = dict(label='private', cidr='192.0.2.0/24')
    args.update(kwargs)
    with pytest.raises(exception.InvalidInput) as caught:
        api.create(admin_ctxt, args.pop('label'), args.pop('cidr'), **args)
    assert fragment in caught.value.format_message()
    assert objects.NetworkList.get_all(admin_ctxt).objects == []


def test_visibility_and_lookup(api, admin_ctxt, ctxt):
    shared = _net(api, admin_ctxt, 'shared')
    own = _net(api, admin_ctxt, 'own', '198.51.100.0/24',
               project_id='project-1')
    other = _net(api, admin_ctxt, 'other', '203.0.113.0/24',
                 project_id='project-2')
    assert [n.label for n in api.get_all(admin_ctxt)] == [
        'shared', 'own', 'other']
    assert [n.label for n in api.get_all(ctxt)] == ['shared', 'own']
    assert api.get(ctxt, own.uuid).label == 'own'
    for bad in (other.uuid, 'not-a-uuid'):
        with pytest.raises(exception.NetworkNotFound):
            api.get(ctxt, bad)
    assert api.get_by_uuid_or_label(admin_ctxt, shared.uuid).id == shared.id
    assert api.get_by_uuid_or_label(admin_ctxt, 'other').id == other.id


def test_delete_refused_while_a_server_holds_an_address(api, admin_ctxt):
    net = _net(api, admin_ctxt)
    api.allocate_for_instance(admin_ctxt, _instance(), 'auto')
    with pytest.raises(exception.NetworkInUse):
        api.delete(admin_ctxt, 'private')
    api.deallocate_for_instance(admin_ctxt, _instance())
    assert api.delete(admin_ctxt, net.uuid).uuid == net.uuid
    with pytest.raises(exception.NetworkNotFound):
        api.delete(admin_ctxt, 'private')


# ---- validate_networks -----------------------------------------------------

@pytest.fixture
def nets(api, admin_ctxt):
    net = _net(api, admin_ctxt)
    api.allocate_for_instance(admin_ctxt, _instance(99), [
        {'network_id': net.uuid, 'address': '192.0.2.99'}])
    hidden = _net(api, admin_ctxt, 'hidden', '198.51.100.0/24',
                  project_id='project-2')
    return net, hidden


def _req(network_id, address=None, port_id=None):
    return {'network_id': network_id, 'address': address,
            'port_id': port_id, 'tag': None}


@pytest.mark.parametrize('requested, count, error', [
    (None, 5, None),
    ('auto', 5, None),
    ('none', 5, None),
    ([], 1, None),
    ([('ok', None)], 3, None),
    ([('ok', '192.0.2.10')], 1, None),
    ([('ok', '192.0.2.10')], 2, exception.InvalidFixedIpAndMaxCountRequest),
    ([('ok', '192.0.2.99')], 1, exception.FixedIpAlreadyInUse),
    ([('ok', '192.0.2.1')], 1, exception.FixedIpReserved),
    ([('ok', '192.0.2.255')], 1, exception.FixedIpReserved),
    ([('ok', '10.1.1.1')], 1, exception.FixedIpNotFoundForNetwork),
    ([('ok', '192.0.2.10'), ('ok', '192.0.2.10')], 1,
     exception.InvalidInput),
    ([('hidden', None)], 1, exception.NetworkNotFound),
    ([('missing', None)], 1, exception.NetworkNotFound),
    ([('port', None)], 1, exception.PortNotFound),
])
def test_validate_networks(api, ctxt, nets, requested, count, error):
    net, hidden = nets
    if isinstance(requested, list):
        ids = {'ok': net.uuid, 'hidden': hidden.uuid,
               'missing': '6d2b7d6c-0a3b-4c4e-9f55-0d8c3f0c1e11'}
        requested = [_req(None, port_id=net.uuid) if name == 'port'
                     else _req(ids[name], address)
                     for name, address in requested]
    if error is None:
        assert api.validate_networks(ctxt, requested, count) == count
    else:
        with pytest.raises(error):
            api.validate_networks(ctxt, requested, count)


# ---- allocate / deallocate -------------------------------------------------

@pytest.mark.parametrize('defined, expected', [
    ([], None),
    ([('shared', None)], 'shared'),
    ([('old-shared', None), ('new-shared', None)], 'old-shared'),
    ([('shared', None), ('mine', 'project-1')], 'mine'),
    ([('shared', None), ('theirs', 'project-2')], 'shared'),
    ([('theirs', 'project-2')], None),
])
def test_auto_picks_one_network_deterministically(api, admin_ctxt, ctxt,
                                                  defined, expected):
    for index, (label, project_id) in enumerate(defined):
        _net(api, admin_ctxt, label, '10.%d.0.0/24' % index,
             project_id=project_id)
    for requested in ('auto', None):
        info = api.allocate_for_instance(ctxt, _instance(), requested)
        assert info.labels() == ([expected] if expected else [])
        api.deallocate_for_instance(ctxt, _instance())


def test_explicit_networks_in_order_with_their_addresses(api, admin_ctxt,
                                                         ctxt, flags):
    flags(default_mtu=9000, group='network')
    one = _net(api, admin_ctxt, 'one', dns=['192.0.2.53'])
    two = _net(api, admin_ctxt, 'two', '198.51.100.0/24', mtu=1500,
               gateway='198.51.100.254', network_type='flat',
               physical_network='physnet1')
    instance = _instance()
    info = api.allocate_for_instance(ctxt, instance, [
        _req(two.uuid), _req(one.uuid, '192.0.2.33'), _req(two.uuid)])
    assert isinstance(info, model.NetworkInfo)
    assert info.labels() == ['two', 'one']
    assert [ip['address'] for ip in info.fixed_ips()] == [
        '198.51.100.1', '192.0.2.33', '198.51.100.2']
    first = info[0]
    assert first['network']['bridge'] == two.bridge
    assert first['network']['meta']['mtu'] == 1500
    assert first['network']['meta']['network_type'] == 'flat'
    assert first['network']['meta']['physical_network'] == 'physnet1'
    # NOTE: VXLAN by default: the physical MTU less the tunnel's overhead.
    assert info[1]['network']['meta']['mtu'] == 8950
    assert info[1]['network']['meta']['segmentation_id'] == 1001
    subnet = info[1]['network']['subnets'][0]
    assert subnet['gateway']['address'] == '192.0.2.1'
    assert [d['address'] for d in subnet['dns']] == ['192.0.2.53']
    assert len({vif['address'] for vif in info}) == 3
    assert api.get_instance_nw_info(ctxt, instance) == info


def test_failed_allocation_leaves_nothing(api, admin_ctxt, ctxt):
    big = _net(api, admin_ctxt, 'big')
    full = _net(api, admin_ctxt, 'full', '198.51.100.0/30')
    api.allocate_for_instance(ctxt, _instance(2), [_req(full.uuid)])
    with pytest.raises(exception.NoMoreFixedIps):
        api.allocate_for_instance(ctxt, _instance(),
                                  [_req(big.uuid), _req(full.uuid)])
    assert objects.VirtualInterfaceList.get_by_instance_uuid(
        ctxt, INSTANCE % 1).objects == []
    assert objects.Network.get_by_uuid(ctxt, big.uuid).allocated_count() \
        == 0


def test_nics_still_recorded_are_released_first(api, admin_ctxt, ctxt):
    _net(api, admin_ctxt)
    instance = _instance()
    instance.network_info = api.allocate_for_instance(ctxt, instance,
                                                      'auto')
    # A retried build of an instance whose NICs were never released.
    second = api.allocate_for_instance(ctxt, instance, 'auto')
    assert len(api.get_instance_nw_info(ctxt, instance)) == 1
    assert second.fixed_ips() == instance.network_info.fixed_ips()


def test_no_nic_asked_costs_no_database_call(api, ctxt):
    with mock.patch.object(objects.VirtualInterfaceList,
                           'delete_by_instance_uuid') as release, \
            mock.patch.object(objects.NetworkList, 'get_by_project') as get:
        assert api.allocate_for_instance(
            ctxt, _instance(), 'none') == []
    release.assert_not_called()
    get.assert_not_called()


def test_deallocate_frees_and_empties(api, admin_ctxt, ctxt):
    net = _net(api, admin_ctxt)
    instance = _instance()
    instance.network_info = api.allocate_for_instance(
        ctxt, instance, [_req(net.uuid, '192.0.2.40')])
    api.deallocate_for_instance(ctxt, instance)
    assert instance.network_info == []
    api.deallocate_for_instance(ctxt, instance)
    other = api.allocate_for_instance(ctxt, _instance(2),
                                      [_req(net.uuid, '192.0.2.40')])
    assert other.fixed_ips()[0]['address'] == '192.0.2.40'


def test_none_requested_gets_no_nic(api, admin_ctxt, ctxt):
    _net(api, admin_ctxt)
    assert api.allocate_for_instance(ctxt, _instance(), 'none') == []


# ---- through the conductor, as a compute host allocates ---------------------

class JsonIndirection:
    """The conductor's object indirection with every argument and answer
    serialised to JSON and back, as RPC carries them."""

    def __init__(self):
        self.conductor = conductor_manager.ConductorManager()
        self.serializer = objects_base.NovaObjectSerializer()
        self.calls = []

    def _wire(self, context, value):
        text = jsonutils.dumps(self.serializer.serialize_entity(context,
                                                                value))
        return self.serializer.deserialize_entity(context,
                                                  jsonutils.loads(text))

    def _in_conductor(self, func, *args):
        # NOTE: the conductor runs the methods itself, with the database.
        objects_base.NovaObject.indirection_api = None
        try:
            return func(*args)
        finally:
            objects_base.NovaObject.indirection_api = self

    def object_class_action_versions(self, context, objname, objmethod,
                                     object_versions, args, kwargs):
        self.calls.append('%s.%s' % (objname, objmethod))
        result = self._in_conductor(
            self.conductor.object_class_action_versions, context, objname,
            objmethod, object_versions, self._wire(context, args),
            self._wire(context, kwargs))
        return self._wire(context, result)

    def object_action(self, context, objinst, objmethod, args, kwargs):
        self.calls.append('%s.%s' % (objinst.obj_name(), objmethod))
        updates, result = self._in_conductor(
            self.conductor.object_action, context,
            self._wire(context, objinst), objmethod,
            self._wire(context, args), self._wire(context, kwargs))
        return self._wire(context, updates), self._wire(context, result)


@pytest.fixture
def remote():
    indirection = JsonIndirection()
    objects_base.NovaObject.indirection_api = indirection
    yield indirection
    objects_base.NovaObject.indirection_api = None


def test_compute_side_allocation_goes_through_the_conductor(
        api, admin_ctxt, ctxt, remote):
    net = _net(api, admin_ctxt)
    instance = objects.Instance(
        context=ctxt, uuid=INSTANCE % 1, user_id='user-1',
        project_id='project-1', vm_state='building',
        task_state='networking')
    instance.create()
    instance.network_info = api.allocate_for_instance(
        ctxt, instance, [_req(net.uuid, '192.0.2.7')])
    instance.save()
    assert 'VirtualInterface.allocate' in remote.calls
    assert 'Instance.save' in remote.calls
    objects_base.NovaObject.indirection_api = None
    stored = objects.Instance.get_by_uuid(ctxt, instance.uuid)
    assert isinstance(stored.network_info, model.NetworkInfo)
    assert stored.network_info == instance.network_info
    assert stored.network_info.fixed_ips()[0]['address'] == '192.0.2.7'
    objects_base.NovaObject.indirection_api = remote
    api.deallocate_for_instance(ctxt, instance)
    instance.save()
    assert 'VirtualInterfaceList.delete_by_instance_uuid' in remote.calls
    objects_base.NovaObject.indirection_api = None
    assert objects.Instance.get_by_uuid(ctxt, instance.uuid).network_info \
        == []
    assert objects.Network.get_by_uuid(ctxt, net.uuid).allocated_count() \
        == 0

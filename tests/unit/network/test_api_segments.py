"""network/api: segments allocated through the database when networks are
created, and the network host told of every change (its RPC client
mocked at the edge)."""

import types
from unittest import mock

import pytest

from nova_lite import exception
from nova_lite.network import api as network_api
from nova_lite import objects

INSTANCE = '00000000-0000-0000-0000-%012d'


@pytest.fixture
def rpc():
    """The network host's RPC client class, mocked."""
    with mock.patch('nova_lite.network.rpcapi.NetworkAPI') as cls:
        yield cls


@pytest.fixture
def api(database, rpc):
    return network_api.API()


def _instance(n=1, project_id='project-1'):
    return types.SimpleNamespace(uuid=INSTANCE % n, project_id=project_id)


def _cidr(n):
    return '10.%d.0.0/24' % n


def _create(api, ctxt, n, **kw):
    return api.create(ctxt, 'net-%d' % n, _cidr(n), **kw)


def _segment(net):
    return (net.network_type, net.physical_network, net.segmentation_id,
            net.segment)


# ---- segment allocation ----------------------------------------------------

def test_vxlan_networks_get_the_lowest_free_vnis(api, admin_ctxt):
    first = _create(api, admin_ctxt, 1)
    second = _create(api, admin_ctxt, 2)
    assert _segment(first) == ('vxlan', None, 1001, 'vxlan:1001')
    assert _segment(second) == ('vxlan', None, 1002, 'vxlan:1002')
    assert [(n.segmentation_id, n.segment) for n in
            objects.NetworkList.get_all(admin_ctxt)] == [
        (1001, 'vxlan:1001'), (1002, 'vxlan:1002')]


def test_an_explicit_vni_is_skipped_by_allocation(api, admin_ctxt):
    explicit = _create(api, admin_ctxt, 1, segmentation_id=1001)
    outside = _create(api, admin_ctxt, 2, segmentation_id=70000)
    allocated = _create(api, admin_ctxt, 3)
    assert [n.segment for n in (explicit, outside, allocated)] == [
        'vxlan:1001', 'vxlan:70000', 'vxlan:1002']


@pytest.mark.parametrize('first, second', [
    (dict(), dict(segmentation_id=1001)),
    (dict(segmentation_id=5), dict(segmentation_id='5')),
    (dict(network_type='flat', physical_network='physnet1'),
     dict(network_type='flat', physical_network='physnet1')),
    (dict(network_type='vlan', physical_network='physnet1',
          segmentation_id=100),
     dict(network_type='vlan', physical_network='physnet1',
          segmentation_id=100)),
    # NOTE: an allocated VLAN id is as taken as an explicit one.
    (dict(network_type='vlan', physical_network='physnet1'),
     dict(network_type='vlan', physical_network='physnet1',
          segmentation_id=100)),
])
def test_a_segment_in_use_is_refused(api, admin_ctxt, flags, first,
                                     second):
    flags(network_vlan_ranges=['physnet1:100:101'], group='network')
    taken = _create(api, admin_ctxt, 1, **first)
    with pytest.raises(exception.NetworkSegmentInUse) as caught:
        _create(api, admin_ctxt, 2, **second)
    assert taken.segment in caught.value.format_message()
    assert [n.label for n in objects.NetworkList.get_all(admin_ctxt)] == [
        'net-1']


@pytest.mark.parametrize('first, second', [
    (dict(network_type='flat', physical_network='physnet1'),
     dict(network_type='flat', physical_network='physnet2')),
    (dict(network_type='vlan', physical_network='physnet1',
          segmentation_id=100),
     dict(network_type='vlan', physical_network='physnet2',
          segmentation_id=100)),
    # NOTE: the VNI and the VLAN id are different name spaces.
    (dict(segmentation_id=100),
     dict(network_type='vlan', physical_network='physnet1',
          segmentation_id=100)),
    (dict(network_type='flat', physical_network='physnet1'),
     dict(network_type='vlan', physical_network='physnet1',
          segmentation_id=100)),
])
def test_distinct_segments_coexist(api, admin_ctxt, first, second):
    one = _create(api, admin_ctxt, 1, **first)
    two = _create(api, admin_ctxt, 2, **second)
    assert one.segment != two.segment


def test_vlan_ids_come_from_the_physnets_range(api, admin_ctxt, flags):
    flags(network_vlan_ranges=['physnet1:100:101', 'physnet2:100:100'],
          group='network')
    nets = [_create(api, admin_ctxt, n, network_type='vlan',
                    physical_network=physnet)
            for n, physnet in enumerate(['physnet1', 'physnet2',
                                         'physnet1'], 1)]
    assert [_segment(n) for n in nets] == [
        ('vlan', 'physnet1', 100, 'vlan:physnet1:100'),
        ('vlan', 'physnet2', 100, 'vlan:physnet2:100'),
        ('vlan', 'physnet1', 101, 'vlan:physnet1:101')]
    with pytest.raises(exception.NetworkSegmentInUse):
        _create(api, admin_ctxt, 4, network_type='vlan',
                physical_network='physnet1')


def test_flat_network_has_no_segment_id(api, admin_ctxt):
    net = _create(api, admin_ctxt, 1, network_type='flat',
                  physical_network='physnet1')
    assert _segment(net) == ('flat', 'physnet1', None, 'flat:physnet1')
    assert net.mtu == 1500


def test_the_vni_range_runs_out(api, admin_ctxt, flags):
    flags(vni_ranges=['1001:1002'], group='network')
    _create(api, admin_ctxt, 1)
    _create(api, admin_ctxt, 2)
    with pytest.raises(exception.NetworkSegmentInUse):
        _create(api, admin_ctxt, 3)
    # NOTE: an explicit VNI still works.
    assert _create(api, admin_ctxt, 3, segmentation_id=9).segment == \
        'vxlan:9'


def test_a_deleted_networks_vni_and_cidr_can_be_reused(api, admin_ctxt):
    first = _create(api, admin_ctxt, 1)
    _create(api, admin_ctxt, 2)
    api.delete(admin_ctxt, first.uuid)
    again = api.create(admin_ctxt, 'net-1', _cidr(1))
    assert (again.segmentation_id, again.segment) == (1001, 'vxlan:1001')
    explicit = _create(api, admin_ctxt, 3, segmentation_id=4242)
    api.delete(admin_ctxt, explicit.uuid)
    assert _create(api, admin_ctxt, 4, segmentation_id=4242).segment == \
        'vxlan:4242'


def test_default_network_type(api, admin_ctxt, flags):
    flags(default_network_type='vlan', network_vlan_ranges=['p:7:7'],
          group='network')
    with pytest.raises(exception.InvalidInput):
        # NOTE: a vlan network needs a physical network.
        _create(api, admin_ctxt, 1)
    net = _create(api, admin_ctxt, 1, physical_network='p')
    assert (_segment(net), net.mtu) == (('vlan', 'p', 7, 'vlan:p:7'), 1500)


@pytest.mark.parametrize('existing, cidr', [
    ('192.0.2.0/24', '192.0.2.128/25'),
    ('192.0.2.128/25', '192.0.2.0/24'),
    ('10.0.0.0/8', '10.1.0.0/16'),
    ('192.0.2.0/24', '192.0.2.0/24'),
])
def test_overlapping_cidrs_are_refused(api, admin_ctxt, existing, cidr):
    other = api.create(admin_ctxt, 'one', existing)
    with pytest.raises(exception.NetworkOverlaps) as caught:
        api.create(admin_ctxt, 'two', cidr)
    message = caught.value.format_message()
    assert cidr in message and existing in message and other.uuid in message


def test_adjacent_cidrs_do_not_overlap(api, admin_ctxt):
    api.create(admin_ctxt, 'one', '192.0.2.0/25')
    assert api.create(admin_ctxt, 'two', '192.0.2.128/25').segment == \
        'vxlan:1002'


def test_a_refused_create_takes_no_segment(api, admin_ctxt):
    api.create(admin_ctxt, 'one', '192.0.2.0/24')
    with pytest.raises(exception.NetworkOverlaps):
        api.create(admin_ctxt, 'two', '192.0.2.0/25')
    with pytest.raises(exception.NetworkExists):
        api.create(admin_ctxt, 'one', '198.51.100.0/24')
    assert api.create(admin_ctxt, 'two', '198.51.100.0/24').segment == \
        'vxlan:1002'


@pytest.mark.parametrize('kwargs, default_mtu, error', [
    (dict(mtu=1450), None, None),
    (dict(mtu=1451), None, 'MTU 1451 is not within 68..1450'),
    (dict(mtu=1500), None, 'a vxlan network on a physical MTU of 1500'),
    (dict(mtu=68), None, None),
    (dict(mtu=67), None, 'is not within 68..'),
    (dict(mtu=8950), 9000, None),
    (dict(mtu=8951), 9000, 'not within 68..8950'),
    (dict(mtu=1500, network_type='flat', physical_network='p'), None, None),
    (dict(mtu=1501, network_type='flat', physical_network='p'), None,
     'not within 68..1500'),
    (dict(mtu=1501, network_type='vlan', physical_network='p',
          segmentation_id=5), None, 'a vlan network'),
])
def test_mtu_above_the_segments_maximum_is_refused(
        api, admin_ctxt, flags, kwargs, default_mtu, error):
    if default_mtu:
        flags(default_mtu=default_mtu, group='network')
    if error is None:
        assert _create(api, admin_ctxt, 1, **kwargs).mtu == kwargs['mtu']
        return
    with pytest.raises(exception.InvalidInput) as caught:
        _create(api, admin_ctxt, 1, **kwargs)
    assert error in caught.value.format_message()
    assert objects.NetworkList.get_all(admin_ctxt).objects == []


@pytest.mark.parametrize('kwargs, default_mtu, expected', [
    (dict(), None, 1450),
    (dict(), 9000, 8950),
    (dict(network_type='vlan', physical_network='p', segmentation_id=5),
     None, 1500),
    (dict(network_type='vlan', physical_network='p', segmentation_id=5),
     9000, 9000),
    (dict(network_type='flat', physical_network='p'), None, 1500),
    (dict(network_type='flat', physical_network='p'), 9000, 9000),
])
def test_unset_mtu_is_the_segments_maximum(api, admin_ctxt, flags, kwargs,
                                           default_mtu, expected):
    if default_mtu:
        flags(default_mtu=default_mtu, group='network')
    net = _create(api, admin_ctxt, 1, **kwargs)
    assert net.mtu == expected
    assert objects.Network.get_by_uuid(admin_ctxt, net.uuid).mtu == expected


def test_enable_snat_is_kept(api, admin_ctxt):
    assert _create(api, admin_ctxt, 1).enable_snat is False
    net = _create(api, admin_ctxt, 2, enable_snat=True)
    assert objects.Network.get_by_uuid(admin_ctxt,
                                       net.uuid).enable_snat is True


# ---- the network host is told ---------------------------------------------

def _refreshes(rpc):
    return rpc.return_value.refresh_networks.call_args_list


def test_create_and_delete_announce_the_network(api, admin_ctxt, rpc):
    net = _create(api, admin_ctxt, 1)
    assert _refreshes(rpc) == [mock.call(admin_ctxt,
                                         network_uuids=[net.uuid])]
    rpc.reset_mock()
    api.delete(admin_ctxt, 'net-1')
    assert _refreshes(rpc) == [mock.call(admin_ctxt,
                                         network_uuids=[net.uuid])]


def test_a_refused_create_announces_nothing(api, admin_ctxt, rpc):
    _create(api, admin_ctxt, 1)
    rpc.reset_mock()
    with pytest.raises(exception.NetworkOverlaps):
        api.create(admin_ctxt, 'other', _cidr(1))
    assert _refreshes(rpc) == []


def test_allocate_and_deallocate_announce_the_networks(
        api, admin_ctxt, rpc):
    one = _create(api, admin_ctxt, 1)
    two = _create(api, admin_ctxt, 2)
    rpc.reset_mock()
    instance = _instance()
    info = api.allocate_for_instance(admin_ctxt, instance, [
        {'network_id': one.uuid}, {'network_id': two.uuid},
        {'network_id': one.uuid}])
    assert _refreshes(rpc) == [mock.call(
        admin_ctxt, network_uuids=sorted([one.uuid, two.uuid]))]
    rpc.reset_mock()
    instance.network_info = info
    api.deallocate_for_instance(admin_ctxt, instance)
    assert _refreshes(rpc) == [mock.call(
        admin_ctxt, network_uuids=sorted([one.uuid, two.uuid]))]
    assert list(instance.network_info) == []


def test_deallocate_without_recorded_nics_announces_every_network(
        api, admin_ctxt, rpc):
    _create(api, admin_ctxt, 1)
    api.allocate_for_instance(admin_ctxt, _instance(), 'auto')
    rpc.reset_mock()
    # NOTE: the instance does not say which networks its NICs were on.
    api.deallocate_for_instance(admin_ctxt, _instance())
    assert _refreshes(rpc) == [mock.call(admin_ctxt, network_uuids=None)]


def test_nothing_to_announce(api, admin_ctxt, rpc):
    _create(api, admin_ctxt, 1)
    rpc.reset_mock()
    assert list(api.allocate_for_instance(admin_ctxt, _instance(),
                                          'none')) == []
    # NOTE: nothing was held, so nothing changed.
    api.deallocate_for_instance(admin_ctxt, _instance())
    assert _refreshes(rpc) == []


def test_quiet_api_announces_nothing(database, rpc, admin_ctxt):
    api = network_api.API(notify_network_host=False)
    net = _create(api, admin_ctxt, 1)
    instance = _instance()
    instance.network_info = api.allocate_for_instance(admin_ctxt, instance,
                                                      'auto')
    assert len(instance.network_info) == 1
    api.deallocate_for_instance(admin_ctxt, instance)
    api.allocate_for_instance(admin_ctxt, instance, 'auto')
    api.deallocate_for_instance(admin_ctxt, _instance())
    api.delete(admin_ctxt, net.uuid)
    assert rpc.mock_calls == []

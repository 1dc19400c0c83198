"""network/segments: segment validation, keys, candidate ids from the
[network] ranges, MTUs and the interface mappings (pure arithmetic: no
host, no database)."""

import types

import pytest

from nova_lite import exception
from nova_lite.network import segments
from nova_lite import objects


@pytest.fixture
def ranges(flags):
    flags(network_vlan_ranges=['physnet1:100:102', 'physnet3'],
          group='network')


# ---- Segment.validated -----------------------------------------------------

@pytest.mark.parametrize('args, expected', [
    (('vxlan',), ('vxlan', None, None)),
    (('vxlan', None, 5000), ('vxlan', None, 5000)),
    (('vxlan', '', '42'), ('vxlan', None, 42)),
    (('vxlan', None, 1), ('vxlan', None, 1)),
    (('vxlan', None, 2 ** 24 - 1), ('vxlan', None, 2 ** 24 - 1)),
    (('vlan', 'physnet1', 100), ('vlan', 'physnet1', 100)),
    (('vlan', 'physnet1', '4094'), ('vlan', 'physnet1', 4094)),
    (('vlan', 'physnet1', 1), ('vlan', 'physnet1', 1)),
    # NOTE: an id outside the configured range is fine when explicit.
    (('vlan', 'physnet1', 7), ('vlan', 'physnet1', 7)),
    (('vlan', 'physnet3', 7), ('vlan', 'physnet3', 7)),
    (('vlan', 'physnet9', 7), ('vlan', 'physnet9', 7)),
    (('vlan', 'physnet1', None), ('vlan', 'physnet1', None)),
    (('flat', 'physnet1'), ('flat', 'physnet1', None)),
    (('flat', 'physnet1', None), ('flat', 'physnet1', None)),
])
def test_validated_accepts(ranges, args, expected):
    segment = segments.Segment.validated(*args)
    assert (segment.network_type, segment.physical_network,
            segment.segmentation_id) == expected


@pytest.mark.parametrize('args, fragment', [
    (('gre', None, None), "network type 'gre' is not one of"),
    (('VXLAN', None, None), 'is not one of vxlan, vlan, flat'),
    ((None, None, None), 'is not one of'),
    (('vxlan', 'physnet1', None), 'a vxlan network has no physical network'),
    (('vxlan', None, 'abc'), "segment id 'abc' is not a number"),
    (('vxlan', None, 0), 'VNI 0 is not within 1..16777215'),
    (('vxlan', None, -1), 'VNI -1 is not within'),
    (('vxlan', None, 2 ** 24), 'VNI 16777216 is not within'),
    (('flat', None, None), 'a flat network needs a physical network'),
    (('flat', 'physnet1', 5), 'a flat network has no segment id'),
    (('flat', 'physnet1', 'x'), 'is not a number'),
    (('vlan', None, 100), 'a vlan network needs a physical network'),
    (('vlan', '', 100), 'a vlan network needs a physical network'),
    (('vlan', 'physnet1', 0), 'VLAN id 0 is not within 1..4094'),
    (('vlan', 'physnet1', 4095), 'VLAN id 4095 is not within 1..4094'),
    (('vlan', 'physnet1', [1]), 'is not a number'),
    # NOTE: no id and no range to take one from.
    (('vlan', 'physnet2', None), 'no VLAN id given'),
    (('vlan', 'physnet3', None), 'has no range for physical network '
                                 'physnet3'),
])
def test_validated_refuses(ranges, args, fragment):
    with pytest.raises(exception.InvalidInput) as caught:
        segments.Segment.validated(*args)
    assert fragment in caught.value.format_message()


def test_validated_vlan_without_id_and_without_any_range(flags):
    with pytest.raises(exception.InvalidInput) as caught:
        segments.Segment.validated('vlan', 'physnet1')
    assert 'network_vlan_ranges' in caught.value.format_message()


# ---- key, of, from_meta, meta ----------------------------------------------

@pytest.mark.parametrize('segment, sid, expected', [
    (('vxlan', None, 1001), None, 'vxlan:1001'),
    (('vxlan', None, None), 7, 'vxlan:7'),
    (('vxlan', None, 1001), 7, 'vxlan:7'),
    (('vlan', 'physnet1', 100), None, 'vlan:physnet1:100'),
    (('vlan', 'physnet1', None), 101, 'vlan:physnet1:101'),
    (('flat', 'physnet1', None), None, 'flat:physnet1'),
    (('flat', 'physnet1', None), 3, 'flat:physnet1'),
])
def test_key(segment, sid, expected):
    assert segments.Segment(*segment).key(sid) == expected


@pytest.mark.parametrize('source, expected', [
    (dict(), ('vxlan', None, None)),
    (dict(network_type=None, segmentation_id=1001), ('vxlan', None, 1001)),
    (dict(network_type='vlan', physical_network='p', segmentation_id=5),
     ('vlan', 'p', 5)),
    (dict(network_type='flat', physical_network='p'), ('flat', 'p', None)),
])
def test_of_and_from_meta_default_to_vxlan(source, expected):
    for segment in (segments.Segment.of(types.SimpleNamespace(**source)),
                    segments.Segment.from_meta(source)):
        assert (segment.network_type, segment.physical_network,
                segment.segmentation_id) == expected
    assert segments.Segment(*expected).meta() == dict(
        network_type=expected[0], physical_network=expected[1],
        segmentation_id=expected[2])


def test_of_an_object_with_unset_fields():
    # NOTE: an unset field of a versioned object raises
    # NotImplementedError, which counts as unset.
    segment = segments.Segment.of(objects.Network(segmentation_id=1002))
    assert (segment.network_type, segment.physical_network,
            segment.segmentation_id) == ('vxlan', None, 1002)


# ---- candidates ------------------------------------------------------------

def _ids(candidates):
    """Every id the candidates' ranges allow, in order, with its key."""
    return [(i, candidates['format'] % i)
            for first, last in candidates['ranges']
            for i in range(first, last + 1)]


def test_candidates_default_vni_range():
    candidates = segments.Segment('vxlan').candidates()
    assert candidates == {'format': 'vxlan:%d', 'ranges': [[1001, 2000]]}
    assert _ids(candidates)[0] == (1001, 'vxlan:1001')
    assert _ids(candidates)[-1] == (2000, 'vxlan:2000')


@pytest.mark.parametrize('vni_ranges, expected', [
    (['5:6', '1:2'], [1, 2, 5, 6]),
    (['7:7'], [7]),
    ([' 8 : 9 '], [8, 9]),
    ([], []),
])
def test_candidates_from_vni_ranges(flags, vni_ranges, expected):
    flags(vni_ranges=vni_ranges, group='network')
    assert _ids(segments.Segment('vxlan').candidates()) == [
        (i, 'vxlan:%d' % i) for i in expected]


def test_candidates_of_a_huge_range_are_not_listed(flags):
    flags(vni_ranges=['1:16777215'], group='network')
    assert segments.Segment('vxlan').candidates()['ranges'] == [
        [1, 16777215]]


@pytest.mark.parametrize('vni_ranges', [['2000:1001'], ['0:5'],
                                        ['1:16777216']])
def test_candidates_refuse_a_range_out_of_bounds(flags, vni_ranges):
    flags(vni_ranges=vni_ranges, group='network')
    with pytest.raises(exception.InvalidInput) as caught:
        segments.Segment('vxlan').candidates()
    assert 'is not a range within 1..16777215' in (
        caught.value.format_message())


@pytest.mark.parametrize('physnet, expected', [
    ('physnet1', [10, 11, 20]),
    ('physnet2', [30, 31]),
    ('physnet3', []),
    ('physnet9', []),
])
def test_candidates_from_network_vlan_ranges(flags, physnet, expected):
    flags(network_vlan_ranges=['physnet1:20:20', 'physnet1:10:11',
                               'physnet2:30:31', 'physnet3'],
          group='network')
    assert _ids(segments.Segment('vlan', physnet).candidates()) == [
        (i, 'vlan:%s:%d' % (physnet, i)) for i in expected]


@pytest.mark.parametrize('segment', [
    ('flat', 'physnet1', None),
    ('vxlan', None, 1500),
    ('vlan', 'physnet1', 100),
])
def test_no_candidates_when_fully_given(flags, segment):
    flags(network_vlan_ranges=['physnet1:100:200'], group='network')
    assert segments.Segment(*segment).candidates() is None


@pytest.mark.parametrize('option, value, segment', [
    ('vni_ranges', ['1001'], ('vxlan',)),
    ('vni_ranges', ['a:b'], ('vxlan',)),
    ('vni_ranges', ['1:2:3'], ('vxlan',)),
    ('network_vlan_ranges', ['physnet1:10'], ('vlan', 'physnet1')),
    ('network_vlan_ranges', ['physnet1:x:y'], ('vlan', 'physnet1')),
])
def test_candidates_refuse_a_malformed_range(flags, option, value, segment):
    flags(group='network', **{option: value})
    with pytest.raises(exception.InvalidInput) as caught:
        segments.Segment(*segment).candidates()
    assert 'is not FIRST:LAST' in caught.value.format_message()
    assert option in caught.value.format_message()


def test_vlan_ranges(flags):
    flags(network_vlan_ranges=['physnet1', 'physnet2:1:2', 'physnet2:5:6'],
          group='network')
    assert segments.vlan_ranges() == {'physnet1': [],
                                      'physnet2': [(1, 2), (5, 6)]}


# ---- MTU -------------------------------------------------------------------

@pytest.mark.parametrize('network_type, default_mtu, expected', [
    ('vxlan', None, 1450),
    ('vlan', None, 1500),
    ('flat', None, 1500),
    ('vxlan', 9000, 8950),
    ('vlan', 9000, 9000),
    ('vxlan', 1400, 1350),
])
def test_max_mtu(flags, network_type, default_mtu, expected):
    if default_mtu:
        flags(default_mtu=default_mtu, group='network')
    segment = segments.Segment(network_type, 'physnet1')
    assert segment.max_mtu() == expected
    assert segment.overhead() == (50 if network_type == 'vxlan' else 0)


@pytest.mark.parametrize('fields, expected', [
    (dict(network_type='vxlan', mtu=1400), 1400),
    (dict(network_type='vxlan', mtu=None), 1450),
    (dict(network_type='vlan', mtu=None), 1500),
    (dict(network_type='flat', mtu=1300), 1300),
    # NOTE: a row from before segments: a VXLAN network now.
    (dict(mtu=None), 1450),
    (dict(), 1450),
])
def test_effective_mtu(fields, expected):
    network = types.SimpleNamespace(**fields)
    assert segments.effective_mtu(network) == expected
    assert segments.network_meta(network)['mtu'] == expected


def test_effective_mtu_of_an_object_without_mtu(flags):
    flags(default_mtu=9000, group='network')
    network = objects.Network(network_type='vlan', physical_network='p',
                              segmentation_id=5)
    assert segments.effective_mtu(network) == 9000
    assert segments.network_meta(network) == {
        'network_type': 'vlan', 'physical_network': 'p',
        'segmentation_id': 5, 'mtu': 9000}


# ---- interface mappings ----------------------------------------------------

@pytest.mark.parametrize('mappings, expected', [
    ([], {}),
    (['physnet1:eth1'], {'physnet1': 'eth1'}),
    (['physnet1:eth1', 'physnet2:bond0.7'],
     {'physnet1': 'eth1', 'physnet2': 'bond0.7'}),
    # NOTE: the last entry of a physical network wins.
    (['physnet1:eth1', 'physnet1:eth2'], {'physnet1': 'eth2'}),
])
def test_interface_mappings(flags, mappings, expected):
    flags(physical_interface_mappings=mappings, group='network')
    assert segments.interface_mappings() == expected


@pytest.mark.parametrize('entry', ['eth1', ':eth1', 'physnet1:', ':'])
def test_interface_mappings_refuse_a_malformed_entry(flags, entry):
    flags(physical_interface_mappings=['physnet0:eth0', entry],
          group='network')
    with pytest.raises(exception.InvalidInput) as caught:
        segments.interface_mappings()
    assert repr(entry) in caught.value.format_message()
    assert 'PHYSNET:INTERFACE' in caught.value.format_message()

"""Migration 0009 (network segments) on a sqlite database at 0008 that
holds networks: each becomes a VXLAN network with a VNI from 1001 in id
order, and the tunnel endpoints table appears."""

import datetime

from alembic import command as alembic_command
from oslo_db import exception as db_exc
import pytest
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import migration
from nova_lite.db import network_api as db_network
from nova_lite import exception
from nova_lite.network import segments

NOW = datetime.datetime(2026, 12, 1)


@pytest.fixture
def at_0008(tmp_path, flags):
    """A database migrated to 0008 only."""
    flags(connection='sqlite:///%s' % (tmp_path / 'old.sqlite'),
          group='database')
    db_api.dispose_engine()
    migration.db_sync('0008')
    assert migration.db_version() == '0008'
    yield db_api.get_engine()
    db_api.dispose_engine()


def _insert_network(engine, network_id, deleted=False):
    with engine.begin() as conn:
        conn.execute(sa.text(
            'INSERT INTO networks (id, uuid, label, cidr, gateway, bridge, '
            'mtu, deleted, created_at) VALUES (:id, :uuid, :label, :cidr, '
            ':gateway, :bridge, NULL, :deleted, :now)'), dict(
                id=network_id,
                uuid='00000000-0000-4000-8000-%012d' % network_id,
                label='net-%d' % network_id,
                cidr='10.%d.0.0/24' % network_id,
                gateway='10.%d.0.1' % network_id,
                bridge='br%d' % network_id,
                deleted=network_id if deleted else 0, now=NOW))


def _networks(engine):
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(
            'SELECT id, network_type, physical_network, segmentation_id, '
            'segment, enable_snat FROM networks ORDER BY id'))]


def _tables(engine):
    return set(sa.inspect(engine).get_table_names())


@pytest.mark.parametrize('inserted, deleted, expected', [
    ([], (), []),
    ([1, 2], (), [(1, 1001), (2, 1002)]),
    # NOTE: by id, not by insertion order.
    ([2, 1], (), [(1, 1001), (2, 1002)]),
    ([7, 3, 5], (), [(3, 1001), (5, 1002), (7, 1003)]),
    # NOTE: a deleted network is numbered too (its row keeps a segment).
    ([1, 2, 3], (2,), [(1, 1001), (2, 1002), (3, 1003)]),
])
def test_upgrade_gives_networks_vnis_in_id_order(at_0008, inserted, deleted,
                                                 expected):
    for network_id in inserted:
        _insert_network(at_0008, network_id, network_id in deleted)
    migration.db_sync('0009')
    assert migration.db_version() == '0009'
    assert _networks(at_0008) == [
        (network_id, 'vxlan', None, vni, 'vxlan:%d' % vni, 0)
        for network_id, vni in expected]
    assert 'tunnel_endpoints' in _tables(at_0008)


def test_upgraded_networks_take_part_in_allocation(at_0008):
    for network_id in (1, 2, 3):
        _insert_network(at_0008, network_id, deleted=network_id == 2)
    migration.db_sync('0009')
    # NOTE: 1001 and 1003 are live; the deleted network's 1002 is free.
    row = db_network.network_create(
        dict(label='new', cidr='192.0.2.0/24', gateway='192.0.2.1',
             bridge='brnew', network_type='vxlan'),
        segments=segments.Segment('vxlan').candidates())
    assert (row.segmentation_id, row.segment) == (1002, 'vxlan:1002')
    with pytest.raises(exception.NetworkSegmentInUse):
        db_network.network_create(dict(
            label='dup', cidr='198.51.100.0/24', bridge='brdup',
            segmentation_id=1001, segment='vxlan:1001'))


def test_upgrade_adds_a_unique_segment_per_live_network(at_0008):
    _insert_network(at_0008, 1)
    migration.db_sync('0009')
    with pytest.raises(db_exc.DBDuplicateEntry):
        with at_0008.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO networks (uuid, label, cidr, bridge, deleted, "
                "segment, created_at) VALUES ('u2', 'two', '10.9.0.0/24', "
                "'br9', 0, 'vxlan:1001', :now)"), dict(now=NOW))


def test_tunnel_endpoints_table(at_0008):
    migration.db_sync('0009')
    db_network.tunnel_endpoint_set('h1', '192.0.2.10')
    db_network.tunnel_endpoint_set('h1', '192.0.2.11')
    db_network.tunnel_endpoint_set('h0', '192.0.2.12')
    assert [(row.host, row.ip_address) for row in
            db_network.tunnel_endpoint_get_all()] == [
        ('h0', '192.0.2.12'), ('h1', '192.0.2.11')]


def test_downgrade_to_0008(at_0008):
    _insert_network(at_0008, 1)
    migration.db_sync('0009')
    config = migration._config()
    with at_0008.begin() as connection:
        config.attributes['connection'] = connection
        alembic_command.downgrade(config, '0008')
    assert migration.db_version() == '0008'
    assert 'tunnel_endpoints' not in _tables(at_0008)
    columns = {c['name'] for c in
               sa.inspect(at_0008).get_columns('networks')}
    assert not columns & {'network_type', 'physical_network',
                          'segmentation_id', 'segment', 'enable_snat'}
    with at_0008.connect() as conn:
        assert list(conn.execute(sa.text(
            'SELECT id, label FROM networks'))) == [(1, 'net-1')]

"""Migration 0011 (addresses held for a dead host) on a sqlite database at
0010 that holds an allocated address, and the database functions that hold
and release addresses, and find the migrations under way on a host."""

import datetime

from alembic import command as alembic_command
import pytest
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import migration
from nova_lite.db import migration_api as db_migration
from nova_lite.db import network_api as db_network

NOW = datetime.datetime(2026, 12, 8)
INSTANCE = '00000000-0000-4000-8000-%012d'


@pytest.fixture
def at_0010(tmp_path, flags):
    """A database migrated to 0010 only."""
    flags(connection='sqlite:///%s' % (tmp_path / 'old.sqlite'),
          group='database')
    db_api.dispose_engine()
    migration.db_sync('0010')
    assert migration.db_version() == '0010'
    yield db_api.get_engine()
    db_api.dispose_engine()


def _insert_address(engine):
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO networks (id, uuid, label, cidr, gateway, bridge, "
            "deleted, created_at, network_type, segment) VALUES (1, "
            "'00000000-0000-4000-8000-000000000001', 'net', '10.1.0.0/24', "
            "'10.1.0.1', 'br1', 0, :now, 'vxlan', 'vxlan:1001')"),
            dict(now=NOW))
        conn.execute(sa.text(
            "INSERT INTO virtual_interfaces (id, uuid, address, network_id, "
            "instance_uuid, created_at) VALUES (1, "
            "'00000000-0000-4000-8000-0000000000f1', 'fa:16:3e:00:00:01', 1, "
            ":instance, :now)"), dict(instance=INSTANCE % 1, now=NOW))
        conn.execute(sa.text(
            "INSERT INTO fixed_ips (address, network_id, "
            "virtual_interface_id, instance_uuid, created_at) VALUES "
            "('10.1.0.2', 1, 1, :instance, :now)"),
            dict(instance=INSTANCE % 1, now=NOW))


def _columns(engine):
    return {c['name'] for c in
            sa.inspect(engine).get_columns('virtual_interfaces')}


def test_upgrade_keeps_addresses_unheld(at_0010):
    _insert_address(at_0010)
    migration.db_sync('0011')
    assert 'held_by_host' in _columns(at_0010)
    assert 'virtual_interfaces_held_by_host_idx' in {
        index['name'] for index in
        sa.inspect(at_0010).get_indexes('virtual_interfaces')}
    [vif] = db_network.virtual_interface_get_by_instance(INSTANCE % 1)
    assert (vif.held_by_host, [ip.address for ip in vif.fixed_ips]) == (
        None, ['10.1.0.2'])


def test_downgrade_to_0010(at_0010):
    _insert_address(at_0010)
    migration.db_sync('0011')
    config = migration._config()
    with at_0010.begin() as connection:
        config.attributes['connection'] = connection
        alembic_command.downgrade(config, '0010')
    assert migration.db_version() == '0010'
    assert 'held_by_host' not in _columns(at_0010)
    with at_0010.connect() as conn:
        assert list(conn.execute(sa.text(
            'SELECT address FROM fixed_ips'))) == [('10.1.0.2',)]


# ---- holding and releasing -------------------------------------------------

@pytest.fixture
def network_id(database):
    return db_network.network_create(dict(
        label='net', cidr='192.0.2.0/24', gateway='192.0.2.1',
        bridge='br1', network_type='vxlan', segment='vxlan:1')).id


def _held(host):
    return sorted((vif.instance_uuid, ip.address) for vif in
                  db_network.virtual_interface_get_held_by_host(host)
                  for ip in vif.fixed_ips)


def test_hold_and_release(network_id):
    for n in (1, 2, 3):
        db_network.virtual_interface_allocate(INSTANCE % n, network_id)
    assert db_network.virtual_interface_hold_by_instance(INSTANCE % 1,
                                                         'h1') == 1
    assert db_network.virtual_interface_hold_by_instance(INSTANCE % 2,
                                                         'h1') == 1
    assert db_network.virtual_interface_hold_by_instance(INSTANCE % 9,
                                                         'h1') == 0
    assert _held('h1') == [(INSTANCE % 1, '192.0.2.2'),
                           (INSTANCE % 2, '192.0.2.3')]
    assert _held('h2') == []
    # NOTE: a held address is still taken.
    vif = db_network.virtual_interface_allocate(INSTANCE % 4, network_id)
    assert [ip.address for ip in vif.fixed_ips] == ['192.0.2.5']

    assert db_network.virtual_interface_release_held(
        'h2', INSTANCE % 1) == 0
    assert db_network.virtual_interface_release_held(
        'h1', INSTANCE % 1) == 1
    assert _held('h1') == [(INSTANCE % 2, '192.0.2.3')]
    assert db_network.virtual_interface_get_by_instance(INSTANCE % 1) == []
    assert db_network.virtual_interface_release_held('h1') == 1
    assert db_network.virtual_interface_release_held('h1') == 0
    # The live server's address was never touched; the released ones are
    # free again.
    assert [ip.address for vif in db_network.virtual_interface_get_by_instance(
        INSTANCE % 3) for ip in vif.fixed_ips] == ['192.0.2.4']
    vif = db_network.virtual_interface_allocate(INSTANCE % 5, network_id)
    assert [ip.address for ip in vif.fixed_ips] == ['192.0.2.2']


# ---- migrations under way --------------------------------------------------

@pytest.mark.parametrize('source, dest, status, found', [
    ('h1', 'h2', 'pre-migrating', True),
    ('h1', 'h2', 'finished', True),
    ('h2', 'h1', 'running', True),
    ('h1', 'h1', 'migrating', True),
    ('h2', 'h3', 'running', False),
    ('h1', 'h2', 'confirmed', False),
    ('h2', 'h1', 'reverted', False),
    ('h1', 'h2', 'error', False),
    ('h1', 'h2', 'failed', False),
    ('h1', 'h2', 'completed', False),
    ('h1', 'h2', 'cancelled', False),
    ('h1', 'h2', 'done', False),
])
def test_migrations_in_progress_by_host(database, source, dest, status,
                                        found):
    row = db_migration.migration_create(dict(
        instance_uuid=INSTANCE % 1, source_compute=source,
        dest_compute=dest, status=status, migration_type='migration'))
    assert [m.uuid for m in
            db_migration.migration_get_in_progress_by_host('h1')] == (
        [row.uuid] if found else [])

"""Migration 0012 (Nova's binary names) on a sqlite database at 0011 whose
services were registered as nova-lite-compute, ...: they are found under
nova-compute, ... afterwards, with what an admin set kept; the network
host keeps its name; and back."""

import datetime

from alembic import command as alembic_command
import pytest
import sqlalchemy as sa

from nova_lite import context as nova_context
from nova_lite.db import api as db_api
from nova_lite.db import migration
from nova_lite import objects
from nova_lite.objects import service as service_obj

NOW = datetime.datetime(2026, 12, 9)


@pytest.fixture
def at_0011(tmp_path, flags):
    """A database migrated to 0011 only."""
    flags(connection='sqlite:///%s' % (tmp_path / 'old.sqlite'),
          group='database')
    db_api.dispose_engine()
    migration.db_sync('0011')
    assert migration.db_version() == '0011'
    yield db_api.get_engine()
    db_api.dispose_engine()


def _insert(engine, service_id, host, binary, disabled=False):
    with engine.begin() as conn:
        conn.execute(sa.text(
            'INSERT INTO services (id, uuid, host, "binary", topic, '
            'report_count, disabled, disabled_reason, forced_down, version, '
            'created_at) VALUES (:id, :uuid, :host, :binary, NULL, 0, '
            ':disabled, :reason, 0, 1, :now)'), dict(
                id=service_id, uuid='00000000-0000-4000-8000-%012d'
                % service_id, host=host, binary=binary, disabled=disabled,
                reason='maintenance' if disabled else None, now=NOW))


def _services(engine):
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(sa.text(
            'SELECT id, host, "binary", disabled FROM services '
            'ORDER BY id'))]


def _downgrade(engine, revision):
    config = migration._config()
    with engine.begin() as connection:
        config.attributes['connection'] = connection
        alembic_command.downgrade(config, revision)


OLD = [(1, 'ctl', 'nova-lite-conductor', False),
       (2, 'ctl', 'nova-lite-scheduler', False),
       (3, 'cpu1', 'nova-lite-compute', False),
       (4, 'cpu2', 'nova-lite-compute', True),
       (5, 'ctl', 'nova-lite-network', False)]
NEW = [(1, 'ctl', 'nova-conductor', False),
       (2, 'ctl', 'nova-scheduler', False),
       (3, 'cpu1', 'nova-compute', False),
       (4, 'cpu2', 'nova-compute', True),
       (5, 'ctl', 'nova-lite-network', False)]


def test_upgrade_renames_to_nova_names(at_0011):
    for row in OLD:
        _insert(at_0011, *row)
    migration.db_sync('0012')
    assert migration.db_version() == '0012'
    assert _services(at_0011) == NEW
    # The rows are what the services and the API look up now.
    context = nova_context.get_admin_context()
    computes = objects.ServiceList.get_all(
        context, binary=service_obj.COMPUTE_BINARY)
    assert [(s.host, s.disabled, s.disabled_reason) for s in computes] == [
        ('cpu1', False, None), ('cpu2', True, 'maintenance')]
    assert objects.Service.get_by_host_and_binary(
        context, 'ctl', service_obj.CONDUCTOR_BINARY).id == 1


def test_upgrade_of_an_empty_table(at_0011):
    migration.db_sync('0012')
    assert _services(at_0011) == []


def test_upgrade_keeps_the_older_record_of_a_host(at_0011):
    """A new compute that started before the sync registered a second
    record for its host; the old one (disabled by an admin) wins."""
    _insert(at_0011, 1, 'cpu1', 'nova-lite-compute', disabled=True)
    _insert(at_0011, 2, 'cpu1', 'nova-compute')
    _insert(at_0011, 3, 'cpu2', 'nova-compute')
    migration.db_sync('0012')
    assert _services(at_0011) == [(1, 'cpu1', 'nova-compute', True),
                                  (3, 'cpu2', 'nova-compute', False)]


def test_downgrade_to_0011(at_0011):
    for row in OLD:
        _insert(at_0011, *row)
    migration.db_sync('0012')
    _downgrade(at_0011, '0011')
    assert migration.db_version() == '0011'
    assert _services(at_0011) == OLD

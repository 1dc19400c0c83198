"""Migration 0015 (quota classes) on a sqlite database at 0014: the table
os-quota-class-sets keeps its limits in, one row per class and resource,
and back."""

from alembic import command as alembic_command
from oslo_db import exception as db_exc
import pytest
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import migration
from nova_lite.db import quota_api


@pytest.fixture
def at_0014(tmp_path, flags):
    """A database migrated to 0014 only."""
    flags(connection='sqlite:///%s' % (tmp_path / 'old.sqlite'),
          group='database')
    db_api.dispose_engine()
    migration.db_sync('0014')
    assert migration.db_version() == '0014'
    yield db_api.get_engine()
    db_api.dispose_engine()


def _tables(engine):
    with engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names())


def test_upgrade_creates_quota_classes(at_0014):
    assert 'quota_classes' not in _tables(at_0014)
    migration.db_sync('0015')
    assert 'quota_classes' in _tables(at_0014)
    quota_api.quota_class_set('default', {'instances': 5, 'cores': 7})
    quota_api.quota_class_set('default', {'instances': 6})
    assert quota_api.quota_class_get_all_by_name('default') == {
        'instances': 6, 'cores': 7}
    assert quota_api.quota_class_get_all_by_name('gold') == {}


def test_one_row_per_class_and_resource(at_0014):
    migration.db_sync('0015')
    insert = sa.text(
        'INSERT INTO quota_classes (class_name, resource, hard_limit, '
        'created_at) VALUES (:c, :r, 1, CURRENT_TIMESTAMP)')
    with at_0014.begin() as conn:
        conn.execute(insert, dict(c='default', r='ram'))
    with pytest.raises((sa.exc.IntegrityError, db_exc.DBDuplicateEntry)):
        with at_0014.begin() as conn:
            conn.execute(insert, dict(c='default', r='ram'))


def test_downgrade_drops_quota_classes(at_0014):
    migration.db_sync('0015')
    config = migration._config()
    with at_0014.begin() as conn:
        config.attributes['connection'] = conn
        alembic_command.downgrade(config, '0014')
    assert 'quota_classes' not in _tables(at_0014)

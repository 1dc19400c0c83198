"""Migration 0014 (the image tables leave nova-lite's database) and the
image database's first sync, on a sqlite database at 0013 that holds
images: the first sync of the image database copies them (properties and
tags too), 0014 then drops the tables; 0014 refuses while an image would
be lost; and back."""

import datetime
import os

from alembic import command as alembic_command
import pytest
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import migration
from nova_lite import exception
from nova_lite.image.service.db import api as image_db_api
from nova_lite.image.service.db import migration as image_migration

NOW = datetime.datetime(2026, 12, 7, 12, 0, 0)
IDS = ['00000000-0000-4000-8000-00000000000%d' % i for i in range(3)]
IMAGE_TABLES = {'images', 'image_properties', 'image_tags'}


@pytest.fixture
def at_0013(tmp_path, flags):
    """nova-lite's database migrated to 0013 only; the image database
    configured but never synced."""
    flags(connection='sqlite:///%s' % (tmp_path / 'nova.sqlite'),
          group='database')
    flags(database_connection='sqlite:///%s' % (tmp_path / 'image.sqlite'),
          group='image_service')
    db_api.dispose_engine()
    image_db_api.dispose_engine()
    migration.db_sync('0013')
    yield db_api.get_engine()
    db_api.dispose_engine()
    image_db_api.dispose_engine()


def _insert_image(engine, image_id, name, properties=(), tags=(), **extra):
    values = dict(id=image_id, name=name, disk_format='qcow2',
                  container_format='bare', size=42, virtual_size=None,
                  status='active', visibility='public', checksum='c' * 32,
                  os_hash_algo='sha512', os_hash_value='h' * 128,
                  min_disk=1, min_ram=64, owner='p1', protected=False,
                  os_hidden=False, created_at=NOW, updated_at=NOW)
    values.update(extra)
    with engine.begin() as conn:
        conn.execute(sa.text(
            'INSERT INTO images (%s) VALUES (%s)' % (
                ', '.join(values), ', '.join(':' + k for k in values))),
            values)
        for prop, value in properties:
            conn.execute(sa.text(
                'INSERT INTO image_properties (image_id, name, value, '
                'created_at) VALUES (:i, :n, :v, :now)'),
                dict(i=image_id, n=prop, v=value, now=NOW))
        for tag in tags:
            conn.execute(sa.text(
                'INSERT INTO image_tags (image_id, value, created_at) '
                'VALUES (:i, :v, :now)'), dict(i=image_id, v=tag, now=NOW))


def _tables(engine):
    with engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names())


def test_image_sync_copies_then_0014_drops(at_0013):
    _insert_image(at_0013, IDS[0], 'cirros', [('hw_vif_model', 'virtio'),
                                              ('os_distro', 'cirros')],
                  ['boot', 'small'])
    _insert_image(at_0013, IDS[1], None, status='queued', size=None,
                  visibility='private', owner='p2')
    image_migration.db_sync()
    assert image_migration.db_version() == 'image_0001'

    copied = image_db_api.image_get(IDS[0])
    assert copied['properties'] == {'hw_vif_model': 'virtio',
                                    'os_distro': 'cirros'}
    assert copied['tags'] == ['boot', 'small']
    assert (copied['status'], copied['checksum'], copied['size'],
            copied['created_at']) == ('active', 'c' * 32, 42, NOW)
    assert image_db_api.image_get(IDS[1], 'p2')['status'] == 'queued'
    # Copied properties and tags take new ids of the image database: a
    # further one is added without a clash.
    updated = image_db_api.image_update(
        IDS[1], properties={'a': '1'}, tags=['t'])
    assert (updated['properties'], updated['tags']) == ({'a': '1'}, ['t'])

    migration.db_sync()
    # NOTE: at or past 0014: later migrations run on to the head.
    assert migration.db_version() >= '0014'
    assert not IMAGE_TABLES & _tables(at_0013)
    assert len(image_db_api.image_get_all()) == 2


def test_0014_refuses_to_lose_images(at_0013, tmp_path):
    _insert_image(at_0013, IDS[0], 'cirros')
    with pytest.raises(RuntimeError, match='image_db sync'):
        migration.db_sync()
    assert migration.db_version() == '0013'
    assert IMAGE_TABLES <= _tables(at_0013)
    # It only looked: no image database was created by it.
    assert not os.path.exists(tmp_path / 'image.sqlite')


def test_0014_drops_images_deleted_by_hand(at_0013):
    """The images live elsewhere now (a real Glance): the operator
    deletes the rows, and 0014 goes on."""
    _insert_image(at_0013, IDS[0], 'cirros', tags=['x'])
    with at_0013.begin() as conn:
        conn.execute(sa.text('DELETE FROM images'))
    migration.db_sync()
    assert not IMAGE_TABLES & _tables(at_0013)


def test_fresh_databases_stand_apart(at_0013, tmp_path):
    migration.db_sync()
    assert not os.path.exists(tmp_path / 'image.sqlite')
    image_migration.db_sync()
    assert image_db_api.image_get_all() == []
    assert not IMAGE_TABLES & _tables(at_0013)
    assert IMAGE_TABLES <= _tables(image_db_api.get_engine())
    with pytest.raises(exception.ImageNotFound):
        image_db_api.image_get(IDS[0])


def test_image_database_must_be_its_own(at_0013, flags, tmp_path):
    flags(database_connection='sqlite:///%s' % (tmp_path / 'nova.sqlite'),
          group='image_service')
    with pytest.raises(RuntimeError, match='database of its own'):
        image_migration.db_sync()


def test_downgrade_to_0013(at_0013):
    _insert_image(at_0013, IDS[0], 'cirros')
    image_migration.db_sync()
    migration.db_sync()
    config = migration._config()
    with at_0013.begin() as connection:
        config.attributes['connection'] = connection
        alembic_command.downgrade(config, '0013')
    assert migration.db_version() == '0013'
    assert IMAGE_TABLES <= _tables(at_0013)
    with at_0013.connect() as conn:
        assert conn.execute(sa.text('SELECT COUNT(*) FROM images')
                            ).scalar() == 0
    # The records stay in the image database.
    assert image_db_api.image_get(IDS[0])['name'] == 'cirros'


def test_an_image_database_that_is_this_one_is_no_copy(
        at_0013, flags, tmp_path):
    """[image_service] database_connection pointed at nova-lite's own
    database: its images table is no copy, and nothing is dropped."""
    flags(database_connection='sqlite:///%s' % (tmp_path / 'nova.sqlite'),
          group='image_service')
    _insert_image(at_0013, IDS[0], 'cirros')
    with pytest.raises(RuntimeError, match='image_db sync'):
        migration.db_sync()
    assert IMAGE_TABLES <= _tables(at_0013)

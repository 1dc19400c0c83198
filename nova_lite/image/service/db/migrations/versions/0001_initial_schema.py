"""initial schema of the image database, with the records nova-lite's
database held

Revision ID: image_0001
Revises:
Create Date: 2026-12-07 19:00:00.000000

Until nova-lite's migration 0014 the image service kept its tables
(``images``, ``image_properties``, ``image_tags``) in nova-lite's own
database. This first revision of the image database creates them here
and, when nova-lite's database (``[database] connection``, else the
sqlite file ``$state_path/nova-lite.sqlite`` if it exists) still holds
them, copies their rows: images with their ids, statuses and checksums,
properties and tags (the image data files under ``[image_service]
store_path`` are named by image id and stay where they are). The copy
runs once, when the image database is first synced; nova-lite's 0014
then drops the old tables, and refuses to while an image there is
missing here.
"""

import logging
import os

from alembic import op
from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite import conf
from nova_lite.image.service.db import api as db_api

CONF = conf.CONF
LOG = logging.getLogger(__name__)

revision = 'image_0001'
down_revision = None
branch_labels = None
depends_on = None

_TABLES = ('images', 'image_properties', 'image_tags')
_CHUNK = 500
# NOTE: names and properties may hold any Unicode text (see nova-lite's
# migration 0013); other backends ignore the option.
_MYSQL = {'mysql_charset': 'utf8mb4'}


def _create_tables():
    op.create_table(
        'images',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=True),
        sa.Column('disk_format', sa.String(length=20), nullable=True),
        sa.Column('container_format', sa.String(length=20), nullable=True),
        sa.Column('size', sa.BigInteger(), nullable=True),
        sa.Column('virtual_size', sa.BigInteger(), nullable=True),
        sa.Column('status', sa.String(length=30), nullable=False),
        sa.Column('visibility', sa.String(length=20), nullable=False),
        sa.Column('checksum', sa.String(length=32), nullable=True),
        sa.Column('os_hash_algo', sa.String(length=64), nullable=True),
        sa.Column('os_hash_value', sa.String(length=128), nullable=True),
        sa.Column('min_disk', sa.Integer(), nullable=False),
        sa.Column('min_ram', sa.Integer(), nullable=False),
        sa.Column('owner', sa.String(length=255), nullable=True),
        sa.Column('protected', sa.Boolean(), nullable=False),
        sa.Column('os_hidden', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        **_MYSQL)
    with op.batch_alter_table('images', schema=None) as batch_op:
        batch_op.create_index('images_owner_idx', ['owner'], unique=False)
        batch_op.create_index('images_visibility_idx', ['visibility'],
                              unique=False)
        batch_op.create_index('images_created_at_idx', ['created_at'],
                              unique=False)
        batch_op.create_index('images_name_idx', ['name'], unique=False)

    op.create_table(
        'image_properties',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('image_id', sa.String(length=36), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('value', sa.String(length=255), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['image_id'], ['images.id'],
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('image_id', 'name',
                            name='uniq_image_properties0image_id0name'),
        **_MYSQL)
    with op.batch_alter_table('image_properties', schema=None) as batch_op:
        batch_op.create_index('image_properties_name_value_idx',
                              ['name', 'value'], unique=False)

    op.create_table(
        'image_tags',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('image_id', sa.String(length=36), nullable=False),
        sa.Column('value', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['image_id'], ['images.id'],
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('image_id', 'value',
                            name='uniq_image_tags0image_id0value'),
        **_MYSQL)


def _drop_tables():
    op.drop_table('image_tags')
    op.drop_table('image_properties')
    with op.batch_alter_table('images', schema=None) as batch_op:
        batch_op.drop_index('images_name_idx')
        batch_op.drop_index('images_created_at_idx')
        batch_op.drop_index('images_visibility_idx')
        batch_op.drop_index('images_owner_idx')
    op.drop_table('images')


def _compute_database_url():
    """nova-lite's database URL as this host's configuration names it, or
    None when it is the default sqlite file and that does not exist."""
    if CONF.database.connection:
        return CONF.database.connection
    path = os.path.join(CONF.state_path, 'nova-lite.sqlite')
    return 'sqlite:///' + path if os.path.exists(path) else None


def _copy_rows(source, target, table):
    """Copy ``table`` from ``source`` to ``target``; the integer ids of
    properties and tags are left to the target (a PostgreSQL sequence
    would not see copied ids)."""
    rows = sa.Table(table, sa.MetaData(), autoload_with=source)
    columns = [c.name for c in rows.columns
               if not (table != 'images' and c.name == 'id')]
    order = rows.c.id
    offset = 0
    count = 0
    while True:
        chunk = source.execute(
            sa.select(*[rows.c[name] for name in columns])
            .order_by(order).offset(offset).limit(_CHUNK)).mappings().all()
        if not chunk:
            return count
        target.execute(sa.table(table, *[sa.column(n) for n in columns])
                       .insert(), [dict(row) for row in chunk])
        offset += len(chunk)
        count += len(chunk)


def copy_from_compute_database(target, url):
    """Copy the image tables' rows from the database at ``url`` (nova-lite's,
    before its migration 0014) into ``target``, a connection to the new
    image database; nothing when that database has no image tables.

    :returns: the number of images copied.
    """
    engine = db_api.create_engine(url)
    try:
        with engine.connect() as source:
            if 'images' not in sa.inspect(source).get_table_names():
                return 0
            copied = _copy_rows(source, target, 'images')
            for table in _TABLES[1:]:
                _copy_rows(source, target, table)
            return copied
    finally:
        engine.dispose()


def upgrade():
    bind = op.get_bind()
    if 'images' in sa.inspect(bind).get_table_names():
        raise RuntimeError(
            'The image database already has an images table: '
            '[image_service] database_connection must name a database of '
            'its own, not nova-lite\'s ([database] connection).')
    _create_tables()
    url = _compute_database_url()
    if url is None:
        return
    try:
        copied = copy_from_compute_database(bind, url)
    except (sa.exc.OperationalError, db_exc.DBError) as error:
        # NOTE: this host may not reach nova-lite's database (an image
        # service on a host of its own); nova-lite's 0014 refuses to drop
        # images that are not here, so nothing is lost by going on.
        LOG.warning('Image records not copied from nova-lite\'s database: '
                    '%s', error)
        return
    if copied:
        LOG.info('Copied %d image records from nova-lite\'s database',
                 copied)


def downgrade():
    _drop_tables()

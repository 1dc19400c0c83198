"""images: the image service's tables leave nova-lite's database

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 19:00:00.000000

The image service (nova-lite-image) keeps its records in a database of
its own now (``[image_service] database_connection``, with a migration
tree of its own: ``nova_lite/image/service/db/migrations``), so it can
run on a host of its own or give way to a real Glance. This drops
``images``, ``image_properties`` and ``image_tags`` from nova-lite's
database.

Existing images are not lost: the image database's first sync
(``nova-lite-manage image_db sync``; nova-lite-all and the devstack
plugin run it before ``db sync``) copies these rows over. This migration
refuses to run (an error, nothing dropped) while an image of these tables
is missing from the image database. An operator whose image service
cannot reach this database copies the three tables' rows into the image
database (after ``image_db sync`` created its schema) by hand, or, when
the images now live elsewhere (a real Glance), deletes the rows here;
then runs ``nova-lite-manage db sync`` again.

Downgrade recreates the tables empty: the records stay in the image
database.
"""

import os

from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def _image_database_ids():
    """The image ids the image database holds (empty when it does not
    exist yet, was never synced, or cannot be reached)."""
    # NOTE: the one place nova-lite's tree looks at the image service's
    # database, and only to read: to know whether dropping loses images.
    from nova_lite.image.service.db import api as image_db_api
    from nova_lite.image.service.db import migration as image_migration
    url = image_db_api.database_url()
    if url.startswith('sqlite:///') and not os.path.exists(
            url[len('sqlite:///'):]):
        return set()
    engine = image_db_api.create_engine(url)
    try:
        with engine.connect() as conn:
            # NOTE: its own version table, not just an images table: an
            # image database pointed at this very database is no copy.
            if image_migration.VERSION_TABLE not in sa.inspect(
                    conn).get_table_names():
                return set()
            return {row[0] for row in conn.execute(
                sa.text('SELECT id FROM images'))}
    except sa.exc.OperationalError:
        return set()
    finally:
        engine.dispose()


def upgrade():
    bind = op.get_bind()
    if 'images' not in sa.inspect(bind).get_table_names():
        return
    ids = {row[0] for row in bind.execute(sa.text('SELECT id FROM images'))}
    missing = ids - _image_database_ids() if ids else set()
    if missing:
        raise RuntimeError(
            '%d image record(s) of nova-lite\'s database are not in the '
            'image service\'s database ([image_service] '
            'database_connection): run "nova-lite-manage image_db sync" '
            'first, which copies them, then "nova-lite-manage db sync" '
            'again (see migration 0014 for the way by hand).'
            % len(missing))
    _drop_tables()


def downgrade():
    _create_tables()


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
    )
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
    )
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
    )


def _drop_tables():
    op.drop_table('image_tags')
    op.drop_table('image_properties')
    with op.batch_alter_table('images', schema=None) as batch_op:
        batch_op.drop_index('images_name_idx')
        batch_op.drop_index('images_created_at_idx')
        batch_op.drop_index('images_visibility_idx')
        batch_op.drop_index('images_owner_idx')
    op.drop_table('images')

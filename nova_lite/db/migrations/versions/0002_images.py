"""images: the tables of the image service

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 10:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
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


def downgrade():
    op.drop_table('image_tags')
    op.drop_table('image_properties')
    with op.batch_alter_table('images', schema=None) as batch_op:
        batch_op.drop_index('images_name_idx')
        batch_op.drop_index('images_created_at_idx')
        batch_op.drop_index('images_visibility_idx')
        batch_op.drop_index('images_owner_idx')
    op.drop_table('images')

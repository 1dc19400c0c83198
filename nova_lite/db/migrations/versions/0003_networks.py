"""networks: networks, VIFs, fixed IPs and the instances' network info

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05 10:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'networks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('uuid', sa.String(length=36), nullable=False),
        sa.Column('label', sa.String(length=255), nullable=False),
        sa.Column('cidr', sa.String(length=43), nullable=False),
        sa.Column('gateway', sa.String(length=39), nullable=True),
        sa.Column('bridge', sa.String(length=15), nullable=False),
        sa.Column('dns1', sa.String(length=39), nullable=True),
        sa.Column('dns2', sa.String(length=39), nullable=True),
        sa.Column('mtu', sa.Integer(), nullable=True),
        sa.Column('project_id', sa.String(length=255), nullable=True),
        sa.Column('deleted', sa.Integer(), nullable=False),
        sa.Column('deleted_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('uuid'),
        sa.UniqueConstraint('label', 'deleted',
                            name='uniq_networks0label0deleted'),
    )
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.create_index('networks_project_id_deleted_idx',
                              ['project_id', 'deleted'], unique=False)

    op.create_table(
        'virtual_interfaces',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('uuid', sa.String(length=36), nullable=False),
        sa.Column('address', sa.String(length=17), nullable=False),
        sa.Column('network_id', sa.Integer(), nullable=False),
        sa.Column('instance_uuid', sa.String(length=36), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['network_id'], ['networks.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('uuid'),
        sa.UniqueConstraint('address',
                            name='uniq_virtual_interfaces0address'),
    )
    with op.batch_alter_table('virtual_interfaces', schema=None) as batch_op:
        batch_op.create_index('virtual_interfaces_instance_uuid_idx',
                              ['instance_uuid'], unique=False)

    op.create_table(
        'fixed_ips',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=39), nullable=False),
        sa.Column('network_id', sa.Integer(), nullable=False),
        sa.Column('virtual_interface_id', sa.Integer(), nullable=False),
        sa.Column('instance_uuid', sa.String(length=36), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['network_id'], ['networks.id'], ),
        sa.ForeignKeyConstraint(['virtual_interface_id'],
                                ['virtual_interfaces.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('network_id', 'address',
                            name='uniq_fixed_ips0network_id0address'),
    )
    with op.batch_alter_table('fixed_ips', schema=None) as batch_op:
        batch_op.create_index('fixed_ips_instance_uuid_idx',
                              ['instance_uuid'], unique=False)

    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('network_info', sa.Text(),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('instances', schema=None) as batch_op:
        batch_op.drop_column('network_info')
    with op.batch_alter_table('fixed_ips', schema=None) as batch_op:
        batch_op.drop_index('fixed_ips_instance_uuid_idx')
    op.drop_table('fixed_ips')
    with op.batch_alter_table('virtual_interfaces', schema=None) as batch_op:
        batch_op.drop_index('virtual_interfaces_instance_uuid_idx')
    op.drop_table('virtual_interfaces')
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.drop_index('networks_project_id_deleted_idx')
    op.drop_table('networks')

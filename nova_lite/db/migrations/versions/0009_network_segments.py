"""network segments: a network's type, physical network and segment id;
the hosts' tunnel endpoints

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 05:20:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# NOTE: the start of [network] vni_ranges' default: the networks made
# before segments existed become VXLAN networks numbered from here, so
# that they span hosts after the upgrade like any new network.
FIRST_VNI = 1001


def upgrade():
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('network_type', sa.String(length=16),
                                      nullable=False,
                                      server_default='vxlan'))
        batch_op.add_column(sa.Column('physical_network',
                                      sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('segmentation_id', sa.Integer(),
                                      nullable=True))
        batch_op.add_column(sa.Column('segment', sa.String(length=96),
                                      nullable=True))
        batch_op.add_column(sa.Column('enable_snat', sa.Boolean(),
                                      nullable=False,
                                      server_default=sa.false()))
    networks = sa.table('networks', sa.column('id', sa.Integer),
                        sa.column('segmentation_id', sa.Integer),
                        sa.column('segment', sa.String))
    conn = op.get_bind()
    ids = [row[0] for row in conn.execute(
        sa.select(networks.c.id).order_by(networks.c.id))]
    for offset, network_id in enumerate(ids):
        vni = FIRST_VNI + offset
        conn.execute(sa.update(networks)
                     .where(networks.c.id == network_id)
                     .values(segmentation_id=vni, segment='vxlan:%d' % vni))
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.create_unique_constraint('uniq_networks0segment0deleted',
                                          ['segment', 'deleted'])

    op.create_table(
        'tunnel_endpoints',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('ip_address', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('host', name='uniq_tunnel_endpoints0host'),
    )


def downgrade():
    op.drop_table('tunnel_endpoints')
    with op.batch_alter_table('networks', schema=None) as batch_op:
        batch_op.drop_constraint('uniq_networks0segment0deleted',
                                 type_='unique')
        for column in ('enable_snat', 'segment', 'segmentation_id',
                       'physical_network', 'network_type'):
            batch_op.drop_column(column)

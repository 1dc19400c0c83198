"""virtual interfaces: addresses held for the dead host of a deleted server

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('virtual_interfaces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_by_host', sa.String(length=255),
                                      nullable=True))
        batch_op.create_index('virtual_interfaces_held_by_host_idx',
                              ['held_by_host'])


def downgrade():
    # NOTE: no copy of the table on sqlite (fixed_ips points at it, so it
    # cannot be dropped and made again): its own ALTER TABLE DROP COLUMN.
    with op.batch_alter_table('virtual_interfaces', schema=None,
                              recreate='never') as batch_op:
        batch_op.drop_index('virtual_interfaces_held_by_host_idx')
        batch_op.drop_column('held_by_host')

"""migrations: the progress of a live migration (memory and disk bytes)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 14:20:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

PROGRESS_COLUMNS = ('memory_total', 'memory_processed', 'memory_remaining',
                    'disk_total', 'disk_processed', 'disk_remaining')


def upgrade():
    with op.batch_alter_table('migrations', schema=None) as batch_op:
        for name in PROGRESS_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.BigInteger(),
                                          nullable=True))

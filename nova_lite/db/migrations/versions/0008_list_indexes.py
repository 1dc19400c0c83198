"""list indexes: the server list's default sort and changes-since per project

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 10:10:00.000000
"""

from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# NOTE: a page of the default list (created_at desc, id desc) of all
# projects, or of one, is an index range scan that stops at the limit;
# changes-since of one project scans its updated_at range only.
_INDEXES = (
    ('instances_deleted_created_at_id_idx',
     ['deleted', 'created_at', 'id']),
    ('instances_project_id_deleted_created_at_id_idx',
     ['project_id', 'deleted', 'created_at', 'id']),
    ('instances_project_id_updated_at_idx', ['project_id', 'updated_at']),
)


def upgrade():
    for name, columns in _INDEXES:
        op.create_index(name, 'instances', columns)


def downgrade():
    for name, _columns in reversed(_INDEXES):
        op.drop_index(name, table_name='instances')

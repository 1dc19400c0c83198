"""server groups: instance_groups (policy, rules) and their members

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 10:10:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'instance_groups',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('uuid', sa.String(length=36), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=True),
        sa.Column('user_id', sa.String(length=255), nullable=True),
        sa.Column('project_id', sa.String(length=255), nullable=True),
        sa.Column('policy', sa.String(length=255), nullable=False),
        sa.Column('rules', sa.Text(), nullable=True),
        sa.Column('generation', sa.Integer(), nullable=False,
                  server_default='0'),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('uuid', name='uniq_instance_groups0uuid'),
    )
    op.create_index('instance_groups_project_id_idx', 'instance_groups',
                    ['project_id'])
    op.create_table(
        'instance_group_member',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('group_id', sa.Integer(), nullable=False),
        sa.Column('instance_uuid', sa.String(length=36), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.ForeignKeyConstraint(['group_id'], ['instance_groups.id'],
                                ondelete='CASCADE'),
        sa.UniqueConstraint('instance_uuid',
                            name='uniq_instance_group_member0instance_uuid'),
    )
    op.create_index('instance_group_member_group_idx',
                    'instance_group_member', ['group_id'])


def downgrade():
    op.drop_index('instance_group_member_group_idx',
                  table_name='instance_group_member')
    op.drop_table('instance_group_member')
    op.drop_index('instance_groups_project_id_idx',
                  table_name='instance_groups')
    op.drop_table('instance_groups')

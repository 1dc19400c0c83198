"""services: Nova's binary names (nova-compute, nova-conductor,
nova-scheduler) instead of nova-lite-compute, ...

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-09 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# NOTE: the names as they were at this revision, not the constants of
# objects/service.py, which may move on. The network host keeps
# nova-lite-network: Nova has no such service.
RENAMES = (('nova-lite-compute', 'nova-compute'),
           ('nova-lite-conductor', 'nova-conductor'),
           ('nova-lite-scheduler', 'nova-scheduler'))

_services = sa.table('services', sa.column('id', sa.Integer),
                     sa.column('host', sa.String),
                     sa.column('binary', sa.String))


def _rename(conn, old, new):
    # NOTE: a service of the other name that started before this sync
    # registered itself anew on a host that already has a record; the
    # record kept is the older one, which holds what an admin set (a
    # disabled compute stays disabled), and the unique (host, binary)
    # constraint then holds. That service warns that its record is gone
    # until it is restarted.
    # NOTE: the hosts are read first: MySQL refuses a DELETE whose
    # subquery reads the table it deletes from.
    hosts = [row.host for row in conn.execute(
        sa.select(_services.c.host).where(_services.c.binary == old))]
    if hosts:
        conn.execute(sa.delete(_services).where(
            _services.c.binary == new, _services.c.host.in_(hosts)))
    conn.execute(sa.update(_services).where(_services.c.binary == old)
                 .values(binary=new))


def upgrade():
    conn = op.get_bind()
    for old, new in RENAMES:
        _rename(conn, old, new)


def downgrade():
    conn = op.get_bind()
    for old, new in RENAMES:
        _rename(conn, new, old)

"""MySQL/MariaDB: every table (and the database's default) in utf8mb4

The tables were created in the database's default character set, which
is latin1 on many MariaDB/MySQL servers: text outside it (a server name
in Cyrillic, metadata with an emoji) was refused with an error, a 500 in
the API. PostgreSQL and sqlite store Unicode already; nothing changes
there.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-10 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

CHARSET = 'utf8mb4'


def _tables_to_convert(conn):
    """Tables of this database whose default or any text column is not
    utf8mb4 (converting one rebuilds it: those already right are left)."""
    return [row[0] for row in conn.execute(sa.text(
        'SELECT t.TABLE_NAME FROM information_schema.TABLES t '
        'WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = :base '
        'AND (t.TABLE_COLLATION NOT LIKE :pattern OR EXISTS ('
        '  SELECT 1 FROM information_schema.COLUMNS c '
        '  WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA '
        '  AND c.TABLE_NAME = t.TABLE_NAME '
        '  AND c.CHARACTER_SET_NAME IS NOT NULL '
        '  AND c.CHARACTER_SET_NAME != :charset)) '
        'ORDER BY t.TABLE_NAME'),
        {'base': 'BASE TABLE', 'pattern': CHARSET + '%',
         'charset': CHARSET})]


def _foreign_keys(conn, tables):
    """Every foreign key from or to one of ``tables``, as
    ``(table, inspector's description)``."""
    inspector = sa.inspect(conn)
    found = []
    for table in inspector.get_table_names():
        for key in inspector.get_foreign_keys(table):
            if table in tables or key['referred_table'] in tables:
                found.append((table, key))
    return found


def upgrade():
    conn = op.get_bind()
    if conn.dialect.name not in ('mysql', 'mariadb'):
        return
    # NOTE: tables later migrations create take the database's default.
    conn.execute(sa.text('ALTER DATABASE CHARACTER SET %s' % CHARSET))
    tables = _tables_to_convert(conn)
    # NOTE: MariaDB changes no column a foreign key links, whatever
    # FOREIGN_KEY_CHECKS says; the keys go, and come back the same once
    # both sides are converted (their indexes stay meanwhile).
    keys = _foreign_keys(conn, set(tables))
    for table, key in keys:
        op.drop_constraint(key['name'], table, type_='foreignkey')
    for table in tables:
        # NOTE: CONVERT re-encodes the text it holds; the collation is the
        # character set's default, case-insensitive as latin1's.
        conn.execute(sa.text('ALTER TABLE `%s` CONVERT TO CHARACTER SET %s'
                             % (table, CHARSET)))
    for table, key in keys:
        options = key.get('options') or {}
        op.create_foreign_key(
            key['name'], table, key['referred_table'],
            key['constrained_columns'], key['referred_columns'],
            ondelete=options.get('ondelete'),
            onupdate=options.get('onupdate'))


def downgrade():
    # NOTE: back to latin1 would lose whatever text is outside it; utf8mb4
    # holds everything the earlier schema held.
    pass

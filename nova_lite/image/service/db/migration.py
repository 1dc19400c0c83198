"""Schema migrations of the image database with alembic, run by
``nova-lite-manage image_db sync`` (and by nova-lite-all at start).

The image service's migration tree is its own (``migrations/``, revisions
``image_0001``...), apart from nova-lite's, as its database is.
"""

import os

from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic import migration as alembic_migration

from nova_lite.image.service.db import api as db_api

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), 'migrations')
# NOTE: not alembic's default name, so that the two trees never read each
# other's revision even in one database schema (migrations/env.py).
VERSION_TABLE = 'image_alembic_version'


def _config():
    config = alembic_config.Config()
    config.set_main_option('script_location', MIGRATIONS_DIR)
    config.set_main_option('sqlalchemy.url',
                           db_api.database_url().replace('%', '%%'))
    return config


def db_sync(revision='head'):
    """Upgrade the image database schema to ``revision``.

    The first sync (revision ``image_0001``) also copies the image records
    that nova-lite's own database held before its migration 0014 (see
    ``migrations/versions/0001_initial_schema.py``).
    """
    engine = db_api.get_engine()
    config = _config()
    with engine.begin() as connection:
        config.attributes['connection'] = connection
        alembic_command.upgrade(config, revision)


def db_version():
    """The alembic revision the image database is at, or None when empty."""
    engine = db_api.get_engine()
    with engine.connect() as connection:
        context = alembic_migration.MigrationContext.configure(
            connection, opts={'version_table': VERSION_TABLE})
        return context.get_current_revision()

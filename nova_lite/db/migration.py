"""Schema migrations with alembic, run by ``nova-lite-manage db sync``."""

import os

from alembic import command as alembic_command
from alembic import config as alembic_config
from alembic import migration as alembic_migration

from nova_lite.db import api as db_api

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), 'migrations')


def _config():
    config = alembic_config.Config()
    config.set_main_option('script_location', MIGRATIONS_DIR)
    config.set_main_option('sqlalchemy.url',
                           db_api.database_url().replace('%', '%%'))
    return config


def db_sync(revision='head'):
    """Upgrade the database schema to ``revision``."""
    engine = db_api.get_engine()
    config = _config()
    with engine.begin() as connection:
        config.attributes['connection'] = connection
        alembic_command.upgrade(config, revision)


def db_version():
    """The alembic revision the database is at, or None when empty."""
    engine = db_api.get_engine()
    with engine.connect() as connection:
        context = alembic_migration.MigrationContext.configure(connection)
        return context.get_current_revision()

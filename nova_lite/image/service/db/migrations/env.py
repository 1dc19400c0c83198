"""Alembic environment of the image database: runs migrations on the
connection the image service opened."""

from alembic import context

from nova_lite.image.service.db import api as db_api
from nova_lite.image.service.db import migration
from nova_lite.image.service.db import models


def run_migrations_online():
    connection = context.config.attributes.get('connection')
    if connection is None:
        with db_api.get_engine().begin() as connection:
            _run(connection)
    else:
        _run(connection)


def _run(connection):
    context.configure(connection=connection,
                      target_metadata=models.Base.metadata,
                      version_table=migration.VERSION_TABLE,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()

"""Alembic environment: runs migrations on the connection nova-lite opened."""

from alembic import context

from nova_lite.db import api as db_api
from nova_lite.db import models


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
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()

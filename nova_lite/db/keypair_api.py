"""The database door of key pairs."""

from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite import exception


def key_pair_create(values):
    with db_api.transaction() as session:
        exists = session.scalars(sa.select(models.KeyPair).filter_by(
            user_id=values['user_id'], name=values['name'])).first()
        if exists:
            raise exception.KeyPairExists(key_name=values['name'])
        row = models.KeyPair(**values)
        session.add(row)
        try:
            session.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.KeyPairExists(key_name=values['name'])
        return row


def key_pair_get(user_id, name):
    with db_api.transaction() as session:
        row = session.scalars(sa.select(models.KeyPair).filter_by(
            user_id=user_id, name=name)).first()
        if row is None:
            raise exception.KeypairNotFound(user_id=user_id, name=name)
        return row


def key_pair_get_all_by_user(user_id, limit=None, marker=None):
    """A user's key pairs in Nova's page order (oldest first, by id);
    ``marker`` is the name of the last key pair of the previous page."""
    with db_api.transaction() as session:
        query = (sa.select(models.KeyPair).filter_by(user_id=user_id)
                 .order_by(models.KeyPair.id))
        if marker is not None:
            marker_row = session.scalars(sa.select(models.KeyPair).filter_by(
                user_id=user_id, name=marker)).first()
            if marker_row is None:
                raise exception.MarkerNotFound(marker=marker)
            query = query.where(models.KeyPair.id > marker_row.id)
        if limit is not None:
            query = query.limit(limit)
        return list(session.scalars(query))


def key_pair_count_by_user(user_id):
    with db_api.transaction() as session:
        return session.scalar(sa.select(sa.func.count(models.KeyPair.id))
                              .filter_by(user_id=user_id))


def key_pair_destroy(user_id, name):
    with db_api.transaction() as session:
        result = session.execute(sa.delete(models.KeyPair).where(
            models.KeyPair.user_id == user_id, models.KeyPair.name == name))
        if result.rowcount == 0:
            raise exception.KeypairNotFound(user_id=user_id, name=name)

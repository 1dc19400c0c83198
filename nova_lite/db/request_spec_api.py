"""The database door of request specs: one per instance, as JSON."""

import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite import exception


def request_spec_create(instance_uuid, spec):
    with db_api.transaction() as session:
        row = models.RequestSpec(instance_uuid=instance_uuid, spec=spec)
        session.add(row)
        session.flush()
        return row


@db_api.retry_on_conflict
def request_spec_get(instance_uuid):
    with db_api.transaction() as session:
        row = session.scalars(sa.select(models.RequestSpec)
                              .filter_by(instance_uuid=instance_uuid)).first()
        if row is None:
            raise exception.RequestSpecNotFound(instance_uuid=instance_uuid)
        return row


def request_spec_get_all_by_instance_uuids(instance_uuids):
    """The request specs of ``instance_uuids`` (those that have one)."""
    with db_api.transaction() as session:
        return list(session.scalars(
            sa.select(models.RequestSpec).where(
                models.RequestSpec.instance_uuid.in_(
                    list(instance_uuids)))))


@db_api.retry_on_conflict
def request_spec_update(instance_uuid, spec):
    with db_api.transaction() as session:
        session.execute(sa.update(models.RequestSpec)
                        .where(models.RequestSpec.instance_uuid ==
                               instance_uuid)
                        .values(spec=spec, updated_at=db_api.now()))

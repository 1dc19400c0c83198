"""Paged queries of instance actions (os-instance-actions 2.58 and 2.66)."""

import sqlalchemy as sa

from nova_lite.db import api
from nova_lite.db import models
from nova_lite import exception


def _changed_at():
    # NOTE: an action without events was never updated: its creation is
    # its last change.
    return sa.func.coalesce(models.InstanceAction.updated_at,
                            models.InstanceAction.created_at)


def action_get_page(instance_uuid, limit=None, marker=None,
                    changes_since=None, changes_before=None):
    """The actions of an instance, newest first.

    :param marker: the request id of the last action of the previous page.
    :param changes_since, changes_before: bounds (inclusive) on the time
        an action last changed.
    :raises: MarkerNotFound for a marker the instance has no action of.
    """
    action = models.InstanceAction
    with api.transaction() as session:
        query = sa.select(action).filter_by(instance_uuid=instance_uuid)
        if changes_since is not None:
            query = query.where(_changed_at() >= changes_since)
        if changes_before is not None:
            query = query.where(_changed_at() <= changes_before)
        if marker is not None:
            marker_row = session.scalars(
                sa.select(action).filter_by(instance_uuid=instance_uuid,
                                            request_id=marker)
                .order_by(action.id.desc())).first()
            if marker_row is None:
                raise exception.MarkerNotFound(marker=marker)
            query = query.where(action.id < marker_row.id)
        query = query.order_by(action.id.desc())
        if limit is not None:
            query = query.limit(limit)
        return list(session.scalars(query))

"""The database door of usage reports: instances active in a time window.

One query per report page, whatever the number of instances: a usage
report reads deleted instances too (they were billed while they ran), and
each row carries its own copy of the flavor, so nothing is looked up per
instance.
"""

import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite import exception


def instance_get_active_by_window(begin, end=None, project_id=None,
                                  limit=None, marker=None):
    """Instances (deleted ones included) that ran at some point in
    [``begin``, ``end``], ordered by (project_id, uuid) as Nova pages them.

    An instance counts when it launched before ``end`` and was not
    terminated before ``begin``; one that never launched does not.

    :param begin: naive UTC datetime.
    :param end: naive UTC datetime, or None for "until now".
    :param project_id: only this project's instances, or all when None.
    :param limit: at most this many rows.
    :param marker: the uuid of the last instance of the previous page.
    :returns: detached Instance rows.
    :raises: MarkerNotFound when ``marker`` names no instance.
    """
    inst = models.Instance
    with db_api.transaction() as session:
        query = sa.select(inst).where(
            sa.or_(inst.terminated_at.is_(None),
                   inst.terminated_at > begin))
        if end is not None:
            query = query.where(inst.launched_at < end)
        else:
            query = query.where(inst.launched_at.is_not(None))
        if project_id is not None:
            query = query.where(inst.project_id == project_id)
        if marker is not None:
            marker_row = session.execute(
                sa.select(inst.project_id, inst.uuid)
                .where(inst.uuid == marker)).first()
            if marker_row is None:
                raise exception.MarkerNotFound(marker=marker)
            query = query.where(sa.or_(
                inst.project_id > marker_row.project_id,
                sa.and_(inst.project_id == marker_row.project_id,
                        inst.uuid > marker_row.uuid)))
        query = query.order_by(inst.project_id.asc(), inst.uuid.asc())
        if limit is not None:
            query = query.limit(limit)
        return list(session.scalars(query))

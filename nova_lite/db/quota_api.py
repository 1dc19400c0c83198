"""The database door of per-project quota limits."""

import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models


def quota_get_all_by_project(project_id):
    """:returns: {resource: hard_limit} an admin set for the project."""
    with db_api.transaction() as session:
        return {row.resource: row.hard_limit for row in session.scalars(
            sa.select(models.Quota).where(
                models.Quota.project_id == project_id))}


def quota_set(project_id, limits):
    """Set several limits of a project at once (all or none)."""
    with db_api.transaction() as session:
        rows = {row.resource: row for row in session.scalars(
            sa.select(models.Quota).where(
                models.Quota.project_id == project_id))}
        for resource, hard_limit in limits.items():
            if resource in rows:
                rows[resource].hard_limit = hard_limit
            else:
                session.add(models.Quota(project_id=project_id,
                                         resource=resource,
                                         hard_limit=hard_limit))
        session.flush()


def quota_destroy_all_by_project(project_id):
    """Forget the project's limits: the defaults apply again."""
    with db_api.transaction() as session:
        session.execute(sa.delete(models.Quota).where(
            models.Quota.project_id == project_id))

"""The database door of quota limits: per project and per quota class."""

import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models


def _limits(model, owner_column, owner):
    with db_api.transaction() as session:
        return {row.resource: row.hard_limit for row in session.scalars(
            sa.select(model).where(owner_column == owner))}


def _set_limits(model, owner_column, owner, limits):
    with db_api.transaction() as session:
        rows = {row.resource: row for row in session.scalars(
            sa.select(model).where(owner_column == owner))}
        for resource, hard_limit in limits.items():
            if resource in rows:
                rows[resource].hard_limit = hard_limit
            else:
                session.add(model(**{owner_column.key: owner,
                                     'resource': resource,
                                     'hard_limit': hard_limit}))
        session.flush()


def quota_get_all_by_project(project_id):
    """:returns: {resource: hard_limit} an admin set for the project."""
    return _limits(models.Quota, models.Quota.project_id, project_id)


def quota_set(project_id, limits):
    """Set several limits of a project at once (all or none)."""
    _set_limits(models.Quota, models.Quota.project_id, project_id, limits)


def quota_destroy_all_by_project(project_id):
    """Forget the project's limits: the defaults apply again."""
    with db_api.transaction() as session:
        session.execute(sa.delete(models.Quota).where(
            models.Quota.project_id == project_id))


def quota_class_get_all_by_name(class_name):
    """:returns: {resource: hard_limit} set for the quota class."""
    return _limits(models.QuotaClass, models.QuotaClass.class_name,
                   class_name)


def quota_class_set(class_name, limits):
    """Set several limits of a quota class at once (all or none)."""
    _set_limits(models.QuotaClass, models.QuotaClass.class_name, class_name,
                limits)

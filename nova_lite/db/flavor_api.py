"""The database door of flavors: their extra specs and project access."""

from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite import exception


def flavor_get_by_flavor_id(flavorid):
    with db_api.transaction() as session:
        row = session.scalars(sa.select(models.Flavor)
                              .filter_by(flavorid=str(flavorid))).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        return row


def flavor_get(flavor_pk):
    with db_api.transaction() as session:
        row = session.get(models.Flavor, flavor_pk)
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavor_pk)
        return row


def flavor_get_by_name(name):
    with db_api.transaction() as session:
        row = session.scalars(sa.select(models.Flavor)
                              .filter_by(name=name)).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=name)
        return row


_FLAVOR_SORT_KEYS = ('flavorid', 'name', 'memory_mb', 'vcpus', 'root_gb',
                     'ephemeral_gb', 'swap', 'rxtx_factor', 'id',
                     'created_at', 'description', 'is_public', 'disabled')


def flavor_get_all(inactive=False, filters=None, sort_key='flavorid',
                   sort_dir='asc', limit=None, marker=None,
                   project_id=None):
    """List flavors; ``project_id`` also shows private flavors it may use."""
    filters = filters or {}
    if sort_key not in _FLAVOR_SORT_KEYS:
        raise exception.InvalidSortKey()
    with db_api.transaction() as session:
        query = sa.select(models.Flavor)
        if not inactive or filters.get('disabled') is False:
            query = query.filter_by(disabled=False)
        if 'min_memory_mb' in filters:
            query = query.where(
                models.Flavor.memory_mb >= filters['min_memory_mb'])
        if 'min_root_gb' in filters:
            query = query.where(
                models.Flavor.root_gb >= filters['min_root_gb'])
        if 'is_public' in filters and filters['is_public'] is not None:
            visible = models.Flavor.is_public == filters['is_public']
            if filters['is_public'] and project_id:
                visible = sa.or_(visible, models.Flavor.projects.any(
                    models.FlavorProject.project_id == project_id))
            query = query.where(visible)
        column = getattr(models.Flavor, sort_key)
        order = [column.asc() if sort_dir == 'asc' else column.desc(),
                 models.Flavor.id.asc()]
        rows = list(session.scalars(query.order_by(*order)))
    if marker is not None:
        ids = [r.flavorid for r in rows]
        if str(marker) not in ids:
            raise exception.MarkerNotFound(marker=marker)
        rows = rows[ids.index(str(marker)) + 1:]
    if limit is not None:
        rows = rows[:limit]
    return rows


def flavor_create(values, extra_specs=None, projects=None):
    with db_api.transaction() as session:
        if session.scalars(sa.select(models.Flavor)
                           .filter_by(name=values['name'])).first():
            raise exception.FlavorExists(name=values['name'])
        if session.scalars(sa.select(models.Flavor)
                           .filter_by(flavorid=values['flavorid'])).first():
            raise exception.FlavorIdExists(flavor_id=values['flavorid'])
        row = models.Flavor(**values)
        row.extra_specs = [models.FlavorExtraSpec(key=k, value=v)
                           for k, v in (extra_specs or {}).items()]
        row.projects = [models.FlavorProject(project_id=p)
                        for p in (projects or [])]
        session.add(row)
        try:
            session.flush()
        except db_exc.DBDuplicateEntry:
            raise exception.FlavorExists(name=values['name'])
        return row


def flavor_update(flavorid, values):
    with db_api.transaction() as session:
        row = session.scalars(sa.select(models.Flavor)
                              .filter_by(flavorid=flavorid)).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        for key, value in values.items():
            setattr(row, key, value)
        return row


def flavor_destroy(flavorid):
    with db_api.transaction() as session:
        row = session.scalars(sa.select(models.Flavor)
                              .filter_by(flavorid=flavorid)).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        session.delete(row)


def flavor_extra_specs_update(flavorid, specs):
    with db_api.transaction() as session:
        row = session.scalars(sa.select(models.Flavor)
                              .filter_by(flavorid=flavorid)).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        current = {spec.key: spec for spec in row.extra_specs}
        for key, value in specs.items():
            if key in current:
                current[key].value = value
            else:
                row.extra_specs.append(
                    models.FlavorExtraSpec(key=key, value=value))
        session.flush()
        return {spec.key: spec.value for spec in row.extra_specs}


def flavor_extra_specs_delete(flavorid, key):
    with db_api.transaction() as session:
        row = session.scalars(sa.select(models.Flavor)
                              .filter_by(flavorid=flavorid)).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        for spec in list(row.extra_specs):
            if spec.key == key:
                row.extra_specs.remove(spec)
                return
        raise exception.FlavorExtraSpecsNotFound(flavor_id=flavorid,
                                                 extra_specs_key=key)


def flavor_access_add(flavorid, project_id):
    """Let ``project_id`` use the private flavor ``flavorid``.

    :returns: the projects with access, after the change.
    :raises: FlavorNotFound, FlavorAccessExists
    """
    with db_api.transaction() as session:
        row = session.scalars(sa.select(models.Flavor)
                              .filter_by(flavorid=flavorid)).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        if any(access.project_id == project_id for access in row.projects):
            raise exception.FlavorAccessExists(flavor_id=flavorid,
                                               project_id=project_id)
        row.projects.append(models.FlavorProject(project_id=project_id))
        try:
            session.flush()
        except db_exc.DBDuplicateEntry:
            # NOTE: a concurrent add of the same pair won the race.
            raise exception.FlavorAccessExists(flavor_id=flavorid,
                                               project_id=project_id)
        return [access.project_id for access in row.projects]


def flavor_access_remove(flavorid, project_id):
    """Take the private flavor ``flavorid`` away from ``project_id``.

    :returns: the projects with access, after the change.
    :raises: FlavorNotFound, FlavorAccessNotFound
    """
    with db_api.transaction() as session:
        row = session.scalars(sa.select(models.Flavor)
                              .filter_by(flavorid=flavorid)).first()
        if row is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        for access in list(row.projects):
            if access.project_id == project_id:
                row.projects.remove(access)
                session.flush()
                return [a.project_id for a in row.projects]
        raise exception.FlavorAccessNotFound(flavor_id=flavorid,
                                             project_id=project_id)

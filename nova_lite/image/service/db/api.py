"""The database door of the image service: its engine, image records,
their custom properties and tags.

The image service keeps its own database (``[image_service]
database_connection``; unset, ``$state_path/nova-lite-image.sqlite``),
apart from nova-lite's: nothing else in nova-lite reads these tables (the
compute services reach images through the Glance v2 API only).

Every function answers with plain dicts (``image_to_dict``): the image
service has no versioned objects, and its records never cross RPC.
Visibility is decided here, in the query, so that a list and its
``marker`` see the same images.
"""

import os

from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite import conf
from nova_lite import exception
from nova_lite.image.service.db import models
from nova_lite import sql

CONF = conf.CONF

SQLITE_FILE = 'nova-lite-image.sqlite'


def database_url():
    """The SQLAlchemy URL of the image database: ``[image_service]
    database_connection``, else a sqlite file beside nova-lite's own."""
    if CONF.image_service.database_connection:
        return CONF.image_service.database_connection
    os.makedirs(CONF.state_path, exist_ok=True)
    return 'sqlite:///' + os.path.join(CONF.state_path, SQLITE_FILE)


# NOTE: an enginefacade of its own (pool options from [database]), on the
# image service's database.
_DATABASE = sql.Database(database_url)

get_engine = _DATABASE.get_engine
dispose_engine = _DATABASE.dispose
create_engine = sql.create_engine


def transaction():
    """``with transaction() as session``: commit on success, else roll back."""
    return _DATABASE.writer()


# NOTE: the sort keys Glance accepts. Nullable columns sort through a
# stand-in value, so that the "after the marker" comparison of keyset
# pagination never meets a NULL (which compares as unknown and would drop
# rows from every page).
_SORT_COLUMNS = {
    'name': sa.func.coalesce(models.Image.name, ''),
    'status': models.Image.status,
    'container_format': sa.func.coalesce(models.Image.container_format, ''),
    'disk_format': sa.func.coalesce(models.Image.disk_format, ''),
    'size': sa.func.coalesce(models.Image.size, -1),
    'id': models.Image.id,
    'created_at': models.Image.created_at,
    'updated_at': sa.func.coalesce(models.Image.updated_at,
                                   models.Image.created_at),
}
SORT_KEYS = tuple(_SORT_COLUMNS)

# Filters that match a column exactly; any other filter names a custom
# property.
_EXACT_FILTERS = ('id', 'name', 'status', 'visibility', 'owner',
                  'disk_format', 'container_format', 'checksum',
                  'os_hash_value', 'min_ram', 'min_disk', 'protected',
                  'os_hidden')

# Glance's comparison operators of the created_at/updated_at filters.
TIME_OPERATORS = ('eq', 'neq', 'gt', 'gte', 'lt', 'lte')
_TIME_OPERATORS = {
    'eq': lambda column, when: column == when,
    'neq': lambda column, when: column != when,
    'gt': lambda column, when: column > when,
    'gte': lambda column, when: column >= when,
    'lt': lambda column, when: column < when,
    'lte': lambda column, when: column <= when,
}

CORE_COLUMNS = ('id', 'name', 'disk_format', 'container_format', 'size',
                'virtual_size', 'status', 'visibility', 'checksum',
                'os_hash_algo', 'os_hash_value', 'min_disk', 'min_ram',
                'owner', 'protected', 'os_hidden', 'created_at',
                'updated_at')


def image_to_dict(row):
    """A detached ``Image`` row as a dict: its columns, ``properties``
    (name -> value) and ``tags`` (sorted)."""
    values = {name: getattr(row, name) for name in CORE_COLUMNS}
    values['properties'] = {prop.name: prop.value for prop in row.properties}
    values['tags'] = sorted(tag.value for tag in row.tags)
    return values


def _visible_to(project_id):
    """The images a non-admin project may see: public, community and its
    own. (Shared images have no members in nova-lite, so only their owner
    sees them, as with private ones.)"""
    return sa.or_(models.Image.visibility.in_(('public', 'community')),
                  models.Image.owner == project_id)


def _get_row(session, image_id, project_id=None, for_update=False):
    query = sa.select(models.Image).where(models.Image.id == image_id)
    if project_id is not None:
        query = query.where(_visible_to(project_id))
    if for_update:
        query = query.with_for_update()
    row = session.scalars(query).first()
    if row is None:
        raise exception.ImageNotFound(image_id=image_id)
    return row


def image_create(values, properties=None, tags=None):
    """Create an image record.

    :param values: core columns; ``id``, ``status`` and ``visibility``
        are required.
    :param properties: custom properties, name -> string value.
    :param tags: tag strings.
    :returns: the new image as a dict.
    :raises: Conflict when an image with that id exists.
    """
    now = sql.now()
    values = dict(values)
    values.setdefault('created_at', now)
    # NOTE: Glance shows updated_at from the start, equal to created_at.
    values.setdefault('updated_at', values['created_at'])
    try:
        with transaction() as session:
            row = models.Image(**values)
            row.properties = [models.ImageProperty(name=name, value=value)
                              for name, value in (properties or {}).items()]
            row.tags = [models.ImageTag(value=tag)
                        for tag in sorted(set(tags or ()))]
            session.add(row)
            session.flush()
            return image_to_dict(row)
    except db_exc.DBDuplicateEntry:
        raise exception.Conflict(
            reason='image %s already exists' % values.get('id'))


def image_get(image_id, project_id=None):
    """The image ``image_id`` as a dict.

    :param project_id: when given, only an image this project may see is
        found; None means no visibility limit (an administrator).
    :raises: ImageNotFound
    """
    with transaction() as session:
        return image_to_dict(_get_row(session, image_id, project_id))


def _apply_filters(query, filters):
    for name, value in filters.items():
        if name in ('size_min', 'size_max'):
            column = models.Image.size
            query = query.where(column >= value if name == 'size_min'
                                else column <= value)
        elif name == 'tags':
            for tag in value:
                query = query.where(sa.exists().where(
                    models.ImageTag.image_id == models.Image.id,
                    models.ImageTag.value == tag))
        elif name in ('created_at', 'updated_at'):
            # NOTE: (operator, naive UTC datetime), parsed by the service
            # from Glance's "gte:2016-06-29T16:13:07Z" syntax.
            operator, when = value
            column = _SORT_COLUMNS[name]
            query = query.where(_TIME_OPERATORS[operator](column, when))
        elif name in _EXACT_FILTERS:
            query = query.where(getattr(models.Image, name) == value)
        else:
            query = query.where(sa.exists().where(
                models.ImageProperty.image_id == models.Image.id,
                models.ImageProperty.name == name,
                models.ImageProperty.value == value))
    return query


def _after_marker(marker_row, sort_keys, sort_dirs):
    """Rows that come after ``marker_row`` in the given order."""
    # NOTE: the same stand-ins for NULL as in _SORT_COLUMNS.
    null_values = {'size': -1, 'updated_at': marker_row.created_at}
    marker_values = {}
    for key in sort_keys:
        value = getattr(marker_row, key)
        marker_values[key] = (null_values.get(key, '') if value is None
                              else value)
    clauses = []
    for i, key in enumerate(sort_keys):
        parts = [_SORT_COLUMNS[k] == marker_values[k] for k in sort_keys[:i]]
        column = _SORT_COLUMNS[key]
        if sort_dirs[i] == 'asc':
            parts.append(column > marker_values[key])
        else:
            parts.append(column < marker_values[key])
        clauses.append(sa.and_(*parts))
    return sa.or_(*clauses)


def image_get_all(project_id=None, filters=None, visibility=None,
                  marker=None, limit=None, sort_keys=('created_at',),
                  sort_dirs=('desc',)):
    """One page of the images a caller may list.

    :param project_id: the caller's project; None for an administrator,
        who lists every image.
    :param filters: column or custom property -> value; ``size_min``,
        ``size_max`` and ``tags`` (all must be present) too.
    :param visibility: None (the default listing: for a project, public
        images and its own, community images of others left out),
        ``all`` (everything visible, community included), or one of
        public/private/shared/community.
    :param marker: the id of the image the previous page ended with.
    :param limit: largest number of images returned.
    :param sort_keys: keys of ``SORT_KEYS``; ``created_at`` and ``id`` are
        appended as tie-breakers so pages never overlap.
    :param sort_dirs: ``asc``/``desc``, one per key or one for all.
    :returns: a list of image dicts.
    :raises: MarkerNotFound when the marker is not an image the caller
        may see.
    """
    sort_keys = list(sort_keys)
    sort_dirs = list(sort_dirs)
    if len(sort_dirs) < len(sort_keys):
        sort_dirs += [sort_dirs[-1] if sort_dirs else 'desc'] * (
            len(sort_keys) - len(sort_dirs))
    for tie_breaker in ('created_at', 'id'):
        if tie_breaker not in sort_keys:
            sort_keys.append(tie_breaker)
            sort_dirs.append(sort_dirs[-1])

    query = sa.select(models.Image)
    if project_id is not None:
        if visibility is None:
            query = query.where(sa.or_(
                models.Image.visibility == 'public',
                models.Image.owner == project_id))
        else:
            query = query.where(_visible_to(project_id))
    if visibility not in (None, 'all'):
        query = query.where(models.Image.visibility == visibility)
    query = _apply_filters(query, filters or {})

    with transaction() as session:
        if marker is not None:
            try:
                marker_row = _get_row(session, marker, project_id)
            except exception.ImageNotFound:
                raise exception.MarkerNotFound(marker=marker)
            query = query.where(_after_marker(marker_row, sort_keys,
                                              sort_dirs))
        for key, direction in zip(sort_keys, sort_dirs):
            column = _SORT_COLUMNS[key]
            query = query.order_by(column.asc() if direction == 'asc'
                                   else column.desc())
        if limit is not None:
            query = query.limit(limit)
        return [image_to_dict(row) for row in session.scalars(query)]


def image_update(image_id, values=None, properties=None, tags=None,
                 from_state=None):
    """Change an image record; ``updated_at`` moves to now.

    :param values: core columns to set.
    :param properties: when given, the complete new set of custom
        properties (name -> value).
    :param tags: when given, the complete new list of tags.
    :param from_state: when given, the change applies only if the image's
        status is still this one (an atomic status transition).
    :returns: the updated image as a dict.
    :raises: ImageNotFound; Conflict when ``from_state`` did not hold.
    """
    with transaction() as session:
        if from_state is not None:
            # NOTE: one conditional UPDATE, not read-then-write: of two
            # uploads racing for a queued image exactly one moves it on,
            # and the write lock is taken first (sqlite's WAL would fail a
            # writer whose earlier read went stale).
            result = session.execute(
                sa.update(models.Image)
                .where(models.Image.id == image_id,
                       models.Image.status == from_state)
                .values(updated_at=sql.now(), **(values or {})))
            row = _get_row(session, image_id)
            if result.rowcount == 0:
                raise exception.Conflict(
                    reason='image %s is %s, not %s' % (image_id, row.status,
                                                       from_state))
            session.refresh(row)
            values = None
        else:
            row = _get_row(session, image_id, for_update=True)
        for key, value in (values or {}).items():
            setattr(row, key, value)
        if properties is not None:
            current = {prop.name: prop for prop in row.properties}
            for name, prop in current.items():
                if name not in properties:
                    row.properties.remove(prop)
                elif prop.value != properties[name]:
                    prop.value = properties[name]
            for name, value in properties.items():
                if name not in current:
                    row.properties.append(
                        models.ImageProperty(name=name, value=value))
        if tags is not None:
            wanted = set(tags)
            for tag in list(row.tags):
                if tag.value not in wanted:
                    row.tags.remove(tag)
            have = {tag.value for tag in row.tags}
            for value in sorted(wanted - have):
                row.tags.append(models.ImageTag(value=value))
        row.updated_at = sql.now()
        session.flush()
        return image_to_dict(row)


def image_destroy(image_id):
    """Remove an image record with its properties and tags.

    :raises: ImageNotFound
    """
    with transaction() as session:
        row = _get_row(session, image_id)
        session.delete(row)

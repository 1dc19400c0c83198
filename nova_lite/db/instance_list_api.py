"""The server list query: Nova's filters and keyset pagination as SQL.

Every filter is a WHERE clause of the one instance query (no filtering in
Python over all rows), a page is one ``ORDER BY ... LIMIT`` query past the
marker's sort values, and the rows' metadata and tags come with one query
each for the whole page. A page of N servers is thus a fixed number of
statements, whatever N is.

Matching follows Nova's ``instance_get_all_by_filters_sort``: a few filters
are exact, every other filter naming an instance column is a regular
expression searched in the column's text (REGEXP on sqlite and MariaDB,
``~`` on PostgreSQL).
"""

import datetime

from oslo_db import exception as db_exc
from oslo_utils import strutils
import sqlalchemy as sa
from sqlalchemy import orm

from nova_lite.db import models
from nova_lite import exception
from nova_lite.states import vm_states

# Filters matched exactly; a list value means "any of these".
EXACT_FILTERS = ('project_id', 'user_id', 'image_ref', 'vm_state',
                 'instance_type_id', 'uuid', 'host', 'task_state', 'locked')

# API filter names that are other names of a column.
_ALIASES = {'name': 'display_name', 'image': 'image_ref',
            'tenant_id': 'project_id'}

# Filters handled by name, never as a column regular expression.
_SPECIAL = frozenset(('deleted', 'soft_deleted', 'changes-since',
                      'changes-before', 'tags', 'tags-any', 'not-tags',
                      'not-tags-any', 'ip', 'ip6', 'flavor', 'metadata',
                      'id', 'key_data', 'user_data', 'system_metadata',
                      'network_info', 'deleted_at'))

# Sort keys of Nova's API (its VALID_SORT_KEYS without the ignored ones,
# plus locked) and the internal tiebreaker.
SORT_KEYS = frozenset((
    'access_ip_v4', 'access_ip_v6', 'auto_disk_config', 'availability_zone',
    'config_drive', 'created_at', 'display_description', 'display_name',
    'host', 'hostname', 'image_ref', 'instance_type_id', 'kernel_id',
    'key_name', 'launch_index', 'launched_at', 'locked', 'locked_by',
    'node', 'power_state', 'progress', 'project_id', 'ramdisk_id',
    'root_device_name', 'task_state', 'terminated_at', 'updated_at',
    'user_id', 'uuid', 'vm_state', 'id', 'memory_mb', 'vcpus', 'root_gb',
    'reservation_id'))

# Default keys appended to every sort, as Nova's process_sort_params does:
# the unique id last makes the order total, which keyset paging needs.
_DEFAULT_SORT_KEYS = ('created_at', 'id')


def process_sort_params(sort_keys, sort_dirs, default_dir='desc'):
    """Nova's sort normalisation: directions default to the first one
    given (else ``default_dir``); created_at and id are always appended.

    :raises: InvalidInput for an unknown direction or more directions
        than keys; InvalidSortKey for a key that is not sortable.
    """
    keys = list(sort_keys or [])
    dirs = list(sort_dirs or [])
    for direction in dirs:
        if direction not in ('asc', 'desc'):
            raise exception.InvalidInput(
                reason="Unknown sort direction, must be 'desc' or 'asc'")
    if len(dirs) > len(keys) and keys:
        raise exception.InvalidInput(
            reason='Sort direction size exceeds sort key size')
    default = dirs[0] if dirs else default_dir
    dirs = dirs[:len(keys)]
    while len(dirs) < len(keys):
        dirs.append(default)
    for key in keys:
        if key not in SORT_KEYS:
            raise exception.InvalidSortKey()
    for key in _DEFAULT_SORT_KEYS:
        if key not in keys:
            keys.append(key)
            dirs.append(default)
    # NOTE: keys the API accepts but nova-lite has no column for (kernel,
    # ramdisk, ...) are NULL for every server: sorting by them is a no-op.
    columns = models.Instance.__table__.columns
    pairs = [(k, d) for k, d in zip(keys, dirs) if k in columns]
    return [k for k, _d in pairs], [d for _k, d in pairs]


def _dialect(session):
    return session.get_bind().dialect.name


def _regexp(session, column, pattern):
    """``column`` matches ``pattern`` (a search, as Python's re.search)."""
    pattern = str(pattern)
    if not isinstance(column.type, sa.String):
        # NOTE: MariaDB compares numbers and datetimes as text; PostgreSQL
        # needs the cast spelled out.
        column = sa.cast(column, sa.String)
    if _dialect(session) in ('mysql', 'mariadb'):
        # NOTE: as Nova: a lone '|' is an error in MySQL's REGEXP.
        pattern = pattern.replace('|', '\\|')
    return column.regexp_match(pattern)


def _list(value):
    return list(value) if isinstance(value, (list, tuple, set,
                                             frozenset)) else [value]


def _exact(column, value):
    values = _list(value)
    concrete = [v for v in values if v is not None]
    clauses = []
    if concrete:
        clauses.append(column.in_(concrete) if len(concrete) > 1
                       else column == concrete[0])
    if None in values:
        clauses.append(column.is_(None))
    if not clauses:
        # An empty list matches nothing, as an empty IN would.
        return sa.false()
    return sa.or_(*clauses)


def _deleted_clause(filters, read_deleted):
    inst = models.Instance
    if 'deleted' in filters:
        soft = filters.get('soft_deleted')
        if filters['deleted']:
            if soft is None or strutils.bool_from_string(soft):
                return sa.or_(inst.deleted != 0,
                              inst.vm_state == vm_states.SOFT_DELETED)
            return inst.deleted != 0
        clause = inst.deleted == 0
        if not strutils.bool_from_string(soft or False):
            clause = sa.and_(clause, sa.or_(
                inst.vm_state != vm_states.SOFT_DELETED,
                inst.vm_state.is_(None)))
        return clause
    if read_deleted == 'no':
        return inst.deleted == 0
    if read_deleted == 'only':
        return inst.deleted != 0
    return None


def _tag_clauses(filters):
    """``tags``: all of them; ``tags-any``: one of them; ``not-tags``: not
    all of them; ``not-tags-any``: none of them (each an EXISTS)."""
    inst = models.Instance
    tag = models.Tag.tag
    clauses = []
    if filters.get('tags'):
        clauses.extend(inst.tags.any(tag == t) for t in filters['tags'])
    if filters.get('tags-any'):
        clauses.append(inst.tags.any(tag.in_(filters['tags-any'])))
    if filters.get('not-tags'):
        clauses.append(sa.not_(sa.and_(
            *[inst.tags.any(tag == t) for t in filters['not-tags']])))
    if filters.get('not-tags-any'):
        clauses.append(sa.not_(inst.tags.any(
            tag.in_(filters['not-tags-any']))))
    return clauses


def _ip_clause(session, filters):
    """Nova's ip/ip6 filters: the pattern matches the start of one of the
    server's fixed addresses of that IP version."""
    fixed = models.FixedIp
    matches = []
    for name, is_v6 in (('ip', False), ('ip6', True)):
        if not filters.get(name):
            continue
        version = (fixed.address.contains(':') if is_v6
                   else sa.not_(fixed.address.contains(':')))
        pattern = '^(%s)' % filters[name]
        matches.append(sa.and_(version,
                               _regexp(session, fixed.address, pattern)))
    if not matches:
        return None
    return sa.exists().where(fixed.instance_uuid == models.Instance.uuid,
                             sa.or_(*matches))


def _naive(moment):
    if getattr(moment, 'tzinfo', None) is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(
            tzinfo=None)
    return moment


def filter_clauses(session, filters, read_deleted='no'):
    """The WHERE clauses of ``filters`` (see the module docstring)."""
    inst = models.Instance
    filters = dict(filters or {})
    for alias, column in _ALIASES.items():
        if alias in filters:
            value = filters.pop(alias)
            filters.setdefault(column, value)
    clauses = []
    deleted = _deleted_clause(filters, read_deleted)
    if deleted is not None:
        clauses.append(deleted)
    if filters.get('changes-since'):
        clauses.append(inst.updated_at >= _naive(filters['changes-since']))
    if filters.get('changes-before'):
        clauses.append(inst.updated_at <= _naive(filters['changes-before']))
    clauses.extend(_tag_clauses(filters))
    ip = _ip_clause(session, filters)
    if ip is not None:
        clauses.append(ip)
    if filters.get('flavor') is not None:
        # NOTE: the API's flavor is the flavor id; an unknown one matches
        # nothing, as Nova answers an empty list.
        clauses.append(inst.instance_type_id.in_(
            sa.select(models.Flavor.id).where(
                models.Flavor.flavorid == str(filters['flavor']))))
    for key, value in (filters.get('metadata') or {}).items():
        clauses.append(inst.metadata_items.any(sa.and_(
            models.InstanceMetadata.key == key,
            models.InstanceMetadata.value == value)))
    columns = inst.__table__.columns
    for key, value in filters.items():
        if key in _SPECIAL or key not in columns:
            continue
        column = getattr(inst, key)
        if key in EXACT_FILTERS:
            clauses.append(_exact(column, value))
        elif value is not None:
            clauses.append(_regexp(session, column, value))
    return clauses


def _sort_value(marker_row, key):
    """The column and the marker's value, booleans compared as integers
    (PostgreSQL has no ``<`` between a boolean and a number)."""
    column = getattr(models.Instance, key)
    value = getattr(marker_row, key)
    if isinstance(column.type, sa.Boolean):
        column = sa.cast(column, sa.Integer)
        value = None if value is None else int(value)
    return column, value


def _keyset_after(marker_row, sort_keys, sort_dirs):
    """WHERE clause of the rows that sort strictly after ``marker_row``.

    NULL sorts as the smallest value (first ascending, last descending)
    on every backend: see :func:`_order_by`.
    """
    inst = models.Instance
    clauses = []
    for i, key in enumerate(sort_keys):
        equal = []
        for prev in sort_keys[:i]:
            column, value = _sort_value(marker_row, prev)
            equal.append(column.is_(None) if value is None
                         else column == value)
        column, value = _sort_value(marker_row, key)
        if value is None:
            if sort_dirs[i] == 'desc':
                # Nothing sorts after NULL descending.
                continue
            step = column.is_not(None)
        elif sort_dirs[i] == 'desc':
            step = column < value
            if getattr(inst, key).nullable:
                step = sa.or_(step, column.is_(None))
        else:
            step = column > value
        clauses.append(sa.and_(*equal, step))
    if not clauses:
        return sa.false()
    where = sa.or_(*clauses)
    # NOTE: a bound on the first key alone lets the database scan an
    # index range instead of reading every row before the marker.
    first, value = _sort_value(marker_row, sort_keys[0])
    if value is not None:
        if sort_dirs[0] == 'asc':
            where = sa.and_(first >= value, where)
        elif not getattr(inst, sort_keys[0]).nullable:
            where = sa.and_(first <= value, where)
    return where


def _order_by(session, sort_keys, sort_dirs):
    inst = models.Instance
    postgres = _dialect(session) == 'postgresql'
    order = []
    for key, direction in zip(sort_keys, sort_dirs):
        column = getattr(inst, key)
        term = column.desc() if direction == 'desc' else column.asc()
        if postgres and column.nullable:
            # PostgreSQL puts NULL last ascending; sort it as sqlite and
            # MariaDB do, which the keyset clause assumes.
            term = (term.nulls_last() if direction == 'desc'
                    else term.nulls_first())
        order.append(term)
    return order


def _fill_children(session, rows):
    """Metadata and tags of the whole page: one query each."""
    uuids = [row.uuid for row in rows]
    metadata = {uuid: [] for uuid in uuids}
    tags = {uuid: [] for uuid in uuids}
    if uuids:
        for item in session.scalars(
                sa.select(models.InstanceMetadata).where(
                    models.InstanceMetadata.instance_uuid.in_(uuids))
                .order_by(models.InstanceMetadata.id)):
            metadata[item.instance_uuid].append(item)
        for item in session.scalars(
                sa.select(models.Tag).where(models.Tag.resource_id.in_(uuids))
                .order_by(models.Tag.tag)):
            tags[item.resource_id].append(item)
    for row in rows:
        orm.attributes.set_committed_value(row, 'metadata_items',
                                           metadata[row.uuid])
        orm.attributes.set_committed_value(row, 'tags', tags[row.uuid])


def instance_get_all(session, filters=None, limit=None, marker=None,
                     sort_keys=None, sort_dirs=None, read_deleted='no'):
    """One page of instances matching ``filters``; see the module doc.

    :raises: MarkerNotFound, InvalidSortKey, InvalidInput
    """
    if limit == 0:
        return []
    sort_keys, sort_dirs = process_sort_params(sort_keys, sort_dirs)
    inst = models.Instance
    query = sa.select(inst).options(orm.noload(inst.metadata_items),
                                    orm.noload(inst.tags))
    clauses = filter_clauses(session, filters, read_deleted)
    if marker is not None:
        marker_row = session.execute(
            sa.select(*[getattr(inst, k) for k in sort_keys])
            .where(inst.uuid == marker)).first()
        if marker_row is None:
            raise exception.MarkerNotFound(marker=marker)
        clauses.append(_keyset_after(marker_row, sort_keys, sort_dirs))
    query = query.where(*clauses).order_by(
        *_order_by(session, sort_keys, sort_dirs))
    if limit is not None:
        query = query.limit(limit)
    try:
        rows = list(session.scalars(query))
    except db_exc.DBError as err:
        # NOTE: the API checks patterns with Python's re; the database's
        # dialect may still refuse one. That is the caller's error.
        text = str(err).lower()
        if any(word in text for word in ('regex', 'regular expression',
                                         'user-defined function')):
            raise exception.InvalidInput(
                reason='Invalid regular expression in a filter')
        raise
    _fill_children(session, rows)
    return rows

"""The database door of host aggregates: aggregates, their hosts and
metadata, and the availability zone of every host in one query.

Like ``db/api.py`` every function answers with detached rows; an
aggregate row comes with its ``hosts`` and ``metadata_items`` loaded.
Unique keys decide races: two aggregates of one name, or one host added
twice, end with one winner whatever the database.
"""

import datetime

from oslo_db import exception as db_exc
from oslo_utils import uuidutils
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite import exception

AZ_KEY = 'availability_zone'


def _now():
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def _get(session, aggregate_id, lock=False):
    query = sa.select(models.Aggregate).filter_by(id=aggregate_id)
    if lock:
        query = query.with_for_update()
    row = session.scalars(query).first()
    if row is None:
        raise exception.AggregateNotFound(aggregate_id=aggregate_id)
    return row


def _touch(row):
    # NOTE: a change of hosts or metadata is a change of the aggregate, as
    # Nova's updated_at shows it.
    row.updated_at = _now()


def aggregate_create(name, metadata=None):
    """A new aggregate named ``name`` with ``metadata``.

    :raises: AggregateNameExists
    """
    try:
        with db_api.transaction() as session:
            row = models.Aggregate(uuid=uuidutils.generate_uuid(), name=name,
                                   hosts=[], metadata_items=[])
            for key, value in (metadata or {}).items():
                row.metadata_items.append(
                    models.AggregateMetadata(key=key, value=value))
            session.add(row)
            session.flush()
            return row
    except db_exc.DBDuplicateEntry:
        raise exception.AggregateNameExists(aggregate_name=name)


def aggregate_get(aggregate_id):
    """:raises: AggregateNotFound"""
    with db_api.transaction() as session:
        return _get(session, aggregate_id)


def aggregate_get_all():
    with db_api.transaction() as session:
        return list(session.scalars(
            sa.select(models.Aggregate).order_by(models.Aggregate.id)))


def aggregate_get_by_host(host, key=None):
    """The aggregates ``host`` is in; only those with metadata ``key`` if
    given."""
    with db_api.transaction() as session:
        query = (sa.select(models.Aggregate)
                 .join(models.AggregateHost)
                 .where(models.AggregateHost.host == host)
                 .order_by(models.Aggregate.id))
        if key is not None:
            query = query.where(models.Aggregate.metadata_items.any(
                models.AggregateMetadata.key == key))
        return list(session.scalars(query).unique())


def aggregate_update(aggregate_id, name=None, metadata=None):
    """Rename an aggregate and/or merge ``metadata`` into its metadata (a
    None value removes its key).

    :raises: AggregateNotFound, AggregateNameExists
    """
    try:
        with db_api.transaction() as session:
            row = _get(session, aggregate_id, lock=True)
            if name is not None:
                row.name = name
            items = {item.key: item for item in row.metadata_items}
            for key, value in (metadata or {}).items():
                if value is None:
                    if key in items:
                        row.metadata_items.remove(items.pop(key))
                elif key in items:
                    items[key].value = value
                else:
                    items[key] = models.AggregateMetadata(key=key,
                                                          value=value)
                    row.metadata_items.append(items[key])
            _touch(row)
            session.flush()
            return row
    except db_exc.DBDuplicateEntry:
        raise exception.AggregateNameExists(aggregate_name=name)


def aggregate_destroy(aggregate_id):
    """Delete an aggregate with its hosts and metadata.

    :raises: AggregateNotFound
    """
    with db_api.transaction() as session:
        session.delete(_get(session, aggregate_id, lock=True))


def aggregate_host_add(aggregate_id, host):
    """:raises: AggregateNotFound, AggregateHostExists"""
    try:
        with db_api.transaction() as session:
            row = _get(session, aggregate_id, lock=True)
            if any(item.host == host for item in row.hosts):
                raise exception.AggregateHostExists(
                    aggregate_id=aggregate_id, host=host)
            row.hosts.append(models.AggregateHost(host=host))
            _touch(row)
            session.flush()
            return row
    except db_exc.DBDuplicateEntry:
        raise exception.AggregateHostExists(aggregate_id=aggregate_id,
                                            host=host)


def aggregate_host_delete(aggregate_id, host):
    """:raises: AggregateNotFound, AggregateHostNotFound"""
    with db_api.transaction() as session:
        row = _get(session, aggregate_id, lock=True)
        for item in row.hosts:
            if item.host == host:
                row.hosts.remove(item)
                break
        else:
            raise exception.AggregateHostNotFound(aggregate_id=aggregate_id,
                                                  host=host)
        _touch(row)
        session.flush()
        return row


def aggregate_host_delete_all(host):
    """Take ``host`` out of every aggregate (its service is gone)."""
    with db_api.transaction() as session:
        session.execute(sa.delete(models.AggregateHost)
                        .where(models.AggregateHost.host == host))


def host_availability_zones():
    """``{host: zone}`` of every host in an aggregate with a zone, in one
    query. Where a host is in several (they must agree) the first by
    aggregate id wins."""
    hosts, meta = models.AggregateHost, models.AggregateMetadata
    with db_api.transaction() as session:
        rows = session.execute(
            sa.select(hosts.host, meta.value)
            .join(meta, meta.aggregate_id == hosts.aggregate_id)
            .where(meta.key == AZ_KEY)
            .order_by(hosts.aggregate_id))
        zones = {}
        for host, zone in rows:
            zones.setdefault(host, zone)
        return zones


def availability_zone_names():
    """Every zone an aggregate names, in the order aggregates were made."""
    meta = models.AggregateMetadata
    with db_api.transaction() as session:
        rows = session.execute(sa.select(meta.value)
                               .where(meta.key == AZ_KEY)
                               .order_by(meta.aggregate_id))
        names = []
        for (zone,) in rows:
            if zone not in names:
                names.append(zone)
        return names

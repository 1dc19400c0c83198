"""Base classes of nova-lite's versioned objects and their RPC serializer.

In a service with a database, ``remotable`` methods run locally. In a
compute service ``NovaObject.indirection_api`` is set to the conductor's RPC
client, so the same calls travel to the conductor instead: the compute host
never holds database credentials.
"""

import datetime

from oslo_versionedobjects import base as ovo_base
from oslo_versionedobjects import fields

from nova_lite import objects

remotable_classmethod = ovo_base.remotable_classmethod
remotable = ovo_base.remotable


class NovaObjectRegistry(ovo_base.VersionedObjectRegistry):
    def registration_hook(self, cls, index):
        # NOTE: expose the newest version of each object as objects.<Name>.
        current = getattr(objects, cls.obj_name(), None)
        if current is None or _version(cls) >= _version(current):
            setattr(objects, cls.obj_name(), cls)


def _version(cls):
    return tuple(int(part) for part in cls.VERSION.split('.'))


class NovaObject(ovo_base.VersionedObject):
    OBJ_SERIAL_NAMESPACE = 'nova_lite_object'
    OBJ_PROJECT_NAMESPACE = 'nova_lite'

    @classmethod
    def _from_row(cls, context, row, obj=None):
        """Fill ``obj`` (or a new object) with the row's plain columns."""
        obj = obj or cls()
        for name, field in cls.fields.items():
            if isinstance(field, (fields.ObjectField,
                                  fields.ListOfObjectsField)):
                continue
            if hasattr(row, name) and name not in cls.SKIP_COLUMNS:
                setattr(obj, name, getattr(row, name))
        obj._context = context
        obj.obj_reset_changes()
        return obj

    SKIP_COLUMNS = ()


class TimestampedObject:
    fields = {
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
    }


class ObjectListBase(ovo_base.ObjectListBase):
    @classmethod
    def _from_rows(cls, context, item_cls, rows):
        result = cls(context, objects=[item_cls._from_row(context, row)
                                       for row in rows])
        result.obj_reset_changes()
        return result


class NovaObjectSerializer(ovo_base.VersionedObjectSerializer):
    """Carries objects across RPC."""

    OBJ_BASE_CLASS = NovaObject


def naive(dt):
    """A UTC datetime without tzinfo, as the database columns store it."""
    if dt is None:
        return None
    if dt.tzinfo is not None:
        dt = dt.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return dt


def db_values(obj, names):
    """The changed fields among ``names`` as column values for the DB."""
    values = {}
    for name in names:
        if name in obj.obj_what_changed():
            value = getattr(obj, name)
            values[name] = naive(value) if isinstance(
                value, datetime.datetime) else value
    return values

"""Aggregate: a group of compute hosts with metadata; the
``availability_zone`` key of the metadata is the zone of its hosts."""

from oslo_versionedobjects import fields

from nova_lite.db import aggregate_api as db
from nova_lite.objects import base

AZ_KEY = db.AZ_KEY


@base.NovaObjectRegistry.register
class Aggregate(base.NovaObject, base.TimestampedObject):
    VERSION = '1.0'

    fields = dict(base.TimestampedObject.fields, **{
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'name': fields.StringField(),
        'hosts': fields.ListOfStringsField(default=[]),
        'metadata': fields.DictOfStringsField(default={}),
    })

    SKIP_COLUMNS = ('hosts', 'metadata')

    @classmethod
    def _from_row(cls, context, row, obj=None):
        obj = super()._from_row(context, row, obj)
        obj.hosts = [item.host for item in row.hosts]
        obj.metadata = {item.key: item.value for item in row.metadata_items}
        obj.obj_reset_changes()
        return obj

    @property
    def availability_zone(self):
        return self.metadata.get(AZ_KEY)

    @base.remotable_classmethod
    def get_by_id(cls, context, aggregate_id):
        """:raises: AggregateNotFound"""
        return cls._from_row(context, db.aggregate_get(aggregate_id))

    @base.remotable
    def create(self):
        """:raises: AggregateNameExists"""
        metadata = self.metadata if self.obj_attr_is_set('metadata') else {}
        self._from_row(self._context,
                       db.aggregate_create(self.name, metadata), self)

    @base.remotable
    def save(self):
        """Store a new name; :raises: AggregateNameExists"""
        if 'name' in self.obj_what_changed():
            self._from_row(self._context,
                           db.aggregate_update(self.id, name=self.name), self)

    @base.remotable
    def update_metadata(self, updates):
        """Merge ``updates`` into the metadata; None removes a key."""
        self._from_row(self._context,
                       db.aggregate_update(self.id, metadata=updates), self)

    @base.remotable
    def add_host(self, host):
        """:raises: AggregateHostExists"""
        self._from_row(self._context, db.aggregate_host_add(self.id, host),
                       self)

    @base.remotable
    def delete_host(self, host):
        """:raises: AggregateHostNotFound"""
        self._from_row(self._context,
                       db.aggregate_host_delete(self.id, host), self)

    @base.remotable
    def destroy(self):
        db.aggregate_destroy(self.id)


@base.NovaObjectRegistry.register
class AggregateList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('Aggregate')}

    @base.remotable_classmethod
    def get_all(cls, context):
        return cls._from_rows(context, Aggregate, db.aggregate_get_all())

    @base.remotable_classmethod
    def get_by_host(cls, context, host, key=None):
        return cls._from_rows(context, Aggregate,
                              db.aggregate_get_by_host(host, key=key))

    @base.remotable_classmethod
    def get_host_availability_zones(cls, context):
        """``{host: zone}`` of the hosts an aggregate puts in a zone."""
        return db.host_availability_zones()

    @base.remotable_classmethod
    def get_availability_zone_names(cls, context):
        """The zones aggregates name."""
        return db.availability_zone_names()

    @base.remotable_classmethod
    def delete_host_everywhere(cls, context, host):
        """Take ``host`` out of every aggregate."""
        db.aggregate_host_delete_all(host)

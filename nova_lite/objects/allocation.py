"""Allocation: resources a consumer (an instance) holds on a compute node."""

from oslo_versionedobjects import fields

from nova_lite.db import compute_node_api as node_db
from nova_lite.objects import base


@base.NovaObjectRegistry.register
class Allocation(base.NovaObject):
    # Version 1.1: host (of the node), created_at; AllocationList
    VERSION = '1.1'

    fields = {
        'compute_node_id': fields.IntegerField(),
        'consumer_id': fields.UUIDField(),
        'resource_class': fields.StringField(),
        'used': fields.IntegerField(),
        'host': fields.StringField(nullable=True),
        'created_at': fields.DateTimeField(nullable=True),
    }

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if target_version == '1.0':
            primitive.pop('host', None)
            primitive.pop('created_at', None)

    @base.remotable_classmethod
    def delete_by_consumer(cls, context, consumer_id):
        """Free everything ``consumer_id`` holds, on any node."""
        node_db.allocation_delete_by_consumer(consumer_id)


@base.NovaObjectRegistry.register
class AllocationList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'

    fields = {
        'objects': fields.ListOfObjectsField('Allocation'),
    }

    @base.remotable_classmethod
    def get_all(cls, context, host=None):
        """Every allocation, or those on the nodes of ``host``, by
        consumer; each says the host of its node."""
        allocations = []
        for row, node_host in node_db.allocation_get_all(host=host):
            allocation = Allocation(
                context, compute_node_id=row.compute_node_id,
                consumer_id=row.consumer_id,
                resource_class=row.resource_class, used=row.used,
                host=node_host, created_at=row.created_at)
            allocation.obj_reset_changes()
            allocations.append(allocation)
        result = cls(context, objects=allocations)
        result.obj_reset_changes()
        return result

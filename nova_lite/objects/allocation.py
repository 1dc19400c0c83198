"""Allocation: resources a consumer (an instance) holds on a compute node."""

from oslo_versionedobjects import fields

from nova_lite.db import compute_node_api as node_db
from nova_lite.objects import base


@base.NovaObjectRegistry.register
class Allocation(base.NovaObject):
    VERSION = '1.0'

    fields = {
        'compute_node_id': fields.IntegerField(),
        'consumer_id': fields.UUIDField(),
        'resource_class': fields.StringField(),
        'used': fields.IntegerField(),
    }

    @base.remotable_classmethod
    def delete_by_consumer(cls, context, consumer_id):
        """Free everything ``consumer_id`` holds, on any node."""
        node_db.allocation_delete_by_consumer(consumer_id)

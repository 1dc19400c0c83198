"""ComputeNode: a hypervisor's inventory, as its compute service reports it."""

from oslo_versionedobjects import fields

from nova_lite.db import compute_node_api as db
from nova_lite.objects import base

_INVENTORY = ('hypervisor_type', 'hypervisor_version', 'host_ip', 'vcpus',
              'memory_mb', 'local_gb', 'reserved_vcpus', 'reserved_memory_mb',
              'reserved_disk_gb', 'cpu_allocation_ratio',
              'ram_allocation_ratio', 'disk_allocation_ratio', 'cpu_info')


@base.NovaObjectRegistry.register
class ComputeNode(base.NovaObject, base.TimestampedObject):
    VERSION = '1.0'

    fields = dict(base.TimestampedObject.fields, **{
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'host': fields.StringField(),
        'hypervisor_hostname': fields.StringField(),
        'hypervisor_type': fields.StringField(),
        'hypervisor_version': fields.IntegerField(default=0),
        'host_ip': fields.StringField(nullable=True),
        'vcpus': fields.IntegerField(),
        'memory_mb': fields.IntegerField(),
        'local_gb': fields.IntegerField(),
        'reserved_vcpus': fields.IntegerField(default=0),
        'reserved_memory_mb': fields.IntegerField(default=0),
        'reserved_disk_gb': fields.IntegerField(default=0),
        'cpu_allocation_ratio': fields.FloatField(),
        'ram_allocation_ratio': fields.FloatField(),
        'disk_allocation_ratio': fields.FloatField(),
        'generation': fields.IntegerField(default=0),
        'cpu_info': fields.StringField(nullable=True),
    })

    @base.remotable_classmethod
    def get_by_host_and_nodename(cls, context, host, nodename):
        row = db.compute_node_get_by_host_and_nodename(host, nodename)
        return cls._from_row(context, row)

    @base.remotable_classmethod
    def update_or_create(cls, context, host, nodename, inventory):
        """Record the inventory ``host`` reports for ``nodename``.

        :param inventory: a dict with the keys of ``_INVENTORY``.
        """
        values = {k: inventory[k] for k in _INVENTORY if k in inventory}
        row = db.compute_node_create_or_update(host, nodename, values)
        return cls._from_row(context, row)

    def capacity(self):
        """Usable amount of each resource class after ratios and reserves."""
        return db.capacity_of(self)


@base.NovaObjectRegistry.register
class ComputeNodeList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('ComputeNode')}

    @base.remotable_classmethod
    def get_all(cls, context):
        return cls._from_rows(context, ComputeNode, db.compute_node_get_all())

    @base.remotable_classmethod
    def get_usages(cls, context):
        """``{node id: {resource class: allocated}}`` of every node."""
        return db.allocation_usages()

    @base.remotable_classmethod
    def get_instance_counts(cls, context):
        """``{(host, node): live instances}``."""
        return db.instance_count_by_node()

"""Instance: a server as the services see it, saved through the database
or, on a compute host, through the conductor."""

from oslo_serialization import jsonutils
from oslo_utils import versionutils
from oslo_versionedobjects import fields

from nova_lite import conf
from nova_lite.db import instance_api as instance_db
from nova_lite.db import usage_api as usage_db
from nova_lite import exception
from nova_lite.objects import base
from nova_lite.objects import flavor as flavor_obj
from nova_lite.objects import instance_fault as fault_obj
from nova_lite.objects import network as network_obj
from nova_lite.objects import network_info as network_model

CONF = conf.CONF

# NOTE: columns an Instance writes as they are; flavor, metadata,
# system_metadata and network_info are (de)serialised on the way.
_COLUMNS = (
    'uuid', 'user_id', 'project_id', 'display_name', 'display_description',
    'hostname', 'image_ref', 'instance_type_id', 'vcpus', 'memory_mb',
    'root_gb', 'ephemeral_gb', 'vm_state', 'task_state', 'power_state',
    'host', 'node', 'launched_on', 'launched_at', 'terminated_at',
    'availability_zone', 'key_name', 'key_data', 'user_data',
    'reservation_id', 'launch_index', 'config_drive', 'access_ip_v4',
    'access_ip_v6', 'locked', 'locked_by', 'progress')

OPTIONAL_ATTRS = ('fault',)
# NOTE: a list looks the faults of the whole page up at once; None from it
# means "no fault", not "ask the database again for this one".
_FAULT_NOT_LOOKED_UP = object()


@base.NovaObjectRegistry.register
class Instance(base.NovaObject, base.TimestampedObject):
    """Version history:

    * 1.0 - initial version
    * 1.1 - network_info: the instance's VIFs (Nova's info cache)
    * 1.2 - tags: the server's tags (read-only here; written through the
      tag functions of the database API)
    * 1.3 - save(expected_host=): a save guarded on the host too
    """

    VERSION = '1.3'

    fields = dict(base.TimestampedObject.fields, **{
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'user_id': fields.StringField(),
        'project_id': fields.StringField(),
        'display_name': fields.StringField(nullable=True),
        'display_description': fields.StringField(nullable=True),
        'hostname': fields.StringField(nullable=True),
        'image_ref': fields.StringField(nullable=True),
        'instance_type_id': fields.IntegerField(nullable=True),
        'flavor': fields.ObjectField('Flavor', nullable=True),
        'vcpus': fields.IntegerField(default=0),
        'memory_mb': fields.IntegerField(default=0),
        'root_gb': fields.IntegerField(default=0),
        'ephemeral_gb': fields.IntegerField(default=0),
        'vm_state': fields.StringField(nullable=True),
        'task_state': fields.StringField(nullable=True),
        'power_state': fields.IntegerField(default=0),
        'host': fields.StringField(nullable=True),
        'node': fields.StringField(nullable=True),
        'launched_on': fields.StringField(nullable=True),
        'launched_at': fields.DateTimeField(nullable=True),
        'terminated_at': fields.DateTimeField(nullable=True),
        'availability_zone': fields.StringField(nullable=True),
        'key_name': fields.StringField(nullable=True),
        'key_data': fields.StringField(nullable=True),
        'user_data': fields.StringField(nullable=True),
        'reservation_id': fields.StringField(nullable=True),
        'launch_index': fields.IntegerField(default=0),
        'config_drive': fields.StringField(nullable=True),
        'access_ip_v4': fields.StringField(nullable=True),
        'access_ip_v6': fields.StringField(nullable=True),
        'locked': fields.BooleanField(default=False),
        'locked_by': fields.StringField(nullable=True),
        'progress': fields.IntegerField(default=0),
        'metadata': fields.DictOfNullableStringsField(default={}),
        'system_metadata': fields.DictOfNullableStringsField(default={}),
        'deleted': fields.BooleanField(default=False),
        'deleted_at': fields.DateTimeField(nullable=True),
        'fault': fields.ObjectField('InstanceFault', nullable=True),
        'network_info': network_obj.NetworkModelField(),
        'tags': fields.ListOfStringsField(default=[]),
    })

    SKIP_COLUMNS = ('flavor', 'metadata', 'system_metadata', 'deleted',
                    'fault', 'network_info', 'tags')

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop('network_info', None)
        if versionutils.convert_version_to_tuple(target_version) < (1, 2):
            primitive.pop('tags', None)

    @property
    def name(self):
        """The hypervisor's name of the guest."""
        try:
            return CONF.instance_name_template % self.id
        except (TypeError, ValueError):
            return 'instance-%s' % self.uuid

    @classmethod
    def _from_row(cls, context, row, obj=None, expected_attrs=None,
                  fault=_FAULT_NOT_LOOKED_UP):
        obj = super()._from_row(context, row, obj)
        obj.deleted = bool(row.deleted)
        obj.flavor = flavor_obj.Flavor.obj_from_primitive(
            jsonutils.loads(row.flavor)) if row.flavor else None
        obj.metadata = {item.key: item.value for item in row.metadata_items}
        obj.tags = sorted(item.tag for item in row.tags)
        obj.system_metadata = (jsonutils.loads(row.system_metadata)
                               if row.system_metadata else {})
        obj.network_info = network_model.NetworkInfo.hydrate(
            row.network_info)
        if expected_attrs and 'fault' in expected_attrs:
            if fault is _FAULT_NOT_LOOKED_UP:
                fault = instance_db.instance_fault_get_latest(
                    [row.uuid]).get(row.uuid)
            obj.fault = (fault_obj.InstanceFault._from_row(context, fault)
                         if fault is not None else None)
        obj.obj_reset_changes()
        return obj

    def _db_values(self):
        values = base.db_values(self, _COLUMNS)
        changed = self.obj_what_changed()
        if 'flavor' in changed and self.flavor is not None:
            values['flavor'] = jsonutils.dumps(self.flavor.obj_to_primitive())
        if 'system_metadata' in changed:
            values['system_metadata'] = jsonutils.dumps(self.system_metadata)
        if 'network_info' in changed:
            values['network_info'] = self.network_info.json()
        return values

    def obj_load_attr(self, attrname):
        if attrname == 'network_info':
            # NOTE: remotable, so a compute host reads it via the conductor.
            stored = Instance.get_by_uuid(self._context, self.uuid,
                                          read_deleted='yes')
            self.network_info = stored.network_info
            self.obj_reset_changes(['network_info'])
            return
        if attrname != 'fault':
            raise exception.ObjectActionError(
                action='obj_load_attr',
                reason='attribute %s not lazy-loadable' % attrname)
        row = instance_db.instance_fault_get_latest([self.uuid]).get(self.uuid)
        self.fault = (fault_obj.InstanceFault._from_row(self._context, row)
                      if row is not None else None)
        self.obj_reset_changes(['fault'])

    @base.remotable_classmethod
    def get_by_uuid(cls, context, uuid, expected_attrs=None,
                    read_deleted='no'):
        row = instance_db.instance_get_by_uuid(uuid, read_deleted=read_deleted)
        return cls._from_row(context, row, expected_attrs=expected_attrs)

    @base.remotable
    def create(self):
        if self.obj_attr_is_set('id'):
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        values = self._db_values()
        metadata = self.metadata if self.obj_attr_is_set('metadata') else {}
        row = instance_db.instance_create(values, metadata=metadata)
        self._from_row(self._context, row, self)

    @base.remotable
    def save(self, expected_task_state=None, expected_vm_state=None,
             expected_host=None):
        """Write the changed fields.

        :param expected_task_state: task state(s) the row must still hold,
            else UnexpectedTaskStateError (or the Deleting variant when a
            delete got there first) and nothing is written.
        :param expected_vm_state: the same for vm_state.
        :param expected_host: the host(s) the row must still have (a list;
            ``[None]``: none yet), else UnexpectedTaskStateError.
        """
        values = self._db_values()
        if 'metadata' in self.obj_what_changed():
            values['metadata'] = self.metadata
        if not values:
            return
        expected = {}
        if expected_task_state is not None:
            expected['task_state'] = expected_task_state
        if expected_vm_state is not None:
            expected['vm_state'] = expected_vm_state
        if expected_host is not None:
            expected['host'] = expected_host
        row = instance_db.instance_update(self.uuid, values,
                                          expected=expected or None)
        had_fault = self.obj_attr_is_set('fault')
        fault = self.fault if had_fault else None
        self._from_row(self._context, row, self)
        if had_fault:
            self.fault = fault
        self.obj_reset_changes()

    @base.remotable
    def refresh(self):
        row = instance_db.instance_get_by_uuid(self.uuid)
        self._from_row(self._context, row, self)

    @base.remotable
    def destroy(self):
        row = instance_db.instance_destroy(self.uuid)
        self.deleted = True
        self.vm_state = row.vm_state
        self.task_state = None
        self.obj_reset_changes()


@base.NovaObjectRegistry.register
class InstanceList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('Instance')}

    @base.remotable_classmethod
    def get_by_filters(cls, context, filters, sort_keys=None, sort_dirs=None,
                       limit=None, marker=None, expected_attrs=None,
                       read_deleted='no'):
        rows = instance_db.instance_get_all(filters=filters, limit=limit,
                                            marker=marker, sort_keys=sort_keys,
                                            sort_dirs=sort_dirs,
                                            read_deleted=read_deleted)
        faults = {}
        if expected_attrs and 'fault' in expected_attrs:
            faults = instance_db.instance_fault_get_latest(
                [r.uuid for r in rows])
        result = cls(context, objects=[
            Instance._from_row(context, row, expected_attrs=expected_attrs,
                               fault=faults.get(row.uuid))
            for row in rows])
        result.obj_reset_changes()
        return result

    @base.remotable_classmethod
    def get_by_host(cls, context, host):
        return cls.get_by_filters(context, {'host': host})

    @base.remotable_classmethod
    def get_active_by_window_joined(cls, context, begin, end=None,
                                    project_id=None, limit=None,
                                    marker=None):
        """Instances, deleted ones included, that ran at some point
        between ``begin`` and ``end`` (see ``db.usage_api``).

        :raises: MarkerNotFound
        """
        rows = usage_db.instance_get_active_by_window(
            begin, end=end, project_id=project_id, limit=limit,
            marker=marker)
        result = cls(context, objects=[
            Instance._from_row(context, row) for row in rows])
        result.obj_reset_changes()
        return result

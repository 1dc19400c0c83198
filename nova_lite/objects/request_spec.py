"""RequestSpec: everything the scheduler needs to place one build request."""

from oslo_serialization import jsonutils
from oslo_utils import versionutils
from oslo_versionedobjects import fields

from nova_lite.db import request_spec_api as db
from nova_lite.objects import base


@base.NovaObjectRegistry.register
class RequestSpec(base.NovaObject):
    """Version history:

    * 1.0 - initial version
    * 1.1 - instance_group: the server group the instances join
    * 1.2 - requested_destination: ``{'host', 'node'}`` the API asked for
      (2.74); the filters still run, on that host only
    """

    VERSION = '1.2'

    fields = {
        'instance_uuid': fields.UUIDField(),
        'project_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'flavor': fields.ObjectField('Flavor'),
        'image': fields.ObjectField('ImageMeta'),
        'num_instances': fields.IntegerField(default=1),
        'availability_zone': fields.StringField(nullable=True),
        'scheduler_hints': fields.DictOfListOfStringsField(default={}),
        'ignore_hosts': fields.ListOfStringsField(default=[]),
        'force_hosts': fields.ListOfStringsField(default=[]),
        'force_nodes': fields.ListOfStringsField(default=[]),
        'num_attempts': fields.IntegerField(default=1),
        'instance_group': fields.ObjectField('InstanceGroup', nullable=True,
                                             default=None),
        'requested_destination': fields.DictOfNullableStringsField(
            nullable=True, default=None),
    }

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop('instance_group', None)
        if versionutils.convert_version_to_tuple(target_version) < (1, 2):
            primitive.pop('requested_destination', None)

    def _to_json(self):
        return jsonutils.dumps(self.obj_to_primitive())

    @classmethod
    def _from_json(cls, context, text):
        spec = cls.obj_from_primitive(jsonutils.loads(text), context=context)
        spec.obj_reset_changes()
        return spec

    @base.remotable_classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        return cls._from_json(context,
                              db.request_spec_get(instance_uuid).spec)

    @classmethod
    def get_by_instance_uuids(cls, context, instance_uuids):
        """``{instance uuid: RequestSpec}`` of those that have one."""
        rows = db.request_spec_get_all_by_instance_uuids(instance_uuids)
        return {row.instance_uuid: cls._from_json(context, row.spec)
                for row in rows}

    @base.remotable
    def create(self):
        db.request_spec_create(self.instance_uuid, self._to_json())
        self.obj_reset_changes()

    @base.remotable
    def save(self):
        db.request_spec_update(self.instance_uuid, self._to_json())
        self.obj_reset_changes()

    def get_default(self, name):
        """The field's value, or its default when unset."""
        if self.obj_attr_is_set(name):
            return getattr(self, name)
        field = self.fields[name]
        if field.default is fields.UnspecifiedDefault:
            return None
        return field.default

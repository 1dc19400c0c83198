"""InstanceGroup: a server group, its policy, rules and members."""

from oslo_versionedobjects import fields

from nova_lite.db import server_group_api as group_db
from nova_lite.objects import base


@base.NovaObjectRegistry.register
class InstanceGroup(base.NovaObject, base.TimestampedObject):
    """Version history:

    * 1.0 - initial version (one policy and its rules, as Nova 2.64 has
      them; ``policies`` is that policy as a list for older microversions)
    """

    VERSION = '1.0'

    fields = dict(base.TimestampedObject.fields, **{
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'name': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'project_id': fields.StringField(nullable=True),
        'policy': fields.StringField(),
        'rules': fields.DictOfIntegersField(default={}),
        'members': fields.ListOfStringsField(default=[]),
        # NOTE: not stored: filled by the scheduler with the hosts the
        # members hold claims on, for the filters and weighers.
        'hosts': fields.ListOfStringsField(default=[]),
    })

    SKIP_COLUMNS = ('rules', 'members')

    @property
    def policies(self):
        """The policy as the one-item list shown below microversion 2.64."""
        return [self.policy]

    @property
    def max_server_per_host(self):
        return group_db.max_server_per_host(self.rules)

    @classmethod
    def _from_row(cls, context, row, obj=None):
        obj = super()._from_row(context, row, obj)
        obj.rules = {key: int(value)
                     for key, value in group_db.rules_of(row).items()}
        obj.members = [member.instance_uuid for member in row.members]
        obj.obj_reset_changes()
        return obj

    @base.remotable_classmethod
    def get_by_uuid(cls, context, uuid, project_id=None):
        """:raises: InstanceGroupNotFound, also outside ``project_id``."""
        return cls._from_row(context,
                             group_db.instance_group_get(uuid, project_id))

    @base.remotable
    def create(self):
        row = group_db.instance_group_create({
            'name': self.name, 'user_id': self.user_id,
            'project_id': self.project_id, 'policy': self.policy,
            'rules': self.get_rules()})
        self._from_row(self._context, row, self)

    def get_rules(self):
        return dict(self.rules) if self.obj_attr_is_set('rules') else {}

    @base.remotable
    def destroy(self):
        group_db.instance_group_destroy(self.uuid)

    @base.remotable_classmethod
    def add_members(cls, context, group_uuid, instance_uuids):
        """:returns: the group with its members, the new ones included."""
        return cls._from_row(context, group_db.instance_group_members_add(
            group_uuid, instance_uuids))

    @base.remotable_classmethod
    def get_member_count(cls, context, group_uuid, user_id=None):
        return group_db.instance_group_member_count(group_uuid, user_id)


@base.NovaObjectRegistry.register
class InstanceGroupList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('InstanceGroup')}

    @base.remotable_classmethod
    def get_all(cls, context, project_id=None, limit=None, offset=None):
        """Groups of ``project_id``, or of every project when None."""
        rows = group_db.instance_group_get_all(project_id, limit=limit,
                                               offset=offset)
        return cls._from_rows(context, InstanceGroup, rows)

    @base.remotable_classmethod
    def get_count_by_project(cls, context, project_id):
        return group_db.instance_group_count_by_project(project_id)

    @base.remotable_classmethod
    def get_group_uuids_by_instances(cls, context, instance_uuids):
        """``{instance_uuid: [group uuid]}`` in one query."""
        return group_db.instance_group_uuids_by_instances(instance_uuids)

"""InstanceAction and its events: the audit trail of os-instance-actions."""

from oslo_versionedobjects import fields

from nova_lite.db import instance_action_api as db
from nova_lite.objects import base


@base.NovaObjectRegistry.register
class InstanceAction(base.NovaObject, base.TimestampedObject):
    VERSION = '1.0'

    fields = dict(base.TimestampedObject.fields, **{
        'id': fields.IntegerField(),
        'action': fields.StringField(nullable=True),
        'instance_uuid': fields.UUIDField(),
        'request_id': fields.StringField(nullable=True),
        'user_id': fields.StringField(nullable=True),
        'project_id': fields.StringField(nullable=True),
        'start_time': fields.DateTimeField(nullable=True),
        'finish_time': fields.DateTimeField(nullable=True),
        'message': fields.StringField(nullable=True),
    })

    @base.remotable_classmethod
    def action_start(cls, context, instance_uuid, action):
        row = db.action_start({
            'action': action, 'instance_uuid': instance_uuid,
            'request_id': context.request_id, 'user_id': context.user_id,
            'project_id': context.project_id})
        return cls._from_row(context, row)

    @base.remotable_classmethod
    def get_by_request_id(cls, context, instance_uuid, request_id):
        row = db.action_get_by_request_id(instance_uuid, request_id)
        return cls._from_row(context, row) if row is not None else None


@base.NovaObjectRegistry.register
class InstanceActionList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('InstanceAction')}

    @base.remotable_classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        rows = db.action_get_by_instance(instance_uuid)
        return cls._from_rows(context, InstanceAction, rows)

    @classmethod
    def get_page_by_instance_uuid(cls, context, instance_uuid, limit=None,
                                  marker=None, changes_since=None,
                                  changes_before=None):
        """One page of the actions, newest first (2.58, 2.66)."""
        rows = db.action_get_page(
            instance_uuid, limit=limit, marker=marker,
            changes_since=changes_since, changes_before=changes_before)
        return cls._from_rows(context, InstanceAction, rows)


@base.NovaObjectRegistry.register
class InstanceActionEvent(base.NovaObject, base.TimestampedObject):
    VERSION = '1.0'

    fields = dict(base.TimestampedObject.fields, **{
        'id': fields.IntegerField(),
        'action_id': fields.IntegerField(),
        'event': fields.StringField(),
        'start_time': fields.DateTimeField(nullable=True),
        'finish_time': fields.DateTimeField(nullable=True),
        'result': fields.StringField(nullable=True),
        'traceback': fields.StringField(nullable=True),
        'host': fields.StringField(nullable=True),
        'details': fields.StringField(nullable=True),
    })

    @base.remotable_classmethod
    def event_start(cls, context, instance_uuid, event_name, host):
        row = db.action_event_start(instance_uuid, context.request_id,
                                    event_name, host)
        return cls._from_row(context, row)

    @base.remotable_classmethod
    def event_finish(cls, context, instance_uuid, event_name, result,
                     traceback=None, details=None):
        row = db.action_event_finish(instance_uuid, context.request_id,
                                     event_name, result,
                                     traceback=traceback, details=details)
        return cls._from_row(context, row)


@base.NovaObjectRegistry.register
class InstanceActionEventList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('InstanceActionEvent')}

    @base.remotable_classmethod
    def get_by_action(cls, context, action_id):
        rows = db.action_events_get(action_id)
        return cls._from_rows(context, InstanceActionEvent, rows)

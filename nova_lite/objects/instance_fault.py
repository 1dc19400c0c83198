"""InstanceFault: why an instance went to ERROR, as shown by the API."""

import traceback

from oslo_versionedobjects import fields

from nova_lite.db import instance_api as instance_db
from nova_lite import exception
from nova_lite.objects import base


@base.NovaObjectRegistry.register
class InstanceFault(base.NovaObject):
    VERSION = '1.0'

    fields = {
        'id': fields.IntegerField(),
        'instance_uuid': fields.UUIDField(),
        'code': fields.IntegerField(),
        'message': fields.StringField(nullable=True),
        'details': fields.StringField(nullable=True),
        'host': fields.StringField(nullable=True),
        'created_at': fields.DateTimeField(nullable=True),
    }

    @base.remotable
    def create(self):
        row = instance_db.instance_fault_create({
            'instance_uuid': self.instance_uuid, 'code': self.code,
            'message': self.message, 'details': self.details,
            'host': self.host})
        self._from_row(self._context, row, self)

    @classmethod
    def from_exception(cls, context, instance_uuid, error, host=None):
        """A fault (not yet saved) describing ``error``.

        Errors that were meant for users keep their code and message;
        anything else is a 500 whose message is the error's class name,
        with the traceback in ``details`` for admins.
        """
        code = getattr(error, 'code', 500)
        if isinstance(error, exception.NovaException):
            message = error.format_message()
        else:
            message = str(error) or error.__class__.__name__
        if code >= 500 and not isinstance(error, exception.NovaException):
            message = error.__class__.__name__
        details = ''.join(traceback.format_exception(
            type(error), error, error.__traceback__))
        return cls(context=context, instance_uuid=instance_uuid, code=code,
                   message=message[:255], details=details, host=host)


@base.NovaObjectRegistry.register
class InstanceFaultList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('InstanceFault')}

    @base.remotable_classmethod
    def get_latest_by_instance_uuids(cls, context, instance_uuids):
        rows = instance_db.instance_fault_get_latest(instance_uuids).values()
        return cls._from_rows(context, InstanceFault, list(rows))

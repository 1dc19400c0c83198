"""TaskLog: a periodic task's record of one period on one host (the
instance usage audit's), read by os-instance_usage_audit_log.

Compute hosts write it through the conductor, as every object.
"""

from oslo_versionedobjects import fields

from nova_lite.db import task_log_api as db
from nova_lite.objects import base


@base.NovaObjectRegistry.register
class TaskLog(base.NovaObject):
    VERSION = '1.0'

    fields = {
        'id': fields.IntegerField(),
        'task_name': fields.StringField(),
        'state': fields.StringField(),
        'host': fields.StringField(),
        'period_beginning': fields.DateTimeField(),
        'period_ending': fields.DateTimeField(),
        'message': fields.StringField(),
        'task_items': fields.IntegerField(),
        'errors': fields.IntegerField(),
    }

    @base.remotable_classmethod
    def get(cls, context, task_name, period_beginning, period_ending, host,
            state=None):
        """:returns: the record of ``task_name`` on ``host`` for the
            period, or None."""
        row = db.task_log_get(task_name, base.naive(period_beginning),
                              base.naive(period_ending), host, state=state)
        return cls._from_row(context, row) if row is not None else None

    @base.remotable
    def begin_task(self):
        """Record the task as RUNNING for its period.

        :raises: TaskAlreadyRunning when the period has a record already.
        """
        row = db.task_log_begin_task(
            self.task_name, base.naive(self.period_beginning),
            base.naive(self.period_ending), self.host,
            task_items=self.task_items, message=self.message)
        self._from_row(self._context, row, self)

    @base.remotable
    def end_task(self):
        """Record the task as DONE with its ``errors`` and ``message``.

        :raises: TaskNotRunning when it was not begun.
        """
        row = db.task_log_end_task(
            self.task_name, base.naive(self.period_beginning),
            base.naive(self.period_ending), self.host, self.errors,
            message=self.message)
        self._from_row(self._context, row, self)


@base.NovaObjectRegistry.register
class TaskLogList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('TaskLog')}

    @base.remotable_classmethod
    def get_all(cls, context, task_name, period_beginning, period_ending,
                host=None, state=None):
        """:returns: the records of ``task_name`` for the period, of
            every host (or ``host``'s)."""
        rows = db.task_log_get_all(task_name, base.naive(period_beginning),
                                   base.naive(period_ending), host=host,
                                   state=state)
        return cls._from_rows(context, TaskLog, rows)

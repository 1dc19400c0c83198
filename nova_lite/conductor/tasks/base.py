"""TaskBase: ``execute`` runs the steps; a failure calls ``rollback`` and
re-raises, so each task states in one place how it undoes itself."""

from oslo_utils import excutils


class TaskBase:
    def __init__(self, context, instance):
        self.context = context
        self.instance = instance

    def execute(self):
        """Run the task; on any error roll back, then re-raise it."""
        try:
            return self._execute()
        except Exception as error:
            with excutils.save_and_reraise_exception():
                self.rollback(error)

    def _execute(self):
        raise NotImplementedError()

    def rollback(self, error):
        """Undo what :meth:`_execute` did; must not raise."""

"""The database door of task logs: one row per (task, host, period).

A periodic task that must run once per period on each host (the instance
usage audit) begins its row as RUNNING and ends it as DONE; the unique key
(task_name, host, period_beginning, period_ending) makes a second begin
for the same period fail, whoever races. Times are naive UTC datetimes.
"""

from oslo_db import exception as db_exc
import sqlalchemy as sa

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite import exception

RUNNING = 'RUNNING'
DONE = 'DONE'


def _query(task_name, period_beginning, period_ending, host=None,
           state=None):
    log = models.TaskLog
    query = sa.select(log).where(
        log.task_name == task_name,
        log.period_beginning == period_beginning,
        log.period_ending == period_ending)
    if host is not None:
        query = query.where(log.host == host)
    if state is not None:
        query = query.where(log.state == state)
    return query


def task_log_get(task_name, period_beginning, period_ending, host,
                 state=None):
    """:returns: the row of ``task_name`` on ``host`` for the period (in
        ``state`` if given), or None."""
    with db_api.reader() as session:
        return session.scalars(_query(task_name, period_beginning,
                                      period_ending, host, state)).first()


def task_log_get_all(task_name, period_beginning, period_ending, host=None,
                     state=None):
    """:returns: the rows of ``task_name`` for the period, of every host
        (or of ``host``), ordered by host."""
    with db_api.reader() as session:
        return list(session.scalars(
            _query(task_name, period_beginning, period_ending, host, state)
            .order_by(models.TaskLog.host)))


def task_log_begin_task(task_name, period_beginning, period_ending, host,
                        task_items=None, message=None):
    """Record that ``task_name`` started on ``host`` for the period.

    :returns: the new row (RUNNING).
    :raises: TaskAlreadyRunning when the period has a row of this task
        and host already (running or done).
    """
    try:
        with db_api.transaction() as session:
            row = models.TaskLog(
                task_name=task_name, host=host, state=RUNNING,
                period_beginning=period_beginning,
                period_ending=period_ending, message=(message or '')[:255],
                task_items=task_items or 0, errors=0)
            session.add(row)
            session.flush()
            return row
    except db_exc.DBDuplicateEntry:
        raise exception.TaskAlreadyRunning(task_name=task_name, host=host)


def task_log_end_task(task_name, period_beginning, period_ending, host,
                      errors, message=None):
    """Record that ``task_name`` ended on ``host`` with ``errors``.

    :returns: the row (DONE).
    :raises: TaskNotRunning when no row of this task, host and period is
        RUNNING.
    """
    with db_api.transaction() as session:
        row = session.scalars(_query(task_name, period_beginning,
                                     period_ending, host, RUNNING)).first()
        if row is None:
            raise exception.TaskNotRunning(task_name=task_name, host=host)
        row.state = DONE
        row.errors = errors
        if message is not None:
            row.message = message[:255]
        session.flush()
        return row

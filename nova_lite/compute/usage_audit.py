"""The instance usage audit: each compute host's record of its instances'
usage per audit period, and the log of it os-instance_usage_audit_log
shows.

With ``[DEFAULT] instance_usage_audit`` on, a compute host looks every
periodic interval whether the last completed period
(``instance_usage_audit_period``) has its task log; if not it begins one
(RUNNING), records the usage of each of its instances active during the
period, and ends it (DONE) with the count and the errors. The task log's
unique key makes the audit run once per period and host, even when two
services of one host race. A compute host writes the log through the
conductor (objects), as it writes everything.

NOTE: Nova sends each instance's usage as a ``compute.instance.exists``
notification; nova-lite has no notification bus, so the usage record is
written to the compute log (the audit log's numbers are the same).
"""

import datetime
import time

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_lite import conf
from nova_lite import exception
from nova_lite import objects
from nova_lite.objects import service as service_obj

CONF = conf.CONF
LOG = logging.getLogger(__name__)

TASK_NAME = 'instance_usage_audit'
RUNNING = 'RUNNING'
DONE = 'DONE'
UNITS = ('hour', 'day', 'month', 'year')


def _month_before(year, month):
    return (year - 1, 12) if month == 1 else (year, month - 1)


def last_completed_audit_period(unit=None, before=None):
    """The audit period that ended last, at or before ``before``.

    :param unit: ``hour``, ``day``, ``month`` or ``year``, with an
        optional ``@offset`` (the hour of a day, the day of a month, the
        month of a year, the minute of an hour at which periods start);
        ``[DEFAULT] instance_usage_audit_period`` by default.
    :param before: a naive UTC datetime; now by default.
    :returns: (begin, end), naive UTC datetimes; ``end`` < ``before``
        (a period ending exactly at ``before`` is not yet complete).
    :raises: ValueError for another unit.
    """
    unit = unit or CONF.instance_usage_audit_period
    offset = 0
    if '@' in unit:
        unit, offset = unit.split('@', 1)
        offset = int(offset)
    if unit not in UNITS:
        raise ValueError('Time period must be hour, day, month or year')
    now = before if before is not None else timeutils.utcnow()
    if unit == 'hour':
        end = now.replace(minute=offset, second=0, microsecond=0)
        if end >= now:
            end -= datetime.timedelta(hours=1)
        return end - datetime.timedelta(hours=1), end
    if unit == 'day':
        end = datetime.datetime(now.year, now.month, now.day, offset)
        if end >= now:
            end -= datetime.timedelta(days=1)
        return end - datetime.timedelta(days=1), end
    offset = offset or 1
    if unit == 'month':
        end = datetime.datetime(now.year, now.month, offset)
        if end >= now:
            end = datetime.datetime(*_month_before(now.year, now.month),
                                    offset)
        begin = datetime.datetime(*_month_before(end.year, end.month),
                                  offset)
        return begin, end
    end = datetime.datetime(now.year, offset, 1)
    if end >= now:
        end = datetime.datetime(now.year - 1, offset, 1)
    return datetime.datetime(end.year - 1, offset, 1), end


# ---- the compute host's side: the periodic audit ---------------------------

def usage_record(instance, begin, end):
    """What Nova's ``compute.instance.exists`` notification says of
    ``instance`` for the period [``begin``, ``end``]."""
    flavor = instance.flavor
    return {
        'instance_id': instance.uuid,
        'tenant_id': instance.project_id,
        'user_id': instance.user_id,
        'host': instance.host,
        'state': instance.vm_state,
        'instance_type': flavor.name,
        'memory_mb': flavor.memory_mb,
        'vcpus': flavor.vcpus,
        'root_gb': flavor.root_gb,
        'ephemeral_gb': flavor.ephemeral_gb,
        'launched_at': instance.launched_at,
        'terminated_at': instance.terminated_at,
        'audit_period_beginning': begin,
        'audit_period_ending': end,
    }


def audit_host(context, host, before=None):
    """Audit ``host``'s instances for the last completed period, unless
    that period was audited (or is being audited) already.

    :returns: the TaskLog written, or None when there was nothing to do.
    """
    begin, end = last_completed_audit_period(before=before)
    if objects.TaskLog.get(context, TASK_NAME, begin, end, host):
        return None
    # NOTE: deleted instances count too: they were used in the period.
    instances = [
        instance for instance in
        objects.InstanceList.get_active_by_window_joined(context, begin,
                                                         end)
        if instance.host == host]
    LOG.info('Running instance usage audit for host %s from %s to %s. '
             '%d instances.', host, begin, end, len(instances))
    started = time.monotonic()
    task_log = objects.TaskLog(
        context, task_name=TASK_NAME, host=host, period_beginning=begin,
        period_ending=end, task_items=len(instances), errors=0,
        message='Instance usage audit started...')
    try:
        task_log.begin_task()
    except exception.TaskAlreadyRunning:
        # NOTE: another service of this host won the period.
        return None
    errors = 0
    for instance in instances:
        try:
            LOG.info('Instance usage exists: %s',
                     usage_record(instance, begin, end))
        except Exception:
            LOG.exception('Failed to generate usage audit for instance %s '
                          'on host %s', instance.uuid, host)
            errors += 1
    task_log.errors = errors
    task_log.message = (
        'Instance usage audit ran for host %s, %s instances in %s seconds.'
        % (host, len(instances), round(time.monotonic() - started, 2)))
    task_log.end_task()
    return task_log


# ---- the API's side: the audit log of a period -----------------------------

def get_audit_log(context, before=None):
    """The audit log of the last period completed before ``before`` (now
    by default), over every compute host, in the shape of
    os-instance_usage_audit_log.

    NOTE: disabled compute services count too: their instances were used
    all the same (Nova's reason).
    """
    begin, end = last_completed_audit_period(before=before)
    task_logs = objects.TaskLogList.get_all(context, TASK_NAME, begin, end)
    hosts = {service.host for service in objects.ServiceList.get_all(
        context, binary=service_obj.COMPUTE_BINARY)}
    seen = {log.host for log in task_logs}
    done = {log.host for log in task_logs if log.state == DONE}
    running = {log.host for log in task_logs if log.state == RUNNING}
    total_errors = sum(log.errors or 0 for log in task_logs)
    total_items = sum(log.task_items or 0 for log in task_logs)
    missing = sorted(hosts - seen)
    overall = '%s hosts done. %s errors.' % (
        'ALL' if len(done) == len(hosts) else
        '%s of %s' % (len(done), len(hosts)), total_errors)
    return {
        'period_beginning': str(begin),
        'period_ending': str(end),
        'num_hosts': len(hosts),
        'num_hosts_done': len(done),
        'num_hosts_running': len(running),
        'num_hosts_not_run': len(missing),
        'hosts_not_run': missing,
        'total_instances': total_items,
        'total_errors': total_errors,
        'overall_status': overall,
        'log': {log.host: {'state': log.state,
                           'instances': log.task_items,
                           'errors': log.errors,
                           'message': log.message}
                for log in task_logs},
    }

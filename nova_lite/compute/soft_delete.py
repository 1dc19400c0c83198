"""Soft delete, restore and the periodic reclaim on this host.

With ``[DEFAULT] reclaim_instance_interval`` > 0 a delete powers the guest
off and keeps everything (SOFT_DELETED); ``restore`` powers it on again;
once the interval has passed, the host's periodic task deletes it for
good (guest, disks, addresses, allocations) as a delete would.
"""

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_lite.compute import power
from nova_lite import conf
from nova_lite import exception
from nova_lite import objects
from nova_lite.states import task_states
from nova_lite.states import vm_states

CONF = conf.CONF
LOG = logging.getLogger(__name__)


class SoftDeleteTask(power.PowerTask):
    """Power the guest off, keep it: SOFT_DELETED."""

    event = 'compute_soft_delete_instance'
    working_states = (task_states.SOFT_DELETING,)

    def _do(self):
        instance = self.instance
        LOG.info('Soft deleting instance %s', instance.uuid)
        try:
            self.driver.power_off(instance)
        except exception.InstanceNotFoundOnHypervisor:
            LOG.warning('Instance %s has no guest on this host',
                        instance.uuid)
        self._settle(vm_states.SOFT_DELETED, list(self.working_states))


class RestoreTask(power.PowerTask):
    """Power a SOFT_DELETED instance's guest on: ACTIVE."""

    event = 'compute_restore_instance'
    working_states = (task_states.RESTORING,)

    def _do(self):
        instance = self.instance
        LOG.info('Restoring instance %s', instance.uuid)
        self.driver.power_on(self.context, instance,
                             network_info=power._network_info(instance))
        self._settle(vm_states.ACTIVE, list(self.working_states))


def reclaimable(instance, interval):
    """Whether ``instance`` was soft deleted more than ``interval``
    seconds ago (its ``terminated_at`` records when)."""
    deleted_at = instance.terminated_at
    if deleted_at is None:
        return True
    return timeutils.is_older_than(deleted_at.replace(tzinfo=None),
                                   interval)


def reclaim_queued_deletes(manager, context):
    """Delete for good this host's SOFT_DELETED instances older than
    ``[DEFAULT] reclaim_instance_interval``."""
    interval = CONF.reclaim_instance_interval
    if interval <= 0:
        return
    instances = objects.InstanceList.get_by_filters(
        context, {'host': manager.host, 'vm_state': vm_states.SOFT_DELETED,
                  'task_state': [None]})
    for instance in instances:
        if not reclaimable(instance, interval):
            continue
        instance.task_state = task_states.DELETING
        try:
            instance.save(expected_task_state=[None])
        except power.OVERTAKEN:
            continue
        LOG.info('Reclaiming soft deleted instance %s', instance.uuid)
        manager.terminate_instance(context, instance)

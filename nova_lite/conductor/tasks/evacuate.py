"""EvacuationTask: the conductor's part of an evacuation.

The instance's host is down. The scheduler picks (or checks) another
host and claims it for the instance; the dead host's allocation is held
by the migration until that host comes back and destroys its leftovers
(or its service is deleted). The chosen host then rebuilds the instance
from its image, with its addresses.
"""

from oslo_log import log as logging

from nova_lite.conductor.tasks import migrate
from nova_lite.states import task_states

LOG = logging.getLogger(__name__)


class EvacuationTask(migrate.MoveTask):
    """Schedule one evacuation and hand it to the destination host."""

    event = 'conductor_rebuild_server'
    task_state = task_states.REBUILDING

    def __init__(self, context, instance, image, migration,
                 scheduler_rpcapi, compute_rpcapi, host_name=None,
                 force=False, admin_password=None, target_state=None):
        super().__init__(context, instance, migration, scheduler_rpcapi,
                         compute_rpcapi, host_name=host_name, force=force)
        self.image = image
        self.admin_password = admin_password
        self.target_state = target_state

    def _execute(self):
        instance = self.instance
        migration = self.migration
        selection = self._schedule(instance.flavor)
        migration.status = 'pre-migrating'
        migration.save()
        LOG.info('Evacuation of instance %s goes to %s', instance.uuid,
                 selection.service_host)
        self.compute_rpcapi.evacuate_instance(
            self.context, instance=instance, image=self.image,
            migration=migration, admin_password=self.admin_password,
            target_state=self.target_state, node=selection.nodename,
            host=selection.service_host)

"""LiveMigrationTask: the conductor's part of a live migration.

It picks (or checks) the destination and claims it, as any move does,
then asks the destination whether it can take the guest; the destination
asks the source in turn (Nova's order). Only when both agree is the
migration queued and cast to the source, which runs it; until then a
refusal leaves the instance exactly as it was and is the API's answer.
"""

from oslo_log import log as logging

from nova_lite.conductor.tasks import migrate
from nova_lite.states import task_states

LOG = logging.getLogger(__name__)


class LiveMigrationTask(migrate.MoveTask):
    """Schedule, pre-check and start one live migration."""

    event = 'conductor_live_migrate_instance'
    task_state = task_states.MIGRATING

    def __init__(self, context, instance, migration, scheduler_rpcapi,
                 compute_rpcapi, host_name=None, block_migration=None,
                 force=False):
        super().__init__(context, instance, migration, scheduler_rpcapi,
                         compute_rpcapi, host_name=host_name, force=force)
        self.block_migration = block_migration

    def _execute(self):
        instance = self.instance
        migration = self.migration
        selection = self._schedule(instance.flavor)
        dest = selection.service_host
        LOG.info('Checking that instance %s can live-migrate from %s to %s',
                 instance.uuid, instance.host, dest)
        migrate_data = self.compute_rpcapi.check_can_live_migrate_destination(
            self.context, instance=instance, destination=dest,
            block_migration=self.block_migration)
        migration.status = 'queued'
        migration.save()
        LOG.info('Live migration of instance %s to %s is queued',
                 instance.uuid, dest)
        self.compute_rpcapi.live_migration(
            self.context, instance=instance, dest=dest,
            migration=migration, migrate_data=migrate_data,
            host=instance.host)

    def _record_fault(self, error):
        # NOTE: the guest was never touched and the API answers with the
        # reason; a fault would only show on a server that is fine.
        pass

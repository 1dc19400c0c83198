"""What the compute API asks of the conductor; a seam over its RPC client."""

import oslo_messaging as messaging

from nova_lite.conductor import rpcapi
from nova_lite import exception


class ComputeTaskAPI:
    def __init__(self):
        self.conductor_compute_rpcapi = rpcapi.ComputeTaskAPI()

    def build_instances(self, context, instances, image, request_spec,
                        admin_password=None, injected_files=None,
                        requested_networks=None):
        """Hand freshly recorded instances to the conductor to schedule."""
        self.conductor_compute_rpcapi.build_instances(
            context, instances=instances, image=image,
            request_spec=request_spec, admin_password=admin_password,
            injected_files=injected_files,
            requested_networks=requested_networks)

    def resize_instance(self, context, instance, flavor, migration,
                        clean_shutdown=True, host_name=None):
        """Schedule a resize (or a cold migration, same flavor) and hand
        it to the chosen host.

        :raises: NoValidHost when no host fits the new flavor;
            ConductorTimeout when no conductor answered in time (the
            caller puts the instance back; the conductor, if it still
            works on it, then stops before the move reaches a host).
        """
        try:
            self.conductor_compute_rpcapi.migrate_server(
                context, instance=instance, flavor=flavor,
                migration=migration, clean_shutdown=clean_shutdown,
                host_name=host_name)
        except messaging.MessagingTimeout:
            raise exception.ConductorTimeout(method='migrate_server')

    def live_migrate_instance(self, context, instance, migration, host_name,
                              block_migration, force=False):
        """Schedule and pre-check a live migration, then start it.

        :raises: NoValidHost and the pre-check errors.
        """
        self.conductor_compute_rpcapi.live_migrate_instance(
            context, instance=instance, migration=migration,
            host_name=host_name, block_migration=block_migration,
            force=force)

    def evacuate_instance(self, context, instance, image, migration,
                          host_name, force=False, admin_password=None,
                          target_state=None):
        """Schedule an evacuation and hand it to the chosen host.

        :raises: NoValidHost when no host fits.
        """
        self.conductor_compute_rpcapi.evacuate_instance(
            context, instance=instance, image=image, migration=migration,
            host_name=host_name, force=force, admin_password=admin_password,
            target_state=target_state)

    def unshelve_instance(self, context, instance, request_spec=None):
        """Ask the conductor to bring a shelved instance back."""
        self.conductor_compute_rpcapi.unshelve_instance(
            context, instance=instance, request_spec=request_spec)

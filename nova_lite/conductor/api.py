"""What the compute API asks of the conductor; a seam over its RPC client."""

from nova_lite.conductor import rpcapi


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
                        clean_shutdown=True):
        """Schedule a resize and hand it to the chosen host.

        :raises: NoValidHost when no host fits the new flavor.
        """
        self.conductor_compute_rpcapi.migrate_server(
            context, instance=instance, flavor=flavor, migration=migration,
            clean_shutdown=clean_shutdown)

    def unshelve_instance(self, context, instance, request_spec=None):
        """Ask the conductor to bring a shelved instance back."""
        self.conductor_compute_rpcapi.unshelve_instance(
            context, instance=instance, request_spec=request_spec)

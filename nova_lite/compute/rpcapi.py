"""Client side of the compute service's RPC API: the only place that knows
its topic and method signatures. Messages go to one host's server."""

import oslo_messaging as messaging

from nova_lite import conf
from nova_lite import rpc

CONF = conf.CONF

RPC_TOPIC = 'compute'


class ComputeAPI:
    """API version history:

    * 1.0 - build_and_run_instance, terminate_instance
    """

    VERSION = '1.0'

    def __init__(self):
        target = messaging.Target(topic=RPC_TOPIC, version='1.0')
        self.client = rpc.get_client(target,
                                     version_cap=CONF.upgrade_levels.compute)

    def build_and_run_instance(self, context, instance, host, image,
                               request_spec, admin_password=None,
                               injected_files=None, requested_networks=None,
                               host_list=None, node=None):
        """Build ``instance`` on ``host`` (cast).

        :param host_list: the Selection made for this host followed by its
            alternates, handed back to the conductor if the build fails.
        """
        cctxt = self.client.prepare(server=host, version='1.0')
        cctxt.cast(context, 'build_and_run_instance', instance=instance,
                   image=image, request_spec=request_spec,
                   admin_password=admin_password,
                   injected_files=injected_files,
                   requested_networks=requested_networks,
                   host_list=host_list, node=node)

    def terminate_instance(self, context, instance, host):
        """Destroy the guest, free its resources, delete the record (cast)."""
        cctxt = self.client.prepare(server=host, version='1.0')
        cctxt.cast(context, 'terminate_instance', instance=instance)

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
    * 1.1 - stop_instance, start_instance, reboot_instance (casts) and
      get_console_output (a call)
    * 1.2 - pause_instance, unpause_instance, suspend_instance,
      resume_instance (casts)
    """

    VERSION = '1.2'

    def __init__(self):
        target = messaging.Target(topic=RPC_TOPIC, version=self.VERSION)
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

    def stop_instance(self, context, instance, host, clean_shutdown=True):
        """Power the guest off and mark it STOPPED (cast).

        :param clean_shutdown: ask the guest OS to shut down first.
        """
        cctxt = self.client.prepare(server=host, version='1.1')
        cctxt.cast(context, 'stop_instance', instance=instance,
                   clean_shutdown=clean_shutdown)

    def start_instance(self, context, instance, host):
        """Power the guest on and mark it ACTIVE (cast)."""
        cctxt = self.client.prepare(server=host, version='1.1')
        cctxt.cast(context, 'start_instance', instance=instance)

    def reboot_instance(self, context, instance, host, reboot_type):
        """Reboot the guest, ``reboot_type`` SOFT or HARD (cast)."""
        cctxt = self.client.prepare(server=host, version='1.1')
        cctxt.cast(context, 'reboot_instance', instance=instance,
                   reboot_type=reboot_type)

    def get_console_output(self, context, instance, host, tail_length=None):
        """:returns: the guest's console log, its last ``tail_length``
        lines if given (call)."""
        cctxt = self.client.prepare(server=host, version='1.1')
        return cctxt.call(context, 'get_console_output', instance=instance,
                          tail_length=tail_length)

    def pause_instance(self, context, instance, host):
        """Pause the guest and mark it PAUSED (cast)."""
        cctxt = self.client.prepare(server=host, version='1.2')
        cctxt.cast(context, 'pause_instance', instance=instance)

    def unpause_instance(self, context, instance, host):
        """Unpause the guest and mark it ACTIVE (cast)."""
        cctxt = self.client.prepare(server=host, version='1.2')
        cctxt.cast(context, 'unpause_instance', instance=instance)

    def suspend_instance(self, context, instance, host):
        """Suspend the guest to disk and mark it SUSPENDED (cast)."""
        cctxt = self.client.prepare(server=host, version='1.2')
        cctxt.cast(context, 'suspend_instance', instance=instance)

    def resume_instance(self, context, instance, host):
        """Resume the suspended guest and mark it ACTIVE (cast)."""
        cctxt = self.client.prepare(server=host, version='1.2')
        cctxt.cast(context, 'resume_instance', instance=instance)

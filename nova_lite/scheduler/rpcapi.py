"""Client side of the scheduler's RPC API: the only place that knows its
topic and method signatures."""

import oslo_messaging as messaging

from nova_lite import conf
from nova_lite import rpc

CONF = conf.CONF

RPC_TOPIC = 'scheduler'


class SchedulerAPI:
    """API version history:

    * 1.0 - select_destinations
    """

    VERSION = '1.0'

    def __init__(self):
        target = messaging.Target(topic=RPC_TOPIC, version='1.0')
        self.client = rpc.get_client(target,
                                     version_cap=CONF.upgrade_levels.scheduler)

    def select_destinations(self, context, spec_obj, instance_uuids,
                            return_alternates=True):
        """Pick and claim a host per instance (call).

        :returns: per instance, a list of Selection: the claimed host
            first, then alternates.
        :raises: NoValidHost, with which filter removed which hosts.
        """
        cctxt = self.client.prepare(version='1.0')
        return cctxt.call(context, 'select_destinations', spec_obj=spec_obj,
                          instance_uuids=instance_uuids,
                          return_alternates=return_alternates)

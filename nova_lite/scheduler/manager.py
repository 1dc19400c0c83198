"""SchedulerManager: the scheduler's RPC endpoint."""

import time

import oslo_messaging as messaging
from oslo_log import log as logging

from nova_lite import exception
from nova_lite import objects
from nova_lite.scheduler import filter_scheduler

LOG = logging.getLogger(__name__)


class SchedulerManager:
    """Answers ``select_destinations``; the work is the filter scheduler's.

    Version history of this endpoint lives in ``scheduler/rpcapi.py``.
    """

    target = messaging.Target(version='1.0')

    def __init__(self):
        objects.register_all()
        self.driver = filter_scheduler.FilterScheduler()

    # NOTE: NoValidHost is an answer, not a server fault: oslo.messaging
    # then returns it to the caller without logging a traceback here.
    @messaging.expected_exceptions(exception.NoValidHost)
    def select_destinations(self, context, spec_obj, instance_uuids,
                            return_alternates=True):
        """Choose, and claim, a host for each instance of a request.

        :param spec_obj: RequestSpec of the request.
        :param instance_uuids: list of the uuids of the instances to place.
        :param return_alternates: whether to add alternate hosts.
        :returns: per instance (in the order of ``instance_uuids``) a list
            of Selection; the first one's resources are claimed for the
            instance, the rest (up to ``[scheduler] max_attempts - 1``) are
            unclaimed alternates.
        :raises: NoValidHost, with an explanation of what removed the hosts.
        """
        start = time.monotonic()
        outcome = 'failed'
        try:
            selections = self.driver.select_destinations(
                context, spec_obj, instance_uuids,
                return_alternates=return_alternates)
            outcome = 'placed'
            return selections
        finally:
            # NOTE: the decision time an operator (and
            # bench/scheduler_scale.py) reads; measured here, not by the
            # caller, so RPC and queueing are not counted in it.
            LOG.debug('select_destinations %s %d instance(s) in %.1f ms',
                      outcome, len(instance_uuids or ()),
                      (time.monotonic() - start) * 1000)

"""nova-lite-fake-computes: many fake compute hosts in one process, so the
scheduler and the control plane can be measured at a scale no lab has.

    nova-lite-fake-computes --hosts 1000 --prefix fake- \\
        --config-file /etc/nova-lite/nova-lite.conf

Each host is a whole compute service on the fake driver: its own service
record and heartbeat, its own compute node and inventory report, and its
own RPC server on ``compute.<host>``, so the scheduler's and conductor's
casts reach it as they would a real host. Like ``nova-lite-compute`` it
has no database access: its objects travel to the conductor.

NOTE: the cost of one host here is one AMQP connection (oslo.messaging's
rabbit driver opens one per RPC server; only the senders share a pool),
one green thread polling it, and its periodic tasks (measured: about
0.3 MB of RSS a host over a 105 MB process). At 1,000 hosts that is 1,000
sockets and broker connections, which a broker and one process carry;
what would not carry is 1,000 hosts doing their periodic work at the same
instant, so each host's loops start at its own offset within the
interval (:class:`FakeComputeService`). Sharing one connection among the
hosts would need the driver's private consumer API, and a single queue
for all hosts would lose
which host a message was for; neither is worth it at this scale.
"""

import argparse
import sys

from oslo_log import log as logging
from oslo_service import loopingcall
from oslo_service import service as os_service

from nova_lite.cmd import compute as compute_cmd
from nova_lite import conf
from nova_lite import config
from nova_lite.objects import service as service_obj
from nova_lite import service
from nova_lite import utils

CONF = conf.CONF
LOG = logging.getLogger(__name__)

FAKE_DRIVER = 'fake'

# NOTE: every start makes a few conductor calls (service record, instance
# list, first inventory report); this many at once keeps the conductor
# answering the hosts already up.
START_CONCURRENCY = 20


class FakeComputeService(service.Service):
    """A compute service whose loops start at ``offset`` (0..1) of their
    interval, so a farm's hosts heartbeat and report spread out in time."""

    def __init__(self, host, offset):
        super().__init__(service_obj.COMPUTE_BINARY, host=host)
        self.offset = offset

    def _add_loop(self, task, interval):
        loop = loopingcall.FixedIntervalLoopingCall(service._logged(task))
        # NOTE: at least a moment in, never the whole interval late: the
        # first heartbeat must still come before service_down_time.
        delay = max(interval * self.offset, 0.1)
        loop.start(interval=interval, initial_delay=delay,
                   stop_on_exception=False)
        self._loops.append(loop)


def host_names(prefix, count, start=1):
    """``prefix0001``... : zero-padded, so they sort as they number."""
    width = max(4, len(str(start + count - 1)))
    return ['%s%0*d' % (prefix, width, index)
            for index in range(start, start + count)]


class FakeComputeFarm(os_service.Service):
    """Starts one :class:`FakeComputeService` per host name, a few at a
    time, and stops them all."""

    def __init__(self, hosts):
        super().__init__()
        self.hosts = list(hosts)
        self.services = []

    def start(self):
        pool = utils.semaphore(START_CONCURRENCY)
        count = len(self.hosts)

        def start_one(index, host):
            with pool:
                server = FakeComputeService(host, index / count)
                server.start()
                self.services.append(server)

        threads = [utils.spawn(start_one, index, host)
                   for index, host in enumerate(self.hosts)]
        for thread in threads:
            try:
                thread.wait()
            except Exception:
                # NOTE: logged by utils.spawn; the other hosts serve on.
                pass
        # NOTE: what a bench or test waits for before it schedules.
        LOG.info('nova-lite-fake-computes started %d of %d hosts',
                 len(self.services), count)

    def stop(self, graceful=True):
        for server in self.services:
            server.stop(graceful)
        self.services = []
        super().stop(graceful)

    def wait(self):
        """Nothing runs on after :meth:`stop`."""

    def reset(self):
        """SIGHUP: nothing to re-read beyond the mutable options."""


def parse_args(argv):
    """``(farm arguments, the rest for oslo.config)``."""
    parser = argparse.ArgumentParser(
        prog='nova-lite-fake-computes', add_help=False,
        description='Run many fake compute hosts in one process.')
    parser.add_argument('--hosts', type=int, default=10,
                        help='how many hosts (1..5000)')
    parser.add_argument('--prefix', default='fake-',
                        help='host names are <prefix><number>')
    parser.add_argument('--first', type=int, default=1,
                        help='number of the first host, to add hosts with '
                             'a second farm')
    args, rest = parser.parse_known_args(argv)
    if not 1 <= args.hosts <= 5000:
        parser.error('--hosts must be within 1..5000')
    if args.first < 0:
        parser.error('--first must not be negative')
    if not args.prefix:
        parser.error('--prefix must not be empty')
    return args, rest


def main(argv=None):
    args, rest = parse_args(sys.argv[1:] if argv is None else argv)
    config.setup(argv=rest)
    if CONF.compute_driver != FAKE_DRIVER:
        sys.exit('nova-lite-fake-computes runs the fake driver only '
                 '([DEFAULT] compute_driver = %s)' % FAKE_DRIVER)
    compute_cmd._use_conductor()
    farm = FakeComputeFarm(host_names(args.prefix, args.hosts, args.first))
    service.serve(farm)

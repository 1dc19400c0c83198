#!/usr/bin/env python3
"""Scheduler scale benchmark: decision time at 10, 100 and 1,000 hosts, and
build throughput with 1 and 3 schedulers.

It starts nova-lite itself, each service its own process (api, conductor,
scheduler(s), image service) on a fresh MariaDB database and a fresh
RabbitMQ virtual host of this machine, with the hosts served by
``nova-lite-fake-computes`` farms (one process per step: 10, then 90 more,
then 900 more). It prints:

1. ``select_destinations`` decision time, median and p95, at each host
   count, over ``--decisions`` sequential boots, read from the scheduler's
   own debug line (``select_destinations placed ... in X ms``): the time
   inside the scheduler, not RPC or the API;
2. build throughput (servers/s from the first POST until all are ACTIVE)
   of ``--concurrent`` (500) boots fired at once at the full host count,
   with 1 scheduler, then with 3;
3. over-commit: compute nodes whose allocations exceed (total - reserved)
   x allocation ratio, read from the database at the end; must be 0.

Everything it started is stopped and its database and virtual host are
dropped at the end (``--keep`` keeps the directory with configs and logs).

    .venv/bin/python bench/scheduler_scale.py            # full run
    .venv/bin/python bench/scheduler_scale.py --quick    # 10/50/200 hosts,
                                                         # 100 boots
"""

import argparse
import concurrent.futures
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import benchlib  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from tests.fixtures import cloud as cloud_mod  # noqa: E402
from tests.fixtures import process as process_mod  # noqa: E402

FARM_SCRIPT = 'nova-lite-fake-computes'
DECISION = re.compile(r'select_destinations (placed|failed) (\d+) '
                      r'instance\(s\) in ([0-9.]+) ms')


class FarmProcess(process_mod.ServiceProcess):
    """A ``nova-lite-fake-computes`` process with its farm arguments."""

    def __init__(self, name, config_files, log_dir, farm_args):
        super().__init__(FARM_SCRIPT, name, config_files, log_dir)
        self.farm_args = list(farm_args)

    def start(self):
        os.makedirs(self.log_dir, exist_ok=True)
        argv = [sys.executable, '-c',
                'import sys; from nova_lite.cmd.fake_computes import main; '
                'sys.exit(main())'] + self.farm_args
        for path in self.config_files:
            argv += ['--config-file', path]
        with open(self.log_path, 'ab') as log:
            self.proc = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=log,
                stderr=subprocess.STDOUT, env=process_mod.child_env(),
                cwd=self.log_dir)
        process_mod.RUNNING.append(self)


class Bench:
    def __init__(self, args, base_dir):
        self.args = args
        self.base_dir = base_dir
        self.rows = []
        self.hosts = 0
        self.farms = 0
        self.server_ids = []

    def note(self, figure, value, n, detail=''):
        self.rows.append((figure, value, n, detail))
        print('  %s: %s %s' % (figure, value, detail), file=sys.stderr)

    # ---- the cloud ---------------------------------------------------------

    def cloud_conf(self):
        # NOTE: 1,000 hosts heartbeat and report through the conductor:
        # Nova's default spacing, not the functional tests' 2 s.
        return {
            'DEFAULT': {'report_interval': 10, 'service_down_time': 60,
                        'debug': True},
            'compute': {'resource_update_interval': 300,
                        'sync_power_state_interval': -1},
            'conductor': {'workers': self.args.conductors},
            'filter_scheduler': {
                'host_state_max_age': self.args.host_state_max_age},
        }

    def start_cloud(self):
        cloud = cloud_mod.MultiProcessCloud(
            self.base_dir, backend='mysql', conf=self.cloud_conf())
        # NOTE: no nova-lite-compute processes: the farms are the hosts.
        cloud.computes = {}
        cloud.setUp()
        self.cloud = cloud
        return cloud

    def add_hosts(self, count):
        """Start a farm of ``count`` more hosts; wait until all are up."""
        self.farms += 1
        name = 'farm-%d' % self.farms
        files = self.cloud._conf_files(name, db=False)
        farm = FarmProcess(name, files, self.cloud.log_dir,
                           ['--hosts', str(count), '--prefix', 'fake-',
                            '--first', str(self.hosts + 1)])
        self.cloud.processes[name] = self.cloud.useFixture(farm)
        start = time.monotonic()
        farm.wait_for_log(r'nova-lite-fake-computes started %d of %d hosts'
                          % (count, count), timeout=max(120, count))
        self.hosts += count
        print('%d hosts up (+%d in %.1f s)' % (
            self.hosts, count, time.monotonic() - start), file=sys.stderr)

    def add_scheduler(self, index):
        name = 'scheduler-%d' % index
        proc = self.cloud._start('nova-lite-scheduler', name, db=True)
        proc.wait_for_log(r'nova-lite-scheduler started on host %s\b'
                          % name, timeout=90)

    def scheduler_logs(self):
        return [proc for name, proc in self.cloud.processes.items()
                if proc.script == 'nova-lite-scheduler']

    def decisions_since(self, offsets):
        """Decision times (ms) each scheduler logged past ``offsets``."""
        times = []
        for proc in self.scheduler_logs():
            with open(proc.log_path, 'rb') as f:
                f.seek(offsets.get(proc.name, 0))
                text = f.read().decode('utf-8', 'replace')
            times.extend(float(m.group(3)) for m in DECISION.finditer(text))
        return times

    def log_offsets(self):
        return {proc.name: proc.log_size() for proc in self.scheduler_logs()}

    # ---- the figures -------------------------------------------------------

    def boot(self, name):
        body = self.cloud.client.create_server(name, flavor=self.args.flavor)
        return body['server']['id']

    def measure_decisions(self):
        offsets = self.log_offsets()
        ids = []
        for index in range(self.args.decisions):
            ids.append(self.boot('dec-%d-%d' % (self.hosts, index)))
            # NOTE: one at a time: a decision timed alone.
            self.cloud.client.wait_for_servers(
                ids[-1:], timeout=self.args.timeout)
        self.server_ids.extend(ids)
        times = self.decisions_since(offsets)
        if not times:
            raise RuntimeError('no decision line in the scheduler logs; '
                               'is [DEFAULT] debug on?')
        self.note('decision median (ms), %d hosts' % self.hosts,
                  '%.1f' % statistics.median(times), len(times))
        self.note('decision p95 (ms), %d hosts' % self.hosts,
                  '%.1f' % benchlib.percentile(times, 95), len(times))
        return statistics.median(times)

    def measure_throughput(self, schedulers):
        count = self.args.concurrent
        offsets = self.log_offsets()
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(
                min(count, self.args.clients)) as pool:
            ids = list(pool.map(
                self.boot, ['burst-%d-%d' % (schedulers, index)
                            for index in range(count)]))
        posted = time.perf_counter() - start
        servers = self.cloud.client.wait_for_servers(
            ids, timeout=self.args.timeout, interval=1)
        wall = time.perf_counter() - start
        self.server_ids.extend(ids)
        statuses = {}
        for server in servers.values():
            statuses[server['status']] = statuses.get(server['status'],
                                                      0) + 1
        times = self.decisions_since(offsets)
        self.note('%d boots to ACTIVE, %d scheduler(s) (servers/s)'
                  % (count, schedulers), '%.1f' % (count / wall), count,
                  'wall %.1f s, POSTs %.1f s; %s; decision median %.1f ms '
                  'p95 %.1f ms' % (
                      wall, posted, ', '.join(
                          '%s %d' % kv for kv in sorted(statuses.items())),
                      statistics.median(times) if times else 0,
                      benchlib.percentile(times, 95) if times else 0))
        return count / wall

    def overcommit(self):
        """Nodes whose allocations exceed what the claim allows."""
        engine = sa.create_engine(self.cloud.database.url)
        query = sa.text(
            'SELECT n.host, a.resource_class, SUM(a.used), '
            '  n.vcpus, n.reserved_vcpus, n.cpu_allocation_ratio, '
            '  n.memory_mb, n.reserved_memory_mb, n.ram_allocation_ratio, '
            '  n.local_gb, n.reserved_disk_gb, n.disk_allocation_ratio '
            'FROM allocations a JOIN compute_nodes n '
            '  ON n.id = a.compute_node_id '
            'GROUP BY n.id, a.resource_class')
        over = []
        nodes = set()
        try:
            with engine.connect() as conn:
                for row in conn.execute(query):
                    host, rc, used = row[0], row[1], int(row[2])
                    nodes.add(host)
                    total, reserved, ratio = {
                        'VCPU': row[3:6], 'MEMORY_MB': row[6:9],
                        'DISK_GB': row[9:12]}[rc]
                    if used > int((total - reserved) * ratio):
                        over.append((host, rc, used))
        finally:
            engine.dispose()
        self.note('over-committed hosts', len({h for h, _, _ in over}),
                  len(nodes), 'hosts with allocations; must be 0' +
                  ('; %s' % over[:5] if over else ''))
        return over

    def run(self):
        steps = self.args.steps
        print('starting the cloud in %s' % self.base_dir, file=sys.stderr)
        self.start_cloud()
        medians = {}
        for target in steps:
            self.add_hosts(target - self.hosts)
            medians[target] = self.measure_decisions()
        first, last = steps[0], steps[-1]
        if medians[first] > 0:
            self.note('decision growth %d -> %d hosts' % (first, last),
                      '%.1fx' % (medians[last] / medians[first]), '',
                      'hosts grew %dx' % (last // first))
        one = self.measure_throughput(1)
        for index in range(2, 4):
            self.add_scheduler(index)
        three = self.measure_throughput(3)
        self.note('3 schedulers / 1 scheduler', '%.2fx' % (three / one), '')
        self.overcommit()

    def cleanup(self):
        cloud = getattr(self, 'cloud', None)
        if cloud is not None:
            cloud.cleanUp()


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--quick', action='store_true',
                        help='10/50/200 hosts, 100 concurrent boots, 20 '
                             'decisions per step')
    parser.add_argument('--steps', default='10,100,1000',
                        help='host counts, ascending')
    parser.add_argument('--decisions', type=int, default=40,
                        help='sequential boots timed at each step')
    parser.add_argument('--concurrent', type=int, default=500,
                        help='boots fired at once for the throughput')
    parser.add_argument('--clients', type=int, default=50,
                        help='client threads posting the boots')
    parser.add_argument('--conductors', type=int, default=2,
                        help='[conductor] workers')
    parser.add_argument('--host-state-max-age', type=float, default=0.0,
                        help='[filter_scheduler] host_state_max_age of '
                             'the schedulers (0: read per request)')
    parser.add_argument('--flavor', default='1')
    parser.add_argument('--timeout', type=float, default=900)
    parser.add_argument('--keep', action='store_true',
                        help='keep the directory of configs and logs')
    args = parser.parse_args(argv)
    if args.quick:
        args.steps, args.concurrent, args.decisions = '10,50,200', 100, 20
    try:
        args.steps = [int(s) for s in args.steps.split(',')]
    except ValueError:
        parser.error('--steps takes integers, e.g. 10,100,1000')
    if (not args.steps or args.steps != sorted(set(args.steps))
            or not 1 <= args.steps[0] or args.steps[-1] > 5000):
        parser.error('--steps must ascend within 1..5000')
    for name in ('decisions', 'concurrent', 'clients', 'conductors'):
        if not 1 <= getattr(args, name) <= 5000:
            parser.error('--%s must be within 1..5000' % name)
    return args


def main(argv=None):
    args = parse_args(argv)
    base_dir = tempfile.mkdtemp(prefix='nl-sched-bench-')
    bench = Bench(args, base_dir)
    try:
        bench.run()
    finally:
        bench.cleanup()
        benchlib.print_table(
            'scheduler scale: nova-lite, separate processes, MariaDB, '
            'RabbitMQ, fake driver, flavor %s, host_state_max_age %s'
            % (args.flavor, args.host_state_max_age), bench.rows)
        if args.keep:
            print('configs and logs kept in %s' % base_dir, file=sys.stderr)
        else:
            shutil.rmtree(base_dir, ignore_errors=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())

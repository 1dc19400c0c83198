#!/usr/bin/env python3
"""Fault bench: kill a piece of the cloud in the middle of many builds and
count what became of them.

It starts its own cloud of separate processes (tests/fixtures/faults.py:
conductor, scheduler, API, image service and three fake computes whose
builds take 2 s) on a RabbitMQ and a MariaDB of its own (its own ports and
data directories; the machine's servers are not touched), then per fault:
fires --builds builds, kills the piece with SIGKILL, brings it back (the
compute, broker and database after --down seconds, the conductor and
scheduler at once), waits up to --recovery seconds for every build to
settle, and prints builds fired / ACTIVE / ERROR with a fault / ERROR
without one / stuck in a transitional state / allocations of no live
instance. Nothing is asserted; every server is deleted after its round.

    .venv/bin/python bench/faults.py [--faults compute,broker] [--builds 36]
"""

import argparse
import os
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from tests.fixtures import faults  # noqa: E402


def _log(line):
    print(line, file=sys.stderr, flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--faults', default=','.join(faults.FAULTS),
                        help='comma-separated, of: %s'
                        % ', '.join(faults.FAULTS))
    parser.add_argument('--builds', type=int, default=36,
                        help='builds fired per fault')
    parser.add_argument('--down', type=float, default=faults.DOWN_SECONDS,
                        help='seconds a killed compute, broker or database '
                        'stays down')
    parser.add_argument('--recovery', type=float,
                        default=faults.RECOVERY_SECONDS,
                        help='seconds given to the builds to settle')
    parser.add_argument('--kill-after', type=float, default=1.5,
                        help='seconds between the last build fired and '
                        'the kill')
    parser.add_argument('--dir', help='where configs, logs and data go '
                        '(default: a new temporary directory, kept)')
    args = parser.parse_args(argv)
    chosen = [f.strip() for f in args.faults.split(',') if f.strip()]
    unknown = set(chosen) - set(faults.FAULTS)
    if unknown:
        parser.error('unknown faults: %s' % ', '.join(sorted(unknown)))
    ok, reason = faults.available()
    if not ok:
        parser.error(reason)
    base = args.dir or tempfile.mkdtemp(prefix='nova-lite-faults-')
    _log('starting the cloud in %s' % base)
    fault_cloud = faults.FaultCloud(base)
    fault_cloud.setUp()
    reports = []
    try:
        for fault in chosen:
            report = faults.run_fault(
                fault_cloud, fault, count=args.builds,
                kill_after=args.kill_after, recovery=args.recovery,
                down_seconds=args.down, log=_log)
            _log(report.line())
            for stuck in report.stuck:
                _log('  stuck: %s' % stuck)
            for leaked in report.leaked:
                _log('  leaked allocation: %s' % (leaked,))
            reports.append(report)
    finally:
        fault_cloud.cleanUp()
    print('\nfault bench: %d builds per fault, down %.0fs, recovery window '
          '%.0fs' % (args.builds, args.down, args.recovery))
    for report in reports:
        print(report.line())
    _log('logs kept in %s' % base)
    return 0


if __name__ == '__main__':
    sys.exit(main())

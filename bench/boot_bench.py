#!/usr/bin/env python3
"""Boot benchmark for any OpenStack Compute endpoint, over HTTP only.

It measures, against nova-lite or a real Nova alike:

1. POST /servers latency (median, p95) over --requests sequential creates;
2. wall time from the first of --concurrent simultaneous creates until
   every one of them is ACTIVE (or ERROR);
3. GET /servers/detail latency (median, p95) with --list-size servers in
   the project, creating the missing ones in batches via min_count.

Figures are printed as a table; nothing is asserted. Every server the
benchmark created is deleted at the end unless --keep is given. Every loop
is bounded by a count and every wait by --timeout.

    python bench/boot_bench.py --endpoint http://127.0.0.1:8774/v2.1 \\
        --token admin:admin --image <image uuid> --flavor 1
"""

import argparse
import concurrent.futures
import statistics
import sys
import time
import uuid

import benchlib


class Client(benchlib.ApiClient):
    """The few Compute API calls the benchmark makes."""

    def __init__(self, endpoint, token, microversion, network):
        super().__init__(endpoint, token, microversion)
        self.network = network

    def create(self, name, image, flavor, count=1):
        """POST /servers; returns (seconds, ids or reservation id)."""
        server = {'name': name, 'imageRef': image, 'flavorRef': flavor}
        if self.network:
            server['networks'] = self.network
        if count > 1:
            server.update(min_count=count, max_count=count,
                          return_reservation_id=True)
        start = time.perf_counter()
        response = self.request('POST', '/servers', {'server': server},
                                expected=(202,))
        elapsed = time.perf_counter() - start
        body = response.json()
        if count > 1:
            return elapsed, body['reservation_id']
        return elapsed, body['server']['id']

    def list_detail(self, params=None, max_pages=200):
        """Every server of /servers/detail, following servers_links."""
        url, query, servers = '/servers/detail', dict(params or {}), []
        for _ in range(max_pages):
            body = self.request('GET', url, params=query,
                                expected=(200,)).json()
            servers.extend(body['servers'])
            url, query = None, None
            for link in body.get('servers_links', []):
                if link.get('rel') == 'next':
                    url = link['href']
            if not url:
                break
        return servers

    def delete(self, server_id):
        self.request('DELETE', '/servers/%s' % server_id,
                     expected=(204, 404))


def wait_until_settled(client, ids, timeout, poll=0.5):
    """Poll until every server in ``ids`` is ACTIVE or ERROR.

    :returns: ``(seconds waited, {status: count}, ids still pending)``.
    """
    ids = set(ids)
    start = time.perf_counter()
    deadline = time.monotonic() + timeout
    statuses = {}
    while True:
        seen = {s['id']: s['status'] for s in client.list_detail()
                if s['id'] in ids}
        statuses = {}
        for status in seen.values():
            statuses[status] = statuses.get(status, 0) + 1
        pending = [i for i in ids
                   if seen.get(i) not in ('ACTIVE', 'ERROR')]
        if not pending or time.monotonic() > deadline:
            return time.perf_counter() - start, statuses, pending
        time.sleep(poll)


def run(args):
    client = Client(args.endpoint, args.token, args.microversion,
                    args.network)
    prefix = 'bench-%s' % uuid.uuid4().hex[:8]
    created = []
    rows = []

    def note(figure, value, n, detail=''):
        rows.append((figure, value, n, detail))
        print('  %s: %s' % (figure, value), file=sys.stderr)

    try:
        # 1. POST /servers latency.
        print('POST latency: %d sequential creates' % args.requests,
              file=sys.stderr)
        latencies = []
        for index in range(args.requests):
            elapsed, server_id = client.create(
                '%s-post-%d' % (prefix, index), args.image, args.flavor)
            latencies.append(elapsed * 1000)
            created.append(server_id)
        note('POST /servers latency median (ms)',
             '%.1f' % statistics.median(latencies), len(latencies))
        note('POST /servers latency p95 (ms)',
             '%.1f' % benchlib.percentile(latencies, 95), len(latencies))
        _, statuses, pending = wait_until_settled(client, created,
                                                  args.timeout)

        # 2. Concurrent boots to ACTIVE.
        print('%d concurrent boots' % args.concurrent, file=sys.stderr)
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.concurrent) as pool:
            futures = [pool.submit(client.create,
                                   '%s-conc-%d' % (prefix, index),
                                   args.image, args.flavor)
                       for index in range(args.concurrent)]
            burst = [f.result(timeout=args.timeout)[1] for f in futures]
        posted = time.perf_counter() - start
        created.extend(burst)
        _, statuses, pending = wait_until_settled(client, burst,
                                                  args.timeout)
        wall = time.perf_counter() - start
        note('%d concurrent boots: all POSTs answered (s)'
             % args.concurrent, '%.2f' % posted, args.concurrent)
        note('%d concurrent boots -> ACTIVE wall time (s)' % args.concurrent,
             '%.2f' % wall, args.concurrent,
             ', '.join('%s %d' % kv for kv in sorted(statuses.items()))
             + (', %d unsettled at timeout' % len(pending)
                if pending else ''))

        # 3. GET /servers/detail with list_size servers.
        existing = len(client.list_detail())
        missing = max(0, args.list_size - existing)
        print('listing: %d servers exist, creating %d in batches of %d'
              % (existing, missing, args.batch), file=sys.stderr)
        batch_ids = []
        batches = -(-missing // args.batch) if missing else 0
        for index in range(batches):
            count = min(args.batch, missing - index * args.batch)
            _, reservation = client.create('%s-list-%d' % (prefix, index),
                                           args.image, args.flavor, count)
            if count == 1:
                batch_ids.append(reservation)
                continue
            servers = client.list_detail({'reservation_id': reservation})
            batch_ids.extend(s['id'] for s in servers)
        created.extend(batch_ids)
        if batch_ids:
            wait_until_settled(client, batch_ids, args.timeout)
        samples, returned = [], 0
        for _ in range(args.list_samples):
            start = time.perf_counter()
            body = client.request('GET', '/servers/detail',
                                  expected=(200,)).json()
            samples.append((time.perf_counter() - start) * 1000)
            returned = len(body['servers'])
        total = existing + len(batch_ids)
        note('GET /servers/detail median (ms)',
             '%.1f' % statistics.median(samples), len(samples),
             '%d servers in project, %d per page' % (total, returned))
        note('GET /servers/detail p95 (ms)',
             '%.1f' % benchlib.percentile(samples, 95), len(samples), '')
    finally:
        if created and not args.keep:
            print('cleaning up %d servers' % len(created), file=sys.stderr)
            with concurrent.futures.ThreadPoolExecutor(20) as pool:
                list(pool.map(client.delete, created))
            deadline = time.monotonic() + args.timeout
            left = set(created)
            while left and time.monotonic() < deadline:
                left &= {s['id'] for s in client.list_detail()}
                if left:
                    time.sleep(1)
            if left:
                print('%d servers still listed after the cleanup timeout'
                      % len(left), file=sys.stderr)
        benchlib.print_table('endpoint %s  microversion %s  flavor %s' % (
            args.endpoint, args.microversion or '(none)', args.flavor), rows)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--endpoint', required=True,
                        help='compute endpoint, e.g. '
                             'http://127.0.0.1:8774/v2.1')
    parser.add_argument('--token', required=True,
                        help='X-Auth-Token (nova-lite noauth: user:project)')
    parser.add_argument('--image', required=True, help='image UUID')
    parser.add_argument('--flavor', default='1', help='flavor id')
    parser.add_argument('--microversion', default='2.47')
    parser.add_argument('--network', default='none',
                        help="the 'networks' value (required from 2.37): "
                             "none, auto, or '' to leave it out")
    parser.add_argument('--requests', type=int, default=50)
    parser.add_argument('--concurrent', type=int, default=100)
    parser.add_argument('--list-size', type=int, default=1000)
    parser.add_argument('--batch', type=int, default=100,
                        help='min_count/max_count per create when filling '
                             'up to --list-size')
    parser.add_argument('--list-samples', type=int, default=20)
    parser.add_argument('--timeout', type=float, default=600,
                        help='seconds any one wait may take')
    parser.add_argument('--keep', action='store_true',
                        help='leave the created servers in place')
    args = parser.parse_args(argv)
    for name in ('requests', 'concurrent', 'batch', 'list_samples'):
        if not 1 <= getattr(args, name) <= 10000:
            parser.error('--%s must be within 1..10000'
                         % name.replace('_', '-'))
    if not 0 <= args.list_size <= 10000:
        parser.error('--list-size must be within 0..10000')
    args.network = args.network or None
    return args


def main(argv=None):
    run(parse_args(argv))
    return 0


if __name__ == '__main__':
    sys.exit(main())

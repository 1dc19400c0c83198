#!/usr/bin/env python3
"""Lab move benchmark: cold migration and live migration of the test guest
between compute hosts that share no storage.

Against a lab that ``tools/lab up`` made, it boots one test guest whose
user data asks it to print a tick line every --tick seconds (its uptime,
and whether its gateway answered one ping within 1 s), then --rounds
times:

* live-migrates it to the next host (``block_migration: auto``) and
  measures POST -> ACTIVE on the new host; from inside, the longest run
  of ticks whose ping was lost (x the tick period, a ping's 1 s timeout
  included) bounds the network downtime, and the gap in the guest's
  uptime between two ticks shows whether its clock jumped;
* cold-migrates it (2.56 ``host``) to the next host and measures
  POST -> VERIFY_RESIZE, then confirms.

It prints medians and p95s. Nothing is asserted; the server is deleted.

    tools/lab up
    python bench/lab_move_bench.py [--rounds 3]
"""

import argparse
import base64
import re
import sys
import time

import benchlib

DEFAULT_ENDPOINT = 'http://10.233.0.1:8774/v2.1'
TICK_RE = re.compile(
    r'NOVA-LITE-GUEST-TICK n=(\d+) uptime=([\d.]+)(?: ping=(\w+))?')


def _lookup(client, path, key, match):
    items = client.request('GET', path, expected=(200,)).json()[key]
    found = [item for item in items if match(item)]
    if not found:
        raise RuntimeError('nothing matched in %s' % path)
    return found[0]


def _server(client, server_id):
    return client.request('GET', '/servers/%s' % server_id,
                          expected=(200,)).json()['server']


def _wait(client, server_id, status, timeout, poll, host_not=None):
    deadline = time.monotonic() + timeout
    while True:
        server = _server(client, server_id)
        if server['status'] == 'ERROR':
            raise RuntimeError('server %s went to ERROR: %s'
                               % (server_id, server.get('fault')))
        if server['status'] == status and (
                host_not is None or
                server['OS-EXT-SRV-ATTR:host'] != host_not):
            return server
        if time.monotonic() > deadline:
            raise RuntimeError('server %s still %s after %ss'
                               % (server_id, server['status'], timeout))
        time.sleep(poll)


def _ticks(client, server_id):
    output = client.request('POST', '/servers/%s/action' % server_id,
                            {'os-getConsoleOutput': {'length': None}},
                            expected=(200,)).json()['output']
    return [(int(n), float(up), ping)
            for n, up, ping in TICK_RE.findall(output)]


def _wait_ticks(client, server_id, count, timeout):
    deadline = time.monotonic() + timeout
    while True:
        ticks = _ticks(client, server_id)
        if len(ticks) >= count:
            return ticks
        if time.monotonic() > deadline:
            raise RuntimeError('only %d ticks of %s after %ss'
                               % (len(ticks), server_id, timeout))
        time.sleep(1)


def _longest_loss(ticks):
    longest = run = 0
    for _n, _up, ping in ticks:
        run = run + 1 if ping != 'ok' else 0
        longest = max(longest, run)
    return longest


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--endpoint', default=DEFAULT_ENDPOINT)
    parser.add_argument('--token', default='admin:admin')
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--tick', type=float, default=0.2)
    parser.add_argument('--hosts', default='cpu1,cpu2,cpu3')
    benchlib.add_wait_options(parser)
    args = parser.parse_args()
    proxies = benchlib.ApiClient(args.endpoint, args.token, '2.35')
    image = _lookup(proxies, '/images', 'images',
                    lambda i: i['name'] == 'nova-lite-test-guest')['id']
    network = _lookup(proxies, '/os-networks', 'networks',
                      lambda n: n['label'] == 'lab-net')
    client = benchlib.ApiClient(args.endpoint, args.token, '2.80')
    hosts = args.hosts.split(',')
    data = '#nova-lite-tick %s %s\n' % (args.tick, network['gateway'])
    body = {'name': 'bench-move', 'imageRef': image, 'flavorRef': '1',
            'networks': [{'uuid': network['id']}], 'host': hosts[0],
            'config_drive': True,
            'user_data': base64.b64encode(data.encode()).decode()}
    server_id = client.request('POST', '/servers', {'server': body},
                               expected=(202,)).json()['server']['id']
    live, cold, losses, jumps = [], [], [], []
    try:
        _wait(client, server_id, 'ACTIVE', args.timeout, args.poll)
        _wait_ticks(client, server_id, 5, args.timeout)
        for index in range(args.rounds):
            host = _server(client, server_id)['OS-EXT-SRV-ATTR:host']
            before = len(_ticks(client, server_id))
            start = time.perf_counter()
            client.request('POST', '/servers/%s/action' % server_id,
                           {'os-migrateLive': {'host': None,
                                               'block_migration': 'auto'}},
                           expected=(202,))
            _wait(client, server_id, 'ACTIVE', args.timeout, args.poll,
                  host_not=host)
            live.append(time.perf_counter() - start)
            ticks = _wait_ticks(client, server_id, before + 25,
                                args.timeout)[max(0, before - 5):]
            losses.append(_longest_loss(ticks))
            jumps.append(max(b[1] - a[1] for a, b in zip(ticks, ticks[1:])))
            print('round %d: live %s -> %.2f s, longest ping loss %d '
                  'ticks, largest uptime step %.2f s'
                  % (index, host, live[-1], losses[-1], jumps[-1]),
                  file=sys.stderr)
            host = _server(client, server_id)['OS-EXT-SRV-ATTR:host']
            dest = hosts[(hosts.index(host) + 1) % len(hosts)]
            start = time.perf_counter()
            client.request('POST', '/servers/%s/action' % server_id,
                           {'migrate': {'host': dest}}, expected=(202,))
            _wait(client, server_id, 'VERIFY_RESIZE', args.timeout,
                  args.poll)
            cold.append(time.perf_counter() - start)
            client.request('POST', '/servers/%s/action' % server_id,
                           {'confirmResize': None}, expected=(204,))
            _wait(client, server_id, 'ACTIVE', args.timeout, args.poll)
            _wait_ticks(client, server_id, 5, args.timeout)
            print('round %d: cold %s -> %s %.2f s'
                  % (index, host, dest, cold[-1]), file=sys.stderr)
    finally:
        client.request('DELETE', '/servers/%s' % server_id)
    rows = []

    def note(figure, value, n, notes=''):
        rows.append((figure, value, n, notes))
    benchlib.summary(note, 'live migration: POST -> ACTIVE there', live)
    benchlib.summary(note, 'cold migration: POST -> VERIFY_RESIZE', cold)
    note('live: longest ping loss (ticks of %.1f s + 1 s timeout)'
         % args.tick, str(max(losses)), len(losses), 'max')
    note('live: largest uptime step between ticks (s)',
         '%.2f' % max(jumps), len(jumps), 'max')
    benchlib.print_table('Lab moves of the test guest (%d rounds)'
                         % args.rounds, rows)


if __name__ == '__main__':
    main()

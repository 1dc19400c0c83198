#!/usr/bin/env python3
"""Lab boot benchmark: DHCP + metadata service vs config drive, side by
side on the multi-node lab.

Against a lab that ``tools/lab up`` made (or any nova-lite with the libvirt
driver, a network host and the metadata service), it boots --rounds pairs
of servers one after the other, each pair on the same compute host (the
hosts taken in turn): one with a config drive, one without (the guest gets
its address by DHCP and its identity from 169.254.169.254). For each it
measures POST /servers -> ACTIVE and POST /servers -> the guest's
``NOVA-LITE-GUEST-READY uuid=<id>`` line, and prints medians, p95s and the
ratio of the two paths. Nothing is asserted; every server is deleted.

    tools/lab up
    python bench/lab_boot_bench.py [--rounds 5]
"""

import argparse
import statistics
import sys

import benchlib
import guest_boot_bench

DEFAULT_ENDPOINT = 'http://10.233.0.1:8774/v2.1'


def _lookup(client, path, key, match):
    items = client.request('GET', path, expected=(200,)).json()[key]
    found = [item for item in items if match(item)]
    if not found:
        raise RuntimeError('nothing matched in %s' % path)
    return found[0]['id']


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--endpoint', default=DEFAULT_ENDPOINT)
    parser.add_argument('--token', default='admin:admin')
    parser.add_argument('--image', help='default: the test guest image')
    parser.add_argument('--network', help="default: the lab's lab-net")
    parser.add_argument('--flavor', default='1')
    parser.add_argument('--rounds', type=int, default=5)
    parser.add_argument('--hosts', default='cpu1,cpu2,cpu3',
                        help='compute hosts to take in turn')
    benchlib.add_wait_options(parser)
    args = parser.parse_args()
    proxies = benchlib.ApiClient(args.endpoint, args.token, '2.35')
    args.image = args.image or _lookup(
        proxies, '/images', 'images',
        lambda i: i['name'] == 'nova-lite-test-guest')
    args.network = args.network or _lookup(
        proxies, '/os-networks', 'networks',
        lambda n: n['label'] == 'lab-net')
    client = benchlib.ApiClient(args.endpoint, args.token, '2.74')
    hosts = args.hosts.split(',')
    times = {True: ([], []), False: ([], [])}
    for index in range(args.rounds):
        host = hosts[index % len(hosts)]
        for config_drive in (True, False):
            args.config_drive = config_drive
            args.host = host
            active, marker = guest_boot_bench.boot_once(
                client, args, 'bench-%d-%s' % (index, config_drive))
            times[config_drive][0].append(active)
            times[config_drive][1].append(marker)
            print('round %d on %s, %s: ACTIVE %.2f s, marker %.2f s' % (
                index, host, 'config drive' if config_drive else
                'DHCP + metadata', active, marker), file=sys.stderr)
    rows = []

    def note(figure, value, n, notes=''):
        rows.append((figure, value, n, notes))
    for config_drive, label in ((True, 'config drive'),
                                (False, 'DHCP + metadata')):
        benchlib.summary(note, '%s: POST -> ACTIVE' % label,
                         times[config_drive][0])
        benchlib.summary(note, '%s: POST -> marker' % label,
                         times[config_drive][1])
    ratio = (statistics.median(times[False][1]) /
             statistics.median(times[True][1]))
    note('marker median, DHCP + metadata / config drive', '%.2f' % ratio,
         args.rounds, 'ratio')
    benchlib.print_table('Lab boots (%d rounds, hosts %s)'
                         % (args.rounds, args.hosts), rows)


if __name__ == '__main__':
    main()

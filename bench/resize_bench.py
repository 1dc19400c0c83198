#!/usr/bin/env python3
"""Resize benchmark: a real guest resized through the Compute API.

Against a running nova-lite (or Nova) with the libvirt driver, the test
guest image and ``[DEFAULT] allow_resize_to_same_host = True`` on a single
host, it boots one server on --flavor, waits for its marker, then --rounds
times resizes it to --to-flavor and back (alternately), measuring:

1. POST resize -> VERIFY_RESIZE (GET /servers/{id} polled every --poll s);
2. POST resize -> the guest's ``NOVA-LITE-GUEST-READY uuid=<id>`` line in
   ``os-getConsoleOutput`` (the console log of the resized guest is new,
   so the line appears once the guest has booted again);
3. POST confirmResize -> ACTIVE (no task under way).

It prints medians and p95s. Nothing is asserted; the server is deleted at
the end, every wait bounded by --timeout.

    python bench/resize_bench.py --endpoint http://127.0.0.1:8774/v2.1 \\
        --token demo:demo --image <test guest image id>
"""

import sys
import time
import uuid

import benchlib

MARKER = 'NOVA-LITE-GUEST-READY'
summary = benchlib.summary


def _server(client, server_id):
    return client.request('GET', '/servers/%s' % server_id,
                          expected=(200,)).json()['server']


def _wait_status(client, args, server_id, status, start):
    """Seconds from ``start`` until the server shows ``status``, idle."""
    deadline = time.monotonic() + args.timeout
    while True:
        shown = _server(client, server_id)
        if shown['status'] == status and shown.get(
                'OS-EXT-STS:task_state') is None:
            return time.perf_counter() - start
        if shown['status'] == 'ERROR':
            raise RuntimeError('server %s went to ERROR: %s'
                               % (server_id, shown.get('fault')))
        if time.monotonic() > deadline:
            raise RuntimeError('server %s still %s after %ss'
                               % (server_id, shown['status'], args.timeout))
        time.sleep(args.poll)


def _wait_marker(client, args, server_id, start):
    """Seconds from ``start`` until the marker line is on the console."""
    deadline = time.monotonic() + args.timeout
    wanted = '%s uuid=%s' % (MARKER, server_id)
    while True:
        output = client.request(
            'POST', '/servers/%s/action' % server_id,
            {'os-getConsoleOutput': {'length': 50}},
            expected=(200,)).json()['output']
        if wanted in output:
            return time.perf_counter() - start
        if time.monotonic() > deadline:
            raise RuntimeError('no %s line from %s within %ss'
                               % (MARKER, server_id, args.timeout))
        time.sleep(args.poll)


def resize_once(client, args, server_id, flavor):
    """One resize to ``flavor`` and its confirm.

    :returns: (POST -> VERIFY_RESIZE, POST -> marker, confirm -> ACTIVE).
    """
    start = time.perf_counter()
    client.request('POST', '/servers/%s/action' % server_id,
                   {'resize': {'flavorRef': flavor}}, expected=(202,))
    verify = _wait_status(client, args, server_id, 'VERIFY_RESIZE', start)
    marker = _wait_marker(client, args, server_id, start)
    start = time.perf_counter()
    client.request('POST', '/servers/%s/action' % server_id,
                   {'confirmResize': None}, expected=(204,))
    confirm = _wait_status(client, args, server_id, 'ACTIVE', start)
    return verify, marker, confirm


def run(args):
    client = benchlib.ApiClient(args.endpoint, args.token, args.microversion)
    rows = []

    def note(figure, value, n, detail=''):
        rows.append((figure, value, n, detail))
        print('  %s: %s' % (figure, value), file=sys.stderr)

    to_flavor, made = args.to_flavor, None
    if to_flavor is None:
        # NOTE: more memory and vCPUs on the same disk, so the resize can go
        # both ways (a root disk never shrinks).
        admin = benchlib.ApiClient(args.endpoint, args.admin_token,
                                   args.microversion)
        base = client.request('GET', '/flavors/%s' % args.flavor,
                              expected=(200,)).json()['flavor']
        made = admin.request('POST', '/flavors', {'flavor': {
            'name': 'resize-bench-%s' % uuid.uuid4().hex[:8],
            'ram': base['ram'] + 256, 'vcpus': base['vcpus'] + 1,
            'disk': base['disk']}}, expected=(200,)).json()['flavor']
        to_flavor = made['id']
    body = client.request('POST', '/servers', {'server': {
        'name': 'resize-bench-%s' % uuid.uuid4().hex[:8],
        'imageRef': args.image, 'flavorRef': args.flavor,
        'networks': 'none', 'config_drive': True}},
        expected=(202,)).json()
    server_id = body['server']['id']
    try:
        start = time.perf_counter()
        _wait_status(client, args, server_id, 'ACTIVE', start)
        _wait_marker(client, args, server_id, start)
        verify, marker, confirm = [], [], []
        flavors = (to_flavor, args.flavor)
        for index in range(args.rounds):
            flavor = flavors[index % 2]
            result = resize_once(client, args, server_id, flavor)
            print('  resize %d to %s: VERIFY_RESIZE %.2fs, marker %.2fs, '
                  'confirm %.2fs' % ((index, flavor) + result),
                  file=sys.stderr)
            verify.append(result[0])
            marker.append(result[1])
            confirm.append(result[2])
        summary(note, 'POST resize -> VERIFY_RESIZE', verify)
        summary(note, 'POST resize -> guest marker', marker)
        summary(note, 'POST confirmResize -> ACTIVE', confirm)
    finally:
        client.request('DELETE', '/servers/%s' % server_id,
                       expected=(204, 404))
        if made is not None:
            _wait_deleted(client, args, server_id)
            admin.request('DELETE', '/flavors/%s' % made['id'],
                          expected=(202, 404))
    benchlib.print_table(
        'endpoint %s  image %s  flavors %s <-> %s  (resize on one host)'
        % (args.endpoint, args.image, args.flavor, to_flavor), rows)


def _wait_deleted(client, args, server_id):
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if client.request('GET', '/servers/%s' % server_id).status_code \
                == 404:
            return
        time.sleep(0.5)


def parse_args(argv=None):
    parser = benchlib.guest_parser(__doc__.split('\n')[0])
    parser.add_argument('--flavor', default='1',
                        help='flavor to boot on (and to go back to)')
    parser.add_argument('--to-flavor', default=None,
                        help='flavor to resize to; by default one with '
                             '256 MiB and one vCPU more on the same disk '
                             'is made (with --admin-token) and deleted '
                             'afterwards')
    parser.add_argument('--admin-token', default='admin:admin',
                        help='X-Auth-Token of an admin, to make the '
                             'default --to-flavor')
    parser.add_argument('--rounds', type=int, default=4,
                        help='resizes, alternating between the flavors')
    parser.add_argument('--microversion', default='2.47')
    benchlib.add_wait_options(parser)
    return parser.parse_args(argv)


if __name__ == '__main__':
    run(parse_args())

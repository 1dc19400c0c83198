#!/usr/bin/env python3
"""Snapshot benchmark: createImage of a real guest, timed end to end.

Against a running nova-lite (or Nova) with the libvirt driver, the test
guest image (``nova-lite-manage image import-test-guest``) and its image
service, it boots one server (waiting for the guest's READY marker), then
measures --snapshots times:

1. POST createImage -> the image ``active`` in the image service (GET
   /v2/images/{id} polled every --poll s): the whole snapshot;
2. POST createImage -> the server ACTIVE with no task again;

and --shelves times a shelve and an unshelve (offloaded at once with
``[DEFAULT] shelved_offload_time = 0``, the default):

3. POST shelve -> SHELVED_OFFLOADED;
4. POST unshelve -> ACTIVE, and -> the READY marker on the console.

It prints medians and p95s. Nothing is asserted; the server and every
image it made are deleted, every wait bounded by --timeout.

    python bench/snapshot_bench.py --endpoint http://127.0.0.1:8774/v2.1 \\
        --image-endpoint http://127.0.0.1:9292 --token demo:demo \\
        --image <test guest image id>
"""

import sys
import time
import uuid

import benchlib

MARKER = 'NOVA-LITE-GUEST-READY'
summary = benchlib.summary


def _wait(what, predicate, args):
    deadline = time.monotonic() + args.timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise RuntimeError('timed out waiting for %s' % what)
        time.sleep(args.poll)


def _server(client, server_id):
    return client.request('GET', '/servers/%s' % server_id,
                          expected=(200,)).json()['server']


def _settled(client, server_id, status, args):
    def check():
        server = _server(client, server_id)
        if server['status'] == 'ERROR':
            raise RuntimeError('server %s went to ERROR: %s'
                               % (server_id, server.get('fault')))
        return (server['status'] == status and
                server['OS-EXT-STS:task_state'] is None)
    _wait('server %s %s' % (server_id, status), check, args)


def _markers(client, server_id):
    output = client.request(
        'POST', '/servers/%s/action' % server_id,
        {'os-getConsoleOutput': {'length': None}},
        expected=(200,)).json()['output']
    return output.count('%s uuid=%s' % (MARKER, server_id))


def _action(client, server_id, body, expected=(202,)):
    return client.request('POST', '/servers/%s/action' % server_id, body,
                          expected=expected)


def snapshot_once(client, images, server_id, name, args):
    """:returns: (seconds to image active, seconds to server idle)."""
    start = time.perf_counter()
    image_id = _action(client, server_id,
                       {'createImage': {'name': name}}).json()['image_id']
    idle = None
    try:
        def active():
            nonlocal idle
            if idle is None:
                server = _server(client, server_id)
                if server['OS-EXT-STS:task_state'] is None:
                    idle = time.perf_counter() - start
            image = images.request('GET', '/v2/images/%s' % image_id,
                                   expected=(200,)).json()
            if image['status'] in ('killed', 'deleted'):
                raise RuntimeError('image %s is %s' % (image_id,
                                                       image['status']))
            return image['status'] == 'active'
        _wait('image %s active' % image_id, active, args)
        to_active = time.perf_counter() - start
        _settled(client, server_id, 'ACTIVE', args)
        if idle is None:
            idle = time.perf_counter() - start
        return to_active, idle
    finally:
        images.request('DELETE', '/v2/images/%s' % image_id,
                       expected=(204, 404))


def shelve_once(client, server_id, args):
    """:returns: (to SHELVED_OFFLOADED, to ACTIVE, to the marker)."""
    start = time.perf_counter()
    _action(client, server_id, {'shelve': None})
    _settled(client, server_id, 'SHELVED_OFFLOADED', args)
    shelved = time.perf_counter() - start
    start = time.perf_counter()
    _action(client, server_id, {'unshelve': None})
    _settled(client, server_id, 'ACTIVE', args)
    active = time.perf_counter() - start
    # NOTE: an offloaded guest's console log went with its disks, so the
    # new guest's marker is the log's first.
    _wait('marker after unshelve', lambda: _markers(client, server_id),
          args)
    return shelved, active, time.perf_counter() - start


def run(args):
    client = benchlib.ApiClient(args.endpoint, args.token, args.microversion)
    images = benchlib.ApiClient(args.image_endpoint, args.token, None)
    prefix = 'snap-bench-%s' % uuid.uuid4().hex[:8]
    rows = []

    def note(figure, value, n, detail=''):
        rows.append((figure, value, n, detail))
        print('  %s: %s' % (figure, value), file=sys.stderr)

    body = {'server': {'name': prefix, 'imageRef': args.image,
                       'flavorRef': args.flavor, 'networks': 'none',
                       'config_drive': True}}
    server_id = client.request('POST', '/servers', body,
                               expected=(202,)).json()['server']['id']
    try:
        _settled(client, server_id, 'ACTIVE', args)
        _wait('the READY marker', lambda: _markers(client, server_id), args)
        to_active, to_idle = [], []
        for index in range(args.snapshots):
            active, idle = snapshot_once(client, images, server_id,
                                         '%s-%d' % (prefix, index), args)
            print('  snapshot %d: image active %.2fs, server idle %.2fs'
                  % (index, active, idle), file=sys.stderr)
            to_active.append(active)
            to_idle.append(idle)
        if to_active:
            summary(note, 'createImage -> image active', to_active)
            summary(note, 'createImage -> server idle', to_idle)
        shelved, unshelved, marker = [], [], []
        for index in range(args.shelves):
            result = shelve_once(client, server_id, args)
            print('  shelve %d: offloaded %.2fs, unshelve ACTIVE %.2fs, '
                  'marker %.2fs' % ((index,) + result), file=sys.stderr)
            shelved.append(result[0])
            unshelved.append(result[1])
            marker.append(result[2])
        if shelved:
            summary(note, 'shelve -> SHELVED_OFFLOADED', shelved)
            summary(note, 'unshelve -> ACTIVE', unshelved)
            summary(note, 'unshelve -> marker', marker)
    finally:
        client.request('DELETE', '/servers/%s' % server_id,
                       expected=(204, 404))
        _wait('server %s deleted' % server_id,
              lambda: client.request('GET', '/servers/%s' % server_id
                                     ).status_code == 404, args)
    benchlib.print_table('endpoint %s  image %s  flavor %s'
                         % (args.endpoint, args.image, args.flavor), rows)


def parse_args(argv=None):
    parser = benchlib.guest_parser(__doc__.split('\n')[0])
    parser.add_argument('--image-endpoint', required=True,
                        help='the image service, e.g. http://127.0.0.1:9292')
    parser.add_argument('--flavor', default='1', help='flavor id')
    parser.add_argument('--microversion', default='2.47',
                        help='at least 2.45 (createImage answers the id)')
    parser.add_argument('--snapshots', type=int, default=5)
    parser.add_argument('--shelves', type=int, default=2,
                        help='shelve + unshelve rounds (0: none)')
    benchlib.add_wait_options(parser, 'seconds between polls')
    return parser.parse_args(argv)


if __name__ == '__main__':
    run(parse_args())

#!/usr/bin/env python3
"""Guest boot benchmark: real guests through the Compute API vs plain QEMU.

Against a running nova-lite (or Nova) with the libvirt driver and the test
guest image (``nova-lite-manage image import-test-guest``), it measures for
--boots sequential boots (and, with --concurrent N, N boots at once):

1. POST /servers -> ACTIVE (GET /servers/{id} polled every --poll s);
2. POST /servers -> the guest's ``NOVA-LITE-GUEST-READY uuid=<id>`` line
   seen in ``os-getConsoleOutput`` (polled every --poll s);

and, for comparison, --qemu-boots runs of plain ``qemu-system-x86_64``
booting the same kernel and initramfs (from --guest-dir) with a config
drive of the same shape, from its start to the marker on its serial file.
It prints medians, p95s and the ratio nova-lite/plain. Nothing is
asserted; every server it made is deleted, every wait bounded by
--timeout. The polling interval bounds the resolution of the API figures.

    python bench/guest_boot_bench.py --endpoint http://127.0.0.1:8774/v2.1 \\
        --token demo:demo --image <test guest image id> [--network <uuid>]
"""

import base64
import concurrent.futures
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid

import benchlib

MARKER = 'NOVA-LITE-GUEST-READY'
summary = benchlib.summary
QEMU = 'qemu-system-x86_64'
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# NOTE: the kernel command line nova-lite-manage image import-test-guest
# gives the image (os_command_line), so both sides boot alike.
CMDLINE = 'console=tty0 console=ttyS0 quiet nova-lite.cd_wait=3'


def _marker_line(text, server_id):
    for line in text.replace('\r', '').split('\n')[:-1]:
        if line.startswith('%s uuid=%s' % (MARKER, server_id)):
            return line
    return None


def boot_once(client, args, name):
    """One server from POST to its marker; deleted afterwards.

    :returns: ``(seconds to ACTIVE, seconds to marker)``.
    :raises RuntimeError: ERROR, or a timeout.
    """
    server = {'name': name, 'imageRef': args.image, 'flavorRef': args.flavor,
              'networks': ([{'uuid': args.network}]
                           if args.network not in ('none', 'auto')
                           else args.network),
              'config_drive': getattr(args, 'config_drive', True),
              'user_data': base64.b64encode(b'#!/bin/sh\n').decode()}
    if getattr(args, 'host', None):
        server['host'] = args.host
    start = time.perf_counter()
    body = client.request('POST', '/servers', {'server': server},
                          expected=(202,)).json()
    server_id = body['server']['id']
    deadline = time.monotonic() + args.timeout
    try:
        while True:
            shown = client.request('GET', '/servers/%s' % server_id,
                                   expected=(200,)).json()['server']
            if shown['status'] == 'ACTIVE':
                active = time.perf_counter() - start
                break
            if shown['status'] == 'ERROR':
                raise RuntimeError('server %s went to ERROR: %s'
                                   % (server_id, shown.get('fault')))
            if time.monotonic() > deadline:
                raise RuntimeError('server %s still %s after %ss'
                                   % (server_id, shown['status'],
                                      args.timeout))
            time.sleep(args.poll)
        while True:
            output = client.request(
                'POST', '/servers/%s/action' % server_id,
                {'os-getConsoleOutput': {'length': 50}},
                expected=(200,)).json()['output']
            if _marker_line(output, server_id):
                return active, time.perf_counter() - start
            if time.monotonic() > deadline:
                raise RuntimeError('no %s line from %s within %ss'
                                   % (MARKER, server_id, args.timeout))
            time.sleep(args.poll)
    finally:
        client.request('DELETE', '/servers/%s' % server_id,
                       expected=(204, 404))
        while time.monotonic() < deadline + 60:
            if client.request('GET', '/servers/%s' % server_id).status_code \
                    == 404:
                break
            time.sleep(0.5)


def config_drive(directory, instance_uuid):
    """A Nova-style config drive ISO (label config-2), as the driver makes.
    """
    root = os.path.join(directory, 'cd')
    latest = os.path.join(root, 'openstack', 'latest')
    os.makedirs(latest)
    with open(os.path.join(latest, 'meta_data.json'), 'w') as f:
        json.dump({'uuid': instance_uuid, 'name': 'plain',
                   'hostname': 'plain.novalocal', 'launch_index': 0,
                   'availability_zone': 'nova', 'project_id': 'bench',
                   'devices': [], 'public_keys': {}}, f)
    with open(os.path.join(latest, 'user_data'), 'wb') as f:
        f.write(b'#!/bin/sh\n')
    iso = os.path.join(directory, 'disk.config')
    tool = shutil.which('genisoimage') or shutil.which('mkisofs')
    subprocess.run([tool, '-quiet', '-o', iso, '-V', 'config-2', '-J', '-R',
                    root], check=True, timeout=60)
    return iso


def plain_qemu_once(args, accel, memory_mb):
    """Plain QEMU from its start to the marker on its serial file.

    :returns: seconds.
    """
    with tempfile.TemporaryDirectory(prefix='guest-bench-') as directory:
        instance_uuid = str(uuid.uuid4())
        iso = config_drive(directory, instance_uuid)
        console = os.path.join(directory, 'console.log')
        cmd = [QEMU, '-machine', 'pc', '-accel', accel, '-m',
               str(memory_mb), '-smp', '1', '-nodefaults', '-no-user-config',
               '-display', 'none', '-no-reboot',
               '-kernel', os.path.join(args.guest_dir, 'vmlinuz'),
               '-initrd', os.path.join(args.guest_dir, 'initramfs.img'),
               '-append', CMDLINE, '-serial', 'file:%s' % console,
               '-drive', 'file=%s,media=cdrom,readonly=on' % iso]
        root = os.path.join(args.guest_dir, 'root.qcow2')
        if os.path.exists(root):
            cmd += ['-drive', 'file=%s,if=virtio,format=qcow2,snapshot=on'
                    % root]
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        deadline = time.monotonic() + args.timeout
        try:
            while True:
                try:
                    with open(console, 'rb') as f:
                        text = f.read().decode('utf-8', 'replace')
                except FileNotFoundError:
                    text = ''
                if _marker_line(text, instance_uuid):
                    return time.perf_counter() - start
                if proc.poll() is not None:
                    raise RuntimeError('qemu exited %s: %s' % (
                        proc.returncode, proc.stderr.read()[-500:]))
                if time.monotonic() > deadline:
                    raise RuntimeError('plain qemu printed no %s within '
                                       '%ss' % (MARKER, args.timeout))
                time.sleep(0.02)
        finally:
            proc.kill()
            proc.wait(30)


def detect_accel(args):
    """tools/probe-kvm.sh's answer: ``kvm`` or ``tcg``."""
    probe = subprocess.run(
        [os.path.join(REPO, 'tools', 'probe-kvm.sh'),
         os.path.join(args.guest_dir, 'vmlinuz'),
         os.path.join(args.guest_dir, 'initramfs.img')],
        stdout=subprocess.PIPE, text=True, timeout=120)
    return 'kvm' if probe.stdout.strip() == 'kvm' else 'tcg'


def run(args):
    client = benchlib.ApiClient(args.endpoint, args.token, args.microversion)
    flavor = client.request('GET', '/flavors/%s' % args.flavor,
                            expected=(200,)).json()['flavor']
    accel = args.accel if args.accel != 'auto' else detect_accel(args)
    prefix = 'guest-bench-%s' % uuid.uuid4().hex[:8]
    rows = []

    def note(figure, value, n, detail=''):
        rows.append((figure, value, n, detail))
        print('  %s: %s' % (figure, value), file=sys.stderr)

    to_active, to_marker = [], []
    print('%d sequential boots' % args.boots, file=sys.stderr)
    for index in range(args.boots):
        active, marker = boot_once(client, args, '%s-%d' % (prefix, index))
        print('  boot %d: ACTIVE %.2fs, marker %.2fs'
              % (index, active, marker), file=sys.stderr)
        to_active.append(active)
        to_marker.append(marker)
    summary(note, 'nova-lite POST -> ACTIVE', to_active)
    summary(note, 'nova-lite POST -> marker', to_marker)

    if args.concurrent:
        print('%d concurrent boots' % args.concurrent, file=sys.stderr)
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(args.concurrent) as pool:
            results = list(pool.map(
                lambda i: boot_once(client, args,
                                    '%s-conc-%d' % (prefix, i)),
                range(args.concurrent)))
        wall = time.perf_counter() - start
        summary(note, '%d concurrent: POST -> ACTIVE' % args.concurrent,
                [r[0] for r in results])
        summary(note, '%d concurrent: POST -> marker' % args.concurrent,
                [r[1] for r in results])
        note('%d concurrent: wall time incl. deletes (s)' % args.concurrent,
             '%.2f' % wall, args.concurrent)

    plain = []
    print('%d plain qemu boots (-accel %s, %d MiB)'
          % (args.qemu_boots, accel, flavor['ram']), file=sys.stderr)
    for index in range(args.qemu_boots):
        plain.append(plain_qemu_once(args, accel, flavor['ram']))
        print('  qemu %d: marker %.2fs' % (index, plain[-1]),
              file=sys.stderr)
    if plain:
        summary(note, 'plain qemu start -> marker', plain,
                '-accel %s' % accel)
        note('ratio nova-lite/plain (median to marker)',
             '%.2f' % (statistics.median(to_marker) /
                       statistics.median(plain)), len(to_marker))
    benchlib.print_table(
        'endpoint %s  image %s  flavor %s (%d MiB)  network %s  plain qemu '
        '-accel %s' % (args.endpoint, args.image, args.flavor,
                       flavor['ram'], args.network, accel), rows)


def parse_args(argv=None):
    parser = benchlib.guest_parser(__doc__.split('\n')[0])
    parser.add_argument('--flavor', default='1', help='flavor id')
    parser.add_argument('--network', default='none',
                        help="a network uuid, or 'none'/'auto'")
    parser.add_argument('--microversion', default='2.47')
    parser.add_argument('--boots', type=int, default=5,
                        help='sequential boots through the API')
    parser.add_argument('--concurrent', type=int, default=0,
                        help='then this many boots at once (0: none)')
    parser.add_argument('--qemu-boots', type=int, default=5,
                        help='plain qemu boots to compare with')
    parser.add_argument('--accel', choices=('auto', 'tcg', 'kvm'),
                        default='auto',
                        help="plain qemu's accelerator; auto asks "
                             "tools/probe-kvm.sh, as the main job does "
                             "for [libvirt] virt_type")
    parser.add_argument('--guest-dir',
                        default=os.environ.get('NOVA_LITE_TEST_GUEST_DIR') or
                        os.path.expanduser('~/.nova-lite/test-guest'),
                        help='where tools/build-test-guest.sh put the guest')
    benchlib.add_wait_options(parser)
    return parser.parse_args(argv)


if __name__ == '__main__':
    run(parse_args())

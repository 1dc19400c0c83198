"""``tools/lab up``: stand up a controller and N computes."""

import contextlib
import ipaddress
import json
import os
import secrets
import shutil
import sys
import time

from nova_lite_lab import consts
from nova_lite_lab import down
from nova_lite_lab import hosts
from nova_lite_lab import layout
from nova_lite_lab import net
from nova_lite_lab import system
from nova_lite_lab.system import LabError


def lab_in_the_way(lab):
    """Why a new lab cannot be made here, or None."""
    if lab.exists:
        return 'a lab is recorded in %s' % lab.settings_path
    owner = net.lab_bridge_state_dir()
    if owner is not None:
        return 'bridge %s exists (lab state dir %s)' % (
            consts.LAB_BRIDGE, owner or 'unknown')
    spaces = net.lab_netns()
    if spaces:
        return 'network namespaces %s exist' % ', '.join(spaces)
    if system.vhost_exists():
        return 'RabbitMQ vhost %s exists' % consts.VHOST
    for backend in ('mysql', 'postgresql'):
        with contextlib.suppress(Exception):
            if system.db_exists(backend):
                return '%s database %s exists' % (backend, consts.DB_NAME)
    return None


def build_test_guest(directory):
    """Build (or find) the test guest; returns {'kernel':, 'initramfs':}."""
    argv = ['bash', os.path.join(consts.REPO, 'tools',
                                 'build-test-guest.sh')]
    proc = system.run(argv + ([directory] if directory else []),
                      timeout=consts.IMPORT_TIMEOUT)
    paths = dict(line.split('=', 1) for line in proc.stdout.splitlines()
                 if line.startswith(('kernel=', 'initramfs=')))
    if not os.path.isfile(paths.get('kernel', '')):
        raise LabError('build-test-guest.sh printed no kernel: %s'
                       % proc.stdout[-2000:])
    return paths


def read_keystone(path):
    """The ``--keystone`` file's content, or None without one.

    :raises LabError: it is not the JSON object ``tools/lab up --help``
        describes.
    """
    if not path:
        return None
    try:
        with open(path) as f:
            keystone = json.load(f)
    except (OSError, ValueError) as e:
        raise LabError('--keystone %s: %s' % (path, e))
    admin = keystone.get('admin') if isinstance(keystone, dict) else None
    missing = [k for k in hosts.KEYSTONE_ADMIN_KEYS
               if not isinstance(admin, dict) or not admin.get(k)]
    if missing or not isinstance(keystone.get('authtoken'), dict):
        raise LabError('--keystone %s wants {"authtoken": {...}, "admin": '
                       '{%s}}; missing: %s' % (
                           path, ', '.join(hosts.KEYSTONE_ADMIN_KEYS),
                           ', '.join(missing) or 'authtoken'))
    return keystone


def pick_virt_type(wanted, guest):
    """``wanted``, or for ``auto`` what tools/probe-kvm.sh finds."""
    if wanted in ('kvm', 'qemu'):
        return wanted
    probe = os.path.join(consts.REPO, 'tools', 'probe-kvm.sh')
    proc = system.run([probe, guest['kernel'], guest['initramfs']],
                      check=False, timeout=120)
    verdict = (proc.stdout.split() or ['qemu'])[0]
    return verdict if verdict in ('kvm', 'qemu') else 'qemu'


def preflight(args):
    """:raises LabError: when something the lab needs is missing."""
    if os.geteuid() != 0:
        raise LabError('tools/lab needs root (namespaces, bridges, '
                       'iptables, libvirtd)')
    for tool in ('ip', 'iptables', 'nsenter', 'unshare', 'libvirtd',
                 'virtlogd', 'virsh'):
        if not shutil.which(tool, path=system.child_env()['PATH']):
            raise LabError('%s is missing (tools/install-deps.sh installs '
                           'libvirt and QEMU)' % tool)
    if not system.port_open('127.0.0.1', consts.RABBIT_PORT):
        raise LabError('RabbitMQ does not answer on 127.0.0.1:%d '
                       '(tools/start-services.sh)' % consts.RABBIT_PORT)
    try:
        system.db_connect(args.db).close()
    except Exception as e:
        raise LabError('the %s server does not answer: %s' % (args.db, e))
    subnet = ipaddress.ip_network(args.subnet)
    if args.computes < 1 or subnet.num_addresses < 10 + args.computes + 2:
        raise LabError('subnet %s has no room for %d computes'
                       % (subnet, args.computes))


def cmd_up(args):
    lab = layout.Lab(args.state_dir)
    preflight(args)
    with system.lock():
        reason = lab_in_the_way(lab)
        if reason:
            raise LabError('a lab is already up: %s; run tools/lab down '
                           'first' % reason)
        started = time.monotonic()
        system.say('building (or finding) the test guest')
        guest = build_test_guest(args.guest_dir)
        virt_type = pick_virt_type(args.virt_type, guest)
        keystone = read_keystone(args.keystone)
        lab.settings = {
            'state_dir': lab.state_dir,
            'computes': ['cpu%d' % n for n in range(1, args.computes + 1)],
            'subnet': args.subnet, 'db': args.db, 'vhost': consts.VHOST,
            'database': consts.DB_NAME, 'virt_type': virt_type,
            'debug': args.debug, 'conf': system.parse_sets(args.set),
            'metadata_secret': secrets.token_hex(16),
            'keystone': keystone,
            'ip_forward': net.sysctl_read('net.ipv4.ip_forward'),
            'guest_dir': os.path.dirname(guest['kernel']),
            'created': [], 'started_at': time.time(),
        }
        lab.save()
        try:
            bring_up(lab)
        except BaseException as e:
            fail_up(lab, e, args.keep_on_failure)
            return 1
    print(summary(lab, time.monotonic() - started))
    return 0


def summary(lab, elapsed):
    s = lab.settings
    running = [svc.name for svc in consts.CONTROLLER_SERVICES
               if system.alive(lab.pid(consts.CONTROLLER, svc.name))]
    computes = ', '.join('%s %s' % (h, lab.host_ip(h))
                         for h in s['computes'])
    return ('Lab up in %.0fs: controller %s (%s) + %d computes (%s); '
            'virt_type %s, %s database %s, RabbitMQ vhost %s, network %s '
            '(%s); state in %s\nAPI: %s (%s)'
            % (elapsed, lab.controller_ip, ', '.join(running),
               len(s['computes']), computes, s['virt_type'], s['db'],
               consts.DB_NAME, consts.VHOST, consts.NETWORK_NAME,
               consts.NETWORK_CIDR, lab.state_dir, lab.api_endpoint,
               'Keystone: %s' % s['keystone']['admin']['auth_url']
               if s.get('keystone') else
               'noauth: X-Auth-Token admin:admin'))


def note_created(lab, what):
    lab.settings.setdefault('created', []).append(what)
    lab.save()


def bring_up(lab):
    """Make the lab recorded in ``lab.settings``, step by step.

    :raises LabError: a step failed (``down.teardown`` removes the rest).
    """
    s = lab.settings
    ctl = consts.CONTROLLER
    if not os.path.isdir(consts.COMPUTE_STATE_PATH):
        # NOTE: the mount point of the computes' state_path; down removes
        # it again (it is empty outside the hosts' namespaces).
        os.makedirs(consts.COMPUTE_STATE_PATH)
        note_created(lab, 'mountpoint')
    system.say('network: %s %s/%d, %s, ip_forward, DNAT to RabbitMQ'
               % (consts.LAB_BRIDGE, lab.controller_ip, lab.subnet.prefixlen,
                  consts.PHYS_BRIDGE))
    net.setup_root(lab)
    system.say('RabbitMQ vhost %s, %s database %s'
               % (consts.VHOST, s['db'], consts.DB_NAME))
    system.rabbitmqctl('add_vhost', consts.VHOST)
    system.rabbitmqctl('set_permissions', '-p', consts.VHOST, 'guest',
                       '.*', '.*', '.*')
    system.db_create(s['db'])

    hosts.write_host_conf(lab, ctl)
    system.say('nova-lite-manage image_db sync, db sync, bootstrap')
    # NOTE: the image service keeps its own database, a sqlite file in the
    # controller's state path (no [image_service] database_connection);
    # synced first, as its first sync copies an older lab's images.
    hosts.manage(lab, 'image_db', 'sync', timeout=300)
    hosts.manage(lab, 'db', 'sync', timeout=300)
    hosts.manage(lab, 'bootstrap')
    system.say('controller services')
    waits = []
    for service in consts.CONTROLLER_SERVICES:
        since = hosts.start_service(lab, ctl, service)
        if since is None:
            system.say('%s is not installed: not started' % service.script)
        else:
            waits.append((ctl, service, since))

    for host in s['computes']:
        system.say('%s: netns %s, %s' % (host, net.netns(host),
                                         lab.host_ip(host)))
        hosts.write_host_conf(lab, host)
        hosts.prepare_host_dirs(lab, host)
        net.setup_host(lab, host)
        hosts.start_holder(lab, host)
    virtlogd, libvirtd, compute = consts.COMPUTE_SERVICES
    started = [(host, hosts.start_service(lab, host, virtlogd))
               for host in s['computes']]
    for host, since in started:
        hosts.wait_ready(lab, host, virtlogd, since, timeout=60)
    # NOTE: a libvirtd probes QEMU on the first capabilities request (8 s
    # on a busy 2-core machine), and a compute's first resource audit
    # waiting on it starves its heartbeat: probe once on the first host,
    # give the others its cache, then start them.
    first = s['computes'][0]
    hosts.wait_ready(lab, first, libvirtd,
                     hosts.start_service(lab, first, libvirtd), timeout=60)
    hosts.virsh(lab, first, 'capabilities', timeout=300)
    started = []
    for host in s['computes'][1:]:
        hosts.copy_qemu_capabilities(lab, first, host)
        started.append((host, hosts.start_service(lab, host, libvirtd)))
    for host, since in started:
        hosts.wait_ready(lab, host, libvirtd, since, timeout=60)
        hosts.virsh(lab, host, 'capabilities', timeout=300)
    for host in s['computes']:
        waits.append((host, compute, hosts.start_service(lab, host,
                                                         compute)))

    image = [w for w in waits if w[1].name == 'image'][0]
    hosts.wait_ready(lab, *image)
    system.say('importing the test guest into the image service')
    hosts.manage(lab, 'image', 'import-test-guest', '--dir', s['guest_dir'],
                 timeout=consts.IMPORT_TIMEOUT)
    for host, service, since in waits:
        hosts.wait_ready(lab, host, service, since)
    system.say('waiting for every compute service to report up')
    system.wait_for(lambda: computes_up(lab), consts.START_TIMEOUT,
                    'every compute service to be up',
                    log=lab.log_path(s['computes'][0], 'compute'))
    system.say('network %s (%s)' % (consts.NETWORK_NAME,
                                    consts.NETWORK_CIDR))
    hosts.manage(lab, 'network', 'create', '--name', consts.NETWORK_NAME,
                 '--cidr', consts.NETWORK_CIDR)


def computes_up(lab):
    services = hosts.compute_services(lab) or {}
    return all(services.get(h, {}).get('state') == 'up'
               for h in lab.settings['computes'])


def fail_up(lab, error, keep):
    """Say why up failed (with the end of the log that tells), then tear
    down what was made unless ``keep``."""
    if isinstance(error, KeyboardInterrupt):
        system.say('up interrupted')
    else:
        system.say('up failed: %s' % error)
    log = getattr(error, 'log', None)
    if log:
        print('---- the end of %s ----\n%s' % (log, system.tail(log, 40)),
              file=sys.stderr)
    if keep:
        system.say('--keep-on-failure: the half-made lab stays; tools/lab '
                   'down --state-dir %s removes it' % lab.state_dir)
        return
    system.say('tearing down what was made')
    down.teardown(lab, quiet=True)

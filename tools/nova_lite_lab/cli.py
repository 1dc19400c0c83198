"""The ``tools/lab`` command line: up, down, status, exec, service."""

import argparse
import os
import signal
import sys

import nova_lite_lab
from nova_lite_lab import consts
from nova_lite_lab import down
from nova_lite_lab import hosts
from nova_lite_lab import layout
from nova_lite_lab import status
from nova_lite_lab import system
from nova_lite_lab import up
from nova_lite_lab.system import LabError


def cmd_exec(args):
    """Replace this process with ARGV run inside the host's namespaces
    (in the root namespace for ``controller``)."""
    lab = layout.Lab(args.state_dir)
    argv = list(args.argv)
    if argv and argv[0] == '--':
        argv = argv[1:]
    if not argv:
        raise LabError('exec wants a command: tools/lab exec HOST -- CMD')
    if args.host == consts.CONTROLLER:
        prefix = []
    elif consts.HOST_RE.match(args.host):
        prefix = hosts.enter_argv(lab, args.host)
    else:
        raise LabError('no host %r (controller, cpu1, cpu2, ...)'
                       % args.host)
    argv = prefix + argv
    os.execvpe(argv[0], argv, system.child_env())


def cmd_service(args):
    """Stop and/or start one service of a host; a start waits until the
    service is ready (a compute: registered and reporting)."""
    lab = layout.Lab(args.state_dir)
    if not lab.exists:
        raise LabError('no lab in %s' % lab.state_dir)
    host = args.host
    if host != consts.CONTROLLER and host not in lab.computes():
        raise LabError('the lab has no host %r' % host)
    name = args.name or ('compute' if host != consts.CONTROLLER else None)
    if name is None:
        raise LabError('name a controller service: %s' % ', '.join(
            s.name for s in consts.CONTROLLER_SERVICES))
    service = hosts.find_service(host, name)
    if args.action in ('stop', 'restart'):
        record = lab.pid(host, service.name)
        sig = signal.SIGKILL if args.kill else signal.SIGTERM
        if system.stop_process(record, sig=sig):
            system.say('stopped %s on %s (pid %d)'
                       % (service.script, host, record[0]))
    if args.action in ('start', 'restart'):
        if system.alive(lab.pid(host, service.name)):
            system.say('%s on %s is running already'
                       % (service.script, host))
            return 0
        since = hosts.start_service(lab, host, service)
        if since is None:
            raise LabError('%s is not installed' % service.script)
        if not args.no_wait:
            hosts.wait_ready(lab, host, service, since)
        system.say('started %s on %s (pid %d)' % (
            service.script, host, lab.pid(host, service.name)[0]))
    return 0


def parser():
    p = argparse.ArgumentParser(
        prog='tools/lab', description=nova_lite_lab.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--state-dir', default=consts.DEFAULT_STATE_DIR,
                   help='configs, logs and pid files of the lab '
                        '(default %(default)s)')
    sub = p.add_subparsers(dest='command', required=True)
    cmd = sub.add_parser('up', help='stand up a controller and N computes')
    cmd.add_argument('--computes', type=int, default=3,
                     help='how many compute hosts (default %(default)s)')
    cmd.add_argument('--db', choices=('mysql', 'postgresql'),
                     default='mysql', help='database server (127.0.0.1)')
    cmd.add_argument('--virt-type', choices=('auto', 'kvm', 'qemu'),
                     default='auto', help='[libvirt] virt_type; auto: '
                     'tools/probe-kvm.sh decides')
    cmd.add_argument('--subnet', default=consts.DEFAULT_SUBNET,
                     help='lab network; the controller takes .1, cpuN '
                          '.(10+N) (default %(default)s)')
    cmd.add_argument('--guest-dir', help='where the test guest is built '
                     "(default: build-test-guest.sh's)")
    cmd.add_argument('--set', action='append', metavar='SECTION.OPT=VALUE',
                     help="an option for every host's config (repeatable)")
    cmd.add_argument('--debug', action='store_true',
                     help='[DEFAULT] debug = True in every service')
    cmd.add_argument('--keystone', metavar='FILE',
                     help='authenticate with Keystone instead of noauth: '
                     'a JSON file {"authtoken": {the API\'s '
                     '[keystone_authtoken] options}, "admin": {"auth_url", '
                     '"username", "password", "project_name", '
                     '"user_domain_id", "project_domain_id"}} (the lab\'s '
                     'own API calls authenticate as that admin)')
    cmd.add_argument('--keep-on-failure', action='store_true',
                     help='leave a half-made lab to look at')
    sub.add_parser('down', help='remove the lab, all of it')
    cmd = sub.add_parser('status', help='what runs; exit 1 if any part is '
                         'down')
    cmd.add_argument('--json', action='store_true')
    cmd = sub.add_parser('exec', help='run a command in a host: '
                         'tools/lab exec cpu2 -- virsh list')
    cmd.add_argument('host')
    cmd.add_argument('argv', nargs=argparse.REMAINDER)
    cmd = sub.add_parser('service', help='start, stop or restart a '
                         'service of a host (default: its compute)')
    cmd.add_argument('action', choices=('start', 'stop', 'restart'))
    cmd.add_argument('host')
    cmd.add_argument('name', nargs='?', help='compute, libvirtd, virtlogd; '
                     'or api, conductor, scheduler, image, metadata, '
                     'network on the controller')
    cmd.add_argument('--kill', action='store_true',
                     help='SIGKILL, as a crash would')
    cmd.add_argument('--no-wait', action='store_true',
                     help='do not wait until the service is ready')
    return p


COMMANDS = {'up': up.cmd_up, 'down': down.cmd_down,
            'status': status.cmd_status, 'exec': cmd_exec,
            'service': cmd_service}


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except LabError as e:
        system.say(str(e))
        if e.log:
            print('---- the end of %s ----\n%s'
                  % (e.log, system.tail(e.log, 40)), file=sys.stderr)
        return 1

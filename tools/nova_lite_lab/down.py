"""``tools/lab down``: remove everything a lab made, from any half of it."""

import contextlib
import os
import shutil
import time

from nova_lite_lab import consts
from nova_lite_lab import hosts
from nova_lite_lab import layout
from nova_lite_lab import net
from nova_lite_lab import system


class Teardown:
    """Runs cleanup steps, each on its own; collects what failed."""

    def __init__(self, quiet=False):
        self.quiet = quiet
        self.failures = []
        self.removed = []

    def done(self, what):
        self.removed.append(what)
        if not self.quiet:
            system.say('removed %s' % what)

    def step(self, what, func, *args, done=None):
        """``func(*args)``; a failure is recorded, not raised.

        :param done: what was removed, reported on success.
        :returns: what ``func`` returned, None if it failed.
        """
        try:
            result = func(*args)
        except Exception as e:
            self.failures.append('%s: %s' % (what, e))
            system.say('could not %s: %s' % (what, e))
            return None
        if done:
            self.done(done)
        return result


def stop(lab, td, pairs):
    """Stop the processes ``(host, name)`` recorded in the lab, together."""
    records = {lab.pid(host, name): (host, name) for host, name in pairs}
    records.pop(None, None)
    for record in system.stop_processes(list(records)):
        host, name = records[record]
        td.done('%s %s (pid %d)' % (host, name, record[0]))


def teardown_host(lab, host, td):
    """Empty and stop libvirtd, end every process in the host's
    namespaces, delete them and the host's veths (its compute service is
    stopped already)."""
    try:
        enter = hosts.enter_argv(lab, host)
    except system.LabError:
        enter = None
    if enter and system.alive(lab.pid(host, 'libvirtd')):
        names = hosts.virsh(lab, host, 'list', '--all', '--name',
                            check=False).stdout.split()
        for name in names:
            hosts.virsh(lab, host, 'destroy', name, check=False)
            td.step('undefine domain %s on %s' % (name, host), hosts.virsh,
                    lab, host, 'undefine', name, '--managed-save',
                    '--snapshots-metadata',
                    done='%s domain %s' % (host, name))
    stop(lab, td, [(host, 'libvirtd'), (host, 'virtlogd')])
    stop(lab, td, [(host, 'holder')])
    ns = net.netns(host)
    if ns in net.netns_list():
        # NOTE: whatever still runs in the namespace is the lab's (QEMU
        # processes of a libvirtd that died, dnsmasq of a network, ...).
        pids = net.ip('netns', 'pids', ns, check=False).stdout.split()
        for record in system.stop_processes([(int(p), 0) for p in pids],
                                            timeout=5):
            td.done('%s process %d in %s' % (host, record[0], ns))
        td.step('delete netns %s' % ns, net.ip, 'netns', 'del', ns,
                done='netns %s' % ns)
    for dev in ('%s-l' % ns, '%s-p' % ns):
        delete_link(dev, td)


def teardown_controller(lab, td):
    stop(lab, td, [(consts.CONTROLLER, s.name)
                   for s in consts.CONTROLLER_SERVICES])
    conf = os.path.join(lab.host_dir(consts.CONTROLLER), 'nova-lite.conf')
    backend = lab.settings.get('db')
    if os.path.exists(conf) and backend:
        exists = td.step('look up the database', system.db_exists, backend)
        if exists:
            # NOTE: the network host's bridges, uplinks, dnsmasq, gateway
            # and iptables rules, per network in the database; before the
            # database goes.
            try:
                hosts.manage(lab, 'network', 'teardown-host', timeout=120)
                td.done('the network host (nova-lite-manage network '
                        'teardown-host)')
            except system.LabError as e:
                system.say('network teardown-host did not run (%s); the '
                           'safety net below removes what it knows'
                           % str(e)[-300:])


def kill_pidfile_processes(lab, td):
    """Processes named by pid files under the state dir (dnsmasq, a
    metadata proxy) that the lab's own records do not cover."""
    for root, _, files in os.walk(lab.state_dir):
        for name in files:
            if not name.endswith('.pid') or os.path.basename(root) == 'pids':
                continue
            path = os.path.join(root, name)
            record = system.read_pid(path)
            if not system.alive(record):
                continue
            try:
                with open('/proc/%d/comm' % record[0]) as f:
                    comm = f.read().strip()
                with open('/proc/%d/cmdline' % record[0], 'rb') as f:
                    cmdline = f.read().decode('utf-8', 'replace')
            except OSError:
                continue
            if comm == 'dnsmasq' or lab.state_dir in cmdline:
                system.stop_process((record[0], 0), timeout=5)
                td.done('%s (pid %d, %s)' % (comm, record[0], path))


def delete_link(name, td):
    if td.step('delete link %s' % name, net.delete_link, name):
        td.done('link %s' % name)


def teardown_root_network(lab, td):
    """The safety net for the network host's links and chains, then the
    lab's own bridges, veth, chain and ip_forward."""
    for name in net.network_host_links(lab):
        delete_link(name, td)
    for name in (consts.CTL_PHYS, consts.CTL_PHYS_PEER, consts.LAB_BRIDGE,
                 consts.PHYS_BRIDGE):
        delete_link(name, td)
    for table, chain in net.lab_chains():
        td.step('delete iptables chain %s' % chain, net.delete_chain, table,
                chain, done='iptables %s chain %s' % (table, chain))
    old = lab.settings.get('ip_forward')
    key = 'net.ipv4.ip_forward'
    if old is not None and net.sysctl_read(key) != old:
        td.step('restore ip_forward', net.sysctl_write, key, old,
                done='ip_forward=1 (back to %s)' % old)


def teardown_backends(lab, td):
    if td.step('list RabbitMQ vhosts', system.vhost_exists):
        td.step('delete vhost', system.rabbitmqctl, 'delete_vhost',
                consts.VHOST, done='RabbitMQ vhost %s' % consts.VHOST)
    backends = ([lab.settings['db']] if lab.settings.get('db')
                else ['mysql', 'postgresql'])
    for backend in backends:
        try:
            exists = system.db_exists(backend)
        except Exception as e:
            if lab.settings.get('db'):
                td.failures.append('reach %s: %s' % (backend, e))
            continue
        if exists:
            td.step('drop database', system.db_drop, backend,
                    done='%s database %s' % (backend, consts.DB_NAME))


def teardown(lab, quiet=False):
    """Remove everything of the lab in ``lab.state_dir``; any half of it.

    :returns: the ``Teardown``: what was removed, what failed (nothing
        is left when ``failures`` is empty).
    """
    td = Teardown(quiet)
    names = set(lab.computes())
    names.update(n[len(consts.NETNS_PREFIX):] for n in net.lab_netns())
    names = sorted(names, key=layout.host_number)
    td.step('stop the compute services', stop, lab, td,
            [(host, 'compute') for host in names])
    for host in names:
        td.step('tear down %s' % host, teardown_host, lab, host, td)
    td.step('stop the controller', teardown_controller, lab, td)
    td.step('stop processes of pid files', kill_pidfile_processes, lab, td)
    td.step('remove the lab network', teardown_root_network, lab, td)
    td.step('remove vhost and database', teardown_backends, lab, td)
    if 'mountpoint' in lab.settings.get('created', ()):
        with contextlib.suppress(OSError):
            os.rmdir(consts.COMPUTE_STATE_PATH)
            td.done(consts.COMPUTE_STATE_PATH)
    if not td.failures and os.path.isdir(lab.state_dir):
        shutil.rmtree(lab.state_dir, ignore_errors=True)
        td.done('state dir %s' % lab.state_dir)
    return td


def cmd_down(args):
    if os.geteuid() != 0:
        raise system.LabError('tools/lab needs root')
    lab = layout.Lab(args.state_dir)
    if not lab.exists:
        owner = net.lab_bridge_state_dir()
        if owner and owner != lab.state_dir and os.path.isdir(owner):
            system.say('the lab on this machine keeps its state in %s'
                       % owner)
            lab = layout.Lab(owner)
    started = time.monotonic()
    with system.lock():
        td = teardown(lab)
    if td.failures:
        system.say('down left something behind:\n  '
                   + '\n  '.join(td.failures))
        return 1
    print('Lab down in %.0fs: %s' % (
        time.monotonic() - started,
        'removed %d things' % len(td.removed) if td.removed
        else 'nothing was up'))
    return 0

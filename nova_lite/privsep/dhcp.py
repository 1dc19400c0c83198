"""Privileged DHCP operations: start, signal and clean up after the
dnsmasq of a network.

A network's dnsmasq keeps its files in one directory of the network
host's state path; the entry points take that directory and build the
command, find the process and edit the lease file themselves, so the
unprivileged side cannot start another command, signal another process
or write outside the state path.
"""

import ipaddress
import os
import signal

from nova_lite import conf
from nova_lite import privsep
from nova_lite.privsep import linux_net as priv_net
from nova_lite import utils

CONF = conf.CONF

DOMAIN = 'novalocal'
START_TIMEOUT = 10
_SIGNALS = (signal.SIGHUP, signal.SIGTERM, signal.SIGKILL)


def path(state_dir, name):
    """The file ``name`` (pid, host, opts, leases) of a network's
    dnsmasq."""
    return os.path.join(state_dir, name)


def _state_dir(state_dir):
    root = os.path.abspath(CONF.state_path)
    if (not isinstance(state_dir, str) or not os.path.isabs(state_dir)
            or os.path.normpath(state_dir) != state_dir
            or not state_dir.startswith(root + os.sep)):
        raise ValueError('not a directory of the state path %s: %r'
                         % (root, state_dir))
    return state_dir


def command(state_dir, bridge, cidr, mtu=None):
    """The dnsmasq command line of one network's DHCP server."""
    net = ipaddress.ip_network(cidr)
    cmd = [CONF.network.dnsmasq_binary, '--conf-file=/dev/null',
           '--no-hosts', '--no-resolv', '--port=0',
           '--bind-interfaces', '--interface=%s' % priv_net.device(bridge),
           '--except-interface=lo',
           '--pid-file=%s' % path(state_dir, 'pid'),
           '--dhcp-hostsfile=%s' % path(state_dir, 'host'),
           '--dhcp-optsfile=%s' % path(state_dir, 'opts'),
           '--dhcp-leasefile=%s' % path(state_dir, 'leases'),
           '--dhcp-range=set:nl,%s,static,%s,%ds' % (
               net.network_address, net.netmask,
               CONF.network.dhcp_lease_time),
           '--dhcp-lease-max=%d' % net.num_addresses,
           '--domain=%s' % DOMAIN, '--dhcp-authoritative',
           '--user=root', '--group=root']
    if mtu:
        # NOTE: forced: most clients (cirros' udhcpc among them) do not
        # ask for option 26, and a VXLAN network needs its smaller MTU.
        cmd.append('--dhcp-option-force=tag:nl,option:mtu,%d' % int(mtu))
    return cmd


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def running_pid(state_dir):
    """The pid of the dnsmasq whose files are in ``state_dir``, or None.

    NOTE: needs no privilege: the pid file and a process's command line
    are readable by all.
    """
    try:
        with open(path(state_dir, 'pid')) as f:
            pid = int(f.read().strip())
    except (OSError, ValueError):
        return None
    if not alive(pid):
        return None
    try:
        with open('/proc/%d/cmdline' % pid, 'rb') as f:
            cmdline = f.read().split(b'\0')
    except OSError:
        return None
    # NOTE: a recycled pid is someone else's process.
    if ('--pid-file=%s' % path(state_dir, 'pid')).encode() not in cmdline:
        return None
    return pid


@privsep.dhcp_pctxt.entrypoint
def start(state_dir, bridge, cidr, mtu=None):
    """Start the dnsmasq of the network whose files are in ``state_dir``
    (it forks into the background)."""
    if mtu is not None:
        priv_net._integer(mtu, 68, 65535, 'an MTU')
    utils.execute(command(_state_dir(state_dir), bridge, str(cidr), mtu),
                  START_TIMEOUT)


@privsep.dhcp_pctxt.entrypoint
def send_signal(state_dir, signum):
    """Send ``signum`` (HUP, TERM or KILL) to the dnsmasq of
    ``state_dir``; False when none runs."""
    if signum not in _SIGNALS:
        raise ValueError('not a signal for dnsmasq: %r' % (signum,))
    pid = running_pid(_state_dir(state_dir))
    if pid is None:
        return False
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        return False
    return True


@privsep.dhcp_pctxt.entrypoint
def drop_leases(state_dir, macs):
    """Remove the leases of ``macs`` from the lease file of
    ``state_dir`` (dnsmasq writes it as root)."""
    leases = path(_state_dir(state_dir), 'leases')
    macs = {str(mac).lower() for mac in macs}
    try:
        with open(leases) as f:
            lines = f.readlines()
    except OSError:
        return
    kept = [line for line in lines
            if len(line.split()) < 2 or line.split()[1].lower() not in macs]
    with open(leases, 'w') as f:
        f.writelines(kept)

"""DHCP for a network: one dnsmasq on its bridge, static entries only.

Every address a server holds is a ``dhcp-host`` entry (MAC -> fixed IP,
hostname); there is no dynamic pool, so a guest nova-lite does not know
gets nothing. The options give the gateway, the DNS servers, the domain
and the network's MTU. Entries change with a SIGHUP (dnsmasq reads its
hosts and options files again); an entry whose MAC still has a lease is
removed with a restart instead, after its lease is dropped from the lease
file, so that its address can go to another MAC at once (dnsmasq would
keep refusing it to anyone else until the lease ran out).

Several dnsmasq run side by side in one network namespace: each binds
its DHCP socket to its own bridge (``--bind-interfaces`` with one
``--interface``), as nova-network's did.
"""

import ipaddress
import os
import signal
import time

from oslo_log import log as logging

from nova_lite import conf
from nova_lite import exception
from nova_lite import utils

CONF = conf.CONF
LOG = logging.getLogger(__name__)

DOMAIN = 'novalocal'
START_TIMEOUT = 10
STOP_TIMEOUT = 10


def _write_if_changed(path, text):
    """Write ``text`` to ``path`` unless it holds it; True if written."""
    try:
        with open(path) as f:
            if f.read() == text:
                return False
    except FileNotFoundError:
        pass
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.rename(tmp, path)
    return True


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Dnsmasq:
    """The DHCP server of one network, its files in ``state_dir``."""

    def __init__(self, state_dir, bridge, cidr, gateway, dns=(), mtu=None):
        self.dir = utils.ensure_tree(state_dir)
        self.bridge = bridge
        self.cidr = cidr
        self.gateway = gateway
        self.dns = [d for d in dns if d]
        self.mtu = mtu

    def _path(self, name):
        return os.path.join(self.dir, name)

    @property
    def hosts_file(self):
        return self._path('host')

    def pid(self):
        """The pid of this network's running dnsmasq, or None."""
        try:
            with open(self._path('pid')) as f:
                pid = int(f.read().strip())
        except (OSError, ValueError):
            return None
        if not _alive(pid):
            return None
        try:
            with open('/proc/%d/cmdline' % pid, 'rb') as f:
                cmdline = f.read().split(b'\0')
        except OSError:
            return None
        # NOTE: a recycled pid is someone else's process.
        if ('--pid-file=%s' % self._path('pid')).encode() not in cmdline:
            return None
        return pid

    def _options(self):
        lines = []
        if self.gateway:
            lines.append('tag:nl,option:router,%s' % self.gateway)
        if self.dns:
            lines.append('tag:nl,option:dns-server,%s' % ','.join(self.dns))
        return ''.join(line + '\n' for line in lines)

    @staticmethod
    def _hosts(entries):
        lines = []
        for mac, address, hostname in entries:
            name = (hostname or '').split('.')[0]
            if name:
                lines.append('%s,%s,%s' % (mac, name, address))
            else:
                lines.append('%s,%s' % (mac, address))
        return ''.join(line + '\n' for line in lines)

    def _command(self):
        net = ipaddress.ip_network(self.cidr)
        cmd = [CONF.network.dnsmasq_binary, '--conf-file=/dev/null',
               '--no-hosts', '--no-resolv', '--port=0',
               '--bind-interfaces', '--interface=%s' % self.bridge,
               '--except-interface=lo',
               '--pid-file=%s' % self._path('pid'),
               '--dhcp-hostsfile=%s' % self.hosts_file,
               '--dhcp-optsfile=%s' % self._path('opts'),
               '--dhcp-leasefile=%s' % self._path('leases'),
               '--dhcp-range=set:nl,%s,static,%s,%ds' % (
                   net.network_address, net.netmask,
                   CONF.network.dhcp_lease_time),
               '--dhcp-lease-max=%d' % net.num_addresses,
               '--domain=%s' % DOMAIN, '--dhcp-authoritative',
               '--user=root', '--group=root']
        if self.mtu:
            # NOTE: forced: most clients (cirros' udhcpc among them) do not
            # ask for option 26, and a VXLAN network needs its smaller MTU.
            cmd.append('--dhcp-option-force=tag:nl,option:mtu,%d' % self.mtu)
        return cmd

    def _leased_macs(self):
        try:
            with open(self._path('leases')) as f:
                return {line.split()[1].lower() for line in f
                        if len(line.split()) > 2}
        except OSError:
            return set()

    def _drop_leases(self, macs):
        path = self._path('leases')
        try:
            with open(path) as f:
                lines = f.readlines()
        except OSError:
            return
        kept = [line for line in lines
                if len(line.split()) < 2 or line.split()[1].lower() not in
                macs]
        with open(path, 'w') as f:
            f.writelines(kept)

    def update(self, entries):
        """Serve exactly ``entries`` (``(MAC, IP, hostname)``).

        After return dnsmasq runs on the bridge with these entries; a MAC
        no longer listed has no lease left.

        :raises: InternalError when dnsmasq does not start.
        """
        old = {line.split(',')[0].lower() for line in
               self._read(self.hosts_file).splitlines() if line}
        new = {mac.lower() for mac, _address, _name in entries}
        changed = _write_if_changed(self.hosts_file, self._hosts(entries))
        changed = _write_if_changed(self._path('opts'),
                                    self._options()) or changed
        gone = (old - new) & self._leased_macs()
        pid = self.pid()
        if pid is not None and gone:
            LOG.info('Releasing the DHCP leases of %s on %s',
                     ', '.join(sorted(gone)), self.bridge)
            self.stop()
            pid = None
        if pid is None:
            if gone:
                self._drop_leases(gone)
            self._start()
        elif changed:
            os.kill(pid, signal.SIGHUP)
            LOG.debug('dnsmasq on %s reloaded (%d entries)', self.bridge,
                      len(entries))

    @staticmethod
    def _read(path):
        try:
            with open(path) as f:
                return f.read()
        except FileNotFoundError:
            return ''

    def _start(self):
        utils.execute(self._command(), START_TIMEOUT)
        deadline = time.monotonic() + START_TIMEOUT
        while self.pid() is None:
            if time.monotonic() > deadline:
                raise exception.InternalError(
                    err='dnsmasq on %s wrote no pid file' % self.bridge)
            time.sleep(0.05)
        LOG.info('DHCP server started on %s (pid %d)', self.bridge,
                 self.pid())

    def stop(self):
        """Stop this network's dnsmasq; after return none runs."""
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
        LOG.info('DHCP server on %s stopped', self.bridge)

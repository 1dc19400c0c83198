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

import os
import signal
import time

from oslo_log import log as logging

from nova_lite import conf
from nova_lite import exception
from nova_lite.privsep import dhcp as priv_dhcp
from nova_lite import utils

CONF = conf.CONF
LOG = logging.getLogger(__name__)

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
        return priv_dhcp.running_pid(self.dir)

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

    def _leased_macs(self):
        try:
            with open(self._path('leases')) as f:
                return {line.split()[1].lower() for line in f
                        if len(line.split()) > 2}
        except OSError:
            return set()

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
                priv_dhcp.drop_leases(self.dir, sorted(gone))
            self._start()
        elif changed:
            priv_dhcp.send_signal(self.dir, signal.SIGHUP)
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
        priv_dhcp.start(self.dir, self.bridge, self.cidr, self.mtu)
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
        priv_dhcp.send_signal(self.dir, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        while priv_dhcp.alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if priv_dhcp.alive(pid):
            priv_dhcp.send_signal(self.dir, signal.SIGKILL)
        LOG.info('DHCP server on %s stopped', self.bridge)

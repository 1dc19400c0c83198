"""The lab recorded in a state directory: its settings and layout."""

import contextlib
import ipaddress
import json
import os

from nova_lite_lab import consts
from nova_lite_lab import system


class Lab:
    """The lab recorded in ``state_dir``: its settings and layout."""

    def __init__(self, state_dir):
        self.state_dir = os.path.abspath(state_dir)
        self.settings = {}
        self.load()

    @property
    def settings_path(self):
        return os.path.join(self.state_dir, 'lab.json')

    def load(self):
        try:
            with open(self.settings_path) as f:
                self.settings = json.load(f)
        except (OSError, ValueError):
            self.settings = {}
        return self.settings

    def save(self):
        os.makedirs(self.state_dir, exist_ok=True)
        # NOTE: QEMU (libvirt-qemu) traverses it to the guests' disks.
        os.chmod(self.state_dir, 0o755)
        tmp = self.settings_path + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(self.settings, f, indent=2, sort_keys=True)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.settings_path)

    @property
    def exists(self):
        return bool(self.settings)

    # layout

    def host_dir(self, host):
        return os.path.join(self.state_dir, host)

    def conf_files(self, host):
        """``--config-file``/``--config-dir`` arguments of a host's
        services: its file, then every ``*.conf`` of its conf.d (where an
        operator or a test puts overrides before a restart)."""
        return ['--config-file', os.path.join(self.host_dir(host),
                                              'nova-lite.conf'),
                '--config-dir', os.path.join(self.host_dir(host),
                                             'nova-lite.conf.d')]

    def log_path(self, host, name):
        return os.path.join(self.host_dir(host), 'logs', '%s.log' % name)

    def pid_path(self, host, name):
        return os.path.join(self.host_dir(host), 'pids', '%s.pid' % name)

    def pid(self, host, name):
        return system.read_pid(self.pid_path(host, name))

    def computes(self):
        """Compute host names of this lab, from its settings and dirs."""
        names = set(self.settings.get('computes', ()))
        with contextlib.suppress(OSError):
            names.update(n for n in os.listdir(self.state_dir)
                         if consts.HOST_RE.match(n))
        return sorted(names, key=host_number)

    # addresses

    @property
    def subnet(self):
        return ipaddress.ip_network(
            self.settings.get('subnet', consts.DEFAULT_SUBNET))

    @property
    def controller_ip(self):
        return str(self.subnet[1])

    def host_ip(self, host):
        if host == consts.CONTROLLER:
            return self.controller_ip
        return str(self.subnet[10 + host_number(host)])

    @property
    def api_endpoint(self):
        return 'http://%s:%d/v2.1' % (self.controller_ip, consts.API_PORT)

    def transport_url(self, host):
        broker = ('127.0.0.1' if host == consts.CONTROLLER
                  else self.controller_ip)
        return 'rabbit://guest:guest@%s:%d/%s' % (
            broker, consts.RABBIT_PORT, consts.VHOST)


def host_number(host):
    """N of compute host ``cpuN``."""
    return int(consts.HOST_RE.match(host).group(1))

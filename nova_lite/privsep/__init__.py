"""The privileged side of nova-lite: oslo.privsep contexts.

Services run as an unprivileged user. What needs root (network devices,
packet rules, the DHCP servers, files that libvirt's daemons own) is
done by the entry points of this package, each in the daemon of its
context, which keeps only the capabilities listed here. A service run as
root (``nova-lite-all`` on a lab machine) calls them in its own process:
it already holds every capability, and needs no sudo to start a daemon.

A daemon is started with ``sudo -n <bin>/privsep-helper``; the sudoers
rule that allows it is what ``nova-lite-manage privsep sudoers`` prints
(:func:`sudoers_rules`).
"""

import os
import shlex
import shutil
import sys

from oslo_config import cfg
from oslo_privsep import capabilities as caps
from oslo_privsep import priv_context

CONF = cfg.CONF

# Bridges, VXLAN and VLAN devices, addresses, forwarding entries, the
# host's IPv4 forwarding switch and iptables rules.
net_admin_pctxt = priv_context.PrivContext(
    'nova_lite',
    cfg_section='nova_lite_net_admin',
    pypath=__name__ + '.net_admin_pctxt',
    capabilities=[caps.CAP_NET_ADMIN, caps.CAP_NET_RAW],
)

# dnsmasq: it binds DHCP's raw and privileged sockets on a bridge, and
# its pid and lease files sit in the network host's state directory.
dhcp_pctxt = priv_context.PrivContext(
    'nova_lite',
    cfg_section='nova_lite_dhcp',
    pypath=__name__ + '.dhcp_pctxt',
    capabilities=[caps.CAP_NET_ADMIN, caps.CAP_NET_RAW,
                  caps.CAP_NET_BIND_SERVICE, caps.CAP_DAC_OVERRIDE,
                  caps.CAP_KILL, caps.CAP_SETUID, caps.CAP_SETGID],
)

# Files of an instance that libvirt's daemons made or took over (the
# console log virtlogd writes as root).
file_pctxt = priv_context.PrivContext(
    'nova_lite',
    cfg_section='nova_lite_file',
    pypath=__name__ + '.file_pctxt',
    capabilities=[caps.CAP_CHOWN, caps.CAP_DAC_READ_SEARCH,
                  caps.CAP_FOWNER],
)

CONTEXTS = (net_admin_pctxt, dhcp_pctxt, file_pctxt)


def _in_process():
    # NOTE: root already has every capability; a daemon would only add
    # a sudo that a bare lab machine may not have.
    return os.geteuid() == 0


if _in_process():
    for _context in CONTEXTS:
        _context.set_client_mode(False)


def helper_path():
    """The ``privsep-helper`` of the Python that runs nova-lite.

    NOTE: sudo runs commands with its own secure PATH, which does not
    hold a virtualenv's bin directory: the helper is named by its path.
    """
    beside = os.path.join(os.path.dirname(sys.executable), 'privsep-helper')
    if os.path.exists(beside):
        return beside
    return shutil.which('privsep-helper') or beside


def init():
    """Say how this process starts its privsep daemons: ``sudo -n`` the
    helper with this process's configuration. Call once the configuration
    is parsed; an operator's ``helper_command`` in a context's section
    wins."""
    if _in_process():
        return
    command = ['sudo', '-n', helper_path()]
    for path in CONF.config_file or ():
        command += ['--config-file', os.path.abspath(path)]
    for path in CONF.config_dir or ():
        command += ['--config-dir', os.path.abspath(path)]
    for context in CONTEXTS:
        CONF.set_default('helper_command', shlex.join(command),
                         group=context.cfg_section)


def sudoers_rules(user):
    """The sudoers(5) lines that let ``user`` start nova-lite's privsep
    daemons, one per context, and nothing else.

    NOTE: the daemon's context is pinned; the configuration files and
    the socket path are the service's own choice.
    """
    if not user or not user.replace('-', '').replace('_', '').isalnum():
        raise ValueError('not a user name: %r' % user)
    lines = ['# nova-lite: %s starts the privsep daemons of nova-lite '
             '(oslo.privsep),' % user,
             '# each keeping only its context\'s capabilities.',
             'Defaults:%s !requiretty' % user]
    for context in CONTEXTS:
        lines.append('%s ALL=(root) NOPASSWD: %s * --privsep_context %s '
                     '--privsep_sock_path *' % (user, helper_path(),
                                                context.pypath))
    return ''.join(line + '\n' for line in lines)

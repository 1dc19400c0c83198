"""Privileged network operations: devices, addresses, forwarding
entries, IPv4 forwarding and iptables rules.

Each entry point takes the pieces of one operation, checks them and
builds the command itself, so that the unprivileged side can only ask
for these operations on well-formed names, never run a command of its
choosing. A command's failure comes back as InternalError; an error
whose text is in ``ok_errors`` (another process did it first) makes the
entry point return False.
"""

import ipaddress
import re

from nova_lite import privsep
from nova_lite import utils

TIMEOUT = 30
IP_FORWARD = '/proc/sys/net/ipv4/ip_forward'

# IFNAMSIZ less the NUL; no '/' (a path under /sys), no leading '-' (an
# option) and none of the words ip(8) reads as keywords in a name's place.
_DEVICE_RE = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_.:@-]{0,14}$')
_DEVICE_KEYWORDS = frozenset(('all', 'default', 'dev', 'name', 'type'))
_TABLES = ('filter', 'nat')
_BUILTINS = {'filter': ('FORWARD', 'INPUT', 'OUTPUT'),
             'nat': ('PREROUTING', 'POSTROUTING', 'OUTPUT')}
# nova-lite's own chains (iptables.chains()); rules go there only.
_CHAIN_RE = re.compile(r'^nova-lite-[A-Za-z0-9_-]{1,18}$')
_RESTORE_LINE_RE = re.compile(
    r'^(\*(?P<table>[a-z]+)|:(?P<decl>\S+) - \[0:0\]|-A (?P<chain>\S+) .+'
    r'|COMMIT)$')
_OK_EXISTS = ('File exists',)


def device(name):
    """:returns: ``name`` if it is a network device name, else raises
    ValueError."""
    if (not isinstance(name, str) or not _DEVICE_RE.match(name)
            or name in _DEVICE_KEYWORDS):
        raise ValueError('not a network device name: %r' % (name,))
    return name


def _integer(value, low, high, what):
    if (isinstance(value, bool) or not isinstance(value, int)
            or not low <= value <= high):
        raise ValueError('%s must be an integer from %d to %d, not %r'
                         % (what, low, high, value))
    return str(value)


def _address(value):
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        raise ValueError('not an IP address: %r' % (value,)) from None


def _mtu(mtu):
    return _integer(mtu, 68, 65535, 'an MTU')


def _run(argv, ok_errors=(), input=None):
    return utils.execute(argv, TIMEOUT, ok_errors,
                         input=input).returncode == 0


def _ip(*args, ok_errors=()):
    return _run(['ip'] + list(args), ok_errors)


@privsep.net_admin_pctxt.entrypoint
def add_bridge(name, mtu=None):
    """Create the bridge ``name``; False when it existed."""
    args = ['link', 'add', 'name', device(name)]
    if mtu:
        args += ['mtu', _mtu(mtu)]
    return _ip(*(args + ['type', 'bridge']), ok_errors=_OK_EXISTS)


@privsep.net_admin_pctxt.entrypoint
def add_vxlan(name, vni, local_ip, port, mtu=None):
    """Create the VXLAN device ``name`` without learning; False when it
    existed."""
    args = ['link', 'add', device(name)]
    if mtu:
        args += ['mtu', _mtu(mtu)]
    args += ['type', 'vxlan', 'id', _integer(vni, 1, 2 ** 24 - 1, 'a VNI'),
             'local', _address(local_ip),
             'dstport', _integer(port, 1, 65535, 'a port'), 'nolearning']
    return _ip(*args, ok_errors=_OK_EXISTS)


@privsep.net_admin_pctxt.entrypoint
def add_vlan(name, interface, vid):
    """Create the VLAN device ``name`` of ``vid`` on ``interface``; False
    when it existed."""
    return _ip('link', 'add', 'link', device(interface), 'name', device(name),
               'type', 'vlan', 'id', _integer(vid, 1, 4094, 'a VLAN id'),
               ok_errors=_OK_EXISTS)


@privsep.net_admin_pctxt.entrypoint
def delete_device(name):
    """Delete the device ``name``; False when it was gone already."""
    return _ip('link', 'delete', 'dev', device(name),
               ok_errors=('Cannot find device', 'does not exist'))


@privsep.net_admin_pctxt.entrypoint
def set_up(name):
    _ip('link', 'set', 'dev', device(name), 'up')


@privsep.net_admin_pctxt.entrypoint
def set_master(name, bridge):
    _ip('link', 'set', 'dev', device(name), 'master', device(bridge))


@privsep.net_admin_pctxt.entrypoint
def set_mtu(name, mtu):
    _ip('link', 'set', 'dev', device(name), 'mtu', _mtu(mtu))


@privsep.net_admin_pctxt.entrypoint
def add_address(name, address, prefixlen):
    """Give ``name`` ``address/prefixlen``; False when it had it."""
    address = _address(address)
    highest = 32 if ':' not in address else 128
    return _ip('addr', 'add', '%s/%s' % (
        address, _integer(prefixlen, 0, highest, 'a prefix length')),
        'dev', device(name),
        ok_errors=('File exists', 'Address already assigned'))


@privsep.net_admin_pctxt.entrypoint
def add_flood_entry(name, dst):
    """Flood ``name``'s broadcast and unknown frames to ``dst`` too."""
    return _run(['bridge', 'fdb', 'append', '00:00:00:00:00:00', 'dev',
                 device(name), 'dst', _address(dst)], _OK_EXISTS)


@privsep.net_admin_pctxt.entrypoint
def delete_flood_entry(name, dst):
    return _run(['bridge', 'fdb', 'del', '00:00:00:00:00:00', 'dev',
                 device(name), 'dst', _address(dst)],
                ('No such file', 'Cannot find'))


@privsep.net_admin_pctxt.entrypoint
def enable_ip_forwarding():
    """Turn IPv4 forwarding on; False when it was on."""
    with open(IP_FORWARD) as f:
        if f.read().strip() == '1':
            return False
    with open(IP_FORWARD, 'w') as f:
        f.write('1\n')
    return True


def _table(table):
    if table not in _TABLES:
        raise ValueError('not a table nova-lite uses: %r' % (table,))
    return table


def _builtin(table, builtin):
    if builtin not in _BUILTINS[_table(table)]:
        raise ValueError('not a built-in chain of %s: %r' % (table, builtin))
    return builtin


def _chain(chain):
    if not isinstance(chain, str) or not _CHAIN_RE.match(chain):
        raise ValueError('not a nova-lite chain: %r' % (chain,))
    return chain


def _iptables(*args, ok_errors=()):
    return utils.execute(['iptables', '-w'] + list(args), TIMEOUT,
                         ok_errors)


@privsep.net_admin_pctxt.entrypoint
def ensure_jump(table, builtin, chain):
    """Make nova-lite's ``chain`` exist and ``builtin`` jump to it first."""
    table, chain = _table(table), _chain(chain)
    builtin = _builtin(table, builtin)
    _iptables('-t', table, '-N', chain, ok_errors=('exists',))
    if _iptables('-t', table, '-C', builtin, '-j', chain,
                 ok_errors=('',)).returncode != 0:
        _iptables('-t', table, '-I', builtin, '1', '-j', chain)


@privsep.net_admin_pctxt.entrypoint
def restore_chains(text):
    """Replace nova-lite's chains with ``text``, iptables-restore input
    that declares and appends to nova-lite's chains only."""
    if not isinstance(text, str):
        raise ValueError('iptables-restore input must be text')
    for line in text.splitlines():
        match = _RESTORE_LINE_RE.match(line)
        if match is None:
            raise ValueError('not a nova-lite rule line: %r' % line)
        if match.group('table'):
            _table(match.group('table'))
        elif match.group('decl') or match.group('chain'):
            _chain(match.group('decl') or match.group('chain'))
    _run(['iptables-restore', '-w', '--noflush'], input=text)


@privsep.net_admin_pctxt.entrypoint
def remove_chain(table, builtin, chain):
    """Remove ``builtin``'s jump to nova-lite's ``chain``, and the chain."""
    table, chain = _table(table), _chain(chain)
    builtin = _builtin(table, builtin)
    _iptables('-t', table, '-D', builtin, '-j', chain, ok_errors=('',))
    _iptables('-t', table, '-F', chain, ok_errors=('',))
    _iptables('-t', table, '-X', chain, ok_errors=('',))

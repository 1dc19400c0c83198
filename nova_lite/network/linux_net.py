"""Linux network devices of a compute host: bridges and left-over taps.

Everything is done with ``ip(8)``; the compute service needs
CAP_NET_ADMIN for it (or bridges made beforehand by the operator: an
existing bridge is only brought up, and not even that when it is up).
Several builds may plug into one bridge at once, so every step tolerates
another process having done it first.
"""

import os

from oslo_log import log as logging

from nova_lite import utils

LOG = logging.getLogger(__name__)

IP_TIMEOUT = 30
_SYS_NET = '/sys/class/net'


def device_exists(name):
    """Whether the network device ``name`` exists on this host."""
    return os.path.exists(os.path.join(_SYS_NET, name))


def _is_up(name):
    try:
        with open(os.path.join(_SYS_NET, name, 'flags')) as f:
            return bool(int(f.read().strip(), 16) & 0x1)  # IFF_UP
    except (OSError, ValueError):
        return False


def _ip(*args, ok_errors=()):
    """Run ``ip args``; an error whose text contains one of ``ok_errors``
    counts as success (someone else did it first).

    :returns: True when ``ip`` itself succeeded, False for an ok error.
    :raises: InternalError when it fails otherwise.
    """
    return utils.execute(['ip'] + list(args), IP_TIMEOUT,
                         ok_errors).returncode == 0


def ensure_bridge(name, mtu=None):
    """Make the Linux bridge ``name`` exist and be up.

    After return the bridge exists and is up. A bridge that exists is
    left as it is but for bringing it up; two callers racing to create
    it both succeed.

    :param mtu: set on a bridge this call creates.
    :raises: InternalError when ``ip`` refuses (e.g. no CAP_NET_ADMIN).
    """
    if not device_exists(name):
        args = ['link', 'add', 'name', name]
        if mtu:
            args += ['mtu', str(mtu)]
        if _ip(*(args + ['type', 'bridge']), ok_errors=('File exists',)):
            LOG.info('Created bridge %s', name)
    if not _is_up(name):
        _ip('link', 'set', 'dev', name, 'up')


def delete_net_dev(name):
    """Remove the network device ``name`` if it is there (a tap a crashed
    guest left behind). After return no such device exists."""
    if not device_exists(name):
        return
    if _ip('link', 'delete', 'dev', name,
           ok_errors=('Cannot find device', 'does not exist')):
        LOG.info('Deleted left-over network device %s', name)

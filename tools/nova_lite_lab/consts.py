"""The lab's fixed names, addresses, ports and services."""

import os
import re

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
DEFAULT_STATE_DIR = '/var/tmp/nova-lite-lab'
LOCK_FILE = '/run/lock/nova-lite-lab.lock'

LAB_BRIDGE = 'nl-lab'
PHYS_BRIDGE = 'nl-phys'
CTL_PHYS = 'nlphys-ctl'
CTL_PHYS_PEER = 'nl-ctl-p'
NETNS_PREFIX = 'nl-'
BRIDGE_PREFIX = 'nll'
NAT_CHAIN = 'NOVA-LITE-LAB'
VHOST = 'nova-lite-lab'
DB_NAME = 'nova_lite_lab'
DEFAULT_SUBNET = '10.233.0.0/24'
API_PORT = 8774
METADATA_PORT = 8775
IMAGE_PORT = 9292
RABBIT_PORT = 5672
MYSQL = {'host': '127.0.0.1', 'port': 3306, 'user': 'root'}
POSTGRESQL = {'host': '127.0.0.1', 'port': 5432, 'user': 'postgres'}
NETWORK_NAME = 'lab-net'
NETWORK_CIDR = '10.20.0.0/24'
COMPUTE_STATE_PATH = '/var/lib/nova-lite'
URI = 'qemu:///system'
ADMIN_TOKEN = 'admin:admin'
# NOTE: the per-host directories bind-mounted over the machine's: a
# compute sees only its own guests' files, and its libvirtd only its own
# domains, logs and config.
LIBVIRT_DIRS = (('lib', '/var/lib/libvirt'), ('log', '/var/log/libvirt'),
                ('cache', '/var/cache/libvirt'), ('etc', '/etc/libvirt'))
CONTROLLER = 'controller'
HOST_RE = re.compile(r'^cpu([1-9][0-9]*)$')

START_TIMEOUT = 120
STOP_TIMEOUT = 10
CMD_TIMEOUT = 60
IMPORT_TIMEOUT = 1800


class Service:
    """A process of a lab host and how to tell it is ready.

    :param ready: ``('rpc',)`` (logs "<script> started on host <host>"),
        ``('log', regex)``, ``('port', port)`` (TCP on the host's IP),
        ``('libvirt',)`` (virsh answers) or ``('socket', path)`` (a path
        in the host's mount namespace exists).
    :param optional: started only if it is installed (a console script,
        else a module under nova_lite/cmd): a nova-lite older than its
        metadata and network services has neither.
    """

    def __init__(self, name, script, ready, optional=False):
        self.name = name
        self.script = script
        self.ready = ready
        self.optional = optional


CONTROLLER_SERVICES = (
    Service('image', 'nova-lite-image',
            ('log', r'Image service listening on')),
    Service('conductor', 'nova-lite-conductor', ('rpc',)),
    Service('scheduler', 'nova-lite-scheduler', ('rpc',)),
    Service('api', 'nova-lite-api', ('log', r'Compute API listening on')),
    Service('metadata', 'nova-lite-metadata', ('port', METADATA_PORT),
            optional=True),
    Service('network', 'nova-lite-network', ('rpc',), optional=True),
)
COMPUTE_SERVICES = (
    Service('virtlogd', 'virtlogd',
            ('socket', '/run/libvirt/virtlogd-sock')),
    Service('libvirtd', 'libvirtd', ('libvirt',)),
    Service('compute', 'nova-lite-compute', ('rpc',)),
)

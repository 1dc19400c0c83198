"""Options of the [DEFAULT] group that nova-lite shares with Nova."""

import os
import socket

from oslo_config import cfg

default_opts = [
    cfg.StrOpt('host',
               default=socket.gethostname(),
               sample_default='<current_hostname>',
               help="""
Name of this node: the compute host name that the scheduler places
instances on and that RPC messages for this host are addressed to.

Possible values:

* Any string unique among the compute services of a deployment.
"""),
    cfg.StrOpt('state_path',
               default=os.path.join(os.path.expanduser('~'), '.nova-lite'),
               sample_default='$HOME/.nova-lite',
               help="""
Top-level directory for the state nova-lite keeps: the sqlite database of
the embedded default, instance directories and the image cache.
"""),
    cfg.StrOpt('compute_driver',
               default='fake',
               help="""
The virt driver a compute service uses.

Possible values:

* ``fake``: an in-memory hypervisor whose size comes from [fake_driver].
* ``libvirt``: guests through libvirt; see the [libvirt] group.

Nova's names, ``fake.FakeDriver`` and ``libvirt.LibvirtDriver``, are
accepted too.
"""),
    cfg.StrOpt('osapi_compute_listen',
               default='0.0.0.0',
               help='IP address on which the Compute API listens.'),
    cfg.PortOpt('osapi_compute_listen_port',
                default=8774,
                help='Port on which the Compute API listens.'),
    cfg.IntOpt('osapi_compute_workers',
               default=1, min=1,
               help="""
Number of API worker processes. Workers keep no state between requests,
so any number may run side by side.
"""),
    cfg.StrOpt('metadata_listen',
               default='0.0.0.0',
               help="""
IP address on which the metadata API (nova-lite-metadata) listens.
nova-lite-all, which runs it too, defaults it to 127.0.0.1.

Related options:

* ``[metadata] nova_metadata_host``: where the metadata proxies send
  guests' requests.
"""),
    cfg.PortOpt('metadata_listen_port',
                default=8775,
                help="""
Port on which the metadata API listens.

Related options:

* ``[metadata] nova_metadata_port``: where the metadata proxies send
  guests' requests.
"""),
    cfg.IntOpt('report_interval',
               default=10, min=1,
               help="""
Seconds between two heartbeats of a service.

Related options:

* ``service_down_time``: must be larger than this.
"""),
    cfg.IntOpt('service_down_time',
               default=60, min=1,
               help="""
Seconds after the last heartbeat at which a service is reported down and
the scheduler stops placing instances on it.

Related options:

* ``report_interval``
"""),
    cfg.IntOpt('long_rpc_timeout',
               default=1800, min=1,
               help="""
Seconds an RPC call that is known to take long waits for its answer
(the steps of a live migration that prepare or finish on the other host),
where ``rpc_response_timeout`` would be too short.
"""),
    cfg.IntOpt('periodic_interval',
               default=60, min=1,
               help="""
Seconds between two runs of a compute service's periodic tasks
(resource audit, power state sync, build timeout) and of the conductor's
check for lost builds.
"""),
    cfg.FloatOpt('cpu_allocation_ratio',
                 default=None, min=0.0,
                 help="""
Virtual CPU to physical CPU allocation ratio of a compute node. When unset
a new node reports ``initial_cpu_allocation_ratio``.
"""),
    cfg.FloatOpt('ram_allocation_ratio',
                 default=None, min=0.0,
                 help='Virtual RAM to physical RAM allocation ratio.'),
    cfg.FloatOpt('disk_allocation_ratio',
                 default=None, min=0.0,
                 help='Virtual disk to physical disk allocation ratio.'),
    cfg.FloatOpt('initial_cpu_allocation_ratio', default=4.0, min=0.0,
                 help='CPU allocation ratio used when none is set.'),
    cfg.FloatOpt('initial_ram_allocation_ratio', default=1.0, min=0.0,
                 help='RAM allocation ratio used when none is set.'),
    cfg.FloatOpt('initial_disk_allocation_ratio', default=1.0, min=0.0,
                 help='Disk allocation ratio used when none is set.'),
    cfg.IntOpt('reserved_host_memory_mb', default=512, min=0,
               help='Memory (MB) kept for the host, never given to guests.'),
    cfg.IntOpt('reserved_host_disk_mb', default=0, min=0,
               help='Disk (MB) kept for the host, never given to guests.'),
    cfg.IntOpt('reserved_host_cpus', default=0, min=0,
               help='Physical CPUs kept for the host.'),
    cfg.IntOpt('max_concurrent_builds',
               default=10, min=0,
               help="""
Number of instances a compute service builds at once; 0 means unlimited.
"""),
    cfg.StrOpt('default_availability_zone',
               default='nova',
               help='Availability zone of compute hosts that name none.'),
    cfg.StrOpt('default_schedule_zone',
               help="""
Availability zone given to a server created without one. Unset means
any host may be chosen.
"""),
    cfg.StrOpt('instance_name_template',
               default='instance-%08x',
               help='Template for hypervisor domain names; takes the id.'),
    cfg.IntOpt('instance_build_timeout',
               default=0, min=0,
               help="""
Seconds after which a build still in progress on a compute host is put in
ERROR with a fault, giving back its guest, addresses and allocation; the
compute service checks every ``periodic_interval`` seconds. 0 disables the
check.
"""),
    cfg.BoolOpt('force_config_drive',
                default=False,
                help="""
Attach a config drive to every instance, whether or not the server was
created with ``config_drive``.

Related options:

* ``[libvirt]``: the config drive is an ISO 9660 cdrom made with
  genisoimage.
"""),
    cfg.StrOpt('my_ip',
               default='127.0.0.1',
               help='IP address of this host.'),
    cfg.IntOpt('shutdown_timeout',
               default=60, min=0,
               help="""
Seconds a stop waits for the guest OS to shut down cleanly (after an ACPI
power button press) before the guest is powered off hard.

Possible values:

* 0: power off hard at once, without asking the guest.
* A positive number of seconds.

Related options:

* ``[compute] shutdown_retry_interval``: how often the request is sent
  again while waiting.
"""),
    # ---- shelve and soft delete (Nova's [DEFAULT] names and defaults) ----
    cfg.IntOpt('reclaim_instance_interval',
               default=0,
               help="""
Seconds a deleted server stays SOFT_DELETED (restorable with the
``restore`` action) before its host reclaims it for good; also how often
the host looks for such servers.

Possible values:

* 0 or less: a delete deletes at once (no soft delete).
* A positive number of seconds.
"""),
    cfg.IntOpt('shelved_offload_time',
               default=0,
               help="""
Seconds a SHELVED server keeps its guest and its host's resources before
the host offloads it (SHELVED_OFFLOADED: guest destroyed, resources
freed).

Possible values:

* 0: offload at once, right after the shelve.
* -1: never offload on its own (``shelveOffload`` still does).
* A positive number of seconds, checked every
  ``shelved_poll_interval``.
"""),
    cfg.IntOpt('shelved_poll_interval',
               default=3600,
               help="""
Seconds between two looks of a compute host for SHELVED servers older
than ``shelved_offload_time``; 0 or less disables the look.

Related options:

* ``shelved_offload_time``.
"""),
    # ---- guests of deleted servers (Nova's [DEFAULT] names and defaults) --
    cfg.StrOpt('running_deleted_instance_action',
               default='reap',
               choices=[('reap', 'Destroy the guest and its disks, and '
                         'release the addresses held for it.'),
                        ('log', 'Log a warning about the guest, and leave '
                         'it running.'),
                        ('shutdown', 'Power the guest off, and keep it (for '
                         'a look at what it was doing).'),
                        ('noop', 'Do nothing.')],
               help="""
What a compute host does with a guest on its hypervisor whose server is
deleted, or has moved to another host with no migration under way: a
server deleted while its host was down, whose guest kept running there.
The host looks at start-up and every
``running_deleted_instance_poll_interval`` seconds.

The fixed IPs and MACs of a server deleted while its host was down stay
held for that host until the guest is reaped (or found gone), so they
are given to no other server meanwhile.

Related options:

* ``running_deleted_instance_poll_interval``
* ``running_deleted_instance_timeout``
"""),
    cfg.IntOpt('running_deleted_instance_poll_interval',
               default=1800,
               help="""
Seconds between two looks of a compute host for guests of deleted servers
(see ``running_deleted_instance_action``); the look at start-up is made
whatever the value.

Possible values:

* 0 or less: no periodic look.
* A positive number of seconds.

Related options:

* ``running_deleted_instance_action``
"""),
    cfg.IntOpt('running_deleted_instance_timeout',
               default=0,
               help="""
Seconds a server must have been deleted before
``running_deleted_instance_action`` is taken on its guest.

Related options:

* ``running_deleted_instance_action``
"""),
]


def register_opts(conf):
    conf.register_opts(default_opts)


def list_opts():
    return {'DEFAULT': default_opts}

"""Options of the [libvirt] group: the libvirt virt driver."""

from oslo_config import cfg

libvirt_group = cfg.OptGroup('libvirt', title='Libvirt options')

libvirt_opts = [
    cfg.StrOpt('virt_type',
               default='kvm',
               choices=('kvm', 'qemu'),
               help="""
Domain type of the guests.

Possible values:

* ``kvm``: hardware virtualisation through /dev/kvm.
* ``qemu``: software emulation, where /dev/kvm is absent or unusable.
"""),
    cfg.StrOpt('connection_uri',
               default='',
               help="""
Libvirt connection URI. Empty picks ``qemu:///system``.

Possible values:

* ``qemu:///system``: a deployment.
* ``qemu:///session``: an unprivileged libvirtd, as in tests.
* ``test:///default``: libvirt's in-memory test hypervisor (unit tests).
"""),
    cfg.StrOpt('cpu_mode',
               choices=('host-model', 'host-passthrough', 'custom', 'none'),
               help='CPU model given to guests; unset lets libvirt decide.'),
    cfg.IntOpt('wait_soft_reboot_seconds',
               default=120, min=0,
               help="""
Seconds a soft reboot waits for the guest OS to shut down before the
guest is restarted hard.
"""),
    cfg.StrOpt('hw_machine_type',
               default='pc',
               help="""
Machine type of guests whose image names none in its ``hw_machine_type``
property.

NOTE: ``pc`` (i440fx) because its IDE cdrom is seen by small cloud kernels
that lack AHCI, which a ``q35`` guest needs for its SATA cdrom.

Possible values:

* ``pc``, ``q35`` or any machine type the host's QEMU knows.
"""),
]

# NOTE: nova-lite's own: how a compute host hands the files of an instance
# to another one (cold migration, resize, the files a block live migration
# does not copy), with no shared storage and no ssh keys between computes.
# See docs/migrations.md.
disk_transfer_opts = [
    cfg.HostAddressOpt('disk_transfer_listen',
                       help="""
Address the disk transfer server of this compute host listens on.

Other compute hosts fetch the disks of an instance that moves from here
over HTTP, each request carrying the one-time token of its offer.

Possible values:

* Unset: ``[DEFAULT] my_ip``.
* An IP address or host name of this host; ``0.0.0.0`` listens on every
  address (other hosts are then told ``my_ip``).

Related options:

* ``disk_transfer_port``, ``disk_transfer_timeout``.
"""),
    cfg.PortOpt('disk_transfer_port',
                default=8790,
                help="""
TCP port of the disk transfer server of this compute host.

Open it from every other compute host. 0 picks a free port at start-up
(for tests).

Related options:

* ``disk_transfer_listen``.
"""),
    cfg.IntOpt('disk_transfer_timeout',
               default=3600, min=1,
               help="""
Seconds an offer of an instance's disks stays valid.

A source host offers the disks when the instance leaves it; the offer is
revoked when the move is confirmed or reverted, and expires after this
many seconds in any case, so a token that leaked is soon worthless.
"""),
]

live_migration_opts = [
    cfg.HostAddressOpt('live_migration_inbound_addr',
                       help="""
Address other hosts reach this host's hypervisor at for live migrations
to it (the libvirtd connection and QEMU's migration stream).

Possible values:

* Unset: ``[DEFAULT] my_ip``.
* An IP address or host name of this host, e.g. on a network kept for
  migrations.

Related options:

* ``live_migration_scheme``, ``live_migration_uri``.
"""),
    cfg.StrOpt('live_migration_scheme',
               default='tcp',
               help="""
URI scheme of the connection to the destination's libvirtd during a live
migration: the ``X`` of ``qemu+X://<destination>/system``.

NOTE: ``tcp`` (Nova leaves it unset, which picks ``tcp`` too) needs the
destination's libvirtd to listen on TCP; as in the lab, with ``auth_tcp``
set, or on a network only the hosts reach.

Possible values:

* ``tcp``, ``tls``, ``ssh`` or any transport libvirt knows.

Related options:

* ``live_migration_inbound_addr``: the destination part of the URI.
* ``live_migration_uri``: overrides this.
"""),
    cfg.StrOpt('live_migration_uri',
               help="""
Libvirt URI of the destination of a live migration, overriding
``live_migration_scheme``; ``%s`` in it is replaced by the destination's
address.

Possible values:

* Unset: ``qemu+<live_migration_scheme>://%s/system``.
* e.g. ``qemu+ssh://nova@%s/system``.

Related options:

* ``live_migration_scheme``, ``live_migration_inbound_addr``.
"""),
    cfg.IntOpt('live_migration_bandwidth',
               default=0, min=0,
               help="""
Maximum bandwidth of a live migration, in MiB/s. 0 leaves it unlimited
(libvirt's default).
"""),
    cfg.IntOpt('live_migration_completion_timeout',
               default=800, min=0,
               mutable=True,
               help="""
Seconds a live migration may take per GiB of data to move (the guest's
memory, at least 2 GiB of it, plus its disks for a block migration)
before it is aborted; the guest then goes on running on the source.

Possible values:

* 0: no timeout.
* A positive number of seconds per GiB.

Related options:

* ``live_migration_bandwidth``: a low one needs a longer timeout.
"""),
]

ALL_OPTS = libvirt_opts + disk_transfer_opts + live_migration_opts


def register_opts(conf):
    conf.register_group(libvirt_group)
    conf.register_opts(ALL_OPTS, group=libvirt_group)


def list_opts():
    return {libvirt_group: ALL_OPTS}

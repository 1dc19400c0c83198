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


def register_opts(conf):
    conf.register_group(libvirt_group)
    conf.register_opts(libvirt_opts, group=libvirt_group)


def list_opts():
    return {libvirt_group: libvirt_opts}

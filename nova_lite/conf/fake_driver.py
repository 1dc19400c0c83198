"""Options of the [fake_driver] group: the in-memory hypervisor."""

from oslo_config import cfg

fake_group = cfg.OptGroup('fake_driver', title='Fake virt driver options',
                          help='Size and behaviour of the fake hypervisor.')

fake_opts = [
    cfg.IntOpt('vcpus', default=16, min=1,
               help='Physical CPUs the fake host reports.'),
    cfg.IntOpt('memory_mb', default=32768, min=1,
               help='Memory (MB) the fake host reports.'),
    cfg.IntOpt('local_gb', default=1024, min=1,
               help='Local disk (GB) the fake host reports.'),
    cfg.StrOpt('hypervisor_type', default='fake',
               help='Hypervisor type the fake host reports.'),
    cfg.FloatOpt('spawn_delay', default=0.0, min=0.0,
                 help='Seconds a fake spawn takes.'),
    cfg.FloatOpt('power_action_delay', default=0.0, min=0.0,
                 help="""
Seconds a fake power off, power on or reboot takes, so that tests can see
the transitional states (POWERING_OFF, REBOOT, ...) through the API.
"""),
    cfg.FloatOpt('live_migration_seconds', default=0.0, min=0.0,
                 help='Seconds a fake live migration runs before the guest '
                      'is on the destination (an abort or force-complete '
                      'can come meanwhile).'),
    cfg.BoolOpt('fail_spawn', default=False,
                help="""
Make every spawn on this host fail, as a hypervisor that cannot start
guests would; the build is then rescheduled. For tests.
"""),
]


def register_opts(conf):
    conf.register_group(fake_group)
    conf.register_opts(fake_opts, group=fake_group)


def list_opts():
    return {fake_group: fake_opts}

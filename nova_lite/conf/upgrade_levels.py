"""Options of the [upgrade_levels] group: RPC version caps."""

from oslo_config import cfg

upgrade_group = cfg.OptGroup('upgrade_levels', title='Upgrade levels',
                             help="""
Caps on the RPC API versions sent to each service, so that services of an
older release can keep running during a rolling upgrade. A method newer
than the cap is refused (a 409 at the API) rather than sent to a service
that could not dispatch it; one whose older form suffices is sent in it.
""")

upgrade_opts = [
    cfg.StrOpt('compute',
               help='Highest RPC version to send to compute services.'),
    cfg.StrOpt('conductor',
               help='Highest RPC version to send to conductors.'),
    cfg.StrOpt('scheduler',
               help='Highest RPC version to send to schedulers.'),
    cfg.StrOpt('network',
               help='Highest RPC version to send to network hosts.'),
]


def register_opts(conf):
    conf.register_group(upgrade_group)
    conf.register_opts(upgrade_opts, group=upgrade_group)


def list_opts():
    return {upgrade_group: upgrade_opts}

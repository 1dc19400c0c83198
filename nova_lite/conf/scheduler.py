"""Options of the [scheduler] group."""

from oslo_config import cfg

scheduler_group = cfg.OptGroup('scheduler', title='Scheduler options')

scheduler_opts = [
    cfg.IntOpt('max_attempts',
               default=3, min=1,
               help="""
Hosts a build may be tried on: the chosen one plus alternates. A build that
fails on all of them ends in ERROR.
"""),
    cfg.IntOpt('workers', default=1, min=1,
               help="""
Number of nova-lite-scheduler worker processes. Each consumes from the
scheduler topic, so the broker shares the requests among them; their
claims cannot over-commit a host: each is checked against the node's
generation in the database and retried when another won.
"""),
]


def register_opts(conf):
    conf.register_group(scheduler_group)
    conf.register_opts(scheduler_opts, group=scheduler_group)


def list_opts():
    return {scheduler_group: scheduler_opts}

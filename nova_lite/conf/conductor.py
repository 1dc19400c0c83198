"""Options of the [conductor] group."""

from oslo_config import cfg

conductor_group = cfg.OptGroup('conductor', title='Conductor options')

conductor_opts = [
    cfg.IntOpt('workers',
               default=1, min=1,
               help="""
Number of nova-lite-conductor worker processes. Each consumes from the
conductor topic, so the broker shares the requests among them.
"""),
    cfg.IntOpt('orphaned_build_timeout',
               default=600, min=0,
               help="""
Seconds after which a build that no compute host owns (vm_state building,
task_state scheduling or none, no host) is put in ERROR with a fault and
gives back any allocation it holds. Such a build was lost: the conductor
handling it stopped, or its hand-over to a host never happened. Every
conductor checks for them each ``[DEFAULT] periodic_interval`` seconds.

Possible values:

* 0: never check.
* A positive number of seconds: longer than a build may wait in a busy
  conductor's queue before it is scheduled.

Related options:

* ``[DEFAULT] instance_build_timeout``: the same for builds a host owns.
"""),
]


def register_opts(conf):
    conf.register_group(conductor_group)
    conf.register_opts(conductor_opts, group=conductor_group)


def list_opts():
    return {conductor_group: conductor_opts}

"""Options of the [compute] group: the compute service's behaviour."""

from oslo_config import cfg

compute_group = cfg.OptGroup('compute', title='Compute service options')

compute_opts = [
    cfg.IntOpt('build_lock_timeout',
               default=600, min=1,
               help="""
Seconds a build waits for the per-instance lock before it gives up.
"""),
    cfg.IntOpt('resource_update_interval',
               default=60, min=1,
               help="""
Seconds between two reports of a compute node's resources, read from the
virt driver, to the conductor.
"""),
    cfg.IntOpt('sync_power_state_interval',
               default=600,
               help="""
Seconds between two syncs of the power state the database holds with the
hypervisor's; a negative value disables the sync.
"""),
    cfg.IntOpt('shutdown_retry_interval',
               default=10, min=1,
               help="""
Seconds between two requests to the guest OS to shut down, during a clean
stop (a guest still booting may miss the first one).

Related options:

* ``[DEFAULT] shutdown_timeout``: how long the requests go on.
"""),
]


def register_opts(conf):
    conf.register_group(compute_group)
    conf.register_opts(compute_opts, group=compute_group)


def list_opts():
    return {compute_group: compute_opts}

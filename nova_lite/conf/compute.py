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


# ---- resize ([DEFAULT], Nova's names and defaults) ----
resize_opts = [
    cfg.BoolOpt('allow_resize_to_same_host',
                default=False,
                help="""
Allow the scheduler to pick the server's current host as the destination
of a resize.

Without it a resize always moves the server to another host, so a
deployment with one compute host cannot resize. With it, the current host
competes with the others and must hold the old and the new flavor at the
same time until the resize is confirmed or reverted.
"""),
    cfg.IntOpt('resize_confirm_window',
               default=0, min=0,
               help="""
Seconds a resized server waits in VERIFY_RESIZE before its host confirms
the resize on its own.

Possible values:

* 0: never confirm on its own (the user confirms or reverts).
* A positive number of seconds; the host looks for such servers every
  ``[DEFAULT] periodic_interval`` seconds.
"""),
]


def register_opts(conf):
    conf.register_group(compute_group)
    conf.register_opts(compute_opts, group=compute_group)
    conf.register_opts(resize_opts)


def list_opts():
    return {compute_group: compute_opts, 'DEFAULT': resize_opts}

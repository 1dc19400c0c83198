"""Options of the [compute] group: the compute service's behaviour."""

from oslo_config import cfg

compute_group = cfg.OptGroup('compute', title='Compute service options')

compute_opts = [
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
    cfg.IntOpt('orphan_audit_interval',
               default=3600,
               help="""
Seconds between two audits of this host for what no live instance owns:
allocations on its node, guests on its hypervisor and directories under
``instances_path`` (``nova-lite-manage placement audit`` runs the same
audit on demand).

Possible values:

* 0 or a negative value: no periodic audit.

Related options:

* ``orphan_audit_action``, ``orphan_audit_grace_period``.
"""),
    cfg.StrOpt('orphan_audit_action',
               default='log', choices=[
                   ('log', 'log a warning for each orphan found'),
                   ('reap', 'log it, then delete it: free the '
                            'allocation, destroy the guest, remove the '
                            'directory')],
               help="""
What the periodic orphan audit does with what it finds.

Related options:

* ``orphan_audit_interval``.
"""),
    cfg.IntOpt('orphan_audit_grace_period',
               default=600, min=0,
               help="""
Seconds an allocation, guest or instance directory must have been without
a live instance before an audit counts it as an orphan: a build, a move
or a delete under way owns its leftovers that long. An instance with a
task under way, or migrating to or from the host, protects its own
whatever their age.

Related options:

* ``orphan_audit_interval``.
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

# ---- instance usage audit ([DEFAULT], Nova's names and defaults) ----
usage_audit_opts = [
    cfg.BoolOpt('instance_usage_audit',
                default=False,
                help="""
Audit the usage of each compute host's instances once per audit period.

Each compute host records, for every period of
``instance_usage_audit_period``, how many of its instances were active
and how many could not be audited; os-instance_usage_audit_log shows
these records (``nova-manage``-style task logs). The host looks every
``[DEFAULT] periodic_interval`` seconds whether the last completed period
was audited yet.

Related options:

* ``instance_usage_audit_period``.
"""),
    cfg.StrOpt('instance_usage_audit_period',
               default='month',
               regex=r'^(hour|day|month|year)(@[0-9]+)?$',
               help="""
The period of the instance usage audit, and of the audit log the API shows.

Possible values:

* ``hour``, ``day``, ``month`` or ``year``: periods start at the start of
  the unit (UTC).
* The same with ``@N``: an offset, e.g. ``day@18`` starts each day at
  18:00 UTC, ``month@15`` on the 15th, ``year@3`` on March 1st.

Related options:

* ``instance_usage_audit``.
"""),
]


def register_opts(conf):
    conf.register_group(compute_group)
    conf.register_opts(compute_opts, group=compute_group)
    conf.register_opts(resize_opts)
    conf.register_opts(usage_audit_opts)


def list_opts():
    return {compute_group: compute_opts,
            'DEFAULT': resize_opts + usage_audit_opts}

"""Options of the [filter_scheduler] group: filters and weighers."""

from oslo_config import cfg

filter_scheduler_group = cfg.OptGroup('filter_scheduler',
                                      title='Filter scheduler options')

filter_scheduler_opts = [
    cfg.ListOpt('enabled_filters',
                default=['ComputeFilter', 'ResourceFitFilter',
                         'AvailabilityZoneFilter',
                         'ImagePropertiesFilter',
                         'ServerGroupAntiAffinityFilter',
                         'ServerGroupAffinityFilter'],
                help="""
Filters run, in order, on every scheduling request. A host must pass all.

Possible values:

* Names registered under the ``nova_lite.scheduler.filters`` entry point.
"""),
    cfg.ListOpt('weight_classes',
                default=['RAMWeigher', 'CPUWeigher',
                         'ServerGroupSoftAffinityWeigher',
                         'ServerGroupSoftAntiAffinityWeigher'],
                help="""
Weighers that rank the hosts that passed the filters.

Possible values:

* Names registered under the ``nova_lite.scheduler.weights`` entry point.
"""),
    cfg.FloatOpt('ram_weight_multiplier', default=1.0,
                 help="""
Multiplier of the RAM weigher: positive spreads instances over hosts with
more free RAM, negative stacks them.
"""),
    cfg.FloatOpt('cpu_weight_multiplier', default=1.0,
                 help="""
Multiplier of the CPU weigher: positive spreads instances over hosts with
more free vCPUs, negative stacks them.
"""),
    cfg.FloatOpt('soft_affinity_weight_multiplier', default=1.0, min=0.0,
                 help="""
Multiplier of the ServerGroupSoftAffinityWeigher: how strongly a member of
a ``soft-affinity`` server group is drawn to the hosts that run the most
members of its group.

Possible values:

* A non-negative float; 0 turns the preference off.

Related options:

* ``weight_classes`` must list ServerGroupSoftAffinityWeigher.
"""),
    cfg.FloatOpt('soft_anti_affinity_weight_multiplier', default=1.0,
                 min=0.0, help="""
Multiplier of the ServerGroupSoftAntiAffinityWeigher: how strongly a
member of a ``soft-anti-affinity`` server group is drawn to the hosts that
run the fewest members of its group.

Possible values:

* A non-negative float; 0 turns the preference off.

Related options:

* ``weight_classes`` must list ServerGroupSoftAntiAffinityWeigher.
"""),
    cfg.IntOpt('host_subset_size', default=1, min=1,
               help="""
The winner is picked at random among this many best-weighed hosts, which
keeps concurrent schedulers from all racing for the same host.
"""),
    cfg.FloatOpt('host_state_max_age', default=0.0, min=0.0, max=60.0,
                 help="""
Seconds a scheduler may reuse the host states it read (compute nodes,
their services and allocations) for later requests instead of reading
them again; its own claims are counted in them meanwhile.

At a thousand hosts reading them is most of a decision. A claim is still
checked against the database, so a stale view never over-commits a host:
it only costs a refused claim and a try on the next host. What a stale
view does delay, by up to this long, is noticing a host that went down,
was disabled or changed its inventory, and the claims other schedulers
made.

Possible values:

* 0 (the default): read them for every request, as Nova does.
* A few seconds or less for large deployments, e.g. 1.0.

Related options:

* ``[DEFAULT] service_down_time``: a host is seen down at most this much
  later.
"""),
]


def register_opts(conf):
    conf.register_group(filter_scheduler_group)
    conf.register_opts(filter_scheduler_opts, group=filter_scheduler_group)


def list_opts():
    return {filter_scheduler_group: filter_scheduler_opts}

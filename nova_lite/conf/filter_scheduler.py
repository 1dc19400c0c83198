"""Options of the [filter_scheduler] group: filters and weighers."""

from oslo_config import cfg

filter_scheduler_group = cfg.OptGroup('filter_scheduler',
                                      title='Filter scheduler options')

filter_scheduler_opts = [
    cfg.ListOpt('enabled_filters',
                default=['ComputeFilter', 'ResourceFitFilter',
                         'AvailabilityZoneFilter',
                         'ImagePropertiesFilter'],
                help="""
Filters run, in order, on every scheduling request. A host must pass all.

Possible values:

* Names registered under the ``nova_lite.scheduler.filters`` entry point.
"""),
    cfg.ListOpt('weight_classes',
                default=['RAMWeigher', 'CPUWeigher'],
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
    cfg.IntOpt('host_subset_size', default=1, min=1,
               help="""
The winner is picked at random among this many best-weighed hosts, which
keeps concurrent schedulers from all racing for the same host.
"""),
]


def register_opts(conf):
    conf.register_group(filter_scheduler_group)
    conf.register_opts(filter_scheduler_opts, group=filter_scheduler_group)


def list_opts():
    return {filter_scheduler_group: filter_scheduler_opts}

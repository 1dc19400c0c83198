"""RAMWeigher: prefer hosts with more free RAM (or less, to stack)."""

from nova_lite import conf
from nova_lite.scheduler import weights

CONF = conf.CONF


class RAMWeigher(weights.BaseHostWeigher):
    """Weighs by free MEMORY_MB after allocation ratio and reserves."""

    def weight_multiplier(self):
        return CONF.filter_scheduler.ram_weight_multiplier

    def _weigh_object(self, host_state, spec_obj):
        return host_state.free_ram_mb

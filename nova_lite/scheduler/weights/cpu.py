"""CPUWeigher: prefer hosts with more free vCPUs (or fewer, to stack)."""

from nova_lite import conf
from nova_lite.scheduler import weights

CONF = conf.CONF


class CPUWeigher(weights.BaseHostWeigher):
    """Weighs by free VCPU after allocation ratio and reserves."""

    def weight_multiplier(self):
        return CONF.filter_scheduler.cpu_weight_multiplier

    def _weigh_object(self, host_state, spec_obj):
        return host_state.free_vcpus

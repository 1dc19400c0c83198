"""Server group weighers: the soft policies, a preference, not a rule.

``soft-affinity`` prefers the hosts that run the most members of the
request's group, ``soft-anti-affinity`` the fewest; unlike the filters
they never remove a host, so a build still lands when the preference
cannot be met.
"""

from nova_lite import conf
from nova_lite.scheduler import weights

CONF = conf.CONF

SOFT_AFFINITY = 'soft-affinity'
SOFT_ANTI_AFFINITY = 'soft-anti-affinity'


class _GroupSoftPolicyWeigher(weights.BaseHostWeigher):
    policy = None

    def weigh_objects(self, weighed_hosts, spec_obj):
        # NOTE: a request outside such a group weighs 0 everywhere; ask
        # the request once, not once per host.
        group = spec_obj.get_default('instance_group')
        if group is None or group.policy != self.policy:
            return [0] * len(weighed_hosts)
        return super().weigh_objects(weighed_hosts, spec_obj)

    def _weigh_object(self, host_state, spec_obj):
        group = spec_obj.get_default('instance_group')
        if group is None or group.policy != self.policy:
            return 0
        return len(host_state.group_members)


class ServerGroupSoftAffinityWeigher(_GroupSoftPolicyWeigher):
    """More members of the group on a host: a higher weight."""

    policy = SOFT_AFFINITY

    def weight_multiplier(self):
        return CONF.filter_scheduler.soft_affinity_weight_multiplier


class ServerGroupSoftAntiAffinityWeigher(_GroupSoftPolicyWeigher):
    """More members of the group on a host: a lower weight."""

    policy = SOFT_ANTI_AFFINITY

    def weight_multiplier(self):
        return CONF.filter_scheduler.soft_anti_affinity_weight_multiplier

    def _weigh_object(self, host_state, spec_obj):
        return -super()._weigh_object(host_state, spec_obj)

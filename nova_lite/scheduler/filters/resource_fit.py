"""ResourceFitFilter: only hosts with room for the flavor's VCPU, RAM, disk."""

from nova_lite.scheduler import filters
from nova_lite.scheduler import utils


class ResourceFitFilter(filters.BaseHostFilter):
    """Removes hosts whose free resources cannot hold one instance.

    Free = (total - reserved) x allocation ratio - allocated, per resource
    class, the same sum the database claim checks; the amounts asked for
    come from :func:`nova_lite.scheduler.utils.resources_from_spec`.
    """

    run_on_forced_hosts = True

    def host_passes(self, host_state, spec_obj):
        return self._fits(host_state, utils.resources_from_spec(spec_obj))

    def filter_all(self, host_states, spec_obj):
        # NOTE: what the request asks for is worked out once, not once
        # per host: at a thousand hosts that was most of this filter.
        resources = utils.resources_from_spec(spec_obj)
        passed, removed = [], []
        for host_state in host_states:
            verdict = self._fits(host_state, resources)
            if verdict is True:
                passed.append(host_state)
            else:
                removed.append((host_state, verdict.reason))
        return passed, removed

    @staticmethod
    def _fits(host_state, resources):
        capacity, used = host_state.capacity, host_state.used
        short = []
        for rc, amount in resources.items():
            available = capacity.get(rc, 0) - used.get(rc, 0)
            if amount > available:
                short.append('not enough %s: requested %d, free %d' %
                             (rc, amount, max(available, 0)))
        if short:
            return filters.fails(' and '.join(short))
        return True

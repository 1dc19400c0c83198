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
        free = host_state.free
        short = []
        for rc, amount in utils.resources_from_spec(spec_obj).items():
            available = free.get(rc, 0)
            if amount > available:
                short.append('not enough %s: requested %d, free %d' %
                             (rc, amount, max(available, 0)))
        if short:
            return filters.fails(' and '.join(short))
        return True

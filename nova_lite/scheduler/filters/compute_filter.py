"""ComputeFilter: only hosts whose compute service is up and enabled."""

from nova_lite.scheduler import filters


class ComputeFilter(filters.BaseHostFilter):
    """Removes hosts whose compute service is down, disabled or missing."""

    def host_passes(self, host_state, spec_obj):
        if host_state.service is None:
            return filters.fails('no compute service record')
        if host_state.service_disabled:
            reason = host_state.disabled_reason
            return filters.fails('compute service disabled' +
                                 (' (%s)' % reason if reason else ''))
        if not host_state.service_up:
            # NOTE: forced_down is an operator's statement that the host is
            # dead (e.g. fenced); say so, it is not a missed heartbeat.
            if host_state.service.forced_down:
                return filters.fails('compute service forced down')
            return filters.fails('compute service is down')
        return True

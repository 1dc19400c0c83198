"""AvailabilityZoneFilter: only hosts in the availability zone asked for."""

from nova_lite.scheduler import filters


class AvailabilityZoneFilter(filters.BaseHostFilter):
    """Removes hosts outside the request's availability zone.

    A host's zone is the ``availability_zone`` metadata of its host
    aggregate, else ``[DEFAULT] default_availability_zone``: the host
    manager works it out for every host from one read of the aggregates
    (``host_manager.availability_zone_of``), so this filter makes no query.
    A request without a zone may land anywhere. For an admin's
    ``zone:host[:node]`` only the zone counts here: the host part is the
    API's to turn into force_hosts/force_nodes.
    """

    def filter_all(self, host_states, spec_obj):
        # NOTE: most requests name no zone: then every host passes, and
        # asking the request once is enough.
        if not _wanted(spec_obj):
            return list(host_states), []
        return super().filter_all(host_states, spec_obj)

    def host_passes(self, host_state, spec_obj):
        wanted = _wanted(spec_obj)
        if not wanted or wanted == host_state.availability_zone:
            return True
        return filters.fails('in availability zone %s, not %s' %
                             (host_state.availability_zone, wanted))


def _wanted(spec_obj):
    """The zone part of the request's ``availability_zone``, or ''."""
    wanted = spec_obj.get_default('availability_zone') or ''
    return wanted.split(':', 1)[0]

"""Server group filters: keep (anti-)affinity groups' members together or
apart.

What a host runs of the request's group comes from the host state
(``group_members``, filled by the host manager from the claims); the hosts
where the group runs at all from ``spec_obj.instance_group.hosts``. The
filters only narrow the candidates: the claim checks the rule again,
atomically, against claims made by concurrent requests.
"""

from nova_lite.scheduler import filters

AFFINITY = 'affinity'
ANTI_AFFINITY = 'anti-affinity'


def _group(spec_obj, policy):
    group = spec_obj.get_default('instance_group')
    if group is None or group.policy != policy:
        return None
    return group


class ServerGroupAntiAffinityFilter(filters.BaseHostFilter):
    """Removes hosts that already run ``max_server_per_host`` (default 1)
    members of the request's anti-affinity group."""

    def filter_all(self, host_states, spec_obj):
        # NOTE: a request outside such a group passes everywhere; ask once.
        if _group(spec_obj, ANTI_AFFINITY) is None:
            return list(host_states), []
        return super().filter_all(host_states, spec_obj)

    def host_passes(self, host_state, spec_obj):
        group = _group(spec_obj, ANTI_AFFINITY)
        if group is None:
            return True
        here = len(host_state.group_members)
        limit = group.max_server_per_host
        if here < limit:
            return True
        return filters.fails(
            '%d member(s) of server group %s already here, '
            'max_server_per_host is %d' % (here, group.uuid, limit))


class ServerGroupAffinityFilter(filters.BaseHostFilter):
    """Once a member of the request's affinity group runs somewhere, removes
    every other host."""

    def filter_all(self, host_states, spec_obj):
        # NOTE: a request outside such a group passes everywhere; ask once.
        if _group(spec_obj, AFFINITY) is None:
            return list(host_states), []
        return super().filter_all(host_states, spec_obj)

    def host_passes(self, host_state, spec_obj):
        group = _group(spec_obj, AFFINITY)
        if group is None:
            return True
        hosts = group.hosts if group.obj_attr_is_set('hosts') else []
        if not hosts or host_state.group_members or \
                host_state.host in hosts:
            return True
        return filters.fails('server group %s runs on %s' %
                             (group.uuid, ', '.join(sorted(hosts))))

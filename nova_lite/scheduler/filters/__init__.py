"""Host filters: the base class, the runner that records who removed what."""

from nova_lite.scheduler import utils

NAMESPACE = 'nova_lite.scheduler.filters'


class HostVerdict:
    """A filter's answer for one host: truthy when the host passes."""

    __slots__ = ('passed', 'reason')

    def __init__(self, passed, reason=None):
        self.passed = bool(passed)
        self.reason = reason

    def __bool__(self):
        return self.passed

    def __repr__(self):
        return '<HostVerdict %s %r>' % (self.passed, self.reason)


def passes():
    return HostVerdict(True)


def fails(reason):
    """A failing verdict; ``reason`` ends up in NoValidHost's message."""
    return HostVerdict(False, reason)


def _verdict(result):
    if isinstance(result, HostVerdict):
        return result
    if isinstance(result, tuple):
        return HostVerdict(*result)
    return HostVerdict(result)


class BaseHostFilter:
    """One rule a host must meet to be a candidate for a request.

    Subclasses implement :meth:`host_passes`; they keep no state between
    calls, because one instance serves concurrent requests.
    """

    # NOTE: an operator forcing a host (force_hosts/force_nodes) overrides
    # the filters, as in Nova; a filter that stands for a hard limit the
    # claim would enforce anyway (resources) still runs, so the
    # explanation names the real reason.
    run_on_forced_hosts = False

    @property
    def name(self):
        return type(self).__name__

    def host_passes(self, host_state, spec_obj):
        """Whether ``host_state`` can take an instance of ``spec_obj``.

        :returns: a bool, or a :class:`HostVerdict` (see :func:`passes`,
            :func:`fails`) or a ``(bool, reason)`` tuple to say why not.
        """
        raise NotImplementedError()

    def filter_all(self, host_states, spec_obj):
        """Split hosts into those that pass and those that do not.

        :returns: ``(passed_hosts, [(host_state, reason or None), ...])``
        """
        passed, removed = [], []
        for host_state in host_states:
            verdict = _verdict(self.host_passes(host_state, spec_obj))
            if verdict:
                passed.append(host_state)
            else:
                removed.append((host_state, verdict.reason))
        return passed, removed


class FilterRun:
    """What one filter (or request constraint) did to the candidate hosts."""

    def __init__(self, name, removed):
        self.name = name
        # NOTE: host names and reasons, not host states: this outlives the
        # request only as text in an explanation or a log line.
        self.removed = [(host_state.name, reason)
                        for host_state, reason in removed]

    @property
    def removed_count(self):
        return len(self.removed)

    def __repr__(self):
        return '<FilterRun %s removed %d>' % (self.name, self.removed_count)


def run_filters(filters, host_states, spec_obj, forced=False):
    """Run ``filters`` in order over ``host_states``.

    Stops once no host is left: later filters would have nothing to say.

    :param forced: the hosts were forced by the request, so only filters
        with ``run_on_forced_hosts`` run.
    :returns: ``(passed_hosts, [FilterRun, ...])`` in the order they ran.
    """
    hosts = list(host_states)
    runs = []
    for host_filter in filters:
        if not hosts:
            break
        if forced and not host_filter.run_on_forced_hosts:
            continue
        hosts, removed = host_filter.filter_all(hosts, spec_obj)
        runs.append(FilterRun(host_filter.name, removed))
    return hosts, runs


def load_filters(names):
    """Filter instances for the given names, in order.

    :raises: SchedulerPluginNotFound
    """
    return utils.load_plugins('filter', NAMESPACE, names)

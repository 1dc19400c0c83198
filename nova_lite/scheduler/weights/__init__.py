"""Host weighers: rank the hosts that passed the filters."""

from nova_lite.scheduler import utils

NAMESPACE = 'nova_lite.scheduler.weights'


def normalize(values, minval=None, maxval=None):
    """Scale ``values`` into 0..1 between ``minval`` and ``maxval``.

    The bounds default to the smallest and largest value. When they are
    equal every value maps to 0: no host is better than another, and no
    weigher should then outweigh the others by its raw scale.
    """
    values = list(values)
    if not values:
        return []
    lower = min(values) if minval is None else minval
    upper = max(values) if maxval is None else maxval
    span = upper - lower
    if span == 0:
        return [0.0] * len(values)
    return [(value - lower) / span for value in values]


class WeighedHost:
    """A host state and its total weight (higher is better)."""

    __slots__ = ('obj', 'weight')

    def __init__(self, obj, weight=0.0):
        self.obj = obj
        self.weight = weight

    def __repr__(self):
        return '<WeighedHost %s %.3f>' % (self.obj.name, self.weight)


class BaseHostWeigher:
    """Scores hosts for one aspect; the scheduler sums the scores.

    Raw values from :meth:`_weigh_object` are normalised to 0..1 across the
    candidate hosts, so weighers with very different units (MB, vCPUs)
    add up fairly, and each is then scaled by :meth:`weight_multiplier`
    (negative to prefer the low end, e.g. to stack instead of spread).
    """

    # NOTE: fixed bounds for normalisation; None means "from the hosts".
    minval = None
    maxval = None

    @property
    def name(self):
        return type(self).__name__

    def weight_multiplier(self):
        """How much this weigher counts, and in which direction."""
        return 1.0

    def _weigh_object(self, host_state, spec_obj):
        """A raw score for one host: bigger is better before the multiplier."""
        raise NotImplementedError()

    def weigh_objects(self, weighed_hosts, spec_obj):
        """Raw scores of the hosts, in order."""
        return [self._weigh_object(weighed.obj, spec_obj)
                for weighed in weighed_hosts]


def get_weighed_hosts(weighers, host_states, spec_obj):
    """Hosts with their summed weights, best first.

    Ties keep the order of ``host_states`` (stable sort), which keeps a
    given state of the world giving the same answer.

    :returns: a list of :class:`WeighedHost`.
    """
    weighed = [WeighedHost(host_state) for host_state in host_states]
    if not weighed:
        return []
    for weigher in weighers:
        multiplier = weigher.weight_multiplier()
        if multiplier == 0:
            continue
        raw = weigher.weigh_objects(weighed, spec_obj)
        for item, value in zip(weighed, normalize(raw, weigher.minval,
                                                  weigher.maxval)):
            item.weight += multiplier * value
    return sorted(weighed, key=lambda item: -item.weight)


def load_weighers(names):
    """Weigher instances for the given names, in order.

    :raises: SchedulerPluginNotFound
    """
    return utils.load_plugins('weigher', NAMESPACE, names)

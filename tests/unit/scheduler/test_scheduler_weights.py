"""Weighers: normalisation, multipliers, spreading versus stacking."""

import pytest

from nova_lite.scheduler import weights
from nova_lite.scheduler.weights import cpu
from nova_lite.scheduler.weights import ram

from .fakes import make_host_state
from .fakes import make_spec


@pytest.mark.parametrize('values, bounds, expected', [
    ([], (None, None), []),
    ([5], (None, None), [0.0]),
    ([3, 3, 3], (None, None), [0.0, 0.0, 0.0]),
    ([0, 5, 10], (None, None), [0.0, 0.5, 1.0]),
    ([-10, 0, 10], (None, None), [0.0, 0.5, 1.0]),
    ([2, 4], (0, 8), [0.25, 0.5]),
])
def test_normalize(values, bounds, expected):
    assert weights.normalize(values, *bounds) == expected


def _hosts(free):
    """Hosts named h0.. with 8192 MB / 8 vCPUs minus what ``free`` leaves."""
    return [make_host_state('h%d' % i, node_id=i + 1,
                            used={'MEMORY_MB': 8192 - mem, 'VCPU': 8 - vcpus})
            for i, (mem, vcpus) in enumerate(free)]


def _order(weighers, hosts):
    return [w.obj.host for w in
            weights.get_weighed_hosts(weighers, hosts, make_spec())]


@pytest.mark.parametrize('ram_mult, cpu_mult, free, order', [
    # spread on RAM: most free first
    (1.0, 0.0, [(1024, 1), (4096, 1), (2048, 1)], ['h1', 'h2', 'h0']),
    # stack on RAM: least free first
    (-1.0, 0.0, [(1024, 1), (4096, 1), (2048, 1)], ['h0', 'h2', 'h1']),
    # spread on CPU
    (0.0, 1.0, [(1024, 1), (1024, 6), (1024, 3)], ['h1', 'h2', 'h0']),
    # normalised: a 1-vCPU difference outweighs a 3 GB one at equal
    # multipliers, because each weigher's range maps to 0..1
    (1.0, 2.0, [(4096, 1), (1024, 2)], ['h1', 'h0']),
    (3.0, 1.0, [(4096, 1), (1024, 2)], ['h0', 'h1']),
    # ties keep the host manager's order
    (1.0, 1.0, [(2048, 2), (2048, 2), (2048, 2)], ['h0', 'h1', 'h2']),
])
def test_ram_and_cpu_weighers(flags, ram_mult, cpu_mult, free,
                              order):
    flags.set(group='filter_scheduler', ram_weight_multiplier=ram_mult,
              cpu_weight_multiplier=cpu_mult)
    assert _order([ram.RAMWeigher(), cpu.CPUWeigher()], _hosts(free)) == order


def test_weights_sum_multiplied_normalised_values(flags):
    flags.set(group='filter_scheduler', ram_weight_multiplier=2.0,
              cpu_weight_multiplier=-1.0)
    hosts = _hosts([(1024, 8), (5120, 4), (3072, 0)])
    weighed = {w.obj.host: w.weight for w in weights.get_weighed_hosts(
        [ram.RAMWeigher(), cpu.CPUWeigher()], hosts, make_spec())}
    # ram normalised: 0, 1, .5 (x2); cpu normalised: 1, .5, 0 (x-1)
    assert weighed == pytest.approx({'h0': -1.0, 'h1': 1.5, 'h2': 1.0})


def test_weighers_see_consumed_resources():
    hosts = _hosts([(4096, 4), (3072, 4)])
    hosts[0].consume({'MEMORY_MB': 2048})
    assert _order([ram.RAMWeigher()], hosts) == ['h1', 'h0']


def test_load_weighers():
    loaded = weights.load_weighers(['CPUWeigher', 'RAMWeigher'])
    assert [w.name for w in loaded] == ['CPUWeigher', 'RAMWeigher']

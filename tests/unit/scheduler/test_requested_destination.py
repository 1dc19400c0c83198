"""A requested destination (2.74): the scheduler keeps only that host or
node, and unlike a forced host still runs the filters."""

import pytest
from oslo_utils import uuidutils

from nova_lite import exception
from nova_lite.scheduler import filter_scheduler

from .fakes import add_host
from .fakes import make_spec

SMALL = dict(vcpus=1, memory_mb=512, root_gb=1)


@pytest.fixture
def scheduler(database, flags):
    return filter_scheduler.FilterScheduler()


@pytest.mark.parametrize('destination, expected', [
    ({'host': 'host-b', 'node': None}, 'host-b'),
    ({'host': None, 'node': 'host-a'}, 'host-a'),
    ({'host': 'host-b', 'node': 'host-b'}, 'host-b'),
])
def test_only_the_requested_destination(scheduler, ctxt, destination,
                                        expected):
    add_host('host-a', memory_mb=8192)
    add_host('host-b', memory_mb=2048)
    [selections] = scheduler.select_destinations(
        ctxt, make_spec(requested_destination=destination, **SMALL),
        [uuidutils.generate_uuid()])
    assert [s.service_host for s in selections] == [expected]


def test_requested_destination_still_runs_filters(scheduler, ctxt):
    add_host('host-a', memory_mb=8192)
    add_host('host-b', memory_mb=8192, disabled=True)
    spec = make_spec(requested_destination={'host': 'host-b',
                                            'node': None}, **SMALL)
    with pytest.raises(exception.NoValidHost) as error:
        scheduler.select_destinations(ctxt, spec,
                                      [uuidutils.generate_uuid()])
    message = str(error.value)
    assert ('requested_destination removed 1 (host-a: not the requested '
            'destination)') in message
    assert 'host-b' in message.split('requested_destination removed 1')[1]

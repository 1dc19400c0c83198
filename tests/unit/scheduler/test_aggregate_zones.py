"""Availability zones from host aggregates, as the scheduler sees them:
the host manager's states, the AvailabilityZoneFilter, and a whole
select_destinations on a real sqlite database."""

import pytest
from oslo_utils import uuidutils

from nova_lite.db import aggregate_api
from nova_lite.db import service_api as db
from nova_lite import exception
from nova_lite.objects import service as service_obj
from nova_lite.scheduler import filter_scheduler
from nova_lite.scheduler.filters import availability_zone_filter
from nova_lite.scheduler import host_manager

from .fakes import add_host
from .fakes import make_spec
from .test_host_manager import _count_queries

SMALL = dict(vcpus=1, memory_mb=512, root_gb=1)


def _aggregate(name, zone=None, hosts=(), **metadata):
    if zone:
        metadata['availability_zone'] = zone
    row = aggregate_api.aggregate_create(name, metadata)
    for host in hosts:
        aggregate_api.aggregate_host_add(row.id, host)
    return row


def _states(ctxt):
    return {state.host: state for state in
            host_manager.HostManager().get_host_states(ctxt)}


def test_zone_and_aggregates_of_each_host(database, ctxt):
    for host in ('host-a', 'host-b', 'host-c'):
        add_host(host)
    _aggregate('agg1', 'az1', ['host-a'])
    _aggregate('fast', hosts=['host-a', 'host-b'], ssd='true')
    states = _states(ctxt)
    assert states['host-a'].availability_zone == 'az1'
    assert states['host-b'].availability_zone == 'nova'
    assert states['host-c'].availability_zone == 'nova'
    assert sorted(a.name for a in states['host-a'].aggregates) == [
        'agg1', 'fast']
    assert [a.metadata for a in states['host-b'].aggregates] == [
        {'ssd': 'true'}]
    assert states['host-c'].aggregates == []


def test_default_zone_is_configurable(database, ctxt, flags):
    flags(default_availability_zone='zone-0')
    add_host('host-a')
    add_host('host-b')
    _aggregate('agg1', 'az1', ['host-a'])
    states = _states(ctxt)
    assert (states['host-a'].availability_zone,
            states['host-b'].availability_zone) == ('az1', 'zone-0')


def test_aggregates_cost_no_query_per_host(database, ctxt):
    add_host('host-0')
    _aggregate('agg0', 'az0', ['host-0'])
    with _count_queries() as few:
        host_manager.HostManager().get_host_states(ctxt)
    for i in range(1, 15):
        add_host('host-%d' % i)
        _aggregate('agg%d' % i, 'az%d' % i, ['host-%d' % i])
    with _count_queries() as many:
        assert len(host_manager.HostManager().get_host_states(ctxt)) == 15
    assert len(few) == len(many)


@pytest.mark.parametrize('wanted, passing', [
    (None, {'host-a', 'host-b'}),
    ('az1', {'host-a'}),
    ('az1:host-a', {'host-a'}),
    ('nova', {'host-b'}),
    ('elsewhere', set()),
])
def test_filter_on_aggregate_zones(database, ctxt, wanted, passing):
    add_host('host-a')
    add_host('host-b')
    _aggregate('agg1', 'az1', ['host-a'])
    az_filter = availability_zone_filter.AvailabilityZoneFilter()
    spec = make_spec(availability_zone=wanted)
    passed = {state.host for state in _states(ctxt).values()
              if az_filter.host_passes(state, spec)}
    assert passed == passing


def test_select_destinations_keeps_to_the_zone(database, ctxt):
    add_host('host-a', memory_mb=2048)
    add_host('host-b', memory_mb=8192)
    _aggregate('agg1', 'az1', ['host-a'])
    scheduler = filter_scheduler.FilterScheduler()
    [selections] = scheduler.select_destinations(
        ctxt, make_spec(availability_zone='az1', **SMALL),
        [uuidutils.generate_uuid()])
    assert [s.service_host for s in selections] == ['host-a']
    assert selections[0].availability_zone == 'az1'
    # Without a zone the roomier host wins, and says which zone it is in.
    [selections] = scheduler.select_destinations(
        ctxt, make_spec(**SMALL), [uuidutils.generate_uuid()])
    assert selections[0].service_host == 'host-b'
    assert selections[0].availability_zone == 'nova'


def test_disabled_host_is_skipped_with_its_reason(database, ctxt):
    add_host('host-a', memory_mb=2048)
    add_host('host-b', memory_mb=8192)
    service = db.service_get_by_host_and_binary('host-b',
                                                service_obj.COMPUTE_BINARY)
    db.service_update(service.id, {'disabled': True,
                                   'disabled_reason': 'maintenance'})
    scheduler = filter_scheduler.FilterScheduler()
    [selections] = scheduler.select_destinations(
        ctxt, make_spec(**SMALL), [uuidutils.generate_uuid()])
    assert [s.service_host for s in selections] == ['host-a']
    with pytest.raises(exception.NoValidHost) as error:
        scheduler.select_destinations(
            ctxt, make_spec(availability_zone='nova', vcpus=1,
                            memory_mb=4096, root_gb=1),
            [uuidutils.generate_uuid()])
    assert 'host-b: compute service disabled (maintenance)' in str(
        error.value)

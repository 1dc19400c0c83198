"""select_destinations against a real sqlite database: picks, claims,
alternates, fallbacks, roll-backs and the NoValidHost explanation."""

import pytest
from oslo_utils import uuidutils

from nova_lite.db import compute_node_api as node_db
from nova_lite import exception
from nova_lite.scheduler import filter_scheduler
from nova_lite.scheduler import filters

from .fakes import add_host
from .fakes import make_host_state
from .fakes import make_spec
from .fakes import used_on

SMALL = dict(vcpus=1, memory_mb=512, root_gb=1)


@pytest.fixture
def scheduler(database, flags):
    # NOTE: spread on RAM only, so the expected order is easy to read.
    flags.set(group='filter_scheduler', cpu_weight_multiplier=0.0)
    return filter_scheduler.FilterScheduler()


def _uuids(count):
    return [uuidutils.generate_uuid() for _ in range(count)]


def _hosts(selections):
    return [s.service_host for s in selections]


def _no_valid_host(scheduler, ctxt, spec, count=1):
    uuids = _uuids(count)
    with pytest.raises(exception.NoValidHost) as error:
        scheduler.select_destinations(ctxt, spec, uuids)
    return str(error.value), uuids


# ---- picking, claiming, alternates -----------------------------------------

def test_picks_best_claims_it_and_returns_alternates(scheduler,
                                                     ctxt):
    a = add_host('host-a', memory_mb=2048)
    b = add_host('host-b', memory_mb=8192)
    c = add_host('host-c', memory_mb=4096)
    [uuid] = _uuids(1)
    [selections] = scheduler.select_destinations(
        ctxt, make_spec(**SMALL), [uuid])
    assert _hosts(selections) == ['host-b', 'host-c', 'host-a']
    chosen = selections[0]
    assert (chosen.compute_node_id, chosen.compute_node_uuid,
            chosen.nodename, chosen.availability_zone) == (
        b.id, b.uuid, 'host-b', 'nova')
    claimed = {'VCPU': 1, 'MEMORY_MB': 512, 'DISK_GB': 1}
    assert chosen.resources == claimed
    assert used_on(b.id) == claimed
    # NOTE: alternates carry what would be claimed, but hold nothing.
    assert all(s.resources == claimed for s in selections[1:])
    assert used_on(a.id) == used_on(c.id) == {}
    assert [r.consumer_id
            for r in node_db.allocation_get_by_consumer(uuid)] == [uuid] * 3


@pytest.mark.parametrize('max_attempts, alternates, expected', [
    (1, True, 1), (2, True, 2), (3, True, 3), (10, True, 4),
    (3, False, 1),
])
def test_alternates_count(scheduler, ctxt, flags, max_attempts,
                          alternates, expected):
    for i in range(4):
        add_host('host-%d' % i)
    flags.set(group='scheduler', max_attempts=max_attempts)
    [selections] = scheduler.select_destinations(
        ctxt, make_spec(**SMALL), _uuids(1), return_alternates=alternates)
    assert len(selections) == expected
    assert len(set(_hosts(selections))) == expected


def test_multi_instance_sees_its_own_claims(scheduler, ctxt):
    a = add_host('host-a', memory_mb=4096)
    b = add_host('host-b', memory_mb=3072)
    uuids = _uuids(3)
    result = scheduler.select_destinations(
        ctxt, make_spec(vcpus=1, memory_mb=1024, root_gb=1), uuids)
    # a: 4096 free -> 3072 after the first; ties keep node order
    assert [r[0].service_host for r in result] == ['host-a', 'host-a',
                                                   'host-b']
    assert used_on(a.id)['MEMORY_MB'] == 2048
    assert used_on(b.id)['MEMORY_MB'] == 1024
    assert [len(r) for r in result] == [2, 2, 2]


def test_negative_multiplier_stacks(scheduler, ctxt, flags):
    flags.set(group='filter_scheduler', ram_weight_multiplier=-1.0)
    add_host('host-a', memory_mb=4096)
    add_host('host-b', memory_mb=8192)
    result = scheduler.select_destinations(ctxt, make_spec(**SMALL),
                                           _uuids(3))
    assert [r[0].service_host for r in result] == ['host-a'] * 3


def test_claim_refused_falls_back_to_next_host(scheduler, ctxt,
                                               monkeypatch):
    a = add_host('host-a', memory_mb=8192)
    b = add_host('host-b', memory_mb=4096)
    add_host('host-c', memory_mb=2048)
    real_claim = node_db.allocation_claim
    calls = []

    def racing_claim(node_id, consumer, resources):
        # NOTE: another scheduler fills host-a between our read and claim.
        if not calls:
            assert real_claim(a.id, 'intruder', {'MEMORY_MB': 8192})
        calls.append(node_id)
        return real_claim(node_id, consumer, resources)

    monkeypatch.setattr(node_db, 'allocation_claim', racing_claim)
    [uuid] = _uuids(1)
    [selections] = scheduler.select_destinations(ctxt, make_spec(**SMALL),
                                                 [uuid])
    assert calls == [a.id, b.id]
    assert _hosts(selections) == ['host-b', 'host-c']
    assert used_on(b.id)['MEMORY_MB'] == 512
    assert used_on(a.id) == {'MEMORY_MB': 8192}


def test_refused_host_is_not_retried_by_later_instances(scheduler,
                                                        ctxt,
                                                        monkeypatch):
    a = add_host('host-a', memory_mb=8192)
    add_host('host-b', memory_mb=4096)
    calls = []

    def claim(node_id, consumer, resources):
        calls.append(node_id)
        return node_id != a.id

    monkeypatch.setattr(node_db, 'allocation_claim', claim)
    result = scheduler.select_destinations(ctxt, make_spec(**SMALL),
                                           _uuids(2))
    assert calls.count(a.id) == 1
    assert [len(r) for r in result] == [1, 1]


def test_all_claims_refused(scheduler, ctxt, monkeypatch):
    add_host('host-a')
    add_host('host-b')
    monkeypatch.setattr(node_db, 'allocation_claim', lambda *args: False)
    message, _uuids_ = _no_valid_host(scheduler, ctxt, make_spec(**SMALL))
    assert message == (
        'No valid host was found. There are 2 compute hosts: '
        'ComputeFilter removed 0, ResourceFitFilter removed 0, '
        'AvailabilityZoneFilter removed 0, ImagePropertiesFilter removed 0, '
        'ServerGroupAntiAffinityFilter removed 0, '
        'ServerGroupAffinityFilter removed 0, '
        'allocation claim removed 2 (host-a: free space taken by a '
        'concurrent request; host-b: free space taken by a concurrent '
        'request).')


def test_partial_failure_releases_earlier_claims(scheduler,
                                                 ctxt):
    a = add_host('host-a', vcpus=2)
    b = add_host('host-b', vcpus=1)
    message, uuids = _no_valid_host(scheduler, ctxt,
                                    make_spec(vcpus=1, memory_mb=512,
                                              root_gb=1), count=4)
    assert used_on(a.id) == used_on(b.id) == {}
    assert all(node_db.allocation_get_by_consumer(u) == [] for u in uuids)
    assert message == (
        'No valid host was found. There are 2 compute hosts: ComputeFilter '
        'removed 0, ResourceFitFilter removed 2 (host-a: not enough VCPU: '
        'requested 1, free 0; host-b: not enough VCPU: requested 1, free 0). '
        'This was instance 4 of 4; the claims of the 3 before it were '
        'released.')


def test_empty_instance_uuids_is_an_error(scheduler, ctxt):
    with pytest.raises(exception.InvalidInput):
        scheduler.select_destinations(ctxt, make_spec(), [])


def test_subset_picks_among_the_best(scheduler, ctxt, flags,
                                     monkeypatch):
    flags.set(group='filter_scheduler', host_subset_size=2)
    for memory, name in ((8192, 'best'), (4096, 'second'), (2048, 'third')):
        add_host(name, memory_mb=memory)
    offered = []

    def last(items):
        offered.append([i.obj.host for i in items])
        return items[-1]

    monkeypatch.setattr(filter_scheduler.random, 'choice', last)
    [selections] = scheduler.select_destinations(ctxt, make_spec(**SMALL),
                                                 _uuids(1))
    assert offered == [['best', 'second']]
    assert _hosts(selections) == ['second', 'best', 'third']


# ---- ignore and force ------------------------------------------------------

def test_ignore_hosts(scheduler, ctxt):
    add_host('host-a', memory_mb=8192)
    add_host('host-b')
    [selections] = scheduler.select_destinations(
        ctxt, make_spec(ignore_hosts=['HOST-A'], **SMALL), _uuids(1))
    assert _hosts(selections) == ['host-b']
    message, _u = _no_valid_host(
        scheduler, ctxt, make_spec(ignore_hosts=['host-a', 'host-b'],
                                   **SMALL))
    assert message == ('No valid host was found. There are 2 compute hosts: '
                       'ignore_hosts removed 2 (host-a: already tried or '
                       'moving away; host-b: already tried or moving '
                       'away).')


def test_force_hosts_skip_filters_but_not_resources(scheduler,
                                                    ctxt):
    add_host('host-a', memory_mb=8192)
    b = add_host('host-b', memory_mb=1024, disabled=True)
    [selections] = scheduler.select_destinations(
        ctxt, make_spec(force_hosts=['host-b'], **SMALL), _uuids(1))
    assert _hosts(selections) == ['host-b']
    assert used_on(b.id)['MEMORY_MB'] == 512
    message, _u = _no_valid_host(
        scheduler, ctxt, make_spec(force_hosts=['host-b'], vcpus=1,
                                   memory_mb=1024, root_gb=1))
    assert message == (
        'No valid host was found. There are 2 compute hosts: '
        'force_hosts/force_nodes removed 1 (host-a: not the forced host), '
        'ResourceFitFilter removed 1 (host-b: not enough MEMORY_MB: '
        'requested 1024, free 512).')


@pytest.mark.parametrize('force, expected', [
    (dict(force_nodes=['host-b']), ['host-b']),
    (dict(force_hosts=['host-a'], force_nodes=['host-a']), ['host-a']),
    (dict(force_hosts=['host-a'], force_nodes=['host-b']), None),
    (dict(force_hosts=['nowhere']), None),
])
def test_force_hosts_and_nodes(scheduler, ctxt, force,
                               expected):
    add_host('host-a')
    add_host('host-b')
    spec = make_spec(**dict(SMALL, **force))
    if expected is None:
        message, _u = _no_valid_host(scheduler, ctxt, spec)
        assert 'force_hosts/force_nodes removed 2' in message
    else:
        [selections] = scheduler.select_destinations(ctxt, spec, _uuids(1))
        assert _hosts(selections) == expected


# ---- the explanation -------------------------------------------------------

def test_no_compute_hosts(scheduler, ctxt):
    message, _u = _no_valid_host(scheduler, ctxt, make_spec())
    assert message == 'No valid host was found. There are no compute hosts.'


@pytest.mark.parametrize('hosts, spec, expected', [
    ([dict(host='host-a', memory_mb=2048)], dict(memory_mb=4096),
     'There is 1 compute host: ComputeFilter removed 0, ResourceFitFilter '
     'removed 1 (host-a: not enough MEMORY_MB: requested 4096, free 2048).'),
    ([dict(host='host-a', up=False), dict(host='host-b', memory_mb=2048),
      dict(host='host-c', memory_mb=1024)], dict(memory_mb=4096),
     'There are 3 compute hosts: ComputeFilter removed 1 (host-a: compute '
     'service is down), ResourceFitFilter removed 2 (host-b: not enough '
     'MEMORY_MB: requested 4096, free 2048; host-c: not enough MEMORY_MB: '
     'requested 4096, free 1024).'),
    ([dict(host='host-a'), dict(host='host-b', disabled=True)],
     dict(availability_zone='east'),
     'There are 2 compute hosts: ComputeFilter removed 1 (host-b: compute '
     'service disabled), ResourceFitFilter removed 0, '
     'AvailabilityZoneFilter removed 1 (host-a: in availability zone nova, '
     'not east).'),
    ([dict(host='host-a')], dict(image_props={'hw_architecture': 's390x'}),
     'There is 1 compute host: ComputeFilter removed 0, ResourceFitFilter '
     'removed 0, AvailabilityZoneFilter removed 0, ImagePropertiesFilter '
     'removed 1 (host-a: image needs s390x/*/* (arch/hv_type/vm_mode), '
     'host supports x86_64/fake/hvm).'),
])
def test_explanation(scheduler, ctxt, hosts, spec, expected):
    for host in hosts:
        add_host(**host)
    message, _u = _no_valid_host(scheduler, ctxt,
                                 make_spec(**dict(SMALL, **spec)))
    assert message == 'No valid host was found. ' + expected


def test_explanation_names_a_bounded_number_of_hosts():
    removed = [(make_host_state('h%02d' % i), 'full') for i in range(25)]
    run = filters.FilterRun('ResourceFitFilter', removed)
    message = filter_scheduler.explain(25, [run])
    assert message.startswith('There are 25 compute hosts: ResourceFitFilter'
                              ' removed 25 (h00: full; h01: full; ')
    assert message.endswith('h09: full; and 15 more).')


def test_explanation_is_logged(scheduler, ctxt, monkeypatch):
    logged = []
    monkeypatch.setattr(filter_scheduler.LOG, 'warning',
                        lambda msg, *args: logged.append(msg % args))
    _no_valid_host(scheduler, ctxt, make_spec())
    assert len(logged) == 1
    assert logged[0].endswith('There are no compute hosts.')

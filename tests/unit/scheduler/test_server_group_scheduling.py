"""Server groups in the scheduler: the affinity filters and soft weighers
(table-driven), and select_destinations on sqlite keeping a group's policy,
also when schedulers race with stale host states."""

import threading
from unittest import mock

from oslo_utils import uuidutils
import pytest

from nova_lite.conductor import manager as conductor_manager
from nova_lite.db import compute_node_api as node_db
from nova_lite.db import server_group_api as group_db
from nova_lite import exception
from nova_lite import objects
from nova_lite.scheduler import filter_scheduler
from nova_lite.scheduler import filters
from nova_lite.scheduler.filters import affinity_filter
from nova_lite.scheduler import host_manager
from nova_lite.scheduler import weights
from nova_lite.scheduler.weights import affinity

from .fakes import add_host
from .fakes import make_host_state
from .fakes import make_spec

SMALL = dict(vcpus=1, memory_mb=64, root_gb=1)
GROUP = '8a1b2c3d-0000-4000-8000-000000000001'


def _group(policy, rules=None, hosts=None, uuid=GROUP):
    group = objects.InstanceGroup(uuid=uuid, policy=policy,
                                  rules=rules or {}, members=[])
    if hosts is not None:
        group.hosts = hosts
    return group


def _host(name='host-a', members=(), node_id=1):
    state = make_host_state(name, node_id=node_id)
    state.group_members = set(members)
    return state


def _verdict(host_filter, host_state, spec):
    return filters._verdict(host_filter.host_passes(host_state, spec))


# ---- filters ---------------------------------------------------------------

@pytest.mark.parametrize('group, members, passes', [
    (None, ['a'], True),
    (_group('affinity'), ['a'], True),
    (_group('soft-anti-affinity'), ['a', 'b'], True),
    (_group('anti-affinity'), [], True),
    (_group('anti-affinity'), ['a'], False),
    (_group('anti-affinity', {'max_server_per_host': 2}), ['a'], True),
    (_group('anti-affinity', {'max_server_per_host': 2}), ['a', 'b'], False),
])
def test_anti_affinity_filter(group, members, passes):
    verdict = _verdict(affinity_filter.ServerGroupAntiAffinityFilter(),
                       _host(members=members),
                       make_spec(instance_group=group))
    assert bool(verdict) == passes
    if not passes:
        assert verdict.reason == (
            '%d member(s) of server group %s already here, '
            'max_server_per_host is %d' % (
                len(members), GROUP, group.max_server_per_host))


@pytest.mark.parametrize('group, host, members, passes', [
    (None, 'host-a', [], True),
    (_group('anti-affinity', hosts=['host-b']), 'host-a', [], True),
    (_group('affinity'), 'host-a', [], True),
    (_group('affinity', hosts=[]), 'host-a', [], True),
    (_group('affinity', hosts=['host-a']), 'host-a', ['x'], True),
    (_group('affinity', hosts=['host-b']), 'host-a', [], False),
])
def test_affinity_filter(group, host, members, passes):
    verdict = _verdict(affinity_filter.ServerGroupAffinityFilter(),
                       _host(host, members=members),
                       make_spec(instance_group=group))
    assert bool(verdict) == passes
    if not passes:
        assert verdict.reason == 'server group %s runs on host-b' % GROUP


def test_spec_without_a_group_field_passes():
    spec = make_spec()
    assert _verdict(affinity_filter.ServerGroupAffinityFilter(), _host(),
                    spec)
    assert _verdict(affinity_filter.ServerGroupAntiAffinityFilter(),
                    _host(members=['a']), spec)


# ---- weighers --------------------------------------------------------------

def _order(group, members_per_host, flags=None):
    hosts = [_host('h%d' % i, members=['m%d-%d' % (i, n) for n in range(c)],
                   node_id=i + 1)
             for i, c in enumerate(members_per_host)]
    weighers = [affinity.ServerGroupSoftAffinityWeigher(),
                affinity.ServerGroupSoftAntiAffinityWeigher()]
    return [w.obj.host for w in weights.get_weighed_hosts(
        weighers, hosts, make_spec(instance_group=group))]


@pytest.mark.parametrize('policy, members, order', [
    ('soft-affinity', [0, 2, 1], ['h1', 'h2', 'h0']),
    ('soft-anti-affinity', [2, 0, 1], ['h1', 'h2', 'h0']),
    # hard policies and no group leave the order alone
    ('affinity', [0, 2, 1], ['h0', 'h1', 'h2']),
    (None, [0, 2, 1], ['h0', 'h1', 'h2']),
])
def test_soft_weighers(policy, members, order):
    group = _group(policy) if policy else None
    assert _order(group, members) == order


def test_soft_weigher_multipliers(flags):
    flags.set(group='filter_scheduler', soft_affinity_weight_multiplier=0.0,
              soft_anti_affinity_weight_multiplier=2.5)
    assert affinity.ServerGroupSoftAffinityWeigher().weight_multiplier() == 0
    assert affinity.ServerGroupSoftAntiAffinityWeigher() \
        .weight_multiplier() == 2.5
    assert _order(_group('soft-affinity'), [0, 2, 1]) == ['h0', 'h1', 'h2']


def test_enabled_by_default():
    from nova_lite import conf
    group = conf.CONF.filter_scheduler
    assert {'ServerGroupAffinityFilter',
            'ServerGroupAntiAffinityFilter'} <= set(group.enabled_filters)
    assert {'ServerGroupSoftAffinityWeigher',
            'ServerGroupSoftAntiAffinityWeigher'} <= set(
                group.weight_classes)
    assert len(filters.load_filters(group.enabled_filters)) == len(
        group.enabled_filters)
    assert len(weights.load_weighers(group.weight_classes)) == len(
        group.weight_classes)


# ---- select_destinations with a group --------------------------------------

def _db_group(policy, rules=None, members=0):
    row = group_db.instance_group_create(dict(
        name='g', user_id='u', project_id='p', policy=policy, rules=rules))
    uuids = [uuidutils.generate_uuid() for _ in range(members)]
    row = group_db.instance_group_members_add(row.uuid, uuids)
    return objects.InstanceGroup._from_row(None, row), uuids


@pytest.fixture
def scheduler(database, flags):
    flags.set(group='filter_scheduler', cpu_weight_multiplier=0.0)
    return filter_scheduler.FilterScheduler()


def test_anti_affinity_spreads_then_no_valid_host(scheduler, ctxt):
    add_host('host-a', memory_mb=8192)
    add_host('host-b', memory_mb=4096)
    group, uuids = _db_group('anti-affinity', members=3)
    spec = make_spec(instance_group=group, **SMALL)
    placed = [scheduler.select_destinations(ctxt, spec, [uuid])[0][0]
              .service_host for uuid in uuids[:2]]
    assert sorted(placed) == ['host-a', 'host-b']
    with pytest.raises(exception.NoValidHost) as error:
        scheduler.select_destinations(ctxt, spec, [uuids[2]])
    assert 'ServerGroupAntiAffinityFilter removed 2' in str(error.value)


def test_multi_instance_request_keeps_anti_affinity(scheduler, ctxt):
    for name in ('host-a', 'host-b', 'host-c'):
        add_host(name)
    group, uuids = _db_group('anti-affinity',
                             {'max_server_per_host': 2}, members=6)
    result = scheduler.select_destinations(
        ctxt, make_spec(instance_group=group, **SMALL), uuids)
    hosts = [selections[0].service_host for selections in result]
    assert sorted(hosts) == ['host-a', 'host-a', 'host-b', 'host-b',
                             'host-c', 'host-c']


def test_affinity_follows_the_first_member(scheduler, ctxt):
    add_host('host-a', memory_mb=4096)
    add_host('host-b', memory_mb=8192)
    group, uuids = _db_group('affinity', members=3)
    spec = make_spec(instance_group=group, **SMALL)
    [first] = scheduler.select_destinations(ctxt, spec, uuids[:1])
    assert first[0].service_host == 'host-b'
    # NOTE: RAM alone would now prefer neither; the filter keeps host-b.
    rest = scheduler.select_destinations(ctxt, spec, uuids[1:])
    assert [s[0].service_host for s in rest] == ['host-b', 'host-b']


def test_soft_anti_affinity_spreads_but_never_refuses(scheduler, ctxt,
                                                      flags):
    flags.set(group='filter_scheduler', ram_weight_multiplier=0.0)
    add_host('host-a')
    add_host('host-b')
    group, uuids = _db_group('soft-anti-affinity', members=4)
    result = scheduler.select_destinations(
        ctxt, make_spec(instance_group=group, **SMALL), uuids)
    hosts = [selections[0].service_host for selections in result]
    assert sorted(hosts) == ['host-a', 'host-a', 'host-b', 'host-b']


def test_claim_lost_to_a_concurrent_member_names_the_filter(
        scheduler, ctxt, monkeypatch):
    add_host('host-a')
    group, uuids = _db_group('anti-affinity', members=2)
    real = host_manager.set_group_members

    def stale(host_states, spec_obj):
        real(host_states, spec_obj)
        # NOTE: another scheduler claims for a member after our read.
        node_id = host_states[0].compute_node_id
        assert group_db.allocation_claim(group.uuid, node_id, uuids[1],
                                         {'VCPU': 1})

    monkeypatch.setattr(host_manager, 'set_group_members', stale)
    with pytest.raises(exception.NoValidHost) as error:
        scheduler.select_destinations(
            ctxt, make_spec(instance_group=group, **SMALL), uuids[:1])
    assert ('ServerGroupAntiAffinityFilter removed 1 (host-a: 1 member(s) '
            'already on the host, max_server_per_host is 1)'
            in str(error.value))
    assert node_db.allocation_get_by_consumer(uuids[0]) == []


class _StaleReads(host_manager.HostManager):
    """Every scheduler reads the hosts before any of them claims."""

    def __init__(self, barrier):
        self.barrier = barrier

    def get_host_states(self, context):
        states = super().get_host_states(context)
        self.barrier.wait(timeout=30)
        return states


@pytest.mark.parametrize('policy, rules, expected', [
    ('anti-affinity', {'max_server_per_host': 2}, [2, 2, 2]),
    ('affinity', None, [9]),
])
def test_racing_schedulers_keep_the_group_policy(database, ctxt, flags,
                                                 policy, rules, expected):
    threads = 9
    flags.set(group='database', max_retries=threads * 4)
    # NOTE: random picks among all hosts, so that stale schedulers of an
    # affinity group do try to split it.
    flags.set(group='filter_scheduler', host_subset_size=3)
    for name in ('host-a', 'host-b', 'host-c'):
        add_host(name, vcpus=64, memory_mb=65536, local_gb=640)
    group, uuids = _db_group(policy, rules, members=threads)
    barrier = threading.Barrier(threads)
    outcomes = {}

    def schedule(uuid):
        scheduler = filter_scheduler.FilterScheduler(
            host_manager=_StaleReads(barrier))
        own_group = objects.InstanceGroup.obj_from_primitive(
            group.obj_to_primitive())
        spec = make_spec(instance_group=own_group, **SMALL)
        try:
            [selections] = scheduler.select_destinations(ctxt, spec, [uuid])
            outcomes[uuid] = selections[0].service_host
        except Exception as error:  # NOTE: checked below.
            outcomes[uuid] = error

    workers = [threading.Thread(target=schedule, args=(uuid,))
               for uuid in uuids]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    placed = [o for o in outcomes.values() if isinstance(o, str)]
    refused = [o for o in outcomes.values() if not isinstance(o, str)]
    counts = sorted(placed.count(h) for h in set(placed))
    assert counts == expected
    assert all(isinstance(e, exception.NoValidHost) for e in refused)
    by_node = group_db.instance_group_members_by_node(group.uuid)
    assert sorted(len(m) for m in by_node.values()) == expected


# ---- reschedules -----------------------------------------------------------

def test_reschedule_skips_an_alternate_that_breaks_the_group(database,
                                                             ctxt):
    with mock.patch('nova_lite.rpc.get_client'):
        conductor = conductor_manager.ComputeTaskManager()
    conductor.compute_rpcapi = mock.Mock()
    nodes = [add_host(name) for name in ('host-a', 'host-b', 'host-c')]
    group, (placed, moving) = _db_group('anti-affinity', members=2)
    assert group_db.allocation_claim(group.uuid, nodes[1].id, placed,
                                     {'VCPU': 1})
    instance = objects.Instance(
        context=ctxt, uuid=moving, user_id='u', project_id='p',
        vm_state='building', task_state='scheduling', vcpus=1,
        memory_mb=64)
    instance.create()
    selections = [objects.Selection(
        service_host=node.host, nodename=node.host,
        compute_node_uuid=node.uuid, compute_node_id=node.id,
        resources={'VCPU': 1}, availability_zone='nova')
        for node in nodes[1:]]
    conductor.build_instances(
        ctxt, [instance], image=None,
        request_spec=make_spec(instance_group=group),
        host_lists=[selections])
    kwargs = conductor.compute_rpcapi.build_and_run_instance.call_args.kwargs
    # NOTE: host-b runs the other member: the claim moves on to host-c.
    assert kwargs['host'] == 'host-c'
    assert group_db.instance_group_members_by_node(group.uuid) == {
        nodes[1].id: {placed}, nodes[2].id: {moving}}

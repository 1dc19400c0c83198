"""db/server_group_api: groups, members, and the claim that keeps a group's
policy, on a real sqlite database (threads racing included)."""

import concurrent.futures
import threading

from oslo_utils import uuidutils
import pytest

from nova_lite.db import instance_api as db_api
from nova_lite.db import server_group_api as db
from nova_lite import exception
from tests.unit.scheduler.fakes import add_host

RESOURCES = {'VCPU': 1, 'MEMORY_MB': 64, 'DISK_GB': 1}


def _group(policy='anti-affinity', rules=None, project_id='p1', **kw):
    values = dict(name='g', user_id='u1', project_id=project_id,
                  policy=policy, rules=rules)
    values.update(kw)
    return db.instance_group_create(values)


def _instance(user_id='u1', project_id='p1'):
    uuid = uuidutils.generate_uuid()
    db_api.instance_create({'uuid': uuid, 'user_id': user_id,
                            'project_id': project_id,
                            'vm_state': 'building'})
    return uuid


# ---- groups ----------------------------------------------------------------

def test_create_get_and_rules(database):
    row = _group(rules={'max_server_per_host': 3})
    got = db.instance_group_get(row.uuid)
    assert (got.name, got.policy, got.user_id, got.project_id) == (
        'g', 'anti-affinity', 'u1', 'p1')
    assert db.rules_of(got) == {'max_server_per_host': 3}
    assert db.max_server_per_host(db.rules_of(got)) == 3
    assert db.rules_of(_group()) == {}
    assert db.max_server_per_host({}) == 1


def test_get_outside_the_project_is_not_found(database):
    row = _group(project_id='p1')
    assert db.instance_group_get(row.uuid, project_id='p1').id == row.id
    with pytest.raises(exception.InstanceGroupNotFound):
        db.instance_group_get(row.uuid, project_id='p2')
    with pytest.raises(exception.InstanceGroupNotFound):
        db.instance_group_destroy(row.uuid, project_id='p2')


def test_list_count_and_pages(database):
    rows = [_group(name='g%d' % i) for i in range(4)]
    _group(project_id='p2')
    assert [r.uuid for r in db.instance_group_get_all('p1')] == [
        r.uuid for r in rows]
    assert len(db.instance_group_get_all()) == 5
    assert [r.uuid for r in db.instance_group_get_all(
        'p1', limit=2, offset=1)] == [rows[1].uuid, rows[2].uuid]
    assert db.instance_group_count_by_project('p1') == 4
    assert db.instance_group_count_by_project('p3') == 0


def test_members_and_delete(database):
    row = _group()
    first, second = _instance(), _instance(user_id='u2')
    got = db.instance_group_members_add(row.uuid, [first, second])
    assert [m.instance_uuid for m in got.members] == [first, second]
    assert db.instance_group_member_count(row.uuid) == 2
    assert db.instance_group_member_count(row.uuid, user_id='u2') == 1
    assert db.instance_group_uuids_by_instances([first, 'other']) == {
        first: [row.uuid]}
    # NOTE: a deleted server leaves its group.
    db_api.instance_destroy(second)
    assert [m.instance_uuid for m in db.instance_group_get(
        row.uuid).members] == [first]
    # NOTE: a deleted group leaves its members running, in no group.
    db.instance_group_destroy(row.uuid)
    with pytest.raises(exception.InstanceGroupNotFound):
        db.instance_group_get(row.uuid)
    assert db_api.instance_get_by_uuid(first).uuid == first
    assert db.instance_group_uuids_by_instances([first]) == {}
    with pytest.raises(exception.InstanceGroupNotFound):
        db.instance_group_members_add(row.uuid, [first])


# ---- the policy ------------------------------------------------------------

@pytest.mark.parametrize('policy, rules, members, node, broken', [
    ('anti-affinity', {}, {}, 1, False),
    ('anti-affinity', {}, {1: {'a'}}, 1, True),
    ('anti-affinity', {}, {1: {'a'}}, 2, False),
    ('anti-affinity', {'max_server_per_host': 2}, {1: {'a'}}, 1, False),
    ('anti-affinity', {'max_server_per_host': 2}, {1: {'a', 'b'}}, 1, True),
    ('affinity', {}, {}, 1, False),
    ('affinity', {}, {1: {'a'}}, 1, False),
    ('affinity', {}, {1: {'a'}}, 2, True),
    ('soft-anti-affinity', {}, {1: {'a'}}, 1, False),
    ('soft-affinity', {}, {1: {'a'}}, 2, False),
])
def test_check_policy(policy, rules, members, node, broken):
    reason = db.check_policy(policy, rules, members, node)
    assert bool(reason) == broken


def test_claim_keeps_anti_affinity(database):
    nodes = [add_host('h%d' % i) for i in range(2)]
    row = _group(rules={'max_server_per_host': 2})
    members = [_instance() for _ in range(5)]
    db.instance_group_members_add(row.uuid, members)
    for uuid in members[:2]:
        assert db.allocation_claim(row.uuid, nodes[0].id, uuid, RESOURCES)
    with pytest.raises(exception.GroupAffinityViolation) as error:
        db.allocation_claim(row.uuid, nodes[0].id, members[2], RESOURCES)
    assert 'max_server_per_host is 2' in error.value.format_message()
    assert db.allocation_claim(row.uuid, nodes[1].id, members[2], RESOURCES)
    # NOTE: claiming again for a member already there is a replacement.
    assert db.allocation_claim(row.uuid, nodes[0].id, members[0], RESOURCES)
    assert db.instance_group_members_by_node(row.uuid) == {
        nodes[0].id: set(members[:2]), nodes[1].id: {members[2]}}
    assert db.instance_group_members_by_node('unknown') == {}


def test_claim_keeps_affinity_and_ignores_soft_policies(database):
    nodes = [add_host('h%d' % i) for i in range(2)]
    hard, soft = _group(policy='affinity'), _group(policy='soft-affinity')
    a, b, c, d = (_instance() for _ in range(4))
    db.instance_group_members_add(hard.uuid, [a, b])
    db.instance_group_members_add(soft.uuid, [c, d])
    assert db.allocation_claim(hard.uuid, nodes[0].id, a, RESOURCES)
    with pytest.raises(exception.GroupAffinityViolation):
        db.allocation_claim(hard.uuid, nodes[1].id, b, RESOURCES)
    assert db.allocation_claim(hard.uuid, nodes[0].id, b, RESOURCES)
    assert db.allocation_claim(soft.uuid, nodes[0].id, c, RESOURCES)
    assert db.allocation_claim(soft.uuid, nodes[1].id, d, RESOURCES)


def test_claim_without_group_or_space(database):
    node = add_host('h0', vcpus=1)
    assert db.allocation_claim(None, node.id, _instance(), RESOURCES)
    row = _group()
    member = _instance()
    db.instance_group_members_add(row.uuid, [member])
    assert db.allocation_claim(row.uuid, node.id, member, RESOURCES) is False


@pytest.mark.parametrize('policy, rules', [
    ('anti-affinity', {'max_server_per_host': 3}),
    ('affinity', None),
])
def test_racing_claims_keep_the_policy(database, flags, policy, rules):
    """Threads claim members of one group on 3 nodes at once: never more
    than max_server_per_host on a node, never an affinity group split."""
    threads = 12
    flags.set(group='database', max_retries=threads * 4)
    nodes = [add_host('h%d' % i, vcpus=64, memory_mb=65536, local_gb=640)
             for i in range(3)]
    row = _group(policy=policy, rules=rules)
    members = [_instance() for _ in range(threads)]
    db.instance_group_members_add(row.uuid, members)
    barrier = threading.Barrier(threads)

    def claim(index):
        barrier.wait(timeout=30)
        # NOTE: every thread starts on a different node, as schedulers
        # with stale views would; each walks on until a claim succeeds.
        for step in range(len(nodes)):
            node = nodes[(index + step) % len(nodes)]
            try:
                if db.allocation_claim(row.uuid, node.id, members[index],
                                       RESOURCES):
                    return node.id
            except exception.GroupAffinityViolation:
                continue
        return None

    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        placed = list(pool.map(claim, range(threads)))
    by_node = db.instance_group_members_by_node(row.uuid)
    if policy == 'anti-affinity':
        # NOTE: 3 nodes of 3: 9 fit, whoever wins; the others find none.
        assert sorted(len(m) for m in by_node.values()) == [3, 3, 3]
        assert placed.count(None) == threads - 9
    else:
        assert len(by_node) == 1
        assert sum(len(m) for m in by_node.values()) == threads

"""The database API: claims, conditional updates, keyset pagination."""

import datetime

from oslo_db import exception as db_exc
import pytest
import sqlalchemy as sa

from nova_lite.db import api as db
from nova_lite.db import compute_node_api as node_db
from nova_lite.db import instance_api as instance_db
from nova_lite import exception
from nova_lite import sql

pytestmark = pytest.mark.usefixtures('database')


def _node(vcpus=4, memory_mb=2048, local_gb=10, ram_ratio=1.0):
    return node_db.compute_node_create_or_update('host1', 'node1', {
        'hypervisor_type': 'fake', 'vcpus': vcpus, 'memory_mb': memory_mb,
        'local_gb': local_gb, 'cpu_allocation_ratio': 1.0,
        'ram_allocation_ratio': ram_ratio, 'disk_allocation_ratio': 1.0})


def _instance(n, **values):
    base = {'uuid': '00000000-0000-0000-0000-%012d' % n, 'user_id': 'u',
            'project_id': 'p', 'display_name': 'vm-%d' % n,
            'vm_state': 'building', 'task_state': 'scheduling',
            'created_at': datetime.datetime(2026, 1, 1) +
            datetime.timedelta(minutes=n % 3)}
    base.update(values)
    return instance_db.instance_create(base)


def test_claim_fits_then_refuses_when_full():
    node = _node(vcpus=2)
    one = {'VCPU': 1, 'MEMORY_MB': 512}
    assert node_db.allocation_claim(node.id, 'a', one)
    assert node_db.allocation_claim(node.id, 'b', one)
    assert not node_db.allocation_claim(node.id, 'c', {'VCPU': 1})
    assert node_db.allocation_usages()[node.id] == {'VCPU': 2,
                                                    'MEMORY_MB': 1024}


def test_claim_honours_allocation_ratio_and_bumps_generation():
    node = _node(memory_mb=1000, ram_ratio=1.5)
    assert node_db.allocation_claim(node.id, 'a', {'MEMORY_MB': 1500})
    assert not node_db.allocation_claim(node.id, 'b', {'MEMORY_MB': 1})
    assert node_db.compute_node_get_all()[0].generation == node.generation + 1


def test_claim_again_replaces_the_consumers_allocation():
    node = _node(vcpus=2)
    assert node_db.allocation_claim(node.id, 'a', {'VCPU': 2})
    assert node_db.allocation_claim(node.id, 'a', {'VCPU': 1})
    assert node_db.allocation_usages()[node.id] == {'VCPU': 1}


def test_inventory_change_bumps_generation_only_when_changed():
    node = _node()
    same = _node()
    assert same.generation == node.generation
    bigger = _node(vcpus=8)
    assert bigger.generation == node.generation + 1


def test_conditional_update_refuses_unexpected_task_state():
    row = _instance(1)
    instance_db.instance_update(row.uuid, {'task_state': 'deleting'})
    with pytest.raises(exception.UnexpectedDeletingTaskStateError):
        instance_db.instance_update(row.uuid, {'task_state': 'spawning'},
                                    expected={'task_state': ['scheduling']})
    assert instance_db.instance_get_by_uuid(row.uuid).task_state == 'deleting'


@pytest.mark.parametrize('row_states, expected, error, column, actual', [
    # NOTE: the bug: a vm_state conflict was reported as the task_state
    # (the first expectation) with its matching value.
    ({'vm_state': 'active'}, {'task_state': ['scheduling'],
                              'vm_state': ['building']},
     exception.UnexpectedVMStateError, 'vm_state', 'active'),
    ({'task_state': 'spawning'}, {'task_state': ['scheduling'],
                                  'vm_state': ['building']},
     exception.UnexpectedTaskStateError, 'task_state', 'spawning'),
    ({'task_state': 'spawning', 'vm_state': 'active'},
     {'vm_state': ['building'], 'task_state': ['scheduling']},
     exception.UnexpectedTaskStateError, 'task_state', 'spawning'),
])
def test_conditional_update_names_the_state_that_differs(
        row_states, expected, error, column, actual):
    row = _instance(1)
    instance_db.instance_update(row.uuid, row_states)
    with pytest.raises(error) as caught:
        instance_db.instance_update(row.uuid, {'progress': 50},
                                    expected=expected)
    assert type(caught.value) is error
    assert caught.value.kwargs['expected'] == expected[column]
    assert caught.value.kwargs['actual'] == actual


def test_update_of_deleted_instance_is_not_found():
    row = _instance(1)
    instance_db.instance_destroy(row.uuid)
    with pytest.raises(exception.InstanceNotFound):
        instance_db.instance_update(row.uuid, {'vm_state': 'active'})


def test_destroy_frees_allocations_and_hides_row():
    node = _node()
    row = _instance(1)
    node_db.allocation_claim(node.id, row.uuid, {'VCPU': 1})
    instance_db.instance_destroy(row.uuid)
    assert node_db.allocation_usages() == {}
    with pytest.raises(exception.InstanceNotFound):
        instance_db.instance_get_by_uuid(row.uuid)
    assert instance_db.instance_get_by_uuid(row.uuid,
                                            read_deleted='yes').deleted


@pytest.mark.parametrize('sort_keys,sort_dirs', [
    (None, None),
    (['display_name'], ['asc']),
    (['created_at', 'display_name'], ['desc', 'asc']),
])
def test_keyset_pages_cover_everything_once(sort_keys, sort_dirs):
    for n in range(1, 24):
        _instance(n)
    expected = [r.uuid for r in instance_db.instance_get_all(
        sort_keys=sort_keys, sort_dirs=sort_dirs)]
    seen, marker = [], None
    while True:
        page = instance_db.instance_get_all(limit=5, marker=marker,
                                            sort_keys=sort_keys,
                                            sort_dirs=sort_dirs)
        if not page:
            break
        seen.extend(r.uuid for r in page)
        marker = page[-1].uuid
    assert seen == expected
    assert len(seen) == 23


def test_unknown_marker_and_sort_key_are_invalid():
    with pytest.raises(exception.MarkerNotFound):
        instance_db.instance_get_all(marker='nope')
    with pytest.raises(exception.InvalidSortKey):
        instance_db.instance_get_all(sort_keys=['password'])


def test_name_filter_is_a_regex():
    _instance(1, display_name='web-1')
    _instance(2, display_name='db-1')
    names = [r.display_name for r in instance_db.instance_get_all(
        filters={'name': '^web'})]
    assert names == ['web-1']


def test_usage_counts_live_rows_only():
    _instance(1, vcpus=2, memory_mb=512)
    gone = _instance(2, vcpus=4, memory_mb=1024)
    instance_db.instance_destroy(gone.uuid)
    assert instance_db.instance_usage_by_project('p') == {
        'instances': 1, 'cores': 2, 'ram': 512}


# ---- named locks and the MySQL connection ----------------------------------

def test_named_lock_is_held_until_the_block_ends():
    # NOTE: on sqlite a lock of this process: the MariaDB and PostgreSQL
    # locks are exercised by the functional quota race tests.
    with db.named_lock('a', timeout=1) as held:
        assert held
        with db.named_lock('a', timeout=0.05) as again:
            assert not again
        with db.named_lock('b', timeout=0.05) as other:
            assert other
    with db.named_lock('a', timeout=0.05) as after:
        assert after


def test_named_lock_is_released_when_the_block_raises():
    with pytest.raises(RuntimeError):
        with db.named_lock('c', timeout=1):
            raise RuntimeError()
    with db.named_lock('c', timeout=0.05) as held:
        assert held


@pytest.mark.parametrize('url, charset', [
    ('mysql+pymysql://u:p@h/nova', 'utf8mb4'),
    ('mysql+pymysql://u:p@h/nova?charset=utf8mb4', 'utf8mb4'),
    ('mysql+pymysql://u:p@h/nova?charset=latin1', 'latin1'),
    ('mariadb+pymysql://u@h/nova?read_timeout=5', 'utf8mb4'),
])
def test_mysql_connections_speak_utf8mb4_unless_told(url, charset):
    assert sa.engine.make_url(sql._utf8mb4(url)).query['charset'] == charset


def test_a_lost_connection_is_retried_until_it_comes_back(flags):
    flags(db_retry_interval=0, db_max_retries=3, group='database')
    calls = []

    @db.retry_on_conflict
    def write():
        calls.append(1)
        if len(calls) < 3:
            raise db_exc.DBConnectionError('gone')
        return 'done'

    assert write() == 'done'
    assert len(calls) == 3


def test_retries_end_in_db_retry_exhausted(flags):
    flags(db_retry_interval=0, db_max_retries=2, group='database')
    calls = []

    @db.retry_on_conflict
    def write():
        calls.append(1)
        raise db_exc.DBDeadlock()

    with pytest.raises(exception.DBRetryExhausted):
        write()
    assert len(calls) == 3


def test_other_errors_are_not_retried(flags):
    calls = []

    @db.retry_on_conflict
    def write():
        calls.append(1)
        raise exception.InstanceNotFound(instance_id='x')

    with pytest.raises(exception.InstanceNotFound):
        write()
    assert calls == [1]


def test_a_transaction_that_raises_leaves_nothing_behind():
    with pytest.raises(RuntimeError):
        with db.transaction() as session:
            session.execute(sa.text(
                "INSERT INTO key_pairs (name, user_id, fingerprint, "
                "public_key, type, created_at) VALUES "
                "('k', 'u', 'f', 'p', 'ssh', '2026-01-01')"))
            raise RuntimeError()
    with db.reader() as session:
        assert session.execute(sa.text(
            'SELECT COUNT(*) FROM key_pairs')).scalar() == 0


def test_sqlite_regexp_matches_no_null():
    with db.reader() as session:
        assert session.execute(sa.text(
            "SELECT NULL REGEXP '.'")).scalar() is None
        assert session.execute(sa.text(
            "SELECT 'abc' REGEXP '^a'")).scalar() == 1

"""The server list query on sqlite: each filter family as SQL, Nova's sort
defaults, keyset pages (NULL sort values included), the list indexes
matching migration 0010."""

import datetime

from alembic import autogenerate
from alembic import migration as alembic_migration
import pytest

from nova_lite.db import api as db
from nova_lite.db import instance_api as instance_db
from nova_lite.db import instance_list_api
from nova_lite.db import models
from nova_lite.db import network_api
from nova_lite import exception

pytestmark = pytest.mark.usefixtures('database')

T0 = datetime.datetime(2026, 1, 1)


def _uuid(n):
    return '00000000-0000-0000-0000-%012d' % n


def _instance(n, **values):
    base = {'uuid': _uuid(n), 'user_id': 'u', 'project_id': 'p',
            'display_name': 'vm-%d' % n, 'vm_state': 'active',
            'created_at': T0 + datetime.timedelta(minutes=n)}
    base.update(values)
    return instance_db.instance_create(base)


def _names(**kwargs):
    kwargs.setdefault('sort_keys', ['display_name'])
    kwargs.setdefault('sort_dirs', ['asc'])
    return [row.display_name for row in instance_db.instance_get_all(**kwargs)]


def test_list_indexes_match_migration():
    with db.get_engine().connect() as connection:
        context = alembic_migration.MigrationContext.configure(connection)
        diff = autogenerate.compare_metadata(context, models.Base.metadata)
    assert [change for change in diff if "'instances'" in repr(change)] == []


def test_sqlite_has_a_regexp_function():
    with db.get_engine().connect() as connection:
        assert connection.exec_driver_sql(
            "SELECT 'web-12' REGEXP '^web-1[0-9]$'").scalar() == 1


@pytest.mark.parametrize('filters, expected', [
    ({'name': '^web'}, ['web-1', 'web-2']),
    ({'name': 'b-[2-9]'}, ['db-3', 'web-2']),
    ({'display_name': '1$'}, ['web-1']),
    ({'key_name': 'k'}, ['web-2']),
    ({'availability_zone': '^zone-a$'}, ['web-1', 'web-2']),
    ({'node': 'node-2'}, ['db-3']),
    ({'host': 'host-1'}, ['web-1', 'web-2']),
    ({'host': 'host'}, []),
    ({'image_ref': 'img-2'}, ['db-3']),
    ({'image': 'img-1'}, ['web-1', 'web-2']),
    ({'user_id': 'u2'}, ['db-3']),
    ({'vm_state': ['active', 'stopped']}, ['db-3', 'web-1', 'web-2']),
    ({'vm_state': 'error'}, []),
    ({'task_state': 'rebooting'}, ['web-2']),
    ({'locked': True}, ['db-3']),
    ({'locked': False}, ['web-1', 'web-2']),
    ({'power_state': '4'}, ['db-3']),
    ({'progress': '^5'}, ['web-2']),
    ({'config_drive': 'True'}, ['web-1']),
    ({'launched_at': '2026-01-02'}, ['web-2']),
    ({'created_at': '2026-01-01 00:03'}, ['db-3']),
    ({'terminated_at': '.'}, []),
    ({'uuid': [_uuid(1), _uuid(3)]}, ['db-3', 'web-1']),
    ({'reservation_id': 'r-2'}, ['web-2']),
    ({'description': 'anything'}, ['db-3', 'web-1', 'web-2']),
])
def test_filters(filters, expected):
    _instance(1, display_name='web-1', availability_zone='zone-a',
              host='host-1', node='node-1', image_ref='img-1',
              config_drive='True', reservation_id='r-1')
    _instance(2, display_name='web-2', availability_zone='zone-a',
              host='host-1', node='node-1', image_ref='img-1',
              key_name='k', task_state='rebooting', progress=50,
              launched_at=datetime.datetime(2026, 1, 2, 3, 4),
              reservation_id='r-2')
    _instance(3, display_name='db-3', availability_zone='zone-b',
              host='host-2', node='node-2', image_ref='img-2',
              user_id='u2', vm_state='stopped', locked=True,
              power_state=4, reservation_id='r-3')
    assert _names(filters=filters) == expected


def test_project_filters_and_tenant_alias():
    _instance(1, project_id='p1')
    _instance(2, project_id='p2')
    assert _names(filters={'project_id': 'p1'}) == ['vm-1']
    assert _names(filters={'tenant_id': 'p2'}) == ['vm-2']


def test_flavor_filter_is_the_flavor_id():
    with db.transaction() as session:
        small = models.Flavor(flavorid='small', name='small', memory_mb=64,
                              vcpus=1, root_gb=1)
        big = models.Flavor(flavorid='42', name='big', memory_mb=128,
                            vcpus=2, root_gb=1)
        session.add_all([small, big])
        session.flush()
        small_id, big_id = small.id, big.id
    _instance(1, instance_type_id=small_id)
    _instance(2, instance_type_id=big_id)
    assert _names(filters={'flavor': 'small'}) == ['vm-1']
    assert _names(filters={'flavor': '42'}) == ['vm-2']
    # Not a regex, and an unknown flavor matches nothing.
    assert _names(filters={'flavor': '4'}) == []


def test_ip_filters_match_the_start_of_a_fixed_address():
    network = network_api.network_create({
        'label': 'net', 'cidr': '10.0.0.0/24', 'gateway': '10.0.0.1',
        'bridge': 'br-test'})
    for n, address in ((1, '10.0.0.5'), (2, '10.0.0.50'), (3, None)):
        _instance(n)
        if address:
            network_api.virtual_interface_allocate(_uuid(n), network.id,
                                                   address)
    assert _names(filters={'ip': '10.0.0.5'}) == ['vm-1', 'vm-2']
    assert _names(filters={'ip': r'10\.0\.0\.5$'}) == ['vm-1']
    assert _names(filters={'ip': '0.0.5'}) == []
    # IPv4 addresses never match ip6.
    assert _names(filters={'ip6': '10'}) == []


def test_tag_filters():
    _instance(1)
    _instance(2)
    _instance(3)
    instance_db.instance_tag_set(_uuid(1), ['a', 'b'])
    instance_db.instance_tag_set(_uuid(2), ['a'])
    assert _names(filters={'tags': ['a', 'b']}) == ['vm-1']
    assert _names(filters={'tags-any': ['b', 'c']}) == ['vm-1']
    assert _names(filters={'not-tags': ['a', 'b']}) == ['vm-2', 'vm-3']
    assert _names(filters={'not-tags-any': ['a']}) == ['vm-3']


def test_changes_since_and_before_and_deleted():
    _instance(1, updated_at=datetime.datetime(2026, 2, 1))
    _instance(2, updated_at=datetime.datetime(2026, 3, 1))
    _instance(3, updated_at=datetime.datetime(2026, 4, 1))
    instance_db.instance_destroy(_uuid(3))
    since = datetime.datetime(2026, 2, 15, tzinfo=datetime.timezone.utc)
    before = datetime.datetime(2026, 3, 1)
    # changes-since lists deletions too (the API leaves 'deleted' out).
    assert _names(filters={'changes-since': since},
                  read_deleted='yes') == ['vm-2', 'vm-3']
    assert _names(filters={'changes-before': before},
                  read_deleted='yes') == ['vm-1', 'vm-2']
    assert _names(filters={'deleted': True}) == ['vm-3']
    assert _names(filters={'deleted': False}) == ['vm-1', 'vm-2']


def test_soft_deleted_listed_only_when_asked():
    _instance(1)
    _instance(2, vm_state='soft-delete')
    assert _names(filters={'deleted': False}) == ['vm-1']
    assert _names(filters={'deleted': False,
                           'soft_deleted': 'true'}) == ['vm-1', 'vm-2']
    assert _names(filters={'deleted': True}) == ['vm-2']


def test_metadata_comes_with_the_page():
    instance_db.instance_create({'uuid': _uuid(1), 'user_id': 'u',
                                 'project_id': 'p'}, metadata={'k': 'v'})
    _instance(2)
    instance_db.instance_tag_set(_uuid(2), ['t'])
    rows = {row.uuid: row for row in instance_db.instance_get_all()}
    assert [(m.key, m.value) for m in rows[_uuid(1)].metadata_items] == [
        ('k', 'v')]
    assert rows[_uuid(1)].tags == []
    assert [t.tag for t in rows[_uuid(2)].tags] == ['t']


def test_default_sort_is_created_at_desc_then_id():
    same = T0 + datetime.timedelta(hours=1)
    for n in range(1, 4):
        _instance(n, created_at=same)
    _instance(4)
    assert _names(sort_keys=None, sort_dirs=None) == [
        'vm-3', 'vm-2', 'vm-1', 'vm-4']


def test_process_sort_params_as_nova():
    assert instance_list_api.process_sort_params(None, None) == (
        ['created_at', 'id'], ['desc', 'desc'])
    assert instance_list_api.process_sort_params(
        ['display_name', 'host'], ['asc']) == (
        ['display_name', 'host', 'created_at', 'id'],
        ['asc', 'asc', 'asc', 'asc'])
    # Keys the API accepts without a column here sort as a constant.
    assert instance_list_api.process_sort_params(['kernel_id'], None) == (
        ['created_at', 'id'], ['desc', 'desc'])
    with pytest.raises(exception.InvalidInput):
        instance_list_api.process_sort_params(['host'], ['up'])
    with pytest.raises(exception.InvalidInput):
        instance_list_api.process_sort_params(['host'], ['asc', 'desc'])
    with pytest.raises(exception.InvalidSortKey):
        instance_list_api.process_sort_params(['key_data'], None)


@pytest.mark.parametrize('sort_keys, sort_dirs', [
    (['host'], ['asc']),
    (['host'], ['desc']),
    (['host', 'display_name'], ['desc', 'asc']),
    (['locked', 'launched_at'], ['asc', 'desc']),
    (['progress'], ['desc']),
])
def test_keyset_pages_with_null_sort_values(sort_keys, sort_dirs):
    for n in range(1, 30):
        _instance(n, host=None if n % 3 == 0 else 'h%d' % (n % 4),
                  locked=bool(n % 2), progress=n % 5,
                  launched_at=None if n % 4 == 0 else T0 +
                  datetime.timedelta(days=n % 6))
    expected = [r.uuid for r in instance_db.instance_get_all(
        sort_keys=sort_keys, sort_dirs=sort_dirs)]
    seen, marker = [], None
    while True:
        page = instance_db.instance_get_all(limit=4, marker=marker,
                                            sort_keys=sort_keys,
                                            sort_dirs=sort_dirs)
        if not page:
            break
        seen.extend(r.uuid for r in page)
        marker = page[-1].uuid
    assert seen == expected
    assert sorted(seen) == sorted(_uuid(n) for n in range(1, 30))


def test_filters_and_marker_combine():
    for n in range(1, 11):
        _instance(n, display_name='web-%d' % n if n % 2 else 'db-%d' % n)
    first = instance_db.instance_get_all(filters={'name': '^web'}, limit=2)
    rest = instance_db.instance_get_all(filters={'name': '^web'},
                                        marker=first[-1].uuid)
    assert [r.display_name for r in first + rest] == [
        'web-9', 'web-7', 'web-5', 'web-3', 'web-1']


def test_limit_zero_is_empty():
    _instance(1)
    assert instance_db.instance_get_all(limit=0) == []

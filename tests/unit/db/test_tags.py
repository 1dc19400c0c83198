"""Server tags in the database: set/add/delete, the list filters, and
the tags (and quotas) tables matching their migration."""

import datetime

from alembic import autogenerate
from alembic import migration as alembic_migration
import pytest

from nova_lite.db import api as db
from nova_lite.db import instance_api as instance_db
from nova_lite.db import models
from nova_lite import exception
from nova_lite import objects

pytestmark = pytest.mark.usefixtures('database')


def _instance(n, tags=()):
    uuid = '00000000-0000-0000-0000-%012d' % n
    instance_db.instance_create({
        'uuid': uuid, 'user_id': 'u', 'project_id': 'p',
        'display_name': 'vm-%d' % n, 'vm_state': 'active',
        'created_at': datetime.datetime(2026, 1, 1) +
        datetime.timedelta(minutes=n)})
    if tags:
        instance_db.instance_tag_set(uuid, tags)
    return uuid


def test_migration_matches_models_for_tags_and_quotas():
    with db.get_engine().connect() as connection:
        context = alembic_migration.MigrationContext.configure(connection)
        diff = autogenerate.compare_metadata(context, models.Base.metadata)
    assert [change for change in diff
            if "'tags'" in repr(change) or "'quotas'" in repr(change)] == []


def test_set_add_delete():
    uuid = _instance(1)
    assert instance_db.instance_tag_get_by_instance_uuid(uuid) == []
    assert instance_db.instance_tag_set(uuid, ['b', 'a', 'b']) == ['a', 'b']
    assert instance_db.instance_tag_add(uuid, 'c') == ['a', 'b', 'c']
    assert instance_db.instance_tag_add(uuid, 'c') == ['a', 'b', 'c']
    assert instance_db.instance_tag_exists(uuid, 'a')
    instance_db.instance_tag_delete(uuid, 'a')
    assert not instance_db.instance_tag_exists(uuid, 'a')
    with pytest.raises(exception.InstanceTagNotFound):
        instance_db.instance_tag_delete(uuid, 'a')
    assert instance_db.instance_tag_set(uuid, ['c', 'd']) == ['c', 'd']
    instance_db.instance_tag_delete_all(uuid)
    assert instance_db.instance_tag_get_by_instance_uuid(uuid) == []


def test_unknown_or_deleted_instance():
    uuid = _instance(1, ['a'])
    instance_db.instance_destroy(uuid)
    for call, args in ((instance_db.instance_tag_get_by_instance_uuid, ()),
                       (instance_db.instance_tag_set, (['x'],)),
                       (instance_db.instance_tag_add, ('x',)),
                       (instance_db.instance_tag_exists, ('x',)),
                       (instance_db.instance_tag_delete, ('a',)),
                       (instance_db.instance_tag_delete_all, ())):
        with pytest.raises(exception.InstanceNotFound):
            call(uuid, *args)


def test_tags_load_with_the_instance(ctxt):
    uuid = _instance(1, ['z', 'y'])
    assert objects.Instance.get_by_uuid(ctxt, uuid).tags == ['y', 'z']
    listed = objects.InstanceList.get_by_filters(ctxt, {})
    assert [i.tags for i in listed] == [['y', 'z']]


@pytest.mark.parametrize('filters, expected', [
    ({'tags': ['a']}, [1, 2]),
    ({'tags': ['a', 'b']}, [1]),
    ({'tags-any': ['b', 'c']}, [1, 3]),
    ({'not-tags': ['a', 'b']}, [2, 3, 4]),
    ({'not-tags-any': ['a', 'b']}, [3, 4]),
    ({'tags': ['a'], 'not-tags-any': ['b']}, [2]),
    ({'tags': ['nope']}, []),
])
def test_list_filters(filters, expected):
    uuids = {_instance(1, ['a', 'b']): 1, _instance(2, ['a']): 2,
             _instance(3, ['c']): 3, _instance(4): 4}
    rows = instance_db.instance_get_all(filters, sort_keys=['created_at'],
                                        sort_dirs=['asc'])
    assert [uuids[row.uuid] for row in rows] == expected

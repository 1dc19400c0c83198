"""On sqlite: which instances a usage report counts, in Nova's page
order; the flavor access list and its conflicts; key pair pages."""

import datetime

import pytest
import sqlalchemy as sa

from nova_lite.db import api as db
from nova_lite.db import instance_api as instance_db
from nova_lite.db import keypair_api as keypair_db
from nova_lite.db import usage_api
from nova_lite import exception
from nova_lite import objects

pytestmark = pytest.mark.usefixtures('database')

T0 = datetime.datetime(2026, 1, 1)
HOUR = datetime.timedelta(hours=1)


def _uuid(n):
    return '00000000-0000-0000-0000-%012d' % n


def _instance(n, project='p', **values):
    base = {'uuid': _uuid(n), 'user_id': 'u', 'project_id': project,
            'display_name': 'vm-%d' % n, 'vm_state': 'active',
            'launched_at': T0}
    base.update(values)
    return instance_db.instance_create(base)


def _uuids(*args, **kwargs):
    return [row.uuid for row in
            usage_api.instance_get_active_by_window(*args, **kwargs)]


def test_window_counts_what_ran_in_it():
    _instance(1)                                        # still running
    _instance(2, launched_at=None)                      # never launched
    _instance(3, launched_at=T0 + 5 * HOUR)             # after the window
    _instance(4, terminated_at=T0 + HOUR / 2)           # ended before it
    _instance(5, terminated_at=T0 + 2 * HOUR)           # ended inside it
    instance_db.instance_destroy(_uuid(5))              # ... and deleted
    assert _uuids(T0 + HOUR, T0 + 4 * HOUR) == [_uuid(1), _uuid(5)]
    # Without an end every launched instance still running counts.
    assert _uuids(T0 + HOUR) == [_uuid(1), _uuid(3), _uuid(5)]


def test_pages_by_project_then_uuid():
    _instance(4, project='b')
    _instance(3, project='a')
    _instance(2, project='b')
    _instance(1, project='c')
    end = T0 + HOUR
    assert _uuids(T0, end) == [_uuid(3), _uuid(2), _uuid(4), _uuid(1)]
    assert _uuids(T0, end, limit=2) == [_uuid(3), _uuid(2)]
    assert _uuids(T0, end, limit=2, marker=_uuid(2)) == [_uuid(4),
                                                         _uuid(1)]
    assert _uuids(T0, end, project_id='b') == [_uuid(2), _uuid(4)]
    with pytest.raises(exception.MarkerNotFound):
        _uuids(T0, end, marker=_uuid(99))


def test_one_query_whatever_the_number_of_instances(ctxt):
    for n in range(1, 21):
        _instance(n)
    statements = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith('SELECT'):
            statements.append(statement)

    engine = db.get_engine()
    sa.event.listen(engine, 'before_cursor_execute', count)
    try:
        instances = objects.InstanceList.get_active_by_window_joined(
            ctxt, T0, T0 + HOUR)
    finally:
        sa.event.remove(engine, 'before_cursor_execute', count)
    assert len(instances) == 20
    # NOTE: the instances, then their metadata and tags (selectin).
    assert len(statements) <= 3


def test_flavor_access_rows(ctxt):
    objects.Flavor(context=ctxt, flavorid='p1', name='private',
                   memory_mb=64, vcpus=1, root_gb=1,
                   is_public=False).create()
    flavor = objects.Flavor.get_by_flavor_id(ctxt, 'p1')
    flavor.add_access('project-a')
    flavor.add_access('project-b')
    assert sorted(flavor.projects) == ['project-a', 'project-b']
    with pytest.raises(exception.FlavorAccessExists):
        flavor.add_access('project-a')
    flavor.remove_access('project-a')
    assert objects.Flavor.get_by_flavor_id(ctxt, 'p1').projects == [
        'project-b']
    with pytest.raises(exception.FlavorAccessNotFound):
        flavor.remove_access('project-a')
    with pytest.raises(exception.FlavorNotFound):
        objects.Flavor(context=ctxt, flavorid='gone').add_access('x')


def test_private_flavors_listed_for_projects_with_access(ctxt,
                                                         admin_ctxt):
    for flavorid, public in (('pub', True), ('priv', False),
                             ('other', False)):
        objects.Flavor(context=ctxt, flavorid=flavorid, name=flavorid,
                       memory_mb=64, vcpus=1, root_gb=1,
                       is_public=public).create()
    objects.Flavor.get_by_flavor_id(ctxt, 'priv').add_access(
        ctxt.project_id)

    def listed(context, is_public):
        return sorted(f.flavorid for f in objects.FlavorList.get_all(
            context, filters={'is_public': is_public}))

    assert listed(ctxt, True) == ['priv', 'pub']
    assert listed(admin_ctxt, True) == ['pub']
    assert listed(admin_ctxt, False) == ['other', 'priv']
    assert listed(admin_ctxt, None) == ['other', 'priv', 'pub']


def test_key_pairs_page_oldest_first_as_nova():
    for name in ('zeta', 'alpha', 'mid'):
        keypair_db.key_pair_create({'name': name, 'user_id': 'u',
                                    'type': 'ssh', 'fingerprint': 'f',
                                    'public_key': 'k'})
    keypair_db.key_pair_create({'name': 'other', 'user_id': 'v', 'type': 'ssh',
                                'fingerprint': 'f', 'public_key': 'k'})

    def names(**kwargs):
        return [r.name
                for r in keypair_db.key_pair_get_all_by_user('u', **kwargs)]

    assert names() == ['zeta', 'alpha', 'mid']
    assert names(limit=1) == ['zeta']
    assert names(marker='zeta') == ['alpha', 'mid']
    assert names(marker='alpha', limit=5) == ['mid']
    with pytest.raises(exception.MarkerNotFound):
        names(marker='other')

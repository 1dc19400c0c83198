"""GET /servers and /servers/detail through the whole WSGI app on a real
sqlite database: Nova's filters at each microversion, sorting, keyset
pages by ``servers_links``, and a constant number of SQL statements per
page whatever the number of servers."""

import datetime
import urllib.parse

from oslo_serialization import jsonutils
import pytest
import sqlalchemy as sa
import webob

from nova_lite.api import app as api_app
from nova_lite.db import api as db
from nova_lite.db import instance_api as instance_db
from nova_lite.db import models
from nova_lite import objects
from tests.unit.api import fakes

pytestmark = pytest.mark.usefixtures('database')

PROJECT = 'project-a'
OTHER = 'project-b'
T0 = datetime.datetime(2026, 1, 1)
_FLAVORS = {}


def _flavor_json(flavorid):
    flavor = objects.Flavor(
        id=_FLAVORS[flavorid], flavorid=flavorid, name='f-%s' % flavorid,
        memory_mb=64, vcpus=1, root_gb=1, ephemeral_gb=0, swap=0,
        rxtx_factor=1.0, vcpu_weight=None, disabled=False, is_public=True,
        description=None, extra_specs={}, projects=[])
    return jsonutils.dumps(flavor.obj_to_primitive())


def _flavors():
    with db.transaction() as session:
        for flavorid in ('1', '2'):
            row = models.Flavor(flavorid=flavorid, name='f-%s' % flavorid,
                                memory_mb=64, vcpus=1, root_gb=1)
            session.add(row)
            session.flush()
            _FLAVORS[flavorid] = row.id


def _uuid(n):
    return '00000000-0000-0000-0000-%012d' % n


def _values(n, **values):
    flavorid = values.pop('flavorid', '1')
    base = {'uuid': _uuid(n), 'user_id': 'user', 'project_id': PROJECT,
            'display_name': 'vm-%04d' % n, 'hostname': 'vm-%d' % n,
            'vm_state': 'active', 'task_state': None, 'power_state': 1,
            'host': 'host-%d' % (n % 2), 'node': 'node-%d' % (n % 2),
            'image_ref': 'image-1', 'instance_type_id': _FLAVORS[flavorid],
            'flavor': _flavor_json(flavorid), 'availability_zone': 'nova',
            'created_at': T0 + datetime.timedelta(seconds=n),
            'updated_at': T0 + datetime.timedelta(seconds=n),
            'launch_index': 0, 'locked': False, 'progress': 0,
            'deleted': 0, 'memory_mb': 64, 'vcpus': 1, 'root_gb': 1,
            'ephemeral_gb': 0}
    base.update(values)
    return base


def _seed(first, last, **values):
    """Servers ``first``..``last`` (bulk insert), each with a metadata
    item and a tag, so the page's children are loaded too."""
    rows = [_values(n, **values) for n in range(first, last + 1)]
    with db.transaction() as session:
        session.execute(sa.insert(models.Instance), rows)
        session.execute(sa.insert(models.InstanceMetadata), [
            {'instance_uuid': row['uuid'], 'key': 'k', 'value': 'v',
             'created_at': T0} for row in rows])
        session.execute(sa.insert(models.Tag), [
            {'resource_id': row['uuid'],
             'tag': 'even' if n % 2 == 0 else 'odd'}
            for n, row in zip(range(first, last + 1), rows)])


@pytest.fixture
def app():
    fakes.init_conf()
    _flavors()
    return api_app.make_app()


def _get(app, path, version='2.1', admin=False, project=PROJECT):
    token = '%s:%s' % ('admin' if admin else 'user', project)
    req = webob.Request.blank('/v2.1' + path, headers={
        'X-Auth-Token': token,
        'OpenStack-API-Version': 'compute %s' % version})
    return req.get_response(app)


def _names(app, path, **kwargs):
    resp = _get(app, path, **kwargs)
    assert resp.status_int == 200, resp.body
    return [server['name'] for server in resp.json['servers']]


_TRANSACTION_CONTROL = {'BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT',
                        'RELEASE'}


class _StatementCounter:
    def __init__(self):
        self.statements = []

    def __call__(self, conn, cursor, statement, *args):
        # NOTE: queries only: on sqlite, oslo.db opens each transaction
        # with an explicit BEGIN, which costs no round trip to a server.
        if statement.split(None, 1)[0].upper() not in _TRANSACTION_CONTROL:
            self.statements.append(statement)

    def __enter__(self):
        sa.event.listen(db.get_engine(), 'before_cursor_execute', self)
        return self

    def __exit__(self, *exc):
        sa.event.remove(db.get_engine(), 'before_cursor_execute', self)


# ---- no per-server queries ------------------------------------------------

_PAGES = [
    ('/servers/detail?limit=1000', '2.1', False),
    ('/servers/detail?limit=1000&all_tenants=1', '2.100', True),
    ('/servers/detail?limit=100&name=%5Evm-0&status=ACTIVE&tags=even'
     '&sort_key=display_name&sort_dir=asc', '2.26', False),
    ('/servers/detail?limit=100&host=host-0&flavor=1&image=image-1'
     '&changes-since=2025-01-01T00:00:00Z&sort_key=host', '2.73', True),
    ('/servers?limit=1000', '2.1', False),
]


def _count(app, path, version, admin):
    with _StatementCounter() as counter:
        resp = _get(app, path, version=version, admin=admin)
    assert resp.status_int == 200, resp.body
    assert resp.json['servers']
    return len(counter.statements)


def test_statements_per_page_do_not_grow_with_servers(app):
    _seed(1, 10)
    small = [_count(app, *page) for page in _PAGES]
    _seed(11, 1000)
    # The marker lookup is one more statement, for any page size.
    resp = _get(app, '/servers/detail?limit=1000')
    assert len(resp.json['servers']) == 1000
    big = [_count(app, *page) for page in _PAGES]
    assert big == small
    # instances, metadata, tags, faults (+ request specs and services for
    # the newest microversions' detail).
    assert max(big) <= 6
    marker = resp.json['servers'][500]['id']
    with _StatementCounter() as counter:
        page = _get(app, '/servers/detail?limit=100&marker=%s' % marker)
    assert len(page.json['servers']) == 100
    assert len(counter.statements) == small[0] + 1


# ---- filters ---------------------------------------------------------------

@pytest.fixture
def servers(app):
    _seed(1, 6)
    # A stopped, locked server of another image, flavor 2, zone 'az2'.
    with db.transaction() as session:
        session.execute(sa.insert(models.Instance), [_values(
            7, vm_state='stopped', power_state=4, locked=True,
            image_ref='image-2', flavorid='2', availability_zone='az2',
            key_name='key-7', updated_at=datetime.datetime(2026, 6, 1))])
    _seed(8, 8, project_id=OTHER)
    return app


@pytest.mark.parametrize('query, version, expected', [
    ('name=vm-000[12]', '2.1', ['vm-0002', 'vm-0001']),
    ('status=SHUTOFF', '2.1', ['vm-0007']),
    ('status=SHUTOFF&status=ACTIVE', '2.1',
     ['vm-0007', 'vm-0006', 'vm-0005', 'vm-0004', 'vm-0003', 'vm-0002',
      'vm-0001']),
    ('image=image-2', '2.1', ['vm-0007']),
    ('flavor=2', '2.1', ['vm-0007']),
    ('flavor=nope', '2.1', []),
    # Admin-only filters are dropped for members: the whole project.
    ('host=host-1&name=vm-000[1-4]', '2.1',
     ['vm-0004', 'vm-0003', 'vm-0002', 'vm-0001']),
    ('tags=odd&name=vm-000[1-4]', '2.26', ['vm-0003', 'vm-0001']),
    ('not-tags-any=odd&name=vm-000[1-4]', '2.26', ['vm-0004', 'vm-0002']),
    ('tags-any=even,odd&name=vm-000[1-2]', '2.26', ['vm-0002', 'vm-0001']),
    ('changes-since=2026-05-01T00:00:00Z', '2.1', ['vm-0007']),
    ('changes-before=2026-01-01T00:00:02Z', '2.66', ['vm-0002', 'vm-0001']),
    ('locked=true', '2.73', ['vm-0007']),
    ('locked=false&name=vm-000[67]', '2.73', ['vm-0006']),
    # Before 2.83 members may not filter by zone or key; from it they may.
    ('availability_zone=az2&name=vm-000[67]', '2.82',
     ['vm-0007', 'vm-0006']),
    ('availability_zone=az2', '2.83', ['vm-0007']),
    ('key_name=key', '2.83', ['vm-0007']),
    ('vm_state=stopped', '2.83', ['vm-0007']),
    ('power_state=4', '2.83', ['vm-0007']),
])
def test_member_filters(servers, query, version, expected):
    assert _names(servers, '/servers?' + query, version=version) == expected


@pytest.mark.parametrize('query, version, expected', [
    ('host=host-1&name=vm-000[1-4]', '2.1', ['vm-0003', 'vm-0001']),
    ('node=node-0&name=vm-000[1-4]', '2.1', ['vm-0004', 'vm-0002']),
    ('all_tenants=1&name=vm-000[78]', '2.1', ['vm-0008', 'vm-0007']),
    ('all_tenants=1&tenant_id=%s' % OTHER, '2.1', ['vm-0008']),
    # tenant_id alone does not reach another project.
    ('tenant_id=%s&name=vm-000[78]' % OTHER, '2.1', ['vm-0007']),
    ('availability_zone=az2', '2.1', ['vm-0007']),
])
def test_admin_filters(servers, query, version, expected):
    assert _names(servers, '/servers?' + query, version=version,
                  admin=True) == expected


@pytest.mark.parametrize('query, version', [
    ('changes-before=2026-01-01T00:00:02Z', '2.65'),
    ('locked=true', '2.72'),
    ('no-such-filter=1', '2.74'),
    ('sort_key=vcpus', '2.74'),
])
def test_ignored_before_their_microversion(servers, query, version):
    assert len(_names(servers, '/servers?' + query, version=version)) == 7


@pytest.mark.parametrize('query, version, message', [
    ('no-such-filter=1', '2.75', None),
    ('sort_key=vcpus', '2.75', None),
    ('sort_key=password', '2.1', None),
    ('sort_key=display_name&sort_dir=up', '2.1',
     "Unknown sort direction, must be 'desc' or 'asc'"),
    ('marker=nope', '2.1', 'marker [nope] not found'),
    ('changes-since=2026-02-01T00:00:00Z'
     '&changes-before=2026-01-01T00:00:00Z', '2.66',
     'The value of changes-since must be less than or equal to '
     'changes-before.'),
    ('locked=maybe', '2.73', None),
    ('status=SLEEPY', '2.38', 'Invalid status value'),
    ('name=(', '2.1', None),
])
def test_bad_queries_are_400(servers, query, version, message):
    resp = _get(servers, '/servers?' + query, version=version)
    assert resp.status_int == 400, resp.body
    if message:
        assert message in resp.json['badRequest']['message']


def test_sort_by_host_is_admin_only(servers):
    assert _get(servers, '/servers?sort_key=host').status_int == 403
    resp = _get(servers, '/servers/detail?sort_key=host&sort_dir=asc'
                '&sort_key=display_name&sort_dir=desc', admin=True)
    assert [(s['OS-EXT-SRV-ATTR:host'], s['name'])
            for s in resp.json['servers']][:4] == [
        ('host-0', 'vm-0006'), ('host-0', 'vm-0004'),
        ('host-0', 'vm-0002'), ('host-1', 'vm-0007')]


def test_locked_sort_key_from_273(servers):
    names = _names(servers, '/servers?sort_key=locked&sort_dir=desc',
                   version='2.73')
    assert names[0] == 'vm-0007'
    # Ignored before: the default order.
    assert _names(servers, '/servers?sort_key=locked&sort_dir=desc',
                  version='2.72')[0] == 'vm-0007'
    assert _names(servers, '/servers?sort_key=locked&sort_dir=asc',
                  version='2.72')[0] == 'vm-0007'
    assert _names(servers, '/servers?sort_key=locked&sort_dir=asc',
                  version='2.73')[-1] == 'vm-0007'


@pytest.mark.parametrize('query', [
    '', 'sort_key=display_name&sort_dir=asc',
    'sort_key=host&sort_dir=desc&sort_key=uuid&sort_dir=asc',
    'status=ACTIVE&sort_key=launched_at',
])
def test_pages_by_links_cover_each_server_once(app, query):
    _seed(1, 23)
    path = '/servers?all_tenants=1&' + query
    everything = [s['id'] for s in _get(
        app, path, admin=True).json['servers']]
    assert len(everything) == 23
    seen, pages = [], 0
    url = '/servers?limit=5&all_tenants=1&' + query
    while url:
        body = _get(app, url, admin=True).json
        pages += 1
        seen.extend(s['id'] for s in body['servers'])
        url = None
        for link in body.get('servers_links', []):
            if link['rel'] == 'next':
                parts = urllib.parse.urlsplit(link['href'])
                url = parts.path[len('/v2.1'):] + '?' + parts.query
    assert seen == everything
    assert pages == 5


def test_deleted_servers_with_changes_since(servers):
    instance_db.instance_destroy(_uuid(1))
    assert 'vm-0001' not in _names(servers, '/servers')
    assert 'vm-0001' in _names(servers,
                               '/servers?changes-since=2025-01-01T00:00:00Z')
    resp = _get(servers, '/servers/detail?deleted=true', admin=True)
    assert [(s['name'], s['status']) for s in resp.json['servers']] == [
        ('vm-0001', 'DELETED')]

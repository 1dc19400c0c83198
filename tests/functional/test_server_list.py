"""GET /servers at scale, over HTTP against real processes on MariaDB and
on PostgreSQL: each filter family as Nova answers it, sorting (NULLs
included), and walking every page by ``servers_links``.

The servers are written into the cloud's database by the list benchmark's
seeder (``bench/list_bench.py``): a list only reads rows, and booting a
few dozen servers would test the build path instead. Their attributes
follow ``list_bench.server_attrs(n)``, from which each test computes what
Nova would answer.
"""

import datetime
import re
import urllib.parse

import pytest

from bench import list_bench
from tests.fixtures import cloud as cloud_mod
from tests.fixtures.pytest_support import use_fixture

pytestmark = pytest.mark.rabbitmq

MEMBERS = 36    # servers of the demo project: 1..36
OTHERS = 4      # servers of another project: 37..40
PREFIX = 'lbf%s' % datetime.datetime.now().strftime('%H%M%S')
OTHER_PROJECT = 'other-project'


@pytest.fixture(scope='module', params=[
    pytest.param('mysql', marks=pytest.mark.mysql),
    pytest.param('postgresql', marks=pytest.mark.postgresql),
])
def cloud(request, base_tmp):
    with use_fixture(cloud_mod.MultiProcessCloud(
            str(base_tmp / ('server-list-%s' % request.param)),
            backend=request.param, computes={'host-a': {}})) as cloud:
        _uuids, cloud.list_flavorids = list_bench.seed_servers(
            cloud.database.url, 'demo', 'demo', MEMBERS, PREFIX)
        list_bench.seed_servers(cloud.database.url, OTHER_PROJECT, 'other',
                                OTHERS, PREFIX + 'o', first=MEMBERS + 1)
        yield cloud


def _numbers(servers):
    return [int(s['name'].rsplit('-', 1)[1]) for s in servers]


def _get(client, params, version='2.1', path='/servers', expected=200):
    return client.get(path, params=params, expected=expected, headers={
        'OpenStack-API-Version': 'compute %s' % version})


def _list(client, params=None, version='2.1'):
    """Server numbers of one unpaged answer."""
    params = dict(params or {}, limit=1000)
    return _numbers(_get(client, params, version).json()['servers'])


def _expected(predicate, numbers=range(1, MEMBERS + 1)):
    """Numbers matching ``predicate(attrs)``, newest first (the default
    sort: created_at desc)."""
    return [n for n in sorted(numbers, reverse=True)
            if predicate(list_bench.server_attrs(n))]


def _order(numbers, keys):
    """``numbers`` sorted as the database does: NULL lowest, stable sorts
    from the last key to the first."""
    result = list(numbers)
    for key, direction in reversed(keys):
        def value(n, key=key):
            attrs = list_bench.server_attrs(n)
            v = (attrs['created_at'] if key == 'created_at' else
                 attrs['name_suffix'] if key == 'display_name' else
                 n if key == 'id' else attrs[key])
            return (0, '') if v is None else (1, v)
        result.sort(key=value, reverse=(direction == 'desc'))
    return result


ALL = _expected(lambda a: True)
T = list_bench.BASE_TIME


@pytest.mark.parametrize('params, version, predicate', [
    ({}, '2.1', lambda a: True),
    ({'name': '^%s-000[1-5]$' % PREFIX}, '2.1',
     lambda a: a['name_suffix'] in ('0001', '0002', '0003', '0004', '0005')),
    ({'status': 'SHUTOFF'}, '2.1', lambda a: a['vm_state'] == 'stopped'),
    ({'status': ['ERROR', 'SHUTOFF']}, '2.1',
     lambda a: a['vm_state'] in ('error', 'stopped')),
    ({'ip': '10.200.0.1'}, '2.1',
     lambda a: re.match('10.200.0.1', a['address'])),
    ({'ip': r'^10\.200\.0\.2[0-9]$'}, '2.1',
     lambda a: re.match(r'10\.200\.0\.2[0-9]$', a['address'])),
    ({'ip6': '10'}, '2.5', lambda a: False),
    ({'image': 'image-b'}, '2.1', lambda a: a['image_ref'] == 'image-b'),
    ({'tags': 'even,tens'}, '2.26', lambda a: 'tens' in a['tags']),
    ({'tags-any': 'odd,tens'}, '2.26',
     lambda a: 'odd' in a['tags'] or 'tens' in a['tags']),
    ({'not-tags': 'even,tens'}, '2.26', lambda a: 'tens' not in a['tags']),
    ({'not-tags-any': 'even,tens'}, '2.26', lambda a: 'odd' in a['tags']),
    ({'changes-since': (T + datetime.timedelta(minutes=30)).isoformat()},
     '2.1', lambda a: a['updated_at'] >= T + datetime.timedelta(minutes=30)),
    ({'changes-before': (T + datetime.timedelta(minutes=5)).isoformat(),
      'changes-since': (T + datetime.timedelta(minutes=2)).isoformat()},
     '2.66', lambda a: T + datetime.timedelta(minutes=2) <= a['updated_at']
     <= T + datetime.timedelta(minutes=5)),
    # Before 2.66 changes-before is stripped, as any unknown parameter.
    ({'changes-before': (T + datetime.timedelta(minutes=5)).isoformat()},
     '2.65', lambda a: True),
    ({'locked': 'true'}, '2.73', lambda a: a['locked']),
    ({'locked': 'false'}, '2.73', lambda a: not a['locked']),
    ({'locked': 'true'}, '2.72', lambda a: True),
    # Admin-only filters are dropped for members.
    ({'host': 'host-a'}, '2.1', lambda a: True),
    ({'key_name': 'key-1'}, '2.82', lambda a: True),
    ({'key_name': 'key-1'}, '2.83', lambda a: a['key_name'] == 'key-1'),
    ({'vm_state': 'error'}, '2.83', lambda a: a['vm_state'] == 'error'),
    ({'no-such-filter': 'x'}, '2.74', lambda a: True),
])
def test_member_filters(cloud, params, version, predicate):
    assert _list(cloud.client, params, version) == _expected(predicate)


def test_flavor_filter(cloud):
    flavorid = cloud.list_flavorids[1]
    expected = _expected(lambda a: cloud.list_flavorids[
        a['flavor_index']] == flavorid)
    assert _list(cloud.client, {'flavor': flavorid}) == expected
    assert _list(cloud.client, {'flavor': 'no-such-flavor'}) == []


def test_admin_host_filter_and_all_tenants(cloud):
    admin = cloud.admin
    everyone = _expected(lambda a: True, range(1, MEMBERS + OTHERS + 1))
    assert _list(admin, {'all_tenants': '1'}) == everyone
    assert _list(admin, {'all_tenants': '1', 'host': 'host-a'}) == [
        n for n in everyone if n % 2]
    assert _list(admin, {'all_tenants': '1', 'node': '^host-b$',
                         'tenant_id': 'demo'}) == [
        n for n in ALL if n % 2 == 0]
    assert _list(admin, {'all_tenants': '1',
                         'tenant_id': OTHER_PROJECT}) == [40, 39, 38, 37]
    # Without all_tenants an admin lists its own project only.
    assert _list(admin) == []
    _get(cloud.client, {'all_tenants': '1'}, expected=403)
    _get(cloud.client, {'sort_key': 'host'}, expected=403)


@pytest.mark.parametrize('params, version', [
    ({'no-such-filter': 'x'}, '2.75'),
    ({'sort_key': 'vcpus'}, '2.75'),
    ({'sort_key': 'password'}, '2.1'),
    ({'sort_key': 'display_name', 'sort_dir': 'sideways'}, '2.1'),
    ({'marker': 'no-such-server'}, '2.1'),
    ({'changes-since': '2026-01-02T00:00:00Z',
      'changes-before': '2026-01-01T00:00:00Z'}, '2.66'),
    ({'locked': 'perhaps'}, '2.73'),
    ({'status': 'SLEEPY'}, '2.38'),
])
def test_bad_queries(cloud, params, version):
    body = _get(cloud.client, params, version, expected=400).json()
    assert body['badRequest']['code'] == 400
    if 'marker' in params:
        assert body['badRequest']['message'] == (
            'marker [no-such-server] not found')


@pytest.mark.parametrize('params, version, keys, admin', [
    ({}, '2.1', [('created_at', 'desc'), ('id', 'desc')], False),
    ({'sort_key': 'display_name', 'sort_dir': 'asc'}, '2.1',
     [('display_name', 'asc')], False),
    ({'sort_key': ['key_name', 'launched_at'], 'sort_dir': ['asc', 'desc']},
     '2.1', [('key_name', 'asc'), ('launched_at', 'desc'),
             ('created_at', 'asc'), ('id', 'asc')], False),
    ({'sort_key': ['launched_at'], 'sort_dir': ['asc']},
     '2.1', [('launched_at', 'asc'), ('created_at', 'asc')], False),
    ({'sort_key': ['host', 'locked'], 'sort_dir': ['desc', 'asc'],
      'all_tenants': '1', 'tenant_id': 'demo'}, '2.73',
     [('host', 'desc'), ('locked', 'asc'), ('created_at', 'desc'),
      ('id', 'desc')], True),
])
def test_pages_by_links_cover_each_server_once(cloud, params, version, keys,
                                               admin):
    client = cloud.admin if admin else cloud.client
    expected = _order(ALL, keys)
    assert _list(client, params, version) == expected
    seen, pages = [], 0
    url, query = '/servers/detail', dict(params, limit=7)
    while url:
        body = _get(client, query, version, path=url).json()
        pages += 1
        seen.extend(_numbers(body['servers']))
        url, query = None, None
        for link in body.get('servers_links', []):
            if link['rel'] == 'next':
                url = link['href']
                if 'limit=7' not in urllib.parse.urlsplit(url).query:
                    raise AssertionError('next link lost the limit: %s'
                                         % url)
    assert seen == expected
    assert pages == -(-MEMBERS // 7)


def test_detail_shows_what_was_filtered(cloud):
    body = _get(cloud.client, {'tags': 'tens', 'image': 'image-b'}, '2.73',
                path='/servers/detail').json()
    [server] = body['servers']
    assert _numbers([server]) == [30]
    assert server['tags'] == ['even', 'tens']
    assert server['locked'] is False
    assert server['status'] == 'SHUTOFF'
    assert server['key_name'] == 'key-1'


def test_pattern_the_database_refuses_is_a_400(cloud):
    # Python's re (the schema's check) and MariaDB's PCRE know named
    # groups; PostgreSQL's regular expressions do not.
    params = {'name': '(?P<n>%s-0001)$' % PREFIX}
    if cloud.backend == 'postgresql':
        body = _get(cloud.client, params, expected=400).json()
        assert body['badRequest']['message'] == (
            'Invalid input received: Invalid regular expression in a '
            'filter')
    else:
        assert _list(cloud.client, params) == [1]

"""Server listing at scale: GET /servers/detail with many servers, whole,
paged, filtered and sorted, against a running nova-lite.

The servers are written straight into nova-lite's database (instances,
tags, fixed IPs: what a list reads), not booted through the API: 1,000
boots would measure the build path (``boot_bench.py`` does that) and take
minutes, while the list only reads rows. Each server's attributes follow
:func:`server_attrs` (name, status, host, tags, lock, key, address,
timestamps vary with its number), so filters select known fractions.

Latency is measured over HTTP. The SQL statements per page are counted in
this process by running the same requests through nova-lite's WSGI app on
the same database (a SQLAlchemy ``before_cursor_execute`` hook), since a
running server's statements cannot be counted from outside.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
import urllib.parse
import uuid

import sqlalchemy as sa

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402

BASE_TIME = datetime.datetime(2026, 1, 1)
NETWORK_CIDR = '10.200.0.0/16'


def server_attrs(n):
    """The varying attributes of seeded server ``n`` (1-based)."""
    return {
        'name_suffix': '%04d' % n,
        'vm_state': ('stopped' if n % 10 == 0 else
                     'error' if n % 17 == 0 else 'active'),
        'host': 'host-%s' % ('a' if n % 2 else 'b'),
        'tags': ['even' if n % 2 == 0 else 'odd'] + (
            ['tens'] if n % 10 == 0 else []),
        'locked': n % 7 == 0,
        'key_name': 'key-1' if n % 3 == 0 else None,
        'address': '10.200.%d.%d' % (n // 250, n % 250 + 2),
        'created_at': BASE_TIME + datetime.timedelta(seconds=n),
        'updated_at': BASE_TIME + datetime.timedelta(minutes=n),
        'launched_at': (None if n % 5 == 0 else
                        BASE_TIME + datetime.timedelta(hours=n % 24)),
        'flavor_index': 0 if n % 4 else 1,
        'image_ref': 'image-%s' % ('a' if n % 3 else 'b'),
    }


def _flavors(connection):
    """Two flavor rows, as (id, flavorid, the instance's flavor JSON)."""
    from oslo_serialization import jsonutils

    from nova_lite import objects
    objects.register_all()
    flavors = sa.Table('flavors', sa.MetaData(), autoload_with=connection)
    rows = connection.execute(sa.select(flavors).order_by(
        flavors.c.id).limit(2)).mappings().all()
    if not rows:
        raise SystemExit('no flavors in the database: run '
                         'nova-lite-manage bootstrap first')
    result = []
    for row in rows:
        flavor = objects.Flavor(
            id=row['id'], flavorid=row['flavorid'], name=row['name'],
            memory_mb=row['memory_mb'], vcpus=row['vcpus'],
            root_gb=row['root_gb'], ephemeral_gb=row['ephemeral_gb'],
            swap=row['swap'], rxtx_factor=row['rxtx_factor'],
            vcpu_weight=row['vcpu_weight'], disabled=row['disabled'],
            is_public=row['is_public'], description=row['description'],
            extra_specs={}, projects=[])
        result.append((row['id'], row['flavorid'],
                       jsonutils.dumps(flavor.obj_to_primitive())))
    return result * (2 // len(result))


def seed_servers(database_url, project, user, count, prefix, first=1):
    """Write servers ``first``..``first + count - 1`` named
    ``<prefix>-NNNN`` into the database, with tags and a fixed IP each.

    :returns: (their uuids, the flavorids used by flavor_index 0 and 1)
    """
    from nova_lite.db import models

    engine = sa.create_engine(database_url)
    uuids = []
    try:
        with engine.begin() as connection:
            flavors = _flavors(connection)
            network_id = connection.execute(
                sa.insert(models.Network).values(
                    uuid=str(uuid.uuid4()), label=prefix, cidr=NETWORK_CIDR,
                    bridge='br-lb%s' % prefix[-6:], project_id=project,
                    deleted=0, created_at=BASE_TIME)
            ).inserted_primary_key[0]
            instances, tags, vifs = [], [], []
            for n in range(first, first + count):
                attrs = server_attrs(n)
                flavor_id, _flavorid, flavor_json = flavors[
                    attrs['flavor_index']]
                server_uuid = str(uuid.uuid4())
                uuids.append(server_uuid)
                instances.append({
                    'uuid': server_uuid, 'user_id': user,
                    'project_id': project,
                    'display_name': '%s-%s' % (prefix, attrs['name_suffix']),
                    'hostname': '%s-%s' % (prefix, attrs['name_suffix']),
                    'image_ref': attrs['image_ref'],
                    'instance_type_id': flavor_id, 'flavor': flavor_json,
                    'vcpus': 1, 'memory_mb': 64, 'root_gb': 1,
                    'ephemeral_gb': 0, 'vm_state': attrs['vm_state'],
                    'task_state': None,
                    'power_state': 4 if attrs['vm_state'] == 'stopped'
                    else 1,
                    'host': attrs['host'], 'node': attrs['host'],
                    'launched_on': attrs['host'],
                    'availability_zone': 'nova',
                    'key_name': attrs['key_name'],
                    'reservation_id': 'r-%s' % prefix, 'launch_index': 0,
                    'locked': attrs['locked'], 'progress': 0,
                    'created_at': attrs['created_at'],
                    'updated_at': attrs['updated_at'],
                    'launched_at': attrs['launched_at'], 'deleted': 0})
                tags.extend({'resource_id': server_uuid, 'tag': tag}
                            for tag in attrs['tags'])
                vifs.append({'uuid': str(uuid.uuid4()),
                             # NOTE: locally administered, two bytes
                             # of the prefix: no clash with other VIFs.
                             'address': 'fe:%s:%s:%02x:%02x:%02x' % (
                                 prefix[-4:-2], prefix[-2:],
                                 (n >> 16) & 0xff, (n >> 8) & 0xff,
                                 n & 0xff),
                             'network_id': network_id,
                             'instance_uuid': server_uuid,
                             'created_at': BASE_TIME})
            connection.execute(sa.insert(models.Instance), instances)
            connection.execute(sa.insert(models.Tag), tags)
            connection.execute(sa.insert(models.VirtualInterface), vifs)
            vif_ids = dict(connection.execute(
                sa.select(models.VirtualInterface.instance_uuid,
                          models.VirtualInterface.id).where(
                    models.VirtualInterface.network_id == network_id)).all())
            connection.execute(sa.insert(models.FixedIp), [
                {'address': server_attrs(n)['address'],
                 'network_id': network_id,
                 'virtual_interface_id': vif_ids[server_uuid],
                 'instance_uuid': server_uuid, 'created_at': BASE_TIME}
                for n, server_uuid in zip(range(first, first + count),
                                          uuids)])
        return uuids, [flavors[0][1], flavors[1][1]]
    finally:
        engine.dispose()


def remove_servers(database_url, prefix):
    """Delete every row :func:`seed_servers` wrote for ``prefix``."""
    from nova_lite.db import models

    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as connection:
            uuids = sa.select(models.Instance.uuid).where(
                models.Instance.reservation_id == 'r-%s' % prefix)
            for model, column in ((models.FixedIp, 'instance_uuid'),
                                  (models.VirtualInterface, 'instance_uuid'),
                                  (models.Tag, 'resource_id'),
                                  (models.InstanceMetadata,
                                   'instance_uuid'),
                                  (models.InstanceFault, 'instance_uuid')):
                connection.execute(sa.delete(model).where(
                    getattr(model, column).in_(uuids)))
            connection.execute(sa.delete(models.Instance).where(
                models.Instance.reservation_id == 'r-%s' % prefix))
            connection.execute(sa.delete(models.Network).where(
                models.Network.label == prefix))
    finally:
        engine.dispose()


def queries(prefix, flavorid):
    """(label, query params) of the timed requests."""
    return [
        ('limit 1000', {'limit': 1000}),
        ('name regex', {'name': '^%s-00[0-4]' % prefix, 'limit': 1000}),
        ('status=SHUTOFF', {'status': 'SHUTOFF', 'limit': 1000}),
        ('ip prefix', {'ip': '10.200.1.', 'limit': 1000}),
        ('tags=tens', {'tags': 'tens', 'limit': 1000}),
        ('tags-any=even,tens', {'tags-any': 'even,tens', 'limit': 1000}),
        ('changes-since', {'changes-since': (
            BASE_TIME + datetime.timedelta(minutes=900)).isoformat() + 'Z',
            'limit': 1000}),
        ('flavor', {'flavor': flavorid, 'limit': 1000}),
        ('locked=true', {'locked': 'true', 'limit': 1000}),
        ('sort display_name asc', {'sort_key': 'display_name',
                                   'sort_dir': 'asc', 'limit': 1000}),
        ('sort key_name, launched_at', {
            'sort_key': ['key_name', 'launched_at'],
            'sort_dir': ['asc', 'desc'], 'limit': 1000}),
    ]


def _time(client, path, params):
    start = time.perf_counter()
    response = client.request('GET', path, params=params, expected=(200,))
    return (time.perf_counter() - start) * 1000, response.json()


def walk_pages(client, page_size):
    """GET /servers/detail page by page by ``servers_links``.

    :returns: (ms per page, servers seen)
    """
    url, params = '/servers/detail', {'limit': page_size}
    timings, seen = [], 0
    while url:
        elapsed, body = _time(client, url, params)
        timings.append(elapsed)
        seen += len(body['servers'])
        url, params = None, None
        for link in body.get('servers_links', []):
            if link['rel'] == 'next':
                url = link['href']
    return timings, seen


def count_statements(database_url, token, microversion, requests):
    """SQL statements of each request, run through nova-lite's WSGI app
    in this process on the same database.

    :param requests: (label, path with query string) pairs.
    :returns: {label: statements}
    """
    import webob

    from nova_lite.api import app as api_app
    from nova_lite import conf
    from nova_lite.db import api as db_api
    from nova_lite import objects

    objects.register_all()
    conf.CONF([], project='nova-lite', default_config_files=[])
    conf.CONF.set_override('connection', database_url, group='database')
    conf.CONF.set_override('auth_strategy', 'noauth', group='api')
    app = api_app.make_app()
    statements = []

    def hook(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db_api.get_engine()
    counts = {}
    for label, path in requests:
        req = webob.Request.blank('/v2.1' + path, headers={
            'X-Auth-Token': token,
            'OpenStack-API-Version': 'compute %s' % microversion})
        sa.event.listen(engine, 'before_cursor_execute', hook)
        try:
            response = req.get_response(app)
        finally:
            sa.event.remove(engine, 'before_cursor_execute', hook)
        if response.status_int != 200:
            raise RuntimeError('%s -> %s' % (path, response.status))
        counts[label] = (len(statements), len(response.json['servers']))
        statements.clear()
    db_api.dispose_engine()
    return counts


def run(args):
    project = args.token.split(':')[-1] if ':' in args.token else None
    project = args.project or project
    if not project:
        raise SystemExit('--project is needed with a Keystone token')
    prefix = 'lb%s' % uuid.uuid4().hex[:8]
    client = benchlib.ApiClient(args.endpoint, args.token, args.microversion)
    rows = []

    def note(figure, value, n, detail=''):
        rows.append((figure, value, n, detail))
        print('  %s: %s' % (figure, value), file=sys.stderr)

    print('seeding %d servers into %s' % (args.count, project),
          file=sys.stderr)
    start = time.perf_counter()
    _uuids, flavorids = seed_servers(args.database_url, project,
                                     args.user or project, args.count,
                                     prefix)
    note('seed %d servers in the database (s)' % args.count,
         '%.2f' % (time.perf_counter() - start), args.count)
    try:
        listed = len(client.request('GET', '/servers', params={
            'limit': 1}, expected=(200,)).json()['servers'])
        assert listed == 1
        requests = []
        for label, params in queries(prefix, flavorids[1]):
            samples, returned = [], 0
            for _ in range(args.samples):
                elapsed, body = _time(client, '/servers/detail', params)
                samples.append(elapsed)
                returned = len(body['servers'])
            note('detail %s median (ms)' % label,
                 '%.1f' % statistics.median(samples), len(samples),
                 '%d servers returned' % returned)
            note('detail %s p95 (ms)' % label,
                 '%.1f' % benchlib.percentile(samples, 95), len(samples))
            requests.append((label, '/servers/detail?' +
                             urllib.parse.urlencode(params, doseq=True)))
        pages, seen = [], 0
        for _ in range(max(1, args.samples // 5)):
            timings, seen = walk_pages(client, 100)
            pages.extend(timings)
        note('detail paged by 100: per page median (ms)',
             '%.1f' % statistics.median(pages), len(pages),
             '%d servers over %d pages' % (seen, len(timings)))
        note('detail paged by 100: per page p95 (ms)',
             '%.1f' % benchlib.percentile(pages, 95), len(pages))
        if args.count_statements:
            requests.append(('limit 100', '/servers/detail?limit=100'))
            requests.append(('limit 10', '/servers/detail?limit=10'))
            for label, (count, returned) in count_statements(
                    args.database_url, args.token, args.microversion,
                    requests).items():
                note('SQL statements: detail %s' % label, count, 1,
                     '%d servers on the page' % returned)
    finally:
        if not args.keep:
            remove_servers(args.database_url, prefix)
        benchlib.print_table('endpoint %s  microversion %s  %d seeded servers'
                             % (args.endpoint, args.microversion,
                                args.count), rows)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--endpoint', required=True,
                        help='compute endpoint, e.g. '
                             'http://127.0.0.1:8774/v2.1')
    parser.add_argument('--token', required=True,
                        help='X-Auth-Token (nova-lite noauth: user:project)')
    parser.add_argument('--database-url', required=True,
                        help="the nova-lite's [database] connection")
    parser.add_argument('--project', help='project of the seeded servers '
                        '(default: from a user:project token)')
    parser.add_argument('--user', help='their user (default: the project)')
    parser.add_argument('--microversion', default='2.73')
    parser.add_argument('--count', type=int, default=1000)
    parser.add_argument('--samples', type=int, default=20)
    parser.add_argument('--no-count-statements', dest='count_statements',
                        action='store_false',
                        help='skip counting SQL statements in-process')
    parser.add_argument('--keep', action='store_true',
                        help='leave the seeded servers in place')
    args = parser.parse_args(argv)
    if not 1 <= args.count <= 100000:
        parser.error('--count must be within 1..100000')
    if not 1 <= args.samples <= 1000:
        parser.error('--samples must be within 1..1000')
    return args


def main(argv=None):
    run(parse_args(argv))
    return 0


if __name__ == '__main__':
    sys.exit(main())

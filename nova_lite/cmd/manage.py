"""nova-lite-manage: database migrations, bootstrap data and service views.

    nova-lite-manage [--config-file F] db sync
    nova-lite-manage db version
    nova-lite-manage bootstrap          # Nova's default flavors
    nova-lite-manage service list
    nova-lite-manage image list
"""

import sys

from oslo_config import cfg

from nova_lite.cmd import common
from nova_lite import conf
from nova_lite import context as nova_context
from nova_lite.db import migration
from nova_lite import exception
from nova_lite import objects

CONF = conf.CONF

# name, flavorid, memory_mb, vcpus, root_gb: Nova's default sizes.
DEFAULT_FLAVORS = (
    ('m1.tiny', '1', 512, 1, 1),
    ('m1.small', '2', 2048, 1, 20),
    ('m1.medium', '3', 4096, 2, 40),
    ('m1.large', '4', 8192, 4, 80),
    ('m1.xlarge', '5', 16384, 8, 160),
)


def db_sync():
    migration.db_sync()


def bootstrap():
    """Create the default flavors that are missing; returns their names."""
    context = nova_context.get_admin_context()
    created = []
    for name, flavorid, memory_mb, vcpus, root_gb in DEFAULT_FLAVORS:
        try:
            objects.Flavor.get_by_flavor_id(context, flavorid)
            continue
        except exception.FlavorNotFound:
            pass
        flavor = objects.Flavor(context=context, name=name, flavorid=flavorid,
                                memory_mb=memory_mb, vcpus=vcpus,
                                root_gb=root_gb, ephemeral_gb=0, swap=0,
                                rxtx_factor=1.0, is_public=True,
                                disabled=False)
        try:
            flavor.create()
            created.append(name)
        except (exception.FlavorExists, exception.FlavorIdExists):
            # NOTE: another process bootstrapping at the same time won.
            pass
    return created


def _db_sync():
    db_sync()
    print('Database is at revision %s' % migration.db_version())


def _db_version():
    print(migration.db_version())


def _bootstrap():
    created = bootstrap()
    print('Created flavors: %s' % (', '.join(created) or 'none needed'))


def _service_list():
    context = nova_context.get_admin_context()
    rows = [('Id', 'Binary', 'Host', 'Status', 'State', 'Updated At')]
    for svc in objects.ServiceList.get_all(context):
        rows.append((str(svc.id), svc.binary, svc.host,
                     'disabled' if svc.disabled else 'enabled',
                     'up' if svc.is_up() else 'down',
                     str(svc.last_seen_up or '')))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print('  '.join(cell.ljust(width) for cell, width in zip(row, widths)))


def _image_list():
    from nova_lite.image import glance
    context = nova_context.get_admin_context()
    for image in glance.API().list(context):
        print('%s  %s  %s' % (image['id'], image.get('status'),
                              image.get('name')))


COMMANDS = {
    ('db', 'sync'): _db_sync,
    ('db', 'version'): _db_version,
    ('bootstrap',): _bootstrap,
    ('service', 'list'): _service_list,
    ('image', 'list'): _image_list,
}


def _add_parsers(subparsers):
    db = subparsers.add_parser('db', help='database schema')
    db_sub = db.add_subparsers(dest='action')
    db_sub.add_parser('sync', help='upgrade the schema to the newest')
    db_sub.add_parser('version', help='print the schema revision')
    subparsers.add_parser('bootstrap', help="create Nova's default flavors")
    svc = subparsers.add_parser('service', help='services')
    svc_sub = svc.add_subparsers(dest='action')
    svc_sub.add_parser('list', help='list services and whether they are up')
    image = subparsers.add_parser('image', help='images')
    image_sub = image.add_subparsers(dest='action')
    image_sub.add_parser('list', help='list the images servers can boot')


def main():
    CONF.register_cli_opt(cfg.SubCommandOpt('category', handler=_add_parsers))
    common.setup()
    key = tuple(part for part in (CONF.category.name,
                                  getattr(CONF.category, 'action', None))
                if part)
    command = COMMANDS.get(key)
    if command is None:
        print('Unknown command: %s' % ' '.join(key), file=sys.stderr)
        return 2
    command()
    return 0

"""nova-lite-manage: database migrations, bootstrap data and service views.

    nova-lite-manage [--config-file F] db sync
    nova-lite-manage db version
    nova-lite-manage image_db sync     # the image service's own database
    nova-lite-manage image_db version
    nova-lite-manage bootstrap          # Nova's default flavors
    nova-lite-manage service list
    nova-lite-manage image list
    nova-lite-manage image import FILE --name N --disk-format F
        [--container-format C] [--property K=V]... [--min-ram M]
        [--min-disk D] [--public]
    nova-lite-manage image import-test-guest [--dir D] [--name N]
    nova-lite-manage network create --name N --cidr C [--gateway G]
        [--bridge B] [--dns D [--dns D]] [--mtu M] [--project-id P]
        [--provider-network-type vxlan|vlan|flat]
        [--provider-physical-network P] [--provider-segment ID] [--snat]
    nova-lite-manage network list
    nova-lite-manage network delete <uuid|label>
    nova-lite-manage network teardown-host   # this host's bridges, DHCP...
    nova-lite-manage privsep sudoers --user U  # sudoers lines for U
    nova-lite-manage config write --role R ...  # a node's config (see
                                                # cmd/manage_config.py)
    nova-lite-manage placement audit [--verbose] [--delete]
        [--resource_provider UUID]   # orphans (cmd/manage_placement.py)
"""

import os
import sys

from oslo_config import cfg

from nova_lite.cmd import manage_config
from nova_lite.cmd import manage_placement
from nova_lite import conf
from nova_lite import config
from nova_lite import context as nova_context
from nova_lite.db import migration
from nova_lite import exception
from nova_lite.network import segments
from nova_lite import objects
from nova_lite import privsep

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


def image_db_sync():
    """Upgrade the image service's own database ([image_service]
    database_connection); its first sync copies the image records
    nova-lite's database held before its migration 0014."""
    from nova_lite.image.service.db import migration as image_migration
    image_migration.db_sync()


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


def _image_db_sync():
    from nova_lite.image.service.db import migration as image_migration
    image_db_sync()
    print('Image database is at revision %s' % image_migration.db_version())


def _image_db_version():
    from nova_lite.image.service.db import migration as image_migration
    print(image_migration.db_version())


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


def _image_context():
    """The context of the image commands: its token is ``$OS_AUTH_TOKEN``,
    else ``admin:admin``, an administrator's token in noauth mode.

    NOTE: the commands go through the Glance v2 API of ``[glance]
    api_servers`` (never the image tables), so they work the same against
    nova-lite-image and a real Glance. Unset, it is the image service of
    this host (``[image_service] bind_host``/``bind_port``), as for
    nova-lite-all.
    """
    from nova_lite.cmd import image
    image.use_local_if_unset()
    token = os.environ.get('OS_AUTH_TOKEN') or 'admin:admin'
    return nova_context.RequestContext(user_id='admin', project_id='admin',
                                       roles=['admin'], is_admin=True,
                                       auth_token=token, overwrite=False)


def _image_error(error):
    print('Error: %s' % error.format_message(), file=sys.stderr)
    if isinstance(error, exception.ImageServiceRequestFailed) and \
            error.kwargs.get('status') in (401, 403):
        print('(the image commands send $OS_AUTH_TOKEN, else admin:admin; '
              'a public image needs an administrator)', file=sys.stderr)
    return 1


def _image_list():
    from nova_lite.image import glance
    try:
        images = glance.API().list(_image_context())
    except exception.NovaException as error:
        return _image_error(error)
    for image in images:
        print('%s  %s  %s' % (image['id'], image.get('status'),
                              image.get('name')))
    return 0


def _image_import():
    from nova_lite.image import glance
    from nova_lite.image import importer
    args = CONF.category
    properties = {}
    for item in args.image_properties or []:
        key, sep, value = item.partition('=')
        if not sep or not key:
            print('Error: --property takes KEY=VALUE, not %r' % item,
                  file=sys.stderr)
            return 2
        properties[key] = value
    try:
        image, uploaded = importer.import_file(
            glance.API(), _image_context(), args.image_file, args.image_name,
            args.image_disk_format, args.image_container_format,
            visibility='public' if args.image_public else None,
            min_ram=args.image_min_ram, min_disk=args.image_min_disk,
            properties=properties)
    except OSError as error:
        print('Error: %s' % error, file=sys.stderr)
        return 1
    except exception.NovaException as error:
        return _image_error(error)
    print('%s image %s (%s)' % ('Uploaded' if uploaded else 'Found',
                                image['id'], image.get('name')),
          file=sys.stderr)
    print(image['id'])
    return 0


def _image_import_test_guest():
    from nova_lite.image import glance
    from nova_lite.image import importer
    from nova_lite.tools import test_guest
    args = CONF.category
    try:
        paths = test_guest.build(args.guest_dir, force=args.guest_rebuild)
    except test_guest.BuildError as error:
        print('Error: %s' % error, file=sys.stderr)
        return 1
    try:
        images = importer.import_test_guest(
            glance.API(), _image_context(), paths, args.image_name)
    except OSError as error:
        print('Error: %s' % error, file=sys.stderr)
        return 1
    except exception.NovaException as error:
        return _image_error(error)
    for role in ('kernel', 'ramdisk', 'image'):
        print('%-7s %s  %s' % (role, images[role]['id'],
                               images[role].get('name')), file=sys.stderr)
    print(images['image']['id'])
    return 0


def _add_image_parsers(image_sub):
    # NOTE: dests of their own, as for the network commands: all
    # arguments share CONF.category's namespace with ``name``.
    imp = image_sub.add_parser(
        'import', help='register an image file in the image service '
                       '(Glance v2 API of [glance] api_servers); prints the '
                       'image id; an identical image is found, not '
                       'uploaded again')
    imp.add_argument('image_file', metavar='FILE', help='the image data')
    imp.add_argument('--name', dest='image_name', required=True,
                     help='name of the image')
    imp.add_argument('--disk-format', dest='image_disk_format',
                     required=True,
                     help='raw, qcow2, aki, ari, ami, iso, ...')
    imp.add_argument('--container-format', dest='image_container_format',
                     default='bare', help='bare (default), aki, ari, ami, '
                                          'ova, ...')
    imp.add_argument('--property', dest='image_properties',
                     action='append', metavar='KEY=VALUE',
                     help='a custom property (repeatable)')
    imp.add_argument('--min-ram', dest='image_min_ram', type=int, default=0,
                     help='RAM in MiB a flavor needs to boot it')
    imp.add_argument('--min-disk', dest='image_min_disk', type=int,
                     default=0, help='root disk in GiB a flavor needs')
    imp.add_argument('--public', dest='image_public', action='store_true',
                     help='visible to every project (needs an '
                          'administrator)')
    guest = image_sub.add_parser(
        'import-test-guest',
        help='build the test guest if needed (nova_lite/tools/test_guest) '
             'and register its kernel, ramdisk and bootable image, public; '
             'prints the id of the image to boot on the last line')
    guest.add_argument('--dir', dest='guest_dir',
                       help='where the guest is built (default: '
                            '$NOVA_LITE_TEST_GUEST_DIR, else '
                            '~/.nova-lite/test-guest)')
    guest.add_argument('--name', dest='image_name',
                       default='nova-lite-test-guest',
                       help='name of the bootable image; the kernel and '
                            'ramdisk get -kernel and -ramdisk appended')
    guest.add_argument('--rebuild', dest='guest_rebuild',
                       action='store_true',
                       help='rebuild the guest even if it is up to date')


# ---- networks --------------------------------------------------------------

def _print_table(rows):
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print('  '.join(cell.ljust(width)
                        for cell, width in zip(row, widths)).rstrip())


def _network_error(error):
    print('Error: %s' % error.format_message(), file=sys.stderr)
    return 1


def _network_create():
    from nova_lite.network import api as network_api
    context = nova_context.get_admin_context()
    args = CONF.category
    try:
        # NOTE: the network host sets a network up when its first address
        # is announced (or at its next sync); nothing to tell it here.
        network = network_api.API(notify_network_host=False).create(
            context, args.net_name, args.net_cidr, gateway=args.net_gateway,
            bridge=args.net_bridge, dns=args.net_dns, mtu=args.net_mtu,
            project_id=args.net_project_id,
            network_type=args.net_type,
            physical_network=args.net_physnet,
            segmentation_id=args.net_segment, enable_snat=args.net_snat)
    except (exception.InvalidInput, exception.Conflict) as error:
        return _network_error(error)
    print('Created network %s: %s %s gateway %s bridge %s segment %s '
          'MTU %d%s%s'
          % (network.uuid, network.label, network.cidr, network.gateway,
             network.bridge, network.segment, network.mtu,
             ' SNAT' if network.enable_snat else '',
             ' (project %s)' % network.project_id if network.project_id
             else ' (shared)'))
    return 0


def _network_list():
    context = nova_context.get_admin_context()
    rows = [('UUID', 'Label', 'CIDR', 'Gateway', 'Bridge', 'Segment',
             'DNS', 'MTU', 'SNAT', 'Project', 'Addresses used')]
    for network in objects.NetworkList.get_all(context):
        rows.append((
            network.uuid, network.label, network.cidr,
            network.gateway or '-', network.bridge, network.segment or '-',
            ','.join(d for d in (network.dns1, network.dns2) if d) or '-',
            str(segments.effective_mtu(network)),
            'yes' if network.enable_snat else 'no',
            network.project_id or '(shared)',
            '%d/%d' % (network.allocated_count(), network.usable_count())))
    _print_table(rows)
    return 0


def _network_delete():
    from nova_lite.network import api as network_api
    context = nova_context.get_admin_context()
    try:
        network = network_api.API(notify_network_host=False).delete(
            context, CONF.category.net_ref)
    except (exception.NetworkNotFound, exception.NetworkInUse) as error:
        return _network_error(error)
    print('Deleted network %s (%s)' % (network.uuid, network.label))
    return 0


def _network_teardown_host():
    from nova_lite.network import manager as network_manager
    uuids = network_manager.teardown_host()
    print('Took down %d network(s) on this host%s' % (
        len(uuids), ': ' + ', '.join(uuids) if uuids else ''))
    return 0


def _add_network_parsers(subparsers):
    # NOTE: every argument has a dest of its own: CONF.category.name is
    # the command's name, and all arguments share one namespace.
    net = subparsers.add_parser('network', help='networks servers attach to')
    net_sub = net.add_subparsers(dest='action')
    create = net_sub.add_parser(
        'create', help='define an IPv4 network: one L2 segment across every '
                       'host')
    create.add_argument('--name', dest='net_name', required=True,
                        help='label of the network (unique)')
    create.add_argument('--cidr', dest='net_cidr', required=True,
                        help='its addresses, e.g. 192.0.2.0/24')
    create.add_argument('--gateway', dest='net_gateway',
                        help='router address (default: first host address)')
    create.add_argument('--bridge', dest='net_bridge',
                        help='Linux bridge of its NICs on every compute host '
                             '(default: [network] bridge_prefix + uuid)')
    create.add_argument('--dns', dest='net_dns', action='append',
                        help='a DNS server (at most twice)')
    create.add_argument('--mtu', dest='net_mtu', type=int,
                        help='MTU of its NICs (default: [network] '
                             'default_mtu, less 50 for vxlan)')
    create.add_argument('--provider-network-type', dest='net_type',
                        choices=('vxlan', 'vlan', 'flat'),
                        help='segment type (default: [network] '
                             'default_network_type)')
    create.add_argument('--provider-physical-network', dest='net_physnet',
                        help='physical network of a vlan or flat network '
                             '(see [network] physical_interface_mappings)')
    create.add_argument('--provider-segment', dest='net_segment', type=int,
                        help='VNI or VLAN id (default: the lowest free one '
                             'of the configured ranges)')
    create.add_argument('--snat', dest='net_snat', action='store_true',
                        help='masquerade its traffic to the outside behind '
                             'the network host')
    create.add_argument('--project-id', dest='net_project_id',
                        help='owning project (default: shared by all)')
    net_sub.add_parser('list', help='list networks and their use')
    delete = net_sub.add_parser(
        'delete', help='delete a network no server has an address on')
    delete.add_argument('net_ref', metavar='NETWORK',
                        help='uuid or label of the network')
    net_sub.add_parser(
        'teardown-host',
        help="remove this host's part of every network: bridges, uplinks, "
             'DHCP servers, gateway addresses and NAT rules')


def _privsep_sudoers():
    try:
        print(privsep.sudoers_rules(CONF.category.user), end='')
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2


def _add_privsep_parsers(subparsers):
    priv = subparsers.add_parser(
        'privsep', help="the privileged helpers of unprivileged services")
    priv_sub = priv.add_subparsers(dest='action')
    sudoers = priv_sub.add_parser(
        'sudoers', help='print the sudoers(5) lines that let USER start '
        "nova-lite's privsep daemons (for /etc/sudoers.d/nova-lite)")
    sudoers.add_argument('--user', required=True,
                         help='the user the services run as')


COMMANDS = {
    ('db', 'sync'): _db_sync,
    ('db', 'version'): _db_version,
    ('image_db', 'sync'): _image_db_sync,
    ('image_db', 'version'): _image_db_version,
    ('bootstrap',): _bootstrap,
    ('service', 'list'): _service_list,
    ('image', 'list'): _image_list,
    ('image', 'import'): _image_import,
    ('image', 'import-test-guest'): _image_import_test_guest,
    ('network', 'create'): _network_create,
    ('network', 'list'): _network_list,
    ('network', 'delete'): _network_delete,
    ('network', 'teardown-host'): _network_teardown_host,
    ('privsep', 'sudoers'): _privsep_sudoers,
}
COMMANDS.update(manage_config.COMMANDS)
COMMANDS.update(manage_placement.COMMANDS)


def _add_parsers(subparsers):
    db = subparsers.add_parser('db', help='database schema')
    db_sub = db.add_subparsers(dest='action')
    db_sub.add_parser('sync', help='upgrade the schema to the newest')
    db_sub.add_parser('version', help='print the schema revision')
    # NOTE: Nova's api_db: a second database with a tree of its own.
    image_db = subparsers.add_parser(
        'image_db', help="the image service's own database ([image_service] "
                         'database_connection)')
    image_db_sub = image_db.add_subparsers(dest='action')
    image_db_sub.add_parser(
        'sync', help='upgrade its schema to the newest (the first sync '
                     "copies the images nova-lite's database held; run it "
                     'before db sync)')
    image_db_sub.add_parser('version', help='print its schema revision')
    subparsers.add_parser('bootstrap', help="create Nova's default flavors")
    svc = subparsers.add_parser('service', help='services')
    svc_sub = svc.add_subparsers(dest='action')
    svc_sub.add_parser('list', help='list services and whether they are up')
    image = subparsers.add_parser('image', help='images')
    image_sub = image.add_subparsers(dest='action')
    image_sub.add_parser('list', help='list the images servers can boot')
    _add_image_parsers(image_sub)
    _add_network_parsers(subparsers)
    _add_privsep_parsers(subparsers)
    manage_config.add_parsers(subparsers)
    manage_placement.add_parsers(subparsers)


# The commands that read or write the tables (the rest talk to the image
# service, to this host, or to nothing).
NEEDS_SCHEMA = frozenset((('bootstrap',), ('service', 'list'),
                          ('network', 'create'), ('network', 'list'),
                          ('network', 'delete'))) | \
    manage_placement.NEEDS_SCHEMA


def main():
    CONF.register_cli_opt(cfg.SubCommandOpt('category', handler=_add_parsers))
    config.setup()
    key = tuple(part for part in (CONF.category.name,
                                  getattr(CONF.category, 'action', None))
                if part)
    command = COMMANDS.get(key)
    if command is None:
        print('Unknown command: %s' % ' '.join(key), file=sys.stderr)
        return 2
    if key in NEEDS_SCHEMA and migration.db_version() is None:
        print('The database has no nova-lite schema yet ([database] '
              'connection): run "nova-lite-manage db sync" first.',
              file=sys.stderr)
        return 1
    return command() or 0

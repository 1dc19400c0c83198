"""A node's nova-lite.conf: the options its role needs, from its facts.

Every way of deploying nova-lite writes a node's config through this
module: ``nova-lite-manage config write`` (run by the devstack plugin and
by an operator following the README's "Install on real machines") and the
lab in a box (``tools/nova_lite_lab/hosts.py``). So the lab's integration
tests boot guests on the config the plugin deploys.

The roles, as in Nova's install guides:

``controller``
    nova-lite-api, -conductor, -scheduler, -image, -metadata and -network
    (the network host): the database, the listen addresses, how the APIs
    authenticate, the metadata proxies' secret and the networks' defaults.
``compute``
    nova-lite-compute with the libvirt driver: the broker, the image
    service and its hypervisor; never the database, which a compute host
    reaches only through the conductor.
``all``
    both on one node.

Only the options a role needs are written; every other option keeps its
default (``etc/nova-lite/nova-lite.conf.sample`` lists them all).
"""

import dataclasses
import os
import tempfile

from nova_lite import exception

CONTROLLER = 'controller'
COMPUTE = 'compute'
ALL = 'all'
ROLES = (CONTROLLER, COMPUTE, ALL)

_CONTROLLER = frozenset((CONTROLLER, ALL))
_COMPUTE = frozenset((COMPUTE, ALL))
_EVERY = frozenset(ROLES)


def _fact(default=None, help='', cli=True, metavar=None):
    return dataclasses.field(default=default, metadata={
        'help': help, 'cli': cli, 'metavar': metavar})


@dataclasses.dataclass
class NodeFacts:
    """What one node's config is made of.

    A fact that is None or empty is not written: its option keeps the
    default. ``host`` and ``my_ip`` are needed on every node,
    ``transport_url`` on a controller and a compute (their services meet
    on a broker; ``all`` without one uses nova-lite-all's in-process
    transport).
    """

    host: str = _fact(help='name of this node (default: its hostname); '
                           'a compute host is known by it')
    my_ip: str = _fact(help="this node's address on the management "
                            'network')
    controller_ip: str = _fact(help="the controller's address: where the "
                                    'image service and the metadata API '
                                    'are (default: --my-ip)')
    transport_url: str = _fact(help='the RabbitMQ every service of the '
                                    'deployment shares, e.g. '
                                    'rabbit://user:pass@host:5672/')
    database_connection: str = _fact(help='SQLAlchemy URL of the database '
                                          '(controller only)')
    image_database_connection: str = _fact(
        help="SQLAlchemy URL of the image service's own database "
             '(controller only; default: a sqlite file in the state path, '
             'beside)')
    state_path: str = _fact(help='where the node keeps its state: '
                                 'instances, image cache, images, '
                                 "networks' DHCP files")
    debug: bool = _fact(cli=False)
    # controller
    api_listen: str = _fact(
        metavar='ADDRESS',
        help='address the Compute API listens on (default: --my-ip)')
    api_port: int = _fact(8774, help='port of the Compute API')
    metadata_listen: str = _fact(
        metavar='ADDRESS',
        help='address the metadata API listens on (default: --my-ip)')
    metadata_port: int = _fact(8775, help='port of the metadata API')
    image_listen: str = _fact(
        metavar='ADDRESS',
        help='address the image service listens on (default: --my-ip)')
    image_port: int = _fact(9292, help='port of the image service')
    auth_strategy: str = _fact('noauth', help='noauth or keystone (then '
                                              'give [keystone_authtoken] '
                                              'with --set)')
    keystone_authtoken: dict = _fact(cli=False)
    metadata_secret: str = _fact(help='the secret the network host\'s '
                                      'metadata proxies sign guests\' '
                                      'requests with')
    # every node
    image_api_url: str = _fact(help='[glance] api_servers (default: '
                                    'http://CONTROLLER_IP:IMAGE_PORT)')
    # compute
    compute_driver: str = _fact('libvirt.LibvirtDriver',
                                help='the virt driver')
    virt_type: str = _fact('kvm', help='kvm, or qemu where KVM is missing '
                                       'or unusable')
    connection_uri: str = _fact('qemu:///system', help="libvirt's URI")
    force_config_drive: bool = _fact(help='give every guest a config drive')
    # networking
    local_ip: str = _fact(help='VXLAN tunnel address (default: --my-ip; '
                               'empty: no VXLAN on this node)')
    physical_interface_mappings: str = _fact(
        help='PHYSNET:INTERFACE pairs for flat and VLAN networks')
    default_network_type: str = _fact(help='vxlan, vlan or flat: what '
                                           '"network create" makes by '
                                           'default (controller)')
    network_vlan_ranges: str = _fact(help='PHYSNET:FIRST:LAST ranges of '
                                          'VLAN ids (controller)')
    bridge_prefix: str = _fact(help="prefix of the networks' bridges")

    @property
    def controller_address(self):
        return self.controller_ip or self.my_ip

    @property
    def image_servers(self):
        if self.image_api_url:
            return self.image_api_url
        host = self.controller_address
        if host and ':' in host:
            host = '[%s]' % host
        return 'http://%s:%d' % (host, self.image_port)


def _local_ip(facts):
    # NOTE: an empty string says "no tunnel here"; None, "mine".
    return facts.my_ip if facts.local_ip is None else facts.local_ip


# (section, option, roles that need it, its value from the facts), in the
# order they are written.
_OPTIONS = (
    ('DEFAULT', 'host', _EVERY, lambda f: f.host),
    ('DEFAULT', 'my_ip', _EVERY, lambda f: f.my_ip),
    ('DEFAULT', 'debug', _EVERY, lambda f: f.debug),
    ('DEFAULT', 'state_path', _EVERY, lambda f: f.state_path),
    ('DEFAULT', 'transport_url', _EVERY, lambda f: f.transport_url),
    ('DEFAULT', 'osapi_compute_listen', _CONTROLLER,
     lambda f: f.api_listen or f.my_ip),
    ('DEFAULT', 'osapi_compute_listen_port', _CONTROLLER,
     lambda f: f.api_port),
    ('DEFAULT', 'metadata_listen', _CONTROLLER,
     lambda f: f.metadata_listen or f.my_ip),
    ('DEFAULT', 'metadata_listen_port', _CONTROLLER,
     lambda f: f.metadata_port),
    ('DEFAULT', 'compute_driver', _COMPUTE, lambda f: f.compute_driver),
    ('DEFAULT', 'force_config_drive', _COMPUTE,
     lambda f: f.force_config_drive),
    ('api', 'auth_strategy', _CONTROLLER, lambda f: f.auth_strategy),
    ('database', 'connection', _CONTROLLER,
     lambda f: f.database_connection),
    ('image_service', 'database_connection', _CONTROLLER,
     lambda f: f.image_database_connection),
    ('image_service', 'bind_host', _CONTROLLER,
     lambda f: f.image_listen or f.my_ip),
    ('image_service', 'bind_port', _CONTROLLER, lambda f: f.image_port),
    ('glance', 'api_servers', _EVERY, lambda f: f.image_servers),
    ('libvirt', 'virt_type', _COMPUTE, lambda f: f.virt_type),
    ('libvirt', 'connection_uri', _COMPUTE, lambda f: f.connection_uri),
    ('network', 'local_ip', _EVERY, _local_ip),
    ('network', 'physical_interface_mappings', _EVERY,
     lambda f: f.physical_interface_mappings),
    # NOTE: read only where networks are created (nova-lite-manage
    # network create, on the controller's database).
    ('network', 'default_network_type', _CONTROLLER,
     lambda f: f.default_network_type),
    ('network', 'network_vlan_ranges', _CONTROLLER,
     lambda f: f.network_vlan_ranges),
    ('network', 'bridge_prefix', _EVERY, lambda f: f.bridge_prefix),
    ('metadata', 'metadata_proxy_shared_secret', _CONTROLLER,
     lambda f: f.metadata_secret),
    ('metadata', 'nova_metadata_host', _CONTROLLER,
     lambda f: f.controller_address),
    ('metadata', 'nova_metadata_port', _CONTROLLER,
     lambda f: f.metadata_port),
)


def node_config(role, facts, overrides=None):
    """The options of a node of ``role``.

    :param role: ``controller``, ``compute`` or ``all``.
    :param facts: a :class:`NodeFacts`.
    :param overrides: ``{section: {option: value}}`` set on top (an
        operator's ``--set``).
    :returns: ``{section: {option: value}}``, ``DEFAULT`` first.
    :raises InvalidInput: an unknown role, or a fact the role needs is
        missing.
    """
    if role not in ROLES:
        raise exception.InvalidInput(
            reason='role %r is none of %s' % (role, ', '.join(ROLES)))
    missing = [name for name in ('host', 'my_ip')
               if not getattr(facts, name)]
    if role != ALL and not facts.transport_url:
        missing.append('transport_url')
    if missing:
        raise exception.InvalidInput(
            reason='a %s node needs %s' % (role, ', '.join(missing)))
    sections = {'DEFAULT': {}}
    for section, option, roles, value in _OPTIONS:
        if role in roles:
            found = value(facts)
            if found is not None and found != '':
                sections.setdefault(section, {})[option] = found
    if (role in _CONTROLLER and facts.auth_strategy == 'keystone'
            and facts.keystone_authtoken):
        sections['keystone_authtoken'] = dict(facts.keystone_authtoken)
    return merge(sections, overrides)


def merge(*configs):
    """``{section: {option: value}}`` dicts merged, later ones winning."""
    result = {}
    for config in configs:
        for section, options in (config or {}).items():
            result.setdefault(section, {}).update(options)
    return result


def parse_sets(items):
    """``SECTION.OPTION=VALUE`` strings -> ``{section: {option: value}}``.

    :raises InvalidInput: an item is not of that form.
    """
    config = {}
    for item in items or ():
        key, sep, value = item.partition('=')
        section, dot, option = key.rpartition('.')
        if not sep or not dot or not section or not option:
            raise exception.InvalidInput(
                reason='--set wants SECTION.OPTION=VALUE, not %r' % item)
        config.setdefault(section, {})[option] = value
    return config


def format_value(value):
    if isinstance(value, bool):
        return 'True' if value else 'False'
    if isinstance(value, (list, tuple)):
        return ','.join(format_value(v) for v in value)
    return str(value)


def format_config(sections, header=None):
    """``sections`` as the text of an oslo.config file.

    :param header: lines of a comment above the first section.
    """
    lines = ['# %s' % line if line else '#'
             for line in (header or ())]
    for section in sorted(sections, key=lambda s: (s != 'DEFAULT', s)):
        lines.append('[%s]' % section)
        for option, value in sections[section].items():
            if value is not None:
                lines.append('%s = %s' % (option, format_value(value)))
        lines.append('')
    return '\n'.join(lines)


def write_config(path, sections, mode=0o600, header=None):
    """Write ``sections`` to ``path``, replacing it at once.

    NOTE: a config holds the broker's and the database's passwords: the
    file never exists with wider permissions than ``mode``, and a service
    starting meanwhile reads the old file or the new one, never half.

    :returns: ``path``.
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory,
                               prefix='.%s.' % os.path.basename(path))
    try:
        with os.fdopen(fd, 'w') as f:
            f.write(format_config(sections, header))
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


# ---- the samples in etc/nova-lite/ -----------------------------------------

SAMPLE_HEADER = (
    'nova-lite.conf of a %(role)s node, from placeholder facts: addresses',
    'of 192.0.2.0/24, secrets in CAPITALS. Generated by',
    '"nova-lite-manage config write --role %(role)s --sample"; make a',
    "real node's with its own facts (README.md, \"Install on real",
    'machines"). Every other option is in nova-lite.conf.sample.',
)

_SAMPLE_CONTROLLER_IP = '192.0.2.10'
_SAMPLE_COMMON = dict(
    controller_ip=_SAMPLE_CONTROLLER_IP,
    transport_url='rabbit://nova-lite:RABBIT_PASSWORD@%s:5672/'
                  % _SAMPLE_CONTROLLER_IP,
    state_path='/var/lib/nova-lite',
    physical_interface_mappings='physnet1:eth1')
SAMPLE_FACTS = {
    CONTROLLER: dict(
        _SAMPLE_COMMON, host='controller', my_ip=_SAMPLE_CONTROLLER_IP,
        database_connection='mysql+pymysql://nova-lite:DB_PASSWORD@%s/'
                            'nova_lite?charset=utf8mb4'
                            % _SAMPLE_CONTROLLER_IP,
        image_database_connection='mysql+pymysql://nova-lite:DB_PASSWORD@'
                                  '%s/nova_lite_image?charset=utf8mb4'
                                  % _SAMPLE_CONTROLLER_IP,
        auth_strategy='keystone',
        keystone_authtoken={
            'www_authenticate_uri': 'http://%s/identity'
                                    % _SAMPLE_CONTROLLER_IP,
            'auth_url': 'http://%s/identity' % _SAMPLE_CONTROLLER_IP,
            'auth_type': 'password',
            'username': 'nova',
            'password': 'NOVA_PASSWORD',
            'user_domain_name': 'Default',
            'project_name': 'service',
            'project_domain_name': 'Default',
        },
        metadata_secret='METADATA_SECRET',
        default_network_type='vxlan',
        network_vlan_ranges='physnet1:100:199'),
    COMPUTE: dict(_SAMPLE_COMMON, host='compute1', my_ip='192.0.2.21'),
}
SAMPLE_FACTS[ALL] = dict(SAMPLE_FACTS[CONTROLLER], host='allinone')


def sample_facts(role, **given):
    """The placeholder facts of ``role``'s sample, updated with ``given``.
    """
    return NodeFacts(**dict(SAMPLE_FACTS[role], **given))


def sample_header(role):
    return [line % {'role': role} for line in SAMPLE_HEADER]

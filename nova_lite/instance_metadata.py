"""What a guest learns about itself, built once for the config drive and
the metadata API: Nova's OpenStack tree and its EC2 meta-data tree.

``InstanceMetadata`` reads an instance (a versioned object, or any stand-in
with its attributes) and its network model (``nova_lite.objects.network_info``,
or the same as plain dicts). It touches no database and no host, so the
virt drivers (the config drive) and nova-lite-metadata (which looks the
instance up) both use it without importing each other. The shapes, the
version lists and what each version adds are Nova's
(``nova/api/metadata/base.py``).
"""

import base64
import binascii
import collections.abc
import json
import os

from nova_lite import conf
from nova_lite import exception

CONF = conf.CONF

LATEST = 'latest'

# The EC2 meta-data versions Nova serves; ``latest`` is the last one.
EC2_VERSIONS = [
    '1.0',
    '2007-01-19',   # local-hostname, public-hostname, public-ipv4
    '2007-03-01',
    '2007-08-29',   # instance-type
    '2007-10-10',
    '2007-12-15',   # block-device-mapping, kernel-id, ramdisk-id
    '2008-02-01',   # placement/availability-zone
    '2008-09-01',   # instance-action
    '2009-04-04',
]

# The OpenStack versions, named by the release that brought each; what a
# version adds stays in every later one.
FOLSOM = '2012-08-10'       # meta_data.json, user_data
GRIZZLY = '2013-04-04'      # password; meta_data: random_seed
HAVANA = '2013-10-17'       # vendor_data.json
LIBERTY = '2015-10-15'      # network_data.json; meta_data: project_id
NEWTON_ONE = '2016-06-30'   # meta_data: devices
NEWTON_TWO = '2016-10-06'   # vendor_data2.json
OCATA = '2017-02-22'        # devices: a NIC's vlan
ROCKY = '2018-08-27'        # devices: a NIC's vf_trusted
VICTORIA = '2020-10-14'     # meta_data: dedicated_cpus
EPOXY = '2025-04-04'        # devices: shares

OPENSTACK_VERSIONS = [FOLSOM, GRIZZLY, HAVANA, LIBERTY, NEWTON_ONE,
                      NEWTON_TWO, OCATA, ROCKY, VICTORIA, EPOXY]

MD_JSON_NAME = 'meta_data.json'
UD_NAME = 'user_data'
PASS_NAME = 'password'
VD_JSON_NAME = 'vendor_data.json'
NW_JSON_NAME = 'network_data.json'
VD2_JSON_NAME = 'vendor_data2.json'

MIME_TYPE_TEXT_PLAIN = 'text/plain'
MIME_TYPE_APPLICATION_JSON = 'application/json'

# NOTE: in the EC2 tree a directory whose listing line is not its own
# name carries that line under this key (public-keys/ lists "0=<key>").
EC2_NAME_KEY = '_name'

# NOTE: Nova records the guest's device names (root_device_name, block
# device mappings); nova-lite has neither and every driver gives the root
# disk as vda and the flavor's ephemeral disk as vdb
# (virt/libvirt/designer.py).
ROOT_DEVICE_NAME = '/dev/vda'
EPHEMERAL_DEVICE_NAME = '/dev/vdb'
RANDOM_SEED_BYTES = 512


class InvalidMetadataVersion(Exception):
    """A version neither tree knows."""


def _resolve(version, versions):
    if version == LATEST:
        return versions[-1]
    if version not in versions:
        raise InvalidMetadataVersion(version)
    return version


def openstack_version(version):
    """:returns: the OpenStack version ``version`` names (``latest`` is
        the newest).
    :raises InvalidMetadataVersion: an unknown version.
    """
    return _resolve(version, OPENSTACK_VERSIONS)


def ec2_version(version):
    """:returns: the EC2 version ``version`` names.
    :raises InvalidMetadataVersion: an unknown version.
    """
    return _resolve(version, EC2_VERSIONS)


def _since(version, first, versions=OPENSTACK_VERSIONS):
    """Whether the resolved ``version`` has what ``first`` brought."""
    return versions.index(version) >= versions.index(first)


def get_field(obj, name, default=None):
    """``obj.name``, or ``default`` when unset or None.

    NOTE: a versioned object raises NotImplementedError, not
    AttributeError, for a field that was never loaded.
    """
    try:
        value = getattr(obj, name)
    except (AttributeError, NotImplementedError):
        return default
    return default if value is None else value


def hostname(instance):
    """The guest's host name: its hostname and ``[api] dhcp_domain``."""
    name = (get_field(instance, 'hostname') or
            get_field(instance, 'display_name', instance.name))
    if CONF.api.dhcp_domain:
        return '%s.%s' % (name, CONF.api.dhcp_domain)
    return name


def user_data(instance):
    """:returns: the instance's user data as bytes, or None when unset.

    Nova stores user data base64-encoded; the guest gets the raw bytes.

    :raises InvalidInput: the stored user data is not base64.
    """
    data = get_field(instance, 'user_data')
    if data is None:
        return None
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError) as e:
        raise exception.InvalidInput(
            reason='user_data of instance %s is not base64: %s'
                   % (instance.uuid, e)) from e


def _is_vif(vif):
    return (isinstance(vif, collections.abc.Mapping) and
            'address' in vif and 'network' in vif)


def _prefix_netmask(cidr, version):
    prefix = int(cidr.split('/')[1])
    if version == 6:
        return str(prefix)
    bits = (0xffffffff << (32 - prefix)) & 0xffffffff
    return '.'.join(str((bits >> s) & 0xff) for s in (24, 16, 8, 0))


def network_data(network_info):
    """:returns: the ``network_data.json`` dict of ``network_info``.

    ``network_info`` is Nova's network model as plain data: a list of VIFs,
    each ``{'id', 'address', 'type', 'network': {'id', 'meta': {'mtu'},
    'subnets': [{'cidr', 'version', 'gateway': {'address'}, 'dns':
    [{'address'}], 'routes': [...], 'ips': [{'address'}]}]}}``. Entries
    of any other shape (a plain list of requested networks) carry nothing
    to configure and are skipped.
    """
    links, networks, services = [], [], []
    for vif in network_info or ():
        if not _is_vif(vif):
            continue
        network = vif.get('network') or {}
        link_id = 'tap%s' % (vif.get('id') or '')[:11]
        links.append({
            'id': link_id,
            'vif_id': vif.get('id'),
            'type': vif.get('type') or 'bridge',
            'mtu': (network.get('meta') or {}).get('mtu') or 1500,
            'ethernet_mac_address': vif['address'],
        })
        for subnet in network.get('subnets') or ():
            version = subnet.get('version') or (
                6 if ':' in subnet.get('cidr', '') else 4)
            dns = [{'type': 'dns', 'address': d['address']}
                   for d in subnet.get('dns') or ()]
            for entry in dns:
                if entry not in services:
                    services.append(entry)
            routes = []
            gateway = (subnet.get('gateway') or {}).get('address')
            if gateway:
                default = '0.0.0.0' if version == 4 else '::'
                routes.append({'network': default,
                               'netmask': default if version == 4 else '0',
                               'gateway': gateway})
            for route in subnet.get('routes') or ():
                cidr = route['cidr']
                routes.append({
                    'network': cidr.split('/')[0],
                    'netmask': _prefix_netmask(cidr, version),
                    'gateway': (route.get('gateway') or {}).get('address')})
            for ip in subnet.get('ips') or ():
                networks.append({
                    'id': 'network%d' % len(networks),
                    'type': 'ipv%d' % version,
                    'link': link_id,
                    'ip_address': ip['address'],
                    'netmask': _prefix_netmask(subnet['cidr'], version),
                    'routes': routes,
                    'network_id': network.get('id'),
                    'services': dns,
                })
    return {'links': links, 'networks': networks, 'services': services}


def ec2_instance_id(instance):
    """Nova's EC2 id of an instance, ``i-`` and its id in 8 hex digits."""
    return 'i-%08x' % instance.id


def ec2_image_id(image_id, kind='ami'):
    """An EC2 id of the Glance image ``image_id``, or None without one.

    NOTE: Nova numbers images in a table of its own (S3 image mappings)
    and shows ``ami-%08x`` of that number. nova-lite keeps no such table
    and resolves no EC2 id back, so the 8 hex digits are the first of the
    image's uuid: Nova's shape, stable, and recognisable to an operator.

    :param kind: ``ami`` (a machine image), ``aki`` (a kernel) or ``ari``
        (a ramdisk).
    """
    if not image_id:
        return None
    return '%s-%s' % (kind, str(image_id).replace('-', '')[:8].lower())


class InstanceMetadata:
    """Everything a guest may read about ``instance``, in both trees.

    :param instance: the instance (an ``objects.Instance`` or a stand-in).
    :param network_info: its network model (a list of VIFs).
    :param key_type: the type of its key pair, ``ssh`` or ``x509``; the
        instance keeps only the key's name and data.
    :raises InvalidInput: the instance's user data is not base64.
    """

    def __init__(self, instance, network_info=None, key_type='ssh'):
        self.instance = instance
        self.network_info = list(network_info or [])
        self.key_type = key_type or 'ssh'
        self.uuid = instance.uuid
        self.userdata_raw = user_data(instance)
        self.availability_zone = (get_field(instance, 'availability_zone') or
                                  CONF.default_availability_zone)

    # ---- the OpenStack tree ------------------------------------------------

    def _key(self):
        key_name = get_field(self.instance, 'key_name')
        key_data = get_field(self.instance, 'key_data')
        if key_name and key_data:
            return key_name, key_data
        return None, None

    def meta_data(self, version=LATEST):
        """:returns: the ``meta_data.json`` dict of ``version``.

        ``meta`` (the server's metadata) is there only when it has any,
        ``public_keys``/``keys`` only with a key pair, as in Nova; the
        ``random_seed`` is new on each call.

        :raises InvalidMetadataVersion: an unknown version.
        """
        version = openstack_version(version)
        instance = self.instance
        metadata = {'uuid': self.uuid}
        meta = dict(get_field(instance, 'metadata', {}))
        if meta:
            metadata['meta'] = meta
        key_name, key_data = self._key()
        if key_name:
            metadata['public_keys'] = {key_name: key_data}
            metadata['keys'] = [{'name': key_name, 'type': self.key_type,
                                 'data': key_data}]
        metadata['hostname'] = hostname(instance)
        metadata['name'] = get_field(instance, 'display_name', instance.name)
        metadata['launch_index'] = get_field(instance, 'launch_index', 0)
        metadata['availability_zone'] = self.availability_zone
        if _since(version, GRIZZLY):
            metadata['random_seed'] = base64.b64encode(
                os.urandom(RANDOM_SEED_BYTES)).decode('ascii')
        if _since(version, LIBERTY):
            metadata['project_id'] = get_field(instance, 'project_id')
        if _since(version, NEWTON_ONE):
            # NOTE: Nova lists tagged NICs and disks here; nova-lite
            # records neither device tags nor guest bus addresses.
            metadata['devices'] = []
        if _since(version, VICTORIA):
            # NOTE: no CPU pinning in nova-lite, so no dedicated CPUs.
            metadata['dedicated_cpus'] = []
        return metadata

    def vendor_data(self, version=LATEST):
        """:returns: ``vendor_data.json``: Nova's StaticJSON provider
        without a file, ``{}``."""
        return {}

    def vendor_data2(self, version=LATEST):
        """:returns: ``vendor_data2.json``: every provider's data by
        name; only StaticJSON (empty) in nova-lite, as in Nova's
        default."""
        return {'static': self.vendor_data(version)}

    def network_data(self, version=LATEST):
        """:returns: the ``network_data.json`` dict of the instance."""
        return network_data(self.network_info)

    def openstack_files(self, version=LATEST):
        """:returns: the names a version's directory lists, in Nova's
            order (``user_data`` only when the instance has some).
        :raises InvalidMetadataVersion: an unknown version.
        """
        version = openstack_version(version)
        names = [MD_JSON_NAME]
        if self.userdata_raw is not None:
            names.append(UD_NAME)
        if _since(version, GRIZZLY):
            names.append(PASS_NAME)
        if _since(version, HAVANA):
            names.append(VD_JSON_NAME)
        if _since(version, LIBERTY):
            names.append(NW_JSON_NAME)
        if _since(version, NEWTON_TWO):
            names.append(VD2_JSON_NAME)
        return names

    def openstack_file(self, version, name):
        """The content of one file of the OpenStack tree.

        ``password`` is not a file here: the metadata API reads and
        writes it, the config drive never holds it.

        :returns: ``(bytes, MIME type)``.
        :raises InvalidMetadataVersion: an unknown version.
        :raises KeyError: no such file in that version (``user_data`` of
            an instance without any).
        """
        version = openstack_version(version)
        if name == MD_JSON_NAME:
            return _json(self.meta_data(version)), MIME_TYPE_APPLICATION_JSON
        if name == UD_NAME and self.userdata_raw is not None:
            return self.userdata_raw, MIME_TYPE_TEXT_PLAIN
        if name == VD_JSON_NAME and _since(version, HAVANA):
            return (_json(self.vendor_data(version)),
                    MIME_TYPE_APPLICATION_JSON)
        if name == VD2_JSON_NAME and _since(version, NEWTON_TWO):
            return (_json(self.vendor_data2(version)),
                    MIME_TYPE_APPLICATION_JSON)
        if name == NW_JSON_NAME:
            # NOTE: as in Nova: served in every version (though listed
            # from Liberty on) and as text/plain.
            return _json(self.network_data(version)), MIME_TYPE_TEXT_PLAIN
        raise KeyError(name)

    # ---- the EC2 tree ------------------------------------------------------

    def _ip_info(self):
        fixed, floating = [], []
        for vif in self.network_info:
            if not _is_vif(vif):
                continue
            for subnet in (vif.get('network') or {}).get('subnets') or ():
                for ip in subnet.get('ips') or ():
                    if ':' not in ip.get('address', ''):
                        fixed.append(ip['address'])
                    floating.extend(f['address'] if isinstance(f, dict)
                                    else f
                                    for f in ip.get('floating_ips') or ())
        return fixed, floating

    def block_device_mapping(self):
        """The EC2 ``block-device-mapping``: device names by role."""
        mappings = {'ami': ROOT_DEVICE_NAME[len('/dev/'):],
                    'root': ROOT_DEVICE_NAME}
        flavor = get_field(self.instance, 'flavor')
        if flavor is not None and get_field(flavor, 'ephemeral_gb'):
            mappings['ephemeral0'] = EPHEMERAL_DEVICE_NAME
        return mappings

    def ec2_metadata(self, version=LATEST):
        """The EC2 tree of ``version``: ``{'meta-data': {...}}`` and
        ``user-data`` (bytes) when the instance has some.

        Directories are dicts, files are strings, numbers, bytes or lists
        (one item a line); a directory may name its listing line under
        ``EC2_NAME_KEY``.

        :raises InvalidMetadataVersion: an unknown version.
        """
        version = ec2_version(version)
        instance = self.instance
        name = hostname(instance)
        fixed, floating = self._ip_info()
        system_metadata = get_field(instance, 'system_metadata', {})
        meta_data = {
            'ami-id': ec2_image_id(get_field(instance, 'image_ref')),
            'ami-launch-index': get_field(instance, 'launch_index', 0),
            'ami-manifest-path': 'FIXME',
            'instance-id': ec2_instance_id(instance),
            'hostname': name,
            # NOTE: Nova falls back to the request's address; nova-lite
            # takes nothing from X-Forwarded-For but a log line.
            'local-ipv4': fixed[0] if fixed else '',
            'reservation-id': get_field(instance, 'reservation_id'),
            # NOTE: nova-lite has no security groups (the server view
            # shows none); Nova lists the names of the instance's groups.
            'security-groups': [],
        }
        key_name, key_data = self._key()
        if key_name:
            meta_data['public-keys'] = {
                '0': {EC2_NAME_KEY: '0=%s' % key_name,
                      'openssh-key': key_data}}
        if _since(version, '2007-01-19', EC2_VERSIONS):
            meta_data['local-hostname'] = name
            meta_data['public-hostname'] = name
            meta_data['public-ipv4'] = floating[0] if floating else ''
        if _since(version, '2007-08-29', EC2_VERSIONS):
            flavor = get_field(instance, 'flavor')
            meta_data['instance-type'] = get_field(flavor, 'name')
        if _since(version, '2007-12-15', EC2_VERSIONS):
            meta_data['block-device-mapping'] = self.block_device_mapping()
            # NOTE: an image's kernel_id/ramdisk_id properties, which the
            # instance keeps as image_* system metadata.
            for key, prop, kind in (('kernel-id', 'image_kernel_id', 'aki'),
                                    ('ramdisk-id', 'image_ramdisk_id',
                                     'ari')):
                if system_metadata.get(prop):
                    meta_data[key] = ec2_image_id(system_metadata[prop],
                                                  kind)
        if _since(version, '2008-02-01', EC2_VERSIONS):
            meta_data['placement'] = {
                'availability-zone': self.availability_zone}
        if _since(version, '2008-09-01', EC2_VERSIONS):
            meta_data['instance-action'] = 'none'
        data = {'meta-data': meta_data}
        if self.userdata_raw is not None:
            data['user-data'] = self.userdata_raw
        return data


def _json(value):
    return json.dumps(value).encode('utf-8')

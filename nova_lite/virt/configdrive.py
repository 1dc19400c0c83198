"""Config drive: an ISO 9660 image with an instance's metadata, any driver.

The layout is Nova's ``openstack/`` tree, in its ``latest`` version only:
``meta_data.json``, ``user_data`` (when the instance has any),
``network_data.json`` and ``vendor_data.json``. Nova also writes dated
copies (``2012-08-10/`` ... ``2018-08-27/``) and an ``ec2/`` tree for old
guests; cloud-init and the test guest read ``latest``, so nova-lite writes
only that.
"""

import base64
import binascii
import collections.abc
import json
import os
import shutil
import tempfile

from oslo_log import log as logging

from nova_lite.conf import CONF
from nova_lite import exception
from nova_lite import utils

LOG = logging.getLogger(__name__)

LABEL = 'config-2'
VERSION = 'latest'
# NOTE: Nova's default [api] dhcp_domain: guests learn
# "<hostname>.novalocal" and keep the part before the first dot.
DHCP_DOMAIN = 'novalocal'
GENISOIMAGE_TIMEOUT = 120


def required_by(instance):
    """:returns: True when ``instance`` gets a config drive.

    ``instance.config_drive`` is a string in Nova (``'True'`` or ``''``),
    ``[DEFAULT] force_config_drive`` gives every instance one.
    """
    value = _get(instance, 'config_drive')
    if isinstance(value, str):
        value = value.strip().lower() not in ('', 'false', '0', 'no')
    return bool(value) or CONF.force_config_drive


def _get(obj, name, default=None):
    """``obj.name``, or ``default`` when unset or None.

    NOTE: a versioned object raises NotImplementedError, not
    AttributeError, for a field that was never loaded.
    """
    try:
        value = getattr(obj, name)
    except (AttributeError, NotImplementedError):
        return default
    return default if value is None else value


def meta_data(instance):
    """:returns: the ``meta_data.json`` dict of ``instance``."""
    hostname = _get(instance, 'hostname') or _get(instance, 'display_name',
                                                  instance.name)
    key_name = _get(instance, 'key_name')
    key_data = _get(instance, 'key_data')
    public_keys = {}
    keys = []
    if key_name and key_data:
        public_keys[key_name] = key_data
        keys.append({'name': key_name, 'type': 'ssh', 'data': key_data})
    return {
        'uuid': instance.uuid,
        'name': _get(instance, 'display_name', instance.name),
        'hostname': '%s.%s' % (hostname, DHCP_DOMAIN),
        'availability_zone': (_get(instance, 'availability_zone') or
                              CONF.default_availability_zone),
        'launch_index': _get(instance, 'launch_index', 0),
        'project_id': _get(instance, 'project_id'),
        'public_keys': public_keys,
        'keys': keys,
        'meta': dict(_get(instance, 'metadata', {})),
        'devices': [],
    }


def user_data(instance):
    """:returns: the instance's user data as bytes, or None when unset.

    Nova stores user data base64-encoded; the guest gets the raw bytes.

    :raises InvalidInput: the stored user data is not base64.
    """
    data = _get(instance, 'user_data')
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


def files(instance, network_info=None):
    """:returns: ``{path in the drive: bytes}`` for ``instance``."""
    prefix = 'openstack/%s/' % VERSION
    content = {
        prefix + 'meta_data.json': meta_data(instance),
        prefix + 'network_data.json': network_data(network_info),
        prefix + 'vendor_data.json': {},
    }
    result = {path: json.dumps(value).encode('utf-8')
              for path, value in content.items()}
    data = user_data(instance)
    if data is not None:
        result[prefix + 'user_data'] = data
    return result


def _genisoimage():
    tool = shutil.which('genisoimage') or shutil.which('mkisofs')
    if tool is None:
        raise exception.InternalError(
            err='genisoimage is not installed; a config drive needs it')
    return tool


def make_drive(path, contents):
    """Write an ISO 9660 image labelled ``config-2`` to ``path``.

    Rock Ridge and Joliet names keep the file names as written.

    :param contents: ``{path in the drive: bytes}``, e.g. from
        :func:`files`.
    :raises InternalError: genisoimage is missing or failed.
    """
    with tempfile.TemporaryDirectory(prefix='configdrive.') as root:
        for name, data in contents.items():
            target = os.path.join(root, name)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, 'wb') as f:
                f.write(data)
        cmd = [_genisoimage(), '-o', path, '-ldots', '-allow-lowercase',
               '-allow-multidot', '-l', '-publisher', 'nova-lite',
               '-quiet', '-J', '-r', '-V', LABEL, root]
        utils.execute(cmd, GENISOIMAGE_TIMEOUT)


def build(path, instance, network_info=None):
    """Write the config drive of ``instance`` to ``path``.

    After return ``path`` is a complete ISO image.
    """
    make_drive(path, files(instance, network_info))
    LOG.debug('Wrote config drive of %s to %s', instance.uuid, path)

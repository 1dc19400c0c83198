"""configdrive: the files of a config drive, and the ISO that holds them."""

import base64
import json
import shutil
import subprocess

import pytest

from nova_lite import exception
from nova_lite.virt import configdrive

from .helpers import make_instance

needs_iso_tools = pytest.mark.skipif(
    not (shutil.which('genisoimage') and shutil.which('isoinfo')),
    reason='genisoimage/isoinfo are not installed')

USER_DATA = b'#cloud-config\nruncmd:\n - echo hi\n\xff\x00 binary\n'
LATEST = 'openstack/latest/'


def _instance(**kw):
    values = dict(hostname='vm-one', display_name='VM One',
                  user_data=base64.b64encode(USER_DATA).decode(),
                  metadata={'role': 'db'}, key_name='key1',
                  key_data='ssh-ed25519 AAAA test@host', project_id='p1',
                  availability_zone='az1', launch_index=2,
                  config_drive='True')
    values.update(kw)
    return make_instance(**values)


VIF = {
    'id': '0b1c2d3e-4f50-4a6b-8c9d-0e1f2a3b4c5d',
    'address': 'fa:16:3e:00:02:0a',
    'type': 'bridge',
    'network': {
        'id': 'net-1', 'meta': {'mtu': 1450},
        'subnets': [{
            'cidr': '192.0.2.0/24', 'version': 4,
            'gateway': {'address': '192.0.2.1'},
            'dns': [{'address': '192.0.2.53'}],
            'routes': [{'cidr': '198.51.100.0/25',
                        'gateway': {'address': '192.0.2.254'}}],
            'ips': [{'address': '192.0.2.10', 'type': 'fixed'}],
        }],
    },
}


def test_meta_data():
    inst = _instance()
    assert configdrive.meta_data(inst) == {
        'uuid': inst.uuid, 'name': 'VM One',
        'hostname': 'vm-one.novalocal', 'availability_zone': 'az1',
        'launch_index': 2, 'project_id': 'p1',
        'public_keys': {'key1': 'ssh-ed25519 AAAA test@host'},
        'keys': [{'name': 'key1', 'type': 'ssh',
                  'data': 'ssh-ed25519 AAAA test@host'}],
        'meta': {'role': 'db'}, 'devices': []}


def test_meta_data_defaults(flags):
    flags.set(default_availability_zone='zone-x')
    inst = make_instance()
    meta = configdrive.meta_data(inst)
    assert meta['availability_zone'] == 'zone-x'
    assert meta['public_keys'] == {} and meta['keys'] == []
    assert meta['launch_index'] == 0
    assert meta['hostname'] == '%s.novalocal' % inst.display_name


def test_files_without_user_data_or_network():
    files = configdrive.files(_instance(user_data=None))
    assert sorted(files) == [LATEST + 'meta_data.json',
                             LATEST + 'network_data.json',
                             LATEST + 'vendor_data.json']
    assert json.loads(files[LATEST + 'network_data.json']) == {
        'links': [], 'networks': [], 'services': []}
    assert json.loads(files[LATEST + 'vendor_data.json']) == {}


def test_user_data_is_decoded():
    files = configdrive.files(_instance())
    assert files[LATEST + 'user_data'] == USER_DATA


def test_user_data_not_base64_is_invalid():
    with pytest.raises(exception.InvalidInput):
        configdrive.files(_instance(user_data='not base64!'))


def test_network_data_from_network_info():
    data = configdrive.network_data([VIF, {'network_id': 'requested'}])
    assert data == {
        'links': [{'id': 'tap0b1c2d3e-4f', 'vif_id': VIF['id'],
                   'type': 'bridge', 'mtu': 1450,
                   'ethernet_mac_address': 'fa:16:3e:00:02:0a'}],
        'networks': [{
            'id': 'network0', 'type': 'ipv4', 'link': 'tap0b1c2d3e-4f',
            'ip_address': '192.0.2.10', 'netmask': '255.255.255.0',
            'routes': [{'network': '0.0.0.0', 'netmask': '0.0.0.0',
                        'gateway': '192.0.2.1'},
                       {'network': '198.51.100.0',
                        'netmask': '255.255.255.128',
                        'gateway': '192.0.2.254'}],
            'network_id': 'net-1',
            'services': [{'type': 'dns', 'address': '192.0.2.53'}]}],
        'services': [{'type': 'dns', 'address': '192.0.2.53'}]}


@pytest.mark.parametrize('config_drive, force, expected', [
    ('True', False, True),
    ('true', False, True),
    ('', False, False),
    (None, False, False),
    ('False', False, False),
    (True, False, True),
    ('', True, True),
])
def test_required_by(flags, config_drive, force, expected):
    flags.set(force_config_drive=force)
    inst = make_instance(config_drive=config_drive)
    assert configdrive.required_by(inst) is expected


def _isoinfo(iso, *args):
    return subprocess.run(['isoinfo', '-i', iso] + list(args),
                          stdout=subprocess.PIPE, check=True,
                          timeout=60).stdout


@needs_iso_tools
def test_build_writes_iso_readable_back(tmp_path):
    inst = _instance()
    iso = str(tmp_path / 'disk.config')
    configdrive.build(iso, inst, network_info=[VIF])
    header = _isoinfo(iso, '-d').decode()
    assert 'Volume id: config-2' in header
    listing = _isoinfo(iso, '-R', '-f').decode().split()
    assert sorted(p for p in listing if p.endswith(('.json', 'user_data'))) \
        == ['/openstack/latest/meta_data.json',
            '/openstack/latest/network_data.json',
            '/openstack/latest/user_data',
            '/openstack/latest/vendor_data.json']
    meta = json.loads(_isoinfo(iso, '-R', '-x',
                               '/openstack/latest/meta_data.json'))
    assert meta['uuid'] == inst.uuid
    assert meta['public_keys'] == {'key1': 'ssh-ed25519 AAAA test@host'}
    assert _isoinfo(iso, '-J', '-x',
                    '/openstack/latest/user_data') == USER_DATA
    net = json.loads(_isoinfo(iso, '-R', '-x',
                              '/openstack/latest/network_data.json'))
    assert net['links'][0]['ethernet_mac_address'] == VIF['address']


@needs_iso_tools
def test_build_without_user_data_has_no_file(tmp_path):
    iso = str(tmp_path / 'disk.config')
    configdrive.build(iso, _instance(user_data=None))
    listing = _isoinfo(iso, '-R', '-f').decode().split()
    assert '/openstack/latest/user_data' not in listing
    assert '/openstack/latest/meta_data.json' in listing


def test_genisoimage_missing_is_internal_error(monkeypatch, tmp_path):
    monkeypatch.setattr(configdrive.shutil, 'which', lambda name: None)
    with pytest.raises(exception.InternalError):
        configdrive.build(str(tmp_path / 'x.iso'), _instance())

"""configdrive: the files of a config drive, and the ISO that holds them."""

import base64
import json
import shutil
import subprocess

import pytest

from nova_lite import exception
from nova_lite import instance_metadata
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


def test_meta_data_is_the_metadata_apis():
    """One builder for both: the drive's meta_data.json is the metadata
    API's ``latest`` (but for the random seed, new each time)."""
    inst = _instance()
    drive = json.loads(configdrive.files(inst)[LATEST + 'meta_data.json'])
    served = instance_metadata.InstanceMetadata(inst).meta_data('latest')
    assert len(base64.b64decode(drive.pop('random_seed'))) == 512
    served.pop('random_seed')
    assert drive == served
    assert drive['hostname'] == 'vm-one.novalocal'
    assert drive['public_keys'] == {'key1': 'ssh-ed25519 AAAA test@host'}


def test_files_without_user_data_or_network():
    files = configdrive.files(_instance(user_data=None))
    assert sorted(files) == [LATEST + 'meta_data.json',
                             LATEST + 'network_data.json',
                             LATEST + 'vendor_data.json',
                             LATEST + 'vendor_data2.json']
    assert json.loads(files[LATEST + 'network_data.json']) == {
        'links': [], 'networks': [], 'services': []}
    assert json.loads(files[LATEST + 'vendor_data.json']) == {}
    assert json.loads(files[LATEST + 'vendor_data2.json']) == {'static': {}}


def test_user_data_is_decoded():
    files = configdrive.files(_instance())
    assert files[LATEST + 'user_data'] == USER_DATA


def test_user_data_not_base64_is_invalid():
    with pytest.raises(exception.InvalidInput):
        configdrive.files(_instance(user_data='not base64!'))


def test_network_data_from_network_info():
    files = configdrive.files(_instance(), network_info=[VIF])
    assert json.loads(files[LATEST + 'network_data.json']) == \
        instance_metadata.network_data([VIF])


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
            '/openstack/latest/vendor_data.json',
            '/openstack/latest/vendor_data2.json']
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

"""instance_metadata: the files of the OpenStack tree and the EC2 meta-data
tree, version by version, as Nova builds them."""

import base64
import json
import types

import pytest

from nova_lite import exception
from nova_lite import instance_metadata as im

UUID = '6f1c2d3e-4f50-4a6b-8c9d-0e1f2a3b4c5d'
IMAGE = '155d900f-4e14-4e4c-a73d-069cbf4541e6'
KERNEL = 'a1b2c3d4-0000-4000-8000-000000000001'
KEY = 'ssh-ed25519 AAAA test@host'
USER_DATA = b'#cloud-config\n\xff\x00 binary\n'

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
            'ips': [{'address': '192.0.2.10', 'type': 'fixed',
                     'floating_ips': []}],
        }],
    },
}


def _instance(**kw):
    values = dict(
        id=10, uuid=UUID, name='instance-0000000a', hostname='vm-one',
        display_name='VM One', project_id='p1', user_id='u1',
        availability_zone='az1', launch_index=2, reservation_id='r-abcdefgh',
        image_ref=IMAGE, key_name='key1', key_data=KEY,
        user_data=base64.b64encode(USER_DATA).decode(),
        metadata={'role': 'db'}, system_metadata={},
        flavor=types.SimpleNamespace(name='m1.tiny', ephemeral_gb=0))
    values.update(kw)
    return types.SimpleNamespace(**values)


def _md(network_info=(VIF,), **kw):
    return im.InstanceMetadata(_instance(**kw), list(network_info))


# ---- meta_data.json ---------------------------------------------------------

FOLSOM_KEYS = {'uuid', 'meta', 'public_keys', 'keys', 'hostname', 'name',
               'launch_index', 'availability_zone'}


@pytest.mark.parametrize('version, added', [
    ('2012-08-10', set()),
    ('2013-04-04', {'random_seed'}),
    ('2015-10-15', {'random_seed', 'project_id'}),
    ('2016-06-30', {'random_seed', 'project_id', 'devices'}),
    ('2018-08-27', {'random_seed', 'project_id', 'devices'}),
    ('2020-10-14', {'random_seed', 'project_id', 'devices',
                    'dedicated_cpus'}),
    ('latest', {'random_seed', 'project_id', 'devices', 'dedicated_cpus'}),
])
def test_meta_data_fields_per_version(version, added):
    assert set(_md().meta_data(version)) == FOLSOM_KEYS | added


def test_meta_data_values():
    meta = _md().meta_data('latest')
    assert len(base64.b64decode(meta.pop('random_seed'))) == 512
    assert meta == {
        'uuid': UUID, 'meta': {'role': 'db'},
        'public_keys': {'key1': KEY},
        'keys': [{'name': 'key1', 'type': 'ssh', 'data': KEY}],
        'hostname': 'vm-one.novalocal', 'name': 'VM One',
        'launch_index': 2, 'availability_zone': 'az1', 'project_id': 'p1',
        'devices': [], 'dedicated_cpus': []}


def test_meta_data_leaves_out_what_the_server_lacks(flags):
    flags.set(default_availability_zone='zone-x')
    meta = _md(key_name=None, key_data=None, metadata={},
               availability_zone=None, hostname=None).meta_data()
    assert not {'meta', 'public_keys', 'keys'} & set(meta)
    assert meta['availability_zone'] == 'zone-x'
    assert meta['hostname'] == 'VM One.novalocal'


def test_meta_data_key_type():
    md = im.InstanceMetadata(_instance(), key_type='x509')
    assert md.meta_data()['keys'][0]['type'] == 'x509'


@pytest.mark.parametrize('domain, expected', [
    ('novalocal', 'vm-one.novalocal'),
    ('example.org', 'vm-one.example.org'),
    ('', 'vm-one'),
])
def test_hostname_takes_the_dhcp_domain(flags, domain, expected):
    flags.set(dhcp_domain=domain, group='api')
    assert im.hostname(_instance()) == expected
    assert _md().ec2_metadata()['meta-data']['local-hostname'] == expected


def test_random_seed_differs_each_time():
    md = _md()
    assert md.meta_data()['random_seed'] != md.meta_data()['random_seed']


# ---- the files of a version ------------------------------------------------

@pytest.mark.parametrize('version, names', [
    ('2012-08-10', ['meta_data.json', 'user_data']),
    ('2013-04-04', ['meta_data.json', 'user_data', 'password']),
    ('2013-10-17', ['meta_data.json', 'user_data', 'password',
                    'vendor_data.json']),
    ('2015-10-15', ['meta_data.json', 'user_data', 'password',
                    'vendor_data.json', 'network_data.json']),
    ('2016-10-06', ['meta_data.json', 'user_data', 'password',
                    'vendor_data.json', 'network_data.json',
                    'vendor_data2.json']),
    ('latest', ['meta_data.json', 'user_data', 'password',
                'vendor_data.json', 'network_data.json',
                'vendor_data2.json']),
])
def test_openstack_files_per_version(version, names):
    assert _md().openstack_files(version) == names
    without = [n for n in names if n != 'user_data']
    assert _md(user_data=None).openstack_files(version) == without


@pytest.mark.parametrize('name, mime_type, content', [
    ('user_data', 'text/plain', USER_DATA),
    ('vendor_data.json', 'application/json', b'{}'),
    ('vendor_data2.json', 'application/json', b'{"static": {}}'),
    # NOTE: Nova serves network_data.json as text/plain.
    ('network_data.json', 'text/plain',
     json.dumps(im.network_data([VIF])).encode()),
])
def test_openstack_file(name, mime_type, content):
    assert _md().openstack_file('latest', name) == (content, mime_type)


def test_openstack_meta_data_file_is_json():
    content, mime_type = _md().openstack_file('2012-08-10',
                                              'meta_data.json')
    assert mime_type == 'application/json'
    assert json.loads(content)['uuid'] == UUID


@pytest.mark.parametrize('version, name, kw', [
    ('latest', 'password', {}),
    ('latest', 'nothing', {}),
    ('latest', 'user_data', {'user_data': None}),
    ('2013-04-04', 'vendor_data.json', {}),
    ('2015-10-15', 'vendor_data2.json', {}),
])
def test_openstack_file_missing(version, name, kw):
    with pytest.raises(KeyError):
        _md(**kw).openstack_file(version, name)


@pytest.mark.parametrize('version', ['2012-08-11', 'newest', '', '1.0'])
def test_unknown_openstack_version(version):
    with pytest.raises(im.InvalidMetadataVersion):
        _md().openstack_files(version)
    with pytest.raises(im.InvalidMetadataVersion):
        _md().meta_data(version)


def test_user_data_not_base64_is_invalid():
    with pytest.raises(exception.InvalidInput):
        im.InstanceMetadata(_instance(user_data='not base64!'))


# ---- network_data.json ------------------------------------------------------

def test_network_data_from_network_info():
    data = im.network_data([VIF, {'network_id': 'requested'}])
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


def test_network_data_without_nics():
    assert _md(network_info=()).network_data() == {
        'links': [], 'networks': [], 'services': []}


# ---- the EC2 tree ----------------------------------------------------------

def test_ec2_latest():
    data = _md().ec2_metadata('latest')
    assert data == {
        'meta-data': {
            'ami-id': 'ami-155d900f',
            'ami-launch-index': 2,
            'ami-manifest-path': 'FIXME',
            'block-device-mapping': {'ami': 'vda', 'root': '/dev/vda'},
            'hostname': 'vm-one.novalocal',
            'instance-action': 'none',
            'instance-id': 'i-0000000a',
            'instance-type': 'm1.tiny',
            'local-hostname': 'vm-one.novalocal',
            'local-ipv4': '192.0.2.10',
            'placement': {'availability-zone': 'az1'},
            'public-hostname': 'vm-one.novalocal',
            'public-ipv4': '',
            'public-keys': {'0': {'_name': '0=key1', 'openssh-key': KEY}},
            'reservation-id': 'r-abcdefgh',
            'security-groups': [],
        },
        'user-data': USER_DATA,
    }
    assert _md().ec2_metadata('2009-04-04') == data


@pytest.mark.parametrize('version, added', [
    ('1.0', set()),
    ('2007-01-19', {'local-hostname', 'public-hostname', 'public-ipv4'}),
    ('2007-08-29', {'local-hostname', 'public-hostname', 'public-ipv4',
                    'instance-type'}),
    ('2007-12-15', {'local-hostname', 'public-hostname', 'public-ipv4',
                    'instance-type', 'block-device-mapping'}),
    ('2008-02-01', {'local-hostname', 'public-hostname', 'public-ipv4',
                    'instance-type', 'block-device-mapping', 'placement'}),
    ('2008-09-01', {'local-hostname', 'public-hostname', 'public-ipv4',
                    'instance-type', 'block-device-mapping', 'placement',
                    'instance-action'}),
])
def test_ec2_fields_per_version(version, added):
    base = {'ami-id', 'ami-launch-index', 'ami-manifest-path', 'hostname',
            'instance-id', 'local-ipv4', 'reservation-id', 'security-groups',
            'public-keys'}
    assert set(_md().ec2_metadata(version)['meta-data']) == base | added


def test_ec2_without_key_user_data_or_address():
    data = _md(network_info=(), key_name=None, key_data=None,
               user_data=None).ec2_metadata()
    assert data.keys() == {'meta-data'}
    assert 'public-keys' not in data['meta-data']
    assert data['meta-data']['local-ipv4'] == ''


def test_ec2_kernel_ramdisk_ephemeral_and_floating_ip():
    vif = json.loads(json.dumps(VIF))
    vif['network']['subnets'][0]['ips'][0]['floating_ips'] = [
        {'address': '203.0.113.5'}]
    data = _md(network_info=[vif],
               system_metadata={'image_kernel_id': KERNEL,
                                'image_ramdisk_id': IMAGE},
               flavor=types.SimpleNamespace(name='m1.eph', ephemeral_gb=1),
               ).ec2_metadata()['meta-data']
    assert (data['kernel-id'], data['ramdisk-id']) == ('aki-a1b2c3d4',
                                                       'ari-155d900f')
    assert data['block-device-mapping'] == {
        'ami': 'vda', 'root': '/dev/vda', 'ephemeral0': '/dev/vdb'}
    assert data['public-ipv4'] == '203.0.113.5'


@pytest.mark.parametrize('instance_id, ec2_id', [
    (1, 'i-00000001'), (10, 'i-0000000a'), (0x123456789, 'i-123456789')])
def test_ec2_instance_id(instance_id, ec2_id):
    assert im.ec2_instance_id(types.SimpleNamespace(id=instance_id)) == \
        ec2_id


def test_ec2_image_id():
    assert im.ec2_image_id(IMAGE) == 'ami-155d900f'
    assert im.ec2_image_id(KERNEL, 'aki') == 'aki-a1b2c3d4'
    assert im.ec2_image_id('') is None


@pytest.mark.parametrize('version', ['2010-01-01', 'newest', '2012-08-10'])
def test_unknown_ec2_version(version):
    with pytest.raises(im.InvalidMetadataVersion):
        _md().ec2_metadata(version)

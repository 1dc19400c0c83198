"""The metadata API's WSGI application on a real sqlite database: who may
ask (the proxy's signed headers), the paths of both trees, the methods,
and the guest's password."""

import base64
import hashlib
import hmac
import json
import logging

import pytest
import webob

from nova_lite.api.metadata import base
from nova_lite.api.metadata import handler
from nova_lite.api.metadata import password
from nova_lite import context as nova_context
from nova_lite import instance_metadata as im
from nova_lite.network import api as network_api
from nova_lite import objects
from nova_lite import utils

SECRET = 'proxy-secret'
USER_DATA = b'#!/bin/sh\necho hello\n'
KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI test@host'
UUID = '00000000-0000-4000-8000-%012d'


@pytest.fixture
def secret(flags):
    flags(metadata_proxy_shared_secret=SECRET, group='metadata')
    return SECRET


@pytest.fixture
def app(database, secret):
    return handler.make_app()


@pytest.fixture
def admin():
    return nova_context.get_admin_context()


def _instance(ctxt, n=1, **kw):
    values = dict(
        context=ctxt, uuid=UUID % n, user_id='user-1',
        project_id='project-1', hostname='vm-%d' % n,
        display_name='VM %d' % n, vm_state='active',
        image_ref='155d900f-4e14-4e4c-a73d-069cbf4541e6',
        key_name='key1', key_data=KEY, launch_index=0,
        reservation_id='r-0000000%d' % n, availability_zone='nova',
        user_data=base64.b64encode(USER_DATA).decode(),
        metadata={'role': 'web'},
        flavor=objects.Flavor(flavorid='1', name='m1.tiny', memory_mb=512,
                              vcpus=1, root_gb=1, ephemeral_gb=0, swap=0,
                              extra_specs={}))
    values.update(kw)
    instance = objects.Instance(**values)
    instance.create()
    return instance


@pytest.fixture
def server(app, admin):
    """An instance with a key pair, user data and a NIC on a network."""
    objects.KeyPair(context=admin, name='key1', user_id='user-1',
                    fingerprint='fp', public_key=KEY, type='ssh').create()
    instance = _instance(admin)
    api = network_api.API()
    net = api.create(admin, 'private', '192.0.2.0/24', dns=['192.0.2.53'])
    api.allocate_for_instance(admin, instance, [{'network_id': net.uuid}])
    return instance


def _headers(instance_id, tenant='project-1', secret=SECRET, **extra):
    headers = {'X-Instance-ID': instance_id, 'X-Tenant-ID': tenant,
               'X-Instance-ID-Signature': utils.metadata_signature(
                   secret, instance_id),
               'X-Forwarded-For': '192.0.2.2'}
    headers.update(extra)
    return {k: v for k, v in headers.items() if v is not None}


def _get(app, path, instance=None, method='GET', body=None, **headers):
    req = webob.Request.blank(path, method=method)
    if instance is not None:
        req.headers.update(_headers(instance.uuid, **headers))
    else:
        req.headers.update(headers)
    if body is not None:
        req.body = body
    return req.get_response(app)


# ---- the signature ---------------------------------------------------------

def test_metadata_signature_is_hmac_sha256_hex():
    assert utils.metadata_signature('s3cret', 'abc') == hmac.new(
        b's3cret', b'abc', hashlib.sha256).hexdigest()
    assert utils.metadata_signature(b's3cret', b'abc') == \
        utils.metadata_signature('s3cret', 'abc')
    # The empty secret is a key like any other.
    assert utils.metadata_signature('', 'abc') == hmac.new(
        b'', b'abc', hashlib.sha256).hexdigest()
    assert utils.metadata_signature(None, 'abc') == \
        utils.metadata_signature('', 'abc')


# ---- identification --------------------------------------------------------

def test_root_lists_ec2_versions_without_headers(app):
    resp = _get(app, '/')
    assert resp.status_int == 200
    assert resp.content_type == 'text/plain'
    assert resp.text.split('\n') == im.EC2_VERSIONS + ['latest']


@pytest.mark.parametrize('missing', ['X-Instance-ID', 'X-Tenant-ID',
                                     'X-Instance-ID-Signature'])
def test_missing_header_is_400(app, server, missing):
    headers = {'X-Instance-ID': server.uuid, 'X-Tenant-ID': 'project-1',
               'X-Instance-ID-Signature': utils.metadata_signature(
                   SECRET, server.uuid)}
    del headers[missing]
    resp = _get(app, '/openstack/latest/meta_data.json', **headers)
    assert resp.status_int == 400
    assert missing in resp.text
    assert resp.content_type == 'text/plain'


@pytest.mark.parametrize('signature', [
    'deadbeef',
    '',
    utils.metadata_signature('another-secret', UUID % 1),
    utils.metadata_signature(SECRET, UUID % 2),
    utils.metadata_signature(SECRET, UUID % 1).upper(),
    'caf\u00e9',
])
def test_wrong_signature_is_403(app, server, signature):
    resp = _get(app, '/openstack/latest/meta_data.json',
                **{'X-Instance-ID': server.uuid, 'X-Tenant-ID': 'project-1',
                   'X-Instance-ID-Signature': signature})
    assert resp.status_int == 403
    assert 'signature' in resp.text
    assert server.uuid not in resp.text


def test_signed_for_another_instance_is_403(app, server, admin):
    other = _instance(admin, n=2)
    resp = _get(app, '/openstack/latest/meta_data.json', **{
        'X-Instance-ID': other.uuid, 'X-Tenant-ID': 'project-1',
        'X-Instance-ID-Signature': utils.metadata_signature(SECRET,
                                                            server.uuid)})
    assert resp.status_int == 403


def test_wrong_tenant_is_404_as_in_nova(app, server):
    resp = _get(app, '/openstack/latest/meta_data.json', server,
                tenant='project-2')
    assert resp.status_int == 404


def test_unknown_and_deleted_instances_are_404(app, server, admin):
    resp = _get(app, '/openstack/latest/meta_data.json',
                **_headers(UUID % 99))
    assert resp.status_int == 404
    gone = _instance(admin, n=3)
    gone.destroy()
    resp = _get(app, '/openstack/latest/meta_data.json',
                **_headers(gone.uuid))
    assert resp.status_int == 404


def test_empty_secret_signs_with_the_empty_key(database, flags, caplog):
    flags(metadata_proxy_shared_secret='', group='metadata')
    with caplog.at_level(logging.WARNING):
        app = handler.make_app()
    assert 'metadata_proxy_shared_secret is empty' in caplog.text
    instance = _instance(nova_context.get_admin_context())
    resp = _get(app, '/openstack/latest/meta_data.json', instance,
                secret='')
    assert resp.status_int == 200
    resp = _get(app, '/openstack/latest/meta_data.json', instance,
                secret='guess')
    assert resp.status_int == 403


def test_forwarded_for_is_not_identity(app, server):
    resp = _get(app, '/latest/meta-data/local-ipv4', server,
                **{'X-Forwarded-For': '203.0.113.99'})
    assert resp.text == '192.0.2.2'


# ---- the trees -------------------------------------------------------------

OS_LATEST = ('meta_data.json\nuser_data\npassword\nvendor_data.json\n'
             'network_data.json\nvendor_data2.json')
EC2_META_DATA = [
    'ami-id', 'ami-launch-index', 'ami-manifest-path',
    'block-device-mapping/', 'hostname', 'instance-action', 'instance-id',
    'instance-type', 'local-hostname', 'local-ipv4', 'placement/',
    'public-hostname', 'public-ipv4', 'public-keys/', 'reservation-id',
    'security-groups']


def _ec2(server):
    return {
        '/latest': 'meta-data/\nuser-data',
        '/latest/': 'meta-data/\nuser-data',
        '/latest/meta-data/': '\n'.join(EC2_META_DATA),
        '/ec2/latest/meta-data': '\n'.join(EC2_META_DATA),
        '/latest/meta-data/ami-id': 'ami-155d900f',
        '/latest/meta-data/ami-launch-index': '0',
        '/latest/meta-data/ami-manifest-path': 'FIXME',
        '/latest/meta-data/block-device-mapping/': 'ami\nroot',
        '/latest/meta-data/block-device-mapping/ami': 'vda',
        '/latest/meta-data/block-device-mapping/root': '/dev/vda',
        '/latest/meta-data/hostname': 'vm-1.novalocal',
        '/latest/meta-data/instance-action': 'none',
        '/latest/meta-data/instance-id': 'i-%08x' % server.id,
        '/latest/meta-data/instance-type': 'm1.tiny',
        '/latest/meta-data/local-hostname': 'vm-1.novalocal',
        '/latest/meta-data/local-ipv4': '192.0.2.2',
        '/latest/meta-data/placement/': 'availability-zone',
        '/latest/meta-data/placement/availability-zone': 'nova',
        '/latest/meta-data/public-hostname': 'vm-1.novalocal',
        '/latest/meta-data/public-ipv4': '',
        '/latest/meta-data/public-keys/': '0=key1',
        '/latest/meta-data/public-keys/0/': 'openssh-key',
        '/latest/meta-data/public-keys/0/openssh-key': KEY,
        '/latest/meta-data/reservation-id': 'r-00000001',
        '/latest/meta-data/security-groups': '',
        '/latest/user-data': USER_DATA.decode(),
        '/1.0/meta-data/instance-id': 'i-%08x' % server.id,
        '/2009-04-04/user-data': USER_DATA.decode(),
    }


def test_every_ec2_path(app, server):
    for path, body in _ec2(server).items():
        resp = _get(app, path, server)
        assert (path, resp.status_int, resp.text) == (path, 200, body)
        assert resp.content_type == 'text/plain'


def test_openstack_listings(app, server):
    resp = _get(app, '/openstack', server)
    assert resp.text.split('\n') == im.OPENSTACK_VERSIONS + ['latest']
    assert _get(app, '/openstack/', server).text == resp.text
    assert _get(app, '/openstack/latest', server).text == OS_LATEST
    assert _get(app, '/openstack/latest/', server).text == OS_LATEST
    assert _get(app, '/openstack/2012-08-10', server).text == \
        'meta_data.json\nuser_data'
    assert _get(app, '/ec2', server).text.split('\n') == \
        im.EC2_VERSIONS + ['latest']


def test_openstack_files(app, server):
    resp = _get(app, '/openstack/latest/meta_data.json', server)
    assert resp.content_type == 'application/json'
    meta = resp.json
    assert len(base64.b64decode(meta.pop('random_seed'))) == 512
    assert meta == {
        'uuid': server.uuid, 'meta': {'role': 'web'},
        'public_keys': {'key1': KEY},
        'keys': [{'name': 'key1', 'type': 'ssh', 'data': KEY}],
        'hostname': 'vm-1.novalocal', 'name': 'VM 1', 'launch_index': 0,
        'availability_zone': 'nova', 'project_id': 'project-1',
        'devices': [], 'dedicated_cpus': []}
    resp = _get(app, '/openstack/latest/user_data', server)
    assert (resp.body, resp.content_type) == (USER_DATA, 'text/plain')
    net = json.loads(_get(app, '/openstack/latest/network_data.json',
                          server).body)
    assert net['networks'][0]['ip_address'] == '192.0.2.2'
    assert net['services'] == [{'type': 'dns', 'address': '192.0.2.53'}]
    assert net['links'][0]['ethernet_mac_address'].startswith('fa:16:3e')
    assert _get(app, '/openstack/latest/vendor_data.json',
                server).json == {}
    assert _get(app, '/openstack/latest/vendor_data2.json',
                server).json == {'static': {}}
    old = _get(app, '/openstack/2012-08-10/meta_data.json', server).json
    assert 'project_id' not in old and 'random_seed' not in old


def test_x509_key_pair_type(app, admin):
    cert = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
    objects.KeyPair(context=admin, name='winrm', user_id='user-1',
                    fingerprint='fp', public_key=cert, type='x509').create()
    instance = _instance(admin, n=4, key_name='winrm', key_data=cert)
    meta = _get(app, '/openstack/latest/meta_data.json', instance).json
    assert meta['keys'] == [{'name': 'winrm', 'type': 'x509', 'data': cert}]


@pytest.mark.parametrize('path', [
    '/openstack/latest/nothing',
    '/openstack/latest/meta_data.json/uuid',
    '/openstack/2099-01-01/meta_data.json',
    '/openstack/2012-08-10/password',
    '/openstack/2013-04-04/vendor_data.json',
    '/openstack/content/0000',
    '/latest/meta-data/nothing',
    '/latest/meta-data/hostname/more',
    '/latest/meta-data/public-keys/0/_name',
    '/latest/meta-data/security-groups/default',
    '/2012-08-10/meta-data/',
    '/nothing',
])
def test_unknown_path_is_404(app, server, path):
    assert _get(app, path, server).status_int == 404


def test_no_user_data_is_404(app, admin):
    instance = _instance(admin, n=5, user_data=None)
    assert _get(app, '/openstack/latest/user_data',
                instance).status_int == 404
    assert _get(app, '/latest/user-data', instance).status_int == 404
    assert _get(app, '/openstack/latest', instance).text == \
        OS_LATEST.replace('user_data\n', '')
    assert _get(app, '/latest', instance).text == 'meta-data/'


def test_head_answers_like_get_without_a_body(app, server):
    resp = _get(app, '/openstack/latest/user_data', server, method='HEAD')
    assert resp.status_int == 200
    assert resp.body == b''
    assert resp.content_length == len(USER_DATA)


@pytest.mark.parametrize('method, path, allow', [
    ('PUT', '/openstack/latest/meta_data.json', 'GET, HEAD'),
    ('DELETE', '/latest/meta-data/', 'GET, HEAD'),
    ('POST', '/openstack/latest/user_data', 'GET, HEAD'),
    ('POST', '/', 'GET, HEAD'),
    ('PUT', '/openstack/latest/password', 'GET, HEAD, POST'),
    ('DELETE', '/openstack/latest/password', 'GET, HEAD, POST'),
])
def test_other_methods_are_405(app, server, method, path, allow):
    resp = _get(app, path, server, method=method, body=b'x')
    assert resp.status_int == 405
    assert resp.headers['Allow'] == allow


def test_server_error_is_a_plain_500(app, server, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError('secret internals')
    monkeypatch.setattr(base, 'lookup', broken)
    resp = _get(app, '/openstack/latest/meta_data.json', server)
    assert resp.status_int == 500
    assert 'secret internals' not in resp.text


# ---- the password ----------------------------------------------------------

PASSWORD_PATH = '/openstack/latest/password'


def test_password_post_once(app, server, admin):
    resp = _get(app, PASSWORD_PATH, server)
    assert (resp.status_int, resp.body) == (200, b'')
    posted = 'x' * 300 + 'y' * 300
    resp = _get(app, PASSWORD_PATH, server, method='POST',
                body=posted.encode())
    assert resp.status_int == 200
    assert _get(app, PASSWORD_PATH, server).text == posted
    stored = objects.Instance.get_by_uuid(admin, server.uuid)
    assert stored.system_metadata['password_0'] == 'x' * 255
    assert stored.system_metadata['password_1'] == 'x' * 45 + 'y' * 210
    assert stored.system_metadata['password_2'] == 'y' * 90
    assert stored.system_metadata['password_3'] == ''
    resp = _get(app, PASSWORD_PATH, server, method='POST', body=b'again')
    assert resp.status_int == 409
    assert _get(app, PASSWORD_PATH, server).text == posted


def test_password_post_keeps_other_system_metadata(app, admin):
    instance = _instance(admin, n=6,
                         system_metadata={'image_min_ram': '0'})
    _get(app, PASSWORD_PATH, instance, method='POST', body=b'pw')
    stored = objects.Instance.get_by_uuid(admin, instance.uuid)
    assert stored.system_metadata['image_min_ram'] == '0'


@pytest.mark.parametrize('size, status', [
    (password.MAX_SIZE, 200), (password.MAX_SIZE + 1, 400), (5000, 400)])
def test_password_size(app, admin, size, status):
    instance = _instance(admin, n=7)
    resp = _get(app, PASSWORD_PATH, instance, method='POST',
                body=b'p' * size)
    assert resp.status_int == status
    expected = 'p' * size if status == 200 else ''
    assert _get(app, PASSWORD_PATH, instance).text == expected


def test_password_not_utf8_is_400(app, admin):
    instance = _instance(admin, n=8)
    resp = _get(app, PASSWORD_PATH, instance, method='POST',
                body=b'\xff\xfe')
    assert resp.status_int == 400


def test_password_post_needs_identity(app, server):
    resp = _get(app, PASSWORD_PATH, method='POST', body=b'pw',
                **{'X-Instance-ID': server.uuid, 'X-Tenant-ID': 'project-1',
                   'X-Instance-ID-Signature': 'forged'})
    assert resp.status_int == 403
    assert _get(app, PASSWORD_PATH, server).body == b''


@pytest.mark.parametrize('chunks, expected', [
    ({}, None),
    ({'password_0': '', 'password_1': ''}, None),
    ({'password_0': 'ab', 'password_1': 'cd', 'other': 'x'}, 'abcd'),
])
def test_extract_password(chunks, expected):
    instance = objects.Instance(system_metadata=chunks)
    assert password.extract_password(instance) == expected


def test_convert_password_round_trip():
    text = ''.join(chr(ord('a') + i % 26) for i in range(password.MAX_SIZE))
    chunks = password.convert_password(text)
    assert sorted(chunks) == ['password_%d' % i for i in range(4)]
    assert all(len(v) <= 255 for v in chunks.values())
    instance = objects.Instance(system_metadata=chunks)
    assert password.extract_password(instance) == text
    assert set(password.convert_password(None).values()) == {''}


# ---- the tree, alone -------------------------------------------------------

@pytest.mark.parametrize('data, body', [
    ({'b': 1, 'a': {'x': 1}, 'c': {'_name': '0=key', 'k': 'v'}},
     'a/\nb\n0=key'),
    ({'_name': 'hidden', 'k': 'v'}, 'k'),
    (['default', 'web'], 'default\nweb'),
    ([], ''),
    (0, '0'),
    ('text', 'text'),
    (b'\x00bytes', b'\x00bytes'),
])
def test_format_content(data, body):
    assert base.format_content(data) == body


def test_future_openstack_versions_are_not_listed():
    assert base.openstack_versions(today='2016-07-01') == [
        '2012-08-10', '2013-04-04', '2013-10-17', '2015-10-15',
        '2016-06-30', 'latest']


@pytest.mark.parametrize('path, expected', [
    ('/openstack/latest/password', True),
    ('openstack/2013-04-04/password/', True),
    ('/openstack/latest/../latest/password', True),
    ('/openstack/latest', False),
    ('/latest/password', False),
    ('/openstack/latest/password/x', False),
])
def test_is_password_path(path, expected):
    assert base.is_password_path(path) is expected


@pytest.mark.parametrize('path, normal', [
    ('', '/'), ('/', '/'), ('//', '/'),
    ('//latest//meta-data/', '/latest/meta-data'),
    ('/openstack/../latest', '/latest'), ('/../..', '/'),
])
def test_normalize(path, normal):
    assert base.normalize(path) == normal

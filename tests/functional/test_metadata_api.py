"""The metadata API over HTTP, as the metadata proxy drives it: signed
requests for a server booted on the fake driver with a key pair, user
data and a network, every path of the OpenStack and EC2 trees, the
refusals (missing header, forged signature, wrong project, unknown or
deleted server), the guest's password posted once.

Twice over: the metadata API nova-lite-all runs, and a nova-lite-metadata
process of its own on the same (sqlite) database, so a password posted to
one is read back from the other.
"""

import base64
import os

import pytest
import requests

from nova_lite import utils
from tests.fixtures import backends
from tests.fixtures import cloud as cloud_mod
from tests.fixtures import conf as conf_mod
from tests.fixtures import process as process_mod
from tests.fixtures.pytest_support import use_fixture

SECRET = 'functional-metadata-secret'
USER_DATA = b'#!/bin/sh\necho "hello from user data"\n\xff\x00\n'
UNKNOWN = '6d2b7d6c-0a3b-4c4e-9f55-0d8c3f0c1e11'
TIMEOUT = 30
OS_VERSIONS = ['2012-08-10', '2013-04-04', '2013-10-17', '2015-10-15',
               '2016-06-30', '2016-10-06', '2017-02-22', '2018-08-27',
               '2020-10-14', '2025-04-04', 'latest']
EC2_VERSIONS = ['1.0', '2007-01-19', '2007-03-01', '2007-08-29',
                '2007-10-10', '2007-12-15', '2008-02-01', '2008-09-01',
                '2009-04-04', 'latest']


@pytest.fixture(scope='module')
def cloud(base_tmp):
    with use_fixture(cloud_mod.AllInOneCloud(
            str(base_tmp / 'metadata'),
            conf={'metadata': {'metadata_proxy_shared_secret': SECRET}}
    )) as cloud:
        cloud.process.wait_for_log(r'Metadata API listening on http://'
                                   r'127\.0\.0\.1:%d' % cloud.metadata_port,
                                   cloud_mod.START_TIMEOUT)
        yield cloud


@pytest.fixture(scope='module')
def standalone(cloud):
    """nova-lite-metadata on its own port, on nova-lite-all's database."""
    port = backends.free_port()
    own = conf_mod.write_config(
        os.path.join(cloud.base_dir, 'metadata.conf'),
        {'DEFAULT': {'metadata_listen': '127.0.0.1',
                     'metadata_listen_port': port}})
    with use_fixture(process_mod.ServiceProcess(
            'nova-lite-metadata', 'nova-lite-metadata',
            [cloud.conf_file, own],
            os.path.join(cloud.base_dir, 'logs'))) as proc:
        proc.wait_for_log(r'Metadata API listening on http://127\.0\.0\.1:%d'
                          % port, cloud_mod.START_TIMEOUT)
        yield 'http://127.0.0.1:%d' % port


@pytest.fixture(scope='module', params=['nova-lite-all',
                                        'nova-lite-metadata'])
def endpoint(request, cloud):
    if request.param == 'nova-lite-all':
        return cloud.metadata_endpoint
    return request.getfixturevalue('standalone')


@pytest.fixture(scope='module')
def network(cloud):
    out = process_mod.run_manage(
        [cloud.conf_file], 'network', 'create', '--name', 'meta-net',
        '--cidr', '192.0.2.0/28', '--dns', '192.0.2.53')
    return next(word for word in out.split() if len(word) == 36
                and word.count('-') == 4)


@pytest.fixture(scope='module')
def keypair(cloud):
    body = cloud.client.post('/os-keypairs', json={'keypair': {
        'name': 'meta-key'}}, expected=(200, 201)).json()['keypair']
    return body['public_key']


def _boot(cloud, name, network, **extra):
    server_id = cloud.client.create_server(
        name, networks=[{'uuid': network}], **extra)['server']['id']
    cloud.client.wait_for_status(server_id)
    return cloud.admin.get('/servers/%s' % server_id,
                           expected=200).json()['server']


@pytest.fixture(scope='module')
def server(cloud, network, keypair):
    return _boot(cloud, 'meta-one', network, key_name='meta-key',
                 user_data=base64.b64encode(USER_DATA).decode(),
                 metadata={'role': 'web'})


@pytest.fixture(scope='module')
def plain(cloud, network):
    """A server without user data or key pair."""
    return _boot(cloud, 'meta-plain', network)


def _headers(server_id, tenant='demo', secret=SECRET):
    return {'X-Instance-ID': server_id, 'X-Tenant-ID': tenant,
            'X-Instance-ID-Signature': utils.metadata_signature(secret,
                                                                server_id),
            'X-Forwarded-For': '192.0.2.5'}


def _get(endpoint, path, server=None, method='GET', headers=None,
         **kwargs):
    if headers is None:
        headers = _headers(server['id']) if server else {}
    return requests.request(method, endpoint + path, headers=headers,
                            timeout=TIMEOUT, **kwargs)


def _address(server):
    return server['addresses']['meta-net'][0]['addr']


def _ec2_instance_id(server):
    # instance_name_template is instance-%08x of the same integer id.
    return 'i-' + server['OS-EXT-SRV-ATTR:instance_name'].split('-', 1)[1]


# ---- the trees ------------------------------------------------------------

def test_version_listings(endpoint, server):
    assert _get(endpoint, '/').text.split('\n') == EC2_VERSIONS
    resp = _get(endpoint, '/openstack', server)
    assert resp.status_code == 200
    assert resp.headers['Content-Type'].startswith('text/plain')
    assert resp.text.split('\n') == OS_VERSIONS
    assert _get(endpoint, '/openstack/latest', server).text.split('\n') == [
        'meta_data.json', 'user_data', 'password', 'vendor_data.json',
        'network_data.json', 'vendor_data2.json']
    assert _get(endpoint, '/openstack/2012-08-10/',
                server).text.split('\n') == ['meta_data.json', 'user_data']


def test_openstack_tree(endpoint, server):
    resp = _get(endpoint, '/openstack/latest/meta_data.json', server)
    assert resp.status_code == 200
    assert resp.headers['Content-Type'] == 'application/json'
    meta = resp.json()
    assert base64.b64decode(meta.pop('random_seed'))
    assert meta == {
        'uuid': server['id'], 'meta': {'role': 'web'},
        'public_keys': {'meta-key': meta['keys'][0]['data']},
        'keys': [{'name': 'meta-key', 'type': 'ssh',
                  'data': meta['keys'][0]['data']}],
        'hostname': 'meta-one.novalocal', 'name': 'meta-one',
        'launch_index': 0, 'availability_zone': 'nova',
        'project_id': 'demo', 'devices': [], 'dedicated_cpus': []}
    assert meta['keys'][0]['data'].startswith('ssh-')
    for version in OS_VERSIONS:
        resp = _get(endpoint, '/openstack/%s/meta_data.json' % version,
                    server)
        assert resp.status_code == 200, version
        assert resp.json()['uuid'] == server['id']
        resp = _get(endpoint, '/openstack/%s/user_data' % version, server)
        assert (resp.status_code, resp.content) == (200, USER_DATA)

    net = _get(endpoint, '/openstack/latest/network_data.json',
               server).json()
    assert [n['ip_address'] for n in net['networks']] == [_address(server)]
    assert net['networks'][0]['netmask'] == '255.255.255.240'
    assert net['networks'][0]['routes'][0]['gateway'] == '192.0.2.1'
    assert net['links'][0]['ethernet_mac_address'] == \
        server['addresses']['meta-net'][0]['OS-EXT-IPS-MAC:mac_addr']
    assert net['services'] == [{'type': 'dns', 'address': '192.0.2.53'}]
    assert _get(endpoint, '/openstack/latest/vendor_data.json',
                server).json() == {}
    assert _get(endpoint, '/openstack/latest/vendor_data2.json',
                server).json() == {'static': {}}


def test_ec2_tree(endpoint, server):
    key = _get(endpoint, '/openstack/latest/meta_data.json',
               server).json()['keys'][0]['data']
    image = server['image']['id']
    expected = {
        '/latest': 'meta-data/\nuser-data',
        '/latest/meta-data/': '\n'.join([
            'ami-id', 'ami-launch-index', 'ami-manifest-path',
            'block-device-mapping/', 'hostname', 'instance-action',
            'instance-id', 'instance-type', 'local-hostname', 'local-ipv4',
            'placement/', 'public-hostname', 'public-ipv4', 'public-keys/',
            'reservation-id', 'security-groups']),
        '/latest/meta-data/ami-id': 'ami-' + image.replace('-', '')[:8],
        '/latest/meta-data/ami-launch-index': '0',
        '/latest/meta-data/ami-manifest-path': 'FIXME',
        '/latest/meta-data/block-device-mapping/': 'ami\nroot',
        '/latest/meta-data/block-device-mapping/ami': 'vda',
        '/latest/meta-data/block-device-mapping/root': '/dev/vda',
        '/latest/meta-data/hostname': 'meta-one.novalocal',
        '/latest/meta-data/instance-action': 'none',
        '/latest/meta-data/instance-id': _ec2_instance_id(server),
        '/latest/meta-data/instance-type': 'm1.tiny',
        '/latest/meta-data/local-hostname': 'meta-one.novalocal',
        '/latest/meta-data/local-ipv4': _address(server),
        '/latest/meta-data/placement/': 'availability-zone',
        '/latest/meta-data/placement/availability-zone': 'nova',
        '/latest/meta-data/public-hostname': 'meta-one.novalocal',
        '/latest/meta-data/public-ipv4': '',
        '/latest/meta-data/public-keys/': '0=meta-key',
        '/latest/meta-data/public-keys/0/': 'openssh-key',
        '/latest/meta-data/public-keys/0/openssh-key': key,
        '/latest/meta-data/reservation-id':
            server['OS-EXT-SRV-ATTR:reservation_id'],
        '/latest/meta-data/security-groups': '',
        '/2009-04-04/meta-data/instance-id': _ec2_instance_id(server),
        '/1.0/meta-data/hostname': 'meta-one.novalocal',
    }
    for path, body in expected.items():
        resp = _get(endpoint, path, server)
        assert (path, resp.status_code, resp.text) == (path, 200, body)
        assert resp.headers['Content-Type'].startswith('text/plain')
    resp = _get(endpoint, '/latest/user-data', server)
    assert (resp.status_code, resp.content) == (200, USER_DATA)


def test_head(endpoint, server):
    resp = _get(endpoint, '/openstack/latest/user_data', server,
                method='HEAD')
    assert resp.status_code == 200
    assert int(resp.headers['Content-Length']) == len(USER_DATA)
    assert resp.content == b''


def test_server_without_user_data(endpoint, plain):
    assert _get(endpoint, '/openstack/latest/user_data',
                plain).status_code == 404
    assert _get(endpoint, '/latest/user-data', plain).status_code == 404
    assert 'user_data' not in _get(endpoint, '/openstack/latest',
                                   plain).text
    meta = _get(endpoint, '/openstack/latest/meta_data.json', plain).json()
    assert not {'public_keys', 'keys', 'meta'} & set(meta)
    assert _get(endpoint, '/latest/meta-data/public-keys/',
                plain).status_code == 404


@pytest.mark.parametrize('path', ['/openstack/latest/nothing',
                                  '/openstack/2010-01-01/meta_data.json',
                                  '/latest/meta-data/nothing',
                                  '/nothing/at/all'])
def test_unknown_path(endpoint, server, path):
    assert _get(endpoint, path, server).status_code == 404


@pytest.mark.parametrize('method', ['PUT', 'DELETE', 'PATCH', 'POST'])
def test_other_methods(endpoint, server, method):
    resp = _get(endpoint, '/openstack/latest/meta_data.json', server,
                method=method, data=b'x')
    assert resp.status_code == 405
    assert resp.headers['Allow'] == 'GET, HEAD'


# ---- who may ask ------------------------------------------------------------

@pytest.mark.parametrize('missing', ['X-Instance-ID',
                                     'X-Instance-ID-Signature',
                                     'X-Tenant-ID'])
def test_missing_header_is_400(endpoint, server, missing):
    headers = _headers(server['id'])
    del headers[missing]
    resp = _get(endpoint, '/openstack/latest/meta_data.json',
                headers=headers)
    assert resp.status_code == 400
    # NOTE: webob's error page, as Nova's (HTML for Accept: */*).
    assert missing in resp.text


def test_forged_signature_is_403(endpoint, server, plain):
    for headers in (
            dict(_headers(server['id']),
                 **{'X-Instance-ID-Signature': 'f' * 64}),
            _headers(server['id'], secret='a guess'),
            # A signature of another instance does not carry over.
            dict(_headers(server['id']), **{
                'X-Instance-ID-Signature': _headers(plain['id'])[
                    'X-Instance-ID-Signature']})):
        resp = _get(endpoint, '/openstack/latest/meta_data.json',
                    headers=headers)
        assert resp.status_code == 403
        assert 'meta-one' not in resp.text


def test_wrong_tenant_is_404_as_in_nova(endpoint, server):
    resp = _get(endpoint, '/openstack/latest/meta_data.json',
                headers=_headers(server['id'], tenant='alt'))
    assert resp.status_code == 404


def test_unknown_instance_is_404(endpoint):
    resp = _get(endpoint, '/openstack/latest/meta_data.json',
                headers=_headers(UNKNOWN))
    assert resp.status_code == 404


def test_deleted_instance_is_404(cloud, network, endpoint):
    gone = _boot(cloud, 'meta-gone', network)
    assert _get(endpoint, '/latest/meta-data/hostname',
                gone).status_code == 200
    cloud.client.delete_server(gone['id'])
    cloud.client.wait_for_deleted(gone['id'])
    assert _get(endpoint, '/latest/meta-data/hostname',
                gone).status_code == 404


# ---- the password -----------------------------------------------------------

def test_password_posted_once(cloud, standalone, server):
    path = '/openstack/latest/password'
    embedded = cloud.metadata_endpoint
    assert _get(embedded, path, server).text == ''
    secret = 'c2VjcmV0IGVuY3J5cHRlZCB3aXRoIHRoZSBrZXk=' * 9
    resp = _get(standalone, path, server, method='POST', data=secret)
    assert resp.status_code == 200
    for endpoint in (embedded, standalone):
        assert _get(endpoint, path, server).text == secret
        assert _get(endpoint, path, server, method='POST',
                    data='another').status_code == 409
    assert _get(embedded, path, server).text == secret


def test_password_too_long(endpoint, plain):
    resp = _get(endpoint, '/openstack/latest/password', plain,
                method='POST', data=b'p' * 1021)
    assert resp.status_code == 400
    assert _get(endpoint, '/openstack/latest/password', plain).text == ''

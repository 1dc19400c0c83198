"""Server API gaps tempest found (issue 13, part A) through the whole app
with the compute APIs mocked: the rebuild answer's key_name (2.54) and
user_data (2.57), accessIPv6 in its compact form, personality quota (403),
security_groups, x509 key pair generation, /extensions."""

import base64
from unittest import mock

from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography import x509
import pytest

from nova_lite.api.openstack.compute import extension_info
from nova_lite.compute import keypairs as compute_keypairs
from nova_lite import exception
from nova_lite import objects
from tests.unit.api import fakes

SERVERS = '/v2.1/servers'
ONE = '/v2.1/servers/%s' % fakes.SERVER
ACTION = ONE + '/action'
USER_DATA = base64.b64encode(b'#cloud-config\n').decode()
VIF = {'id': 'port-1', 'address': 'fa:16:3e:00:00:01',
       'network': {'id': 'net-1', 'label': 'private', 'subnets': []}}


@pytest.fixture
def client():
    client = fakes.Client()
    api = client.compute_api
    api.get.return_value = fakes.instance(key_name='kp1',
                                          user_data=USER_DATA)
    api.get_flavor_for_create.return_value = fakes.flavor()
    api.create.return_value = ([fakes.instance()], 'r-abcdefgh')
    api.update_instance.side_effect = lambda ctx, inst, updates: inst
    api.get_instance_host_status.return_value = 'UP'
    api.get_request_specs.return_value = {}
    with mock.patch.object(objects.InstanceGroupList,
                           'get_group_uuids_by_instances',
                           return_value={}):
        yield client


def _create(client, version='2.1', **server):
    body = {'server': dict({'name': 'gaps', 'imageRef': fakes.IMAGE,
                            'flavorRef': '1'}, **server)}
    if tuple(map(int, version.split('.'))) >= (2, 37):
        body['server'].setdefault('networks', 'none')
    return client.request(SERVERS, method='POST', body=body,
                          version=version)


def _rebuild(client, version, **rebuild):
    body = {'rebuild': dict({'imageRef': fakes.IMAGE}, **rebuild)}
    return client.request(ACTION, method='POST', body=body, version=version)


# ---- rebuild answer ---------------------------------------------------------

@pytest.mark.parametrize('version, key_name, user_data', [
    ('2.53', False, False), ('2.54', True, False), ('2.56', True, False),
    ('2.57', True, True), ('2.74', True, True), ('2.75', True, True),
])
def test_rebuild_answer(client, version, key_name, user_data):
    resp = _rebuild(client, version)
    assert resp.status_int == 202
    server = resp.json['server']
    assert ('key_name' in server) is key_name
    assert ('user_data' in server) is user_data
    if key_name:
        assert server['key_name'] == 'kp1'
    if user_data:
        assert server['user_data'] == USER_DATA


def test_admin_rebuild_answer_from_2_75_has_plain_user_data_only(client):
    """From 2.75 the rebuild answer is the show view, but the user data
    only as ``user_data`` (tempest's 2.75 schema refuses the other)."""
    resp = client.admin(ACTION, method='POST', version='2.75',
                        body={'rebuild': {'imageRef': fakes.IMAGE}})
    assert resp.status_int == 202
    server = resp.json['server']
    assert server['user_data'] == USER_DATA
    assert 'OS-EXT-SRV-ATTR:user_data' not in server
    assert 'OS-EXT-SRV-ATTR:host' in server


# ---- accessIPv6 -------------------------------------------------------------

@pytest.mark.parametrize('given, kept', [
    ('0:0:0:0:0:babe:dc0c:1602', '::babe:dc0c:1602'),
    ('2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'),
    ('::ffff:1.2.3.4', '::ffff:1.2.3.4'),
    ('fe80::1', 'fe80::1'),
])
def test_access_ipv6_compact_on_create_update_rebuild(client, given, kept):
    api = client.compute_api
    assert _create(client, accessIPv6=given).status_int == 202
    assert api.create.call_args[1]['access_ip_v6'] == kept
    resp = client.request(ONE, method='PUT',
                          body={'server': {'accessIPv6': given}})
    assert resp.status_int == 200
    assert api.update_instance.call_args[0][2]['access_ip_v6'] == kept
    assert _rebuild(client, '2.1', accessIPv6=given).status_int == 202
    assert api.rebuild.call_args[1]['access_ip_v6'] == kept


def test_access_ipv6_invalid_is_400(client):
    resp = _create(client, accessIPv6='1.2.3.4')
    assert resp.status_int == 400
    assert not client.compute_api.create.called


# ---- personality ------------------------------------------------------------

FILES = [{'path': '/etc/motd', 'contents': 'aGk='}]


@pytest.mark.parametrize('error', [
    exception.OnsetFileLimitExceeded(),
    exception.OnsetFilePathLimitExceeded(allowed=255),
    exception.OnsetFileContentLimitExceeded(allowed=10240),
])
def test_personality_over_quota_is_403(client, error):
    api = client.compute_api
    api.check_injected_file_quota.side_effect = error
    resp = _create(client, '2.56', personality=FILES)
    assert resp.status_int == 403
    assert resp.json == {'forbidden': {
        'code': 403, 'message': error.format_message()}}
    assert not api.create.called
    resp = _rebuild(client, '2.56', personality=FILES)
    assert resp.status_int == 403
    assert not api.rebuild.called


def test_personality_checked_then_created(client):
    api = client.compute_api
    assert _create(client, '2.56', personality=FILES).status_int == 202
    api.check_injected_file_quota.assert_called_once_with(mock.ANY, FILES)
    assert api.create.called


# ---- security_groups --------------------------------------------------------

@pytest.mark.parametrize('network_info, expected', [
    ([], None), ([VIF], [{'name': 'default'}]),
])
def test_security_groups_of_ports(client, network_info, expected):
    client.compute_api.get.return_value = fakes.instance(
        network_info=network_info)
    server = client.request(ONE).json['server']
    assert server.get('security_groups') == expected


def test_create_answers_default_group(client):
    resp = _create(client)
    assert resp.json['server']['security_groups'] == [{'name': 'default'}]


# ---- x509 key pairs ---------------------------------------------------------

def test_x509_generation_is_novas_winrm_certificate():
    private, public = compute_keypairs._generate_key_pair('x509', 'user-1')
    cert = x509.load_pem_x509_certificate(public.encode())
    assert cert.subject.rfc4514_string() == 'CN=user-1'
    assert cert.issuer == cert.subject
    lifetime = cert.not_valid_after_utc - cert.not_valid_before_utc
    assert lifetime.days == 3650
    usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert list(usage.value) == [x509.ExtendedKeyUsageOID.CLIENT_AUTH]
    names = cert.extensions.get_extension_for_class(
        x509.SubjectAlternativeName).value
    upn = names.get_values_for_type(x509.OtherName)[0]
    assert upn.type_id.dotted_string == '1.3.6.1.4.1.311.20.2.3'
    assert upn.value == b'\x0c\x10user-1@localhost'
    key, bundled, _extra = pkcs12.load_key_and_certificates(
        base64.b64decode(private), None)
    assert bundled == cert
    assert key.public_key().public_numbers() == (
        cert.public_key().public_numbers())
    # The fingerprint shown is the certificate's SHA-1.
    assert len(compute_keypairs._fingerprint(public, 'x509')) == 59


def test_der_utf8_string_long_form():
    encoded = compute_keypairs._der_utf8_string('u' * 200)
    assert encoded[:3] == b'\x0c\x81\xc8'
    assert len(encoded) == 203


# ---- /extensions ------------------------------------------------------------

def test_extensions_list_and_show(client):
    listed = client.request('/v2.1/extensions').json['extensions']
    aliases = [ext['alias'] for ext in listed]
    assert aliases == [ext[0] for ext in extension_info.EXTENSIONS]
    assert len(set(aliases)) == len(aliases)
    shown = client.request('/v2.1/extensions/os-hosts')
    assert shown.status_int == 200
    assert shown.json == {'extension': {
        'alias': 'os-hosts', 'name': 'Hosts',
        'description': 'Physical hosts and their resources.', 'links': [],
        'namespace': 'http://docs.openstack.org/compute/ext/fake_xml',
        'updated': '2014-12-03T00:00:00Z'}}


def test_unknown_extension_is_404(client):
    resp = client.request('/v2.1/extensions/os-cells')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['code'] == 404

"""Each bad request gets the right 4xx with Nova's fault body and leaves no
row behind.

NOTE: this is API logic, not wiring, so it runs against one nova-lite-all
process (sqlite, in-process RPC) shared with test_isolation.
"""

import json
import time

import pytest
import requests

from tests.fixtures import client as client_mod

# NOTE: an id no server has: what a server action with a broken body
# names (the body is refused before the server is looked up).
GOOD_ID = '11111111-2222-3333-4444-555555555555'
GOOD = {'name': 'ok', 'imageRef': client_mod.TEST_IMAGE, 'flavorRef': '1',
        'networks': 'none'}


def _body(**changes):
    server = dict(GOOD)
    for key, value in changes.items():
        if value is None:
            server.pop(key, None)
        else:
            server[key] = value
    return {'server': server}


def _count(aio_cloud):
    servers, _ = aio_cloud.admin.list_servers(detail=True,
                                              params={'all_tenants': '1'})
    return len(servers)


@pytest.fixture
def unchanged(aio_cloud):
    """Asserts after the test that no server was created."""
    before = _count(aio_cloud)
    yield
    assert _count(aio_cloud) == before, 'a bad request left a server behind'


# (id, kwargs for client.request, status, fault name)
POSTS = [
    ('missing-name', {'json': _body(name=None)}, 400, 'badRequest'),
    ('missing-networks', {'json': _body(networks=None)}, 400, 'badRequest'),
    ('name-256-chars', {'json': _body(name='x' * 256)}, 400, 'badRequest'),
    ('unknown-flavor', {'json': _body(flavorRef='does-not-exist')}, 400,
     'badRequest'),
    ('unknown-image', {'json': _body(
        imageRef='11111111-2222-3333-4444-555555555555')}, 400,
     'badRequest'),
    ('invalid-json', {'data': '{"server": {"name": ',
                      'headers': {'Content-Type': 'application/json'}},
     400, 'badRequest'),
    # NOTE: Nova treats text/plain as "no Content-Type" (eventlet's
    # default) and reads the body as JSON; any other unknown type is 415.
    ('wrong-content-type', {'data': json.dumps(_body()),
                            'headers': {'Content-Type': 'application/xml'}},
     415, 'badMediaType'),
    ('no-body', {'headers': {'Content-Type': 'application/json'}}, 400,
     'badRequest'),
    ('min-count-above-max', {'json': _body(min_count=3, max_count=2)}, 400,
     'badRequest'),
    ('min-count-zero', {'json': _body(min_count=0)}, 400, 'badRequest'),
    ('unknown-property', {'json': _body(bogus='x')}, 400, 'badRequest'),
    ('not-an-object', {'json': {'server': 'x'}}, 400, 'badRequest'),
    ('unknown-microversion', {'json': _body(), 'headers': {
        'OpenStack-API-Version': 'compute 2.999'}}, 406, None),
    ('malformed-microversion', {'json': _body(), 'headers': {
        'OpenStack-API-Version': 'compute two.one'}}, 400, None),
]


@pytest.mark.parametrize('kwargs,status,fault_name',
                         [case[1:] for case in POSTS],
                         ids=[case[0] for case in POSTS])
def test_bad_create(aio_cloud, unchanged, kwargs, status, fault_name):
    response = aio_cloud.client.request('POST', '/servers', **kwargs)
    assert response.status_code == status, response.text
    name, fault = client_mod.fault_of(response)
    if fault_name:
        assert name == fault_name, response.text


def test_unknown_microversion_names_the_range(aio_cloud):
    response = aio_cloud.client.get('/servers', headers={
        'OpenStack-API-Version': 'compute 2.999'}, expected=406)
    _, fault = client_mod.fault_of(response)
    assert '2.999' in fault['message'], fault


@pytest.mark.parametrize('method', ['GET', 'DELETE'])
@pytest.mark.parametrize('server_id', ['not-a-uuid', '12345',
                                       '11111111-2222-3333-4444-555555555555'])
def test_unknown_server_is_404(aio_cloud, unchanged, method, server_id):
    response = aio_cloud.client.request(method, '/servers/%s' % server_id)
    assert response.status_code == 404, response.text
    name, _ = client_mod.fault_of(response)
    assert name == 'itemNotFound'


def test_unknown_route_is_404(aio_cloud):
    response = aio_cloud.client.get('/no-such-resource')
    assert response.status_code == 404, response.text


def test_wrong_method_is_405(aio_cloud):
    response = aio_cloud.client.request('PUT', '/servers')
    assert response.status_code == 405, response.text


# ---- input nothing below the API could hold: a 4xx, never a 500 ----------

DEEP_JSON = b'{"server": ' + b'[' * 10000 + b']' * 10000 + b'}'


def _raw(aio_cloud, method, path, data=None, headers=None, version=None):
    """A request whose path, query and body go out exactly as given."""
    all_headers = {'X-Auth-Token': 'demo:demo',
                   'OpenStack-API-Version': 'compute %s' % (
                       version or client_mod.DEFAULT_MICROVERSION)}
    if data is not None:
        all_headers['Content-Type'] = 'application/json'
    all_headers.update(headers or {})
    return requests.request(method, aio_cloud.endpoint + path, data=data,
                            headers=all_headers, timeout=60)


def _fault(response, status, name):
    assert response.status_code == status, response.text
    found, fault = client_mod.fault_of(response)
    assert found == name, response.text
    return fault['message']


def test_json_nested_10000_deep_is_400(aio_cloud, unchanged):
    response = _raw(aio_cloud, 'POST', '/servers', DEEP_JSON)
    assert 'nested' in _fault(response, 400, 'badRequest')


def test_deep_json_in_a_server_action_is_400(aio_cloud):
    response = _raw(aio_cloud, 'POST', '/servers/%s/action'
                    % GOOD_ID, b'{"reboot": ' + b'[' * 10000 + b']' * 10000
                    + b'}')
    assert 'nested' in _fault(response, 400, 'badRequest')


@pytest.mark.parametrize('query', ['name=%ff', 'name=%ed%a0%80',
                                   '%ff=1', 'name=a%00b'])
def test_query_not_utf8_text_is_400(aio_cloud, query):
    response = _raw(aio_cloud, 'GET', '/servers/detail?' + query)
    assert 'query string' in _fault(response, 400, 'badRequest')


@pytest.mark.parametrize('method,path', [
    ('GET', '/servers/%ff'), ('DELETE', '/servers/%C3%28'),
    ('GET', '/servers/a%00b'), ('DELETE', '/os-keypairs/%ff'),
    ('GET', '/%ff'), ('POST', '/servers/%ff/action')])
def test_path_not_utf8_text_is_404(aio_cloud, method, path):
    response = _raw(aio_cloud, method, path,
                    b'{"reboot": {"type": "SOFT"}}' if method == 'POST'
                    else None)
    _fault(response, 404, 'itemNotFound')


@pytest.mark.parametrize('changes', [
    {'accessIPv4': '1.2.3.4\x00'},
    {'accessIPv6': '::1\x00'},
    {'name': 'a\ud800'},
    {'metadata': {'k': '\ud800'}},
    {'metadata': {'k': 'a\x00b'}},
    {'metadata': {'\udfff': 'v'}},
], ids=['nul-access-ipv4', 'nul-access-ipv6', 'surrogate-name',
        'surrogate-metadata-value', 'nul-metadata-value',
        'surrogate-metadata-key'])
def test_text_no_database_stores_is_400(aio_cloud, unchanged, changes):
    # NOTE: json.dumps writes a lone surrogate as the escape "\ud800",
    # valid JSON that decodes to a str with no UTF-8 encoding.
    response = _raw(aio_cloud, 'POST', '/servers',
                    json.dumps(_body(**changes)).encode())
    _fault(response, 400, 'badRequest')


@pytest.mark.parametrize('public_key', [
    'ssh-foo AAAAB3NzaC1yc2E=', 'ssh-rsa junk', 'junk',
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA==',
    '-----BEGIN CERTIFICATE-----\njunk\n-----END CERTIFICATE-----'])
def test_junk_public_key_is_400(aio_cloud, public_key):
    response = aio_cloud.client.request('POST', '/os-keypairs', json={
        'keypair': {'name': 'junk-key', 'public_key': public_key}})
    assert 'Keypair data is invalid' in _fault(response, 400, 'badRequest')


@pytest.mark.parametrize('path', ['/images/a%20b', '/images/a%0Ab',
                                  '/images/a%3Fb', '/images/a%23b/metadata',
                                  '/images/..%2F..%2Fv2%2Fimages'])
def test_image_proxy_odd_image_id_is_404(aio_cloud, path):
    # NOTE: the image proxy lives until 2.35; the id reaches the image
    # service quoted, as part of one path segment.
    response = _raw(aio_cloud, 'GET', path, version='2.35')
    _fault(response, 404, 'itemNotFound')


@pytest.mark.parametrize('method,path,data,status,words', [
    ('GET', '/v2/images/a%20b', None, 404, 'No image found'),
    ('GET', '/v2/images/%ff', None, 404, 'could not be found'),
    ('GET', '/v2/images?name=%ff', None, 400, 'not valid UTF-8'),
    ('GET', '/v2/images?name=a%00', None, 400, 'NUL'),
    ('POST', '/v2/images', DEEP_JSON, 400, 'nested'),
    ('POST', '/v2/images', b'{"name": "\\ud800"}', 400, 'surrogate'),
    ('POST', '/v2/images', b'{"name": "a\\u0000"}', 400, 'NUL'),
    ('PATCH', '/v2/images/%s' % client_mod.TEST_IMAGE, DEEP_JSON, 400,
     'nested'),
])
@pytest.mark.parametrize('accept', ['text/plain', '*/*'])
def test_image_service_answers_bad_input_in_glances_words(
        aio_cloud, method, path, data, status, words, accept):
    # NOTE: Glance answers errors as webob's pages: HTML for a client that
    # takes anything (as Glance does), plain text when asked.
    response = requests.request(
        method, aio_cloud.image_endpoint + path, data=data, timeout=60,
        headers={'X-Auth-Token': 'admin:admin', 'Accept': accept,
                 'Content-Type': 'application/openstack-images-v2.1-json-'
                                 'patch' if method == 'PATCH'
                 else 'application/json'})
    assert response.status_code == status, response.text
    assert words in response.text, response.text
    if accept == 'text/plain':
        assert response.text.startswith('%d ' % status), response.text


def test_body_over_max_request_body_size_is_413(aio_cloud, unchanged):
    data = json.dumps({'server': dict(GOOD, name='x' * 200000)}).encode()
    response = _raw(aio_cloud, 'POST', '/servers', data)
    assert 'max_request_body_size (114688)' in _fault(response, 413,
                                                      'overLimit')
    # NOTE: the rest of the body is not read: the connection ends.
    assert response.headers['Connection'] == 'close'


def test_10_mb_body_is_refused_at_once(aio_cloud, unchanged):
    started = time.monotonic()
    response = _raw(aio_cloud, 'POST', '/servers', b'{"server": "' +
                    b'x' * 10 * 1024 * 1024 + b'"}')
    _fault(response, 413, 'overLimit')
    assert time.monotonic() - started < 10


def test_header_line_over_max_header_line_is_a_fault(aio_cloud):
    response = _raw(aio_cloud, 'GET', '/servers',
                    headers={'X-Long': 'a' * 20000})
    assert '16384' in _fault(response, 400, 'badRequest')
    # NOTE: up to [wsgi] max_header_line (16 KiB) is fine.
    response = _raw(aio_cloud, 'GET', '/servers',
                    headers={'X-Long': 'a' * 12000})
    assert response.status_code == 200, response.text


def test_image_service_header_line_over_limit_in_its_words(aio_cloud):
    response = requests.get(aio_cloud.image_endpoint + '/v2/images',
                            headers={'X-Auth-Token': 'admin:admin',
                                     'Accept': 'text/plain',
                                     'X-Long': 'a' * 20000}, timeout=60)
    assert response.status_code == 400, response.text
    assert response.text.startswith('400 Bad Request'), response.text

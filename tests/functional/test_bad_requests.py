"""Each bad request gets the right 4xx with Nova's fault body and leaves no
row behind.

NOTE: this is API logic, not wiring, so it runs against one nova-lite-all
process (sqlite, in-process RPC) shared with test_isolation.
"""

import json

import pytest

from tests.fixtures import client as client_mod

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

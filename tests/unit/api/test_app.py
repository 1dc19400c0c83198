"""The middleware stack through make_app(): versions, microversions,
request ids, authentication, routing and fault bodies."""

import io
import re
from unittest import mock
import uuid

import pytest
import webob
import webob.dec

from nova_lite.api.openstack import api_version_request as avr
from nova_lite import exception
from tests.unit.api import fakes

REQ_ID = re.compile(r'^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-'
                    r'[0-9a-f]{4}-[0-9a-f]{12}$')


@pytest.fixture(scope='module')
def client():
    return fakes.Client()


# ---- version documents -----------------------------------------------------

def test_root_lists_versions(client):
    resp = client.request('/', token=None)
    assert resp.status_int == 200
    assert resp.json == {'versions': [{
        'id': 'v2.0',
        'status': 'SUPPORTED',
        'version': '',
        'min_version': '',
        'updated': '2011-01-21T11:33:21Z',
        'links': [{'rel': 'self', 'href': 'http://localhost/v2/'}],
    }, {
        'id': 'v2.1',
        'status': 'CURRENT',
        'version': avr.MAX_VERSION,
        'min_version': '2.1',
        'updated': '2013-07-23T11:33:21Z',
        'links': [{'rel': 'self', 'href': 'http://localhost/v2.1/'}],
    }]}


@pytest.mark.parametrize('path', ['/v2', '/v2/'])
def test_v20_document(client, path):
    resp = client.request(path, token=None)
    assert resp.status_int == 200
    version = resp.json['version']
    assert (version['id'], version['status'], version['version'],
            version['min_version']) == ('v2.0', 'SUPPORTED', '', '')
    assert version['links'][0] == {'rel': 'self',
                                   'href': 'http://localhost/v2/'}
    assert version['media-types'] == [{
        'base': 'application/json',
        'type': 'application/vnd.openstack.compute+json;version=2'}]
    assert 'OpenStack-API-Version' not in resp.headers


def test_legacy_v2_is_the_base_version_without_negotiation(client):
    # NOTE: Nova's /v2 honours no microversion header and echoes none.
    client.compute_api.get.return_value = fakes.instance()
    path = '/v2/servers/%s' % fakes.SERVER
    resp = client.request(path, version='2.55')
    assert resp.status_int == 200
    assert 'OpenStack-API-Version' not in resp.headers
    server = resp.json['server']
    assert 'locked' not in server and 'description' not in server
    assert server['links'][0]['href'].startswith('http://localhost/v2/')
    assert client.request(path, version='9.9').status_int == 200
    assert client.request(path, token=None).status_int == 401


@pytest.mark.parametrize('path, token', [
    ('/v2.1', None),
    ('/v2.1/', 'u:p'),
    ('/v2.1/', None),
])
def test_v21_document(client, path, token):
    resp = client.request(path, token=token)
    assert resp.status_int == 200
    version = resp.json['version']
    assert version['id'] == 'v2.1'
    assert version['version'] == avr.MAX_VERSION
    assert version['min_version'] == avr.MIN_VERSION
    assert version['links'][0] == {'rel': 'self',
                                   'href': 'http://localhost/v2.1/'}
    assert version['links'][1]['rel'] == 'describedby'
    assert version['media-types'] == [{
        'base': 'application/json',
        'type': 'application/vnd.openstack.compute+json;version=2.1'}]


def test_version_documents_need_no_token(client):
    assert client.request('/', token=None).status_int == 200
    assert client.request('/v2.1', token=None).status_int == 200
    assert client.request('/v2.1/', token=None).status_int == 200
    assert client.request('/v2', token=None).status_int == 200
    assert client.request('/v2/', token=None).status_int == 200


def test_root_only_get(client):
    resp = client.request('/', method='POST', token=None, body={})
    assert resp.status_int == 405
    assert resp.headers['Allow'] == 'GET'


def test_unknown_top_level_path(client):
    resp = client.request('/v3', token=None)
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['code'] == 404


# ---- microversions ---------------------------------------------------------

@pytest.mark.parametrize('headers, expected', [
    ({}, '2.1'),
    ({'OpenStack-API-Version': 'compute 2.10'}, '2.10'),
    ({'X-OpenStack-Nova-API-Version': '2.9'}, '2.9'),
    ({'OpenStack-API-Version': 'compute latest'}, avr.MAX_VERSION),
    ({'X-OpenStack-Nova-API-Version': 'latest'}, avr.MAX_VERSION),
    # The new header wins over the legacy one.
    ({'OpenStack-API-Version': 'compute 2.3',
      'X-OpenStack-Nova-API-Version': '2.9'}, '2.3'),
    # Only the compute entry of a multi-service header counts.
    ({'OpenStack-API-Version': 'placement 1.5, compute 2.19'}, '2.19'),
    ({'OpenStack-API-Version': 'placement 1.5'}, '2.1'),
    ({'OpenStack-API-Version': 'COMPUTE 2.2'}, '2.2'),
])
def test_negotiation_echoes_version(client, headers, expected):
    resp = client.request('/v2.1/', headers=headers)
    assert resp.status_int == 200
    assert resp.headers['OpenStack-API-Version'] == 'compute %s' % expected
    assert resp.headers['X-OpenStack-Nova-API-Version'] == expected
    assert sorted(resp.headers.getall('Vary')) == [
        'OpenStack-API-Version', 'X-OpenStack-Nova-API-Version']


@pytest.mark.parametrize('requested', ['2.0', '2.101', '3.0', '1.1', '2.1000'])
def test_out_of_range_is_406(client, requested):
    resp = client.request('/v2.1/servers', version=requested)
    assert resp.status_int == 406
    assert resp.json == {'computeFault': {
        'code': 406,
        'message': 'Version %s is not supported by the API. Minimum is 2.1 '
                   'and maximum is %s.' % (requested, avr.MAX_VERSION)}}
    assert 'OpenStack-API-Version' not in resp.headers
    assert not client.compute_api.get_all.called


@pytest.mark.parametrize('requested', ['2', '2.x', 'v2.1', '2.01', 'Latest'])
def test_malformed_version_is_400(client, requested):
    resp = client.request('/v2.1/servers', version=requested)
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'API Version String %s is of invalid format. Must be of format '
        'MajorNum.MinorNum.' % requested)


def test_faults_echo_version_too(client):
    resp = client.request('/v2.1/nowhere', version='2.5')
    assert resp.status_int == 404
    assert resp.headers['OpenStack-API-Version'] == 'compute 2.5'


# ---- request ids -----------------------------------------------------------

@pytest.mark.parametrize('path, token', [
    ('/', None),                 # version document
    ('/v2.1/servers', None),     # 401
    ('/v2.1/nowhere', 'u:p'),    # 404
    ('/v2.1/', 'u:p'),           # 200
])
def test_every_response_has_request_ids(client, path, token):
    resp = client.request(path, token=token)
    local = resp.headers['x-openstack-request-id']
    assert REQ_ID.match(local)
    assert resp.headers['x-compute-request-id'] == local


def test_500_has_request_id_and_compute_fault(client):
    client.compute_api.get_all.side_effect = RuntimeError('db is on fire')
    try:
        resp = client.request('/v2.1/servers')
    finally:
        client.compute_api.get_all.side_effect = None
    assert resp.status_int == 500
    assert REQ_ID.match(resp.headers['x-compute-request-id'])
    fault = resp.json['computeFault']
    assert fault['code'] == 500
    assert 'db is on fire' not in fault['message']


def test_request_ids_reach_the_context(client):
    seen = {}

    def get_all(context, **kwargs):
        seen['context'] = context
        return []

    client.compute_api.get_all.side_effect = get_all
    global_id = 'req-%s' % uuid.uuid4()
    try:
        resp = client.request('/v2.1/servers',
                              headers={'X-OpenStack-Request-ID': global_id})
    finally:
        client.compute_api.get_all.side_effect = None
    local = resp.headers['x-openstack-request-id']
    assert local != global_id
    assert seen['context'].request_id == local
    assert seen['context'].global_request_id == global_id


def test_malformed_global_request_id_is_ignored(client):
    seen = {}
    client.compute_api.get_all.side_effect = (
        lambda context, **kw: seen.setdefault('context', context) and [])
    try:
        client.request('/v2.1/servers',
                       headers={'X-OpenStack-Request-ID': 'not-an-id'})
    finally:
        client.compute_api.get_all.side_effect = None
    assert seen['context'].global_request_id is None


# ---- authentication --------------------------------------------------------

@pytest.mark.parametrize('token, user, project, roles, is_admin', [
    ('alice:proj1', 'alice', 'proj1', ['member', 'reader'], False),
    # Keystone's implied roles: admin -> member -> reader.
    ('admin:proj1', 'admin', 'proj1', ['admin', 'member', 'reader'], True),
    # A bare token is both user and project, as in Nova.
    ('bob', 'bob', 'bob', ['member', 'reader'], False),
])
def test_noauth_token(client, token, user, project, roles, is_admin):
    seen = {}
    client.compute_api.get_all.side_effect = (
        lambda context, **kw: seen.setdefault('context', context) and [])
    try:
        resp = client.request('/v2.1/servers', token=token)
    finally:
        client.compute_api.get_all.side_effect = None
    assert resp.status_int == 200
    context = seen['context']
    assert (context.user_id, context.project_id) == (user, project)
    assert context.roles == roles
    assert context.is_admin is is_admin


@pytest.mark.parametrize('token', [None, ''])
def test_missing_token_is_401(client, token):
    resp = client.request('/v2.1/servers', token=token)
    assert resp.status_int == 401
    assert resp.json == {'unauthorized': {
        'code': 401, 'message': 'Authentication required'}}


def test_unknown_auth_strategy():
    from nova_lite.api.openstack import auth
    with pytest.raises(ValueError):
        auth.auth_middleware('kerberos')


# ---- routing ---------------------------------------------------------------

@pytest.mark.parametrize('path, method, allow', [
    ('/v2.1/servers', 'PATCH', 'GET, POST'),
    ('/v2.1/servers', 'DELETE', 'GET, POST'),
    ('/v2.1/servers/detail', 'POST', 'GET'),
    ('/v2.1/servers/%s' % fakes.SERVER, 'POST', 'DELETE, GET, PUT'),
    ('/v2.1/servers/%s/action' % fakes.SERVER, 'GET', 'POST'),
    ('/v2.1/flavors/1', 'POST', 'DELETE, GET, PUT'),
    ('/v2.1/os-keypairs', 'PUT', 'GET, POST'),
    ('/v2.1/%s/servers' % fakes.PROJECT, 'PATCH', 'GET, POST'),
])
def test_wrong_method_is_405_with_allow(client, path, method, allow):
    resp = client.request(path, method=method)
    assert resp.status_int == 405
    assert resp.headers['Allow'] == allow
    assert resp.json['badMethod']['code'] == 405


@pytest.mark.parametrize('path', [
    '/v2.1/nowhere', '/v2.1/servers/%s/nothing' % fakes.SERVER,
    '/v2.1/os-no-such-resource', '/v2.1/flavors/1/os-extra_specs/k/more',
])
def test_unknown_path_is_404_json(client, path):
    resp = client.request(path)
    assert resp.status_int == 404
    assert resp.json == {'itemNotFound': {
        'code': 404, 'message': 'The resource could not be found.'}}


def test_project_id_in_url(client):
    client.compute_api.get_all.return_value = [fakes.instance()]
    try:
        resp = client.request('/v2.1/%s/servers' % fakes.PROJECT)
    finally:
        client.compute_api.get_all.return_value = mock.DEFAULT
    assert resp.status_int == 200
    link = resp.json['servers'][0]['links'][0]['href']
    assert link == 'http://localhost/v2.1/%s/servers/%s' % (
        fakes.PROJECT, fakes.SERVER)


def test_project_id_in_url_must_be_the_callers(client):
    resp = client.request('/v2.1/abcdef/servers')
    assert resp.status_int == 400
    assert "doesn't match Context's project_id" in (
        resp.json['badRequest']['message'])


# ---- request bodies --------------------------------------------------------

def test_invalid_json_is_400(client):
    resp = client.request('/v2.1/servers', method='POST', body='{"server":')
    assert resp.status_int == 400
    assert resp.json == {'badRequest': {
        'code': 400, 'message': 'Malformed request body'}}


@pytest.mark.parametrize('content_type', [
    'application/xml', 'text/html', 'application/x-www-form-urlencoded'])
def test_unsupported_content_type_is_415(client, content_type):
    resp = client.request('/v2.1/servers', method='POST',
                          body={'server': {}}, content_type=content_type)
    assert resp.status_int == 415
    assert resp.json == {'badMediaType': {
        'code': 415, 'message': 'Unsupported Content-Type'}}


@pytest.mark.parametrize('content_type', [
    'application/json', 'application/vnd.openstack.compute+json',
    'application/json; charset=UTF-8', 'text/plain', None])
def test_accepted_content_types_reach_validation(client, content_type):
    resp = client.request('/v2.1/servers', method='POST',
                          body={'server': {}}, content_type=content_type)
    assert resp.status_int == 400
    assert "'name' is a required property" in resp.json['badRequest'][
        'message']


@pytest.mark.parametrize('body', ['[]', '"server"', '5', 'null', ''])
def test_non_object_body_is_400_not_500(client, body):
    resp = client.request('/v2.1/servers', method='POST', body=body)
    assert resp.status_int == 400


@pytest.mark.parametrize('body, message', [
    ('{"os-stop": null, "os-start": null}', 'Malformed request body'),
    ('[1]', 'Malformed request body'),
    ('{', 'Malformed request body'),
    ('{"fly": null}', 'There is no such action: fly'),
])
def test_bad_action_bodies(client, body, message):
    resp = client.request('/v2.1/servers/%s/action' % fakes.SERVER,
                          method='POST', body=body)
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == message


def test_nova_error_below_500_becomes_its_fault(client):
    client.compute_api.get.side_effect = exception.InstanceNotFound(
        instance_id=fakes.SERVER)
    try:
        resp = client.request('/v2.1/servers/%s' % fakes.SERVER)
    finally:
        client.compute_api.get.side_effect = None
    assert resp.status_int == 404
    assert resp.json == {'itemNotFound': {
        'code': 404,
        'message': 'Instance %s could not be found.' % fakes.SERVER}}


# ---- input nothing below the API could hold --------------------------------

@pytest.mark.parametrize('path, body', [
    ('/v2.1/servers', '{"server": %s}' % ('[' * 5000 + ']' * 5000)),
    ('/v2.1/servers/%s/action' % fakes.SERVER,
     '{"os-stop": %s}' % ('{"a": ' * 40 + '1' + '}' * 40)),
])
def test_deeply_nested_body_is_400(client, path, body):
    resp = client.request(path, method='POST', body=body)
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'].startswith(
        'Malformed request body: nested')


@pytest.mark.parametrize('body', ['{"server": {"name": "a\\ud800"}}',
                                  '{"server": {"name": "a\\u0000"}}'])
def test_string_no_database_stores_is_400(client, body):
    resp = client.request('/v2.1/servers', method='POST', body=body)
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'].startswith(
        'Malformed request body: a string holds')


def _wsgi_request(client, path, query=''):
    """``path`` and ``query`` as a WSGI server hands them on (latin-1)."""
    req = webob.Request.blank('/')
    req.environ.update(PATH_INFO=path, QUERY_STRING=query,
                       HTTP_X_AUTH_TOKEN='%s:%s' % (fakes.USER,
                                                    fakes.PROJECT))
    return req.get_response(client.app)


@pytest.mark.parametrize('path', ['/v2.1/servers/\xff', '/\xff',
                                  '/v2.1/servers/a\x00b'])
def test_path_not_utf8_text_is_404(client, path):
    resp = _wsgi_request(client, path)
    assert resp.status_int == 404
    assert resp.json == {'itemNotFound': {
        'code': 404, 'message': 'The resource could not be found.'}}


@pytest.mark.parametrize('query', ['name=%ff', 'name=\xff', 'a=%00'])
def test_query_not_utf8_text_is_400(client, query):
    resp = _wsgi_request(client, '/v2.1/servers', query)
    assert resp.status_int == 400
    assert 'query string' in resp.json['badRequest']['message']


def test_body_over_max_request_body_size_is_413(client, flags):
    resp = client.request('/v2.1/servers', method='POST',
                          body=b'{"server": "' + b'x' * 114688 + b'"}')
    assert resp.status_int == 413
    assert resp.json == {'overLimit': {
        'code': 413, 'message': 'Request is too large. Larger than '
                                'max_request_body_size (114688).'}}
    # NOTE: the server then closes rather than reading the rest.
    assert resp.headers['Connection'] == 'close'


def test_chunked_body_is_read_up_to_the_limit():
    from nova_lite.api.openstack import sizelimit
    seen = []

    @webob.dec.wsgify
    def app(req):
        seen.append(req.body)
        return webob.Response()

    limiter = sizelimit.RequestBodySizeLimiter(app, 10)
    for body, status, read in ((b'0123456789', 200, 10),
                               (b'0123456789' * 1000, 413, 11)):
        stream = io.BytesIO(body)
        req = webob.Request.blank('/', method='POST')
        req.environ['wsgi.input'] = stream
        req.environ.pop('CONTENT_LENGTH', None)
        req.is_body_readable = True
        resp = req.get_response(limiter)
        assert resp.status_int == status
        assert stream.tell() == read
    assert seen == [b'0123456789']

"""The image service's middleware stack: versions, auth, routing, errors,
request ids, schemas."""

import pytest
import webob

IMAGE_KEYS = {'id', 'name', 'status', 'visibility', 'protected', 'checksum',
              'os_hash_algo', 'os_hash_value', 'size', 'virtual_size',
              'min_ram', 'min_disk', 'disk_format', 'container_format',
              'owner', 'tags', 'created_at', 'updated_at', 'self', 'file',
              'schema', 'os_hidden'}


def test_root_lists_versions_with_300_and_no_token(client):
    response = client.get('/', token=None)
    assert response.status_int == 300
    versions = response.json['versions']
    assert versions[0] == {'id': 'v2.7', 'status': 'CURRENT', 'links': [
        {'rel': 'self', 'href': 'http://localhost/v2/'}]}
    assert {v['status'] for v in versions[1:]} == {'SUPPORTED'}
    assert 'v2.0' in [v['id'] for v in versions]


def test_versions_path_answers_200(client):
    response = client.get('/versions', token=None)
    assert response.status_int == 200
    assert response.json['versions'][0]['id'] == 'v2.7'


def test_no_token_is_401(client):
    response = client.get('/v2/images', token=None)
    assert response.status_int == 401


@pytest.mark.parametrize('path', ['/v2/nothing', '/v2/images/x/y/z', '/v3'])
def test_unknown_path_is_404(client, path):
    assert client.get(path).status_int == 404


@pytest.mark.parametrize('method, path, allow', [
    ('PUT', '/v2/images', 'GET, POST'),
    ('POST', '/v2/images/0e7e4c59-3bda-4e2c-a0a0-2a53e1b3a3f1',
     'DELETE, GET, PATCH'),
    ('DELETE', '/v2/images/0e7e4c59-3bda-4e2c-a0a0-2a53e1b3a3f1/file',
     'GET, PUT'),
])
def test_other_method_is_405_with_allow(client, method, path, allow):
    response = client.request(method, path)
    assert response.status_int == 405
    assert response.headers['Allow'] == allow


def test_every_response_names_its_request(client):
    for response in (client.get('/'), client.get('/v2/images'),
                     client.get('/v2/images/missing')):
        assert response.headers['x-openstack-request-id'].startswith('req-')


def test_errors_are_webob_bodies_as_glance_answers(client):
    # NOTE: Glance lets webob render its errors for the Accept header.
    plain = client.get('/v2/images/missing')
    assert plain.status_int == 404
    assert 'No image found with ID missing' in plain.text
    json_error = client.get('/v2/images/missing',
                            headers={'Accept': 'application/json'})
    assert json_error.json['code'] == '404 Not Found'
    assert 'No image found with ID missing' in json_error.json['message']
    html = client.get('/v2/images/missing', headers={'Accept': 'text/html'})
    assert html.content_type == 'text/html'
    assert '<title>404 Not Found</title>' in html.text


def test_unexpected_error_is_a_generic_500(client, monkeypatch):
    from nova_lite.image.service.db import api as image_api

    def boom(*args, **kwargs):
        raise RuntimeError('secret internals')

    monkeypatch.setattr(image_api, 'image_get_all', boom)
    response = client.get('/v2/images')
    assert response.status_int == 500
    assert 'secret internals' not in response.text


def test_schemas(client):
    image = client.get('/v2/schemas/image')
    assert image.status_int == 200
    assert image.json['name'] == 'image'
    assert IMAGE_KEYS <= set(image.json['properties'])
    assert image.json['additionalProperties']['type'] == 'string'
    images = client.get('/v2/schemas/images')
    assert images.json['name'] == 'images'
    assert images.json['properties']['images']['items']['name'] == 'image'
    assert client.get('/v2/schemas/image', token=None).status_int == 401


# ---- input nothing below could hold: 4xx in webob's words, never a 500 ----

@pytest.mark.parametrize('body, words', [
    (b'{"name": ' + b'[' * 10000 + b']' * 10000 + b'}', b'nested'),
    (b'{"name": "a\\ud800"}', b'surrogate'),
    (b'{"name": "a\\u0000"}', b'NUL'),
    (b'{"name": ', b'Malformed JSON'),
])
def test_bad_json_body_is_400(client, body, words):
    response = client.request('POST', '/v2/images', body=body,
                              content_type='application/json',
                              headers={'Accept': 'text/plain'})
    assert response.status_int == 400
    assert words in response.body


@pytest.mark.parametrize('path, query, status', [
    ('/v2/images/\xff', '', 404), ('/v2/images/a\x00', '', 404),
    ('/v2/images', 'name=%ff', 400), ('/v2/images', 'name=%00', 400)])
def test_url_not_utf8_text(client, path, query, status):
    req = webob.Request.blank('/')
    req.environ.update(PATH_INFO=path, QUERY_STRING=query,
                       HTTP_X_AUTH_TOKEN='demo:p1')
    assert req.get_response(client.app).status_int == status

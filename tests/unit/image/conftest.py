"""Fixtures of the image service tests: the WSGI app on a fresh database
and store, and a small webob client."""

import json as jsonlib

import pytest
import webob

from nova_lite.image.service import app as image_app

PATCH_TYPE = 'application/openstack-images-v2.1-json-patch'


class Client(object):
    """Calls the image service app in-process, as ``user:project``."""

    def __init__(self, app):
        self.app = app

    def request(self, method, path, token='demo:p1', json=None, body=None,
                content_type=None, headers=None):
        req = webob.Request.blank(path, method=method)
        if token:
            req.headers['X-Auth-Token'] = token
        if json is not None:
            req.body = jsonlib.dumps(json).encode()
            req.content_type = content_type or 'application/json'
        elif body is not None:
            req.body = body
            req.content_type = content_type or 'application/octet-stream'
        elif content_type:
            req.content_type = content_type
        for name, value in (headers or {}).items():
            req.headers[name] = value
        return req.get_response(self.app)

    def get(self, path, **kw):
        return self.request('GET', path, **kw)

    def post(self, path, json, **kw):
        return self.request('POST', path, json=json, **kw)

    def patch(self, path, changes, content_type=PATCH_TYPE, **kw):
        return self.request('PATCH', path, json=changes,
                            content_type=content_type, **kw)

    def put_file(self, image_id, data, **kw):
        return self.request('PUT', '/v2/images/%s/file' % image_id,
                            body=data, **kw)

    def delete(self, path, **kw):
        return self.request('DELETE', path, **kw)

    def create(self, token='demo:p1', **values):
        """Create an image; returns its body (asserting 201)."""
        response = self.post('/v2/images', values, token=token)
        assert response.status_int == 201, response.text
        return response.json

    def create_active(self, data=b'data', token='demo:p1', **values):
        values.setdefault('disk_format', 'raw')
        values.setdefault('container_format', 'bare')
        image = self.create(token=token, **values)
        response = self.put_file(image['id'], data, token=token)
        assert response.status_int == 204, response.text
        return self.get('/v2/images/%s' % image['id'], token=token).json


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / 'images'


@pytest.fixture
def client(database, flags, store_path):
    flags(store_path=str(store_path), group='image_service')
    return Client(image_app.make_app())

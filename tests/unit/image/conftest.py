"""Fixtures of the image service tests: the WSGI app on a fresh image
database and store, and a small webob client."""

import io
import json as jsonlib
import urllib.error
import urllib.parse

import pytest
import webob

from nova_lite.image.service import app as image_app
from nova_lite.image.service.db import api as image_db_api
from nova_lite.image.service.db import migration as image_migration

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
def image_database(tmp_path, flags):
    """The image service's own sqlite database, migrated, for one test."""
    flags(database_connection='sqlite:///%s' % (tmp_path / 'image.sqlite'),
          group='image_service')
    image_db_api.dispose_engine()
    image_migration.db_sync()
    yield image_db_api
    image_db_api.dispose_engine()


@pytest.fixture
def store_path(tmp_path):
    return tmp_path / 'images'


@pytest.fixture
def client(image_database, flags, store_path):
    flags(store_path=str(store_path), group='image_service')
    return Client(image_app.make_app())


class AppURLOpener(object):
    """``urllib.request.urlopen`` answered by a WSGI app in-process: the
    Glance v2 client (nova_lite.image.glance) talks to the real image
    service app with no socket in between.

    ``requests`` records ``(method, path, headers, streamed)`` per call;
    ``streamed`` says the body came as an iterable of chunks, not bytes.
    """

    def __init__(self, app):
        self.app = app
        self.requests = []

    def __call__(self, request, timeout=None):
        url = urllib.parse.urlsplit(request.full_url)
        path = url.path + ('?' + url.query if url.query else '')
        req = webob.Request.blank(path, method=request.get_method())
        headers = dict(request.header_items())
        for name, value in headers.items():
            req.headers[name] = value
        data = request.data
        streamed = data is not None and not isinstance(data, bytes)
        if data is not None:
            req.body = data if isinstance(data, bytes) else b''.join(data)
        self.requests.append((request.get_method(), path, headers,
                              streamed))
        response = req.get_response(self.app)
        if response.status_int >= 400:
            raise urllib.error.HTTPError(request.full_url,
                                         response.status_int,
                                         response.status, response.headers,
                                         io.BytesIO(response.body))
        answer = io.BytesIO(response.body)
        answer.status = response.status_int
        answer.headers = response.headers
        return answer


@pytest.fixture
def glance_app(client, flags, monkeypatch):
    """The Glance v2 client wired to the in-process image service: yields
    ``(AppURLOpener, Client)``; ``[glance] api_servers`` names it."""
    from nova_lite.image import glance
    opener = AppURLOpener(client.app)
    monkeypatch.setattr(glance.urllib.request, 'urlopen', opener)
    flags(api_servers=['http://glance.test:9292'], group='glance')
    return opener, client

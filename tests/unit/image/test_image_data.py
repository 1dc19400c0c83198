"""``/v2/images/{id}/file``: upload and download, streamed and hashed."""

import hashlib
import os

import pytest
import webob

from nova_lite.image.service.db import api as image_api
from nova_lite.image.service import store as image_store

OTHER = 'other:p2'
ADMIN = 'admin:admin-project'


def _queued(client, **values):
    values.setdefault('disk_format', 'qcow2')
    values.setdefault('container_format', 'bare')
    return client.create(**values)


def test_upload_download_round_trip(client, store_path):
    data = os.urandom(5 * image_store.CHUNK_SIZE + 1234)
    image = _queued(client)
    response = client.put_file(image['id'], data)
    assert response.status_int == 204
    assert response.body == b''

    shown = client.get('/v2/images/%s' % image['id']).json
    assert shown['status'] == 'active'
    assert shown['size'] == len(data)
    assert shown['checksum'] == hashlib.md5(data).hexdigest()
    assert shown['os_hash_algo'] == 'sha512'
    assert shown['os_hash_value'] == hashlib.sha512(data).hexdigest()
    assert shown['virtual_size'] is None
    assert shown['updated_at'] >= shown['created_at']
    assert (store_path / image['id']).read_bytes() == data

    download = client.get('/v2/images/%s/file' % image['id'])
    assert download.status_int == 200
    assert download.content_type == 'application/octet-stream'
    assert download.content_length == len(data)
    assert download.headers['Content-MD5'] == shown['checksum']
    assert download.body == data


def test_download_is_streamed_in_chunks(client):
    data = os.urandom(3 * image_store.CHUNK_SIZE)
    image = _queued(client)
    client.put_file(image['id'], data)
    req = webob.Request.blank('/v2/images/%s/file' % image['id'])
    req.headers['X-Auth-Token'] = 'demo:p1'
    # NOTE: ask for the app's response iterator without joining it.
    status, headers, app_iter = req.call_application(client.app)
    assert status.startswith('200')
    chunks = list(app_iter)
    assert len(chunks) == 3
    assert {len(chunk) for chunk in chunks} == {image_store.CHUNK_SIZE}


def test_download_of_queued_image_is_204(client):
    image = _queued(client)
    response = client.get('/v2/images/%s/file' % image['id'])
    assert response.status_int == 204
    assert response.body == b''


def test_upload_without_content_length_reads_to_the_end(client):
    data = b'chunked ' * 10000
    image = _queued(client)
    req = webob.Request.blank('/v2/images/%s/file' % image['id'],
                              method='PUT')
    req.headers['X-Auth-Token'] = 'demo:p1'
    req.content_type = 'application/octet-stream'
    req.body = data
    del req.headers['Content-Length']
    req.environ['wsgi.input_terminated'] = True
    assert req.get_response(client.app).status_int == 204
    shown = client.get('/v2/images/%s' % image['id']).json
    assert shown['size'] == len(data)
    assert shown['checksum'] == hashlib.md5(data).hexdigest()


def test_upload_to_an_active_image_is_409(client):
    image = client.create_active(b'first')
    response = client.put_file(image['id'], b'second')
    assert response.status_int == 409
    assert 'from active to saving' in response.text
    download = client.get('/v2/images/%s/file' % image['id'])
    assert download.body == b'first'


def test_upload_while_saving_is_409(client):
    image = _queued(client)
    image_api.image_update(image['id'], {'status': 'saving'})
    assert client.put_file(image['id'], b'x').status_int == 409


@pytest.mark.parametrize('content_type', ['application/json', 'text/plain',
                                          'application/x-qcow2'])
def test_upload_other_media_type_is_415(client, content_type):
    image = _queued(client)
    response = client.put_file(image['id'], b'x', content_type=content_type)
    assert response.status_int == 415


@pytest.mark.parametrize('values, text', [
    ({'disk_format': None, 'container_format': None},
     'Properties disk_format, container_format must be set prior to '
     'saving data.'),
    ({'disk_format': None}, 'Property disk_format must be set'),
    ({'container_format': None}, 'Property container_format must be set'),
])
def test_upload_needs_formats(client, values, text):
    image = _queued(client, **values)
    response = client.put_file(image['id'], b'x')
    assert response.status_int == 400
    assert text in response.text
    shown = client.get('/v2/images/%s' % image['id']).json
    assert shown['status'] == 'queued'


def test_upload_past_the_size_cap_is_413_and_stays_queued(
        client, flags, store_path):
    flags(image_size_cap=1000, group='image_service')
    image = _queued(client)
    response = client.put_file(image['id'], b'x' * 1001)
    assert response.status_int == 413
    shown = client.get('/v2/images/%s' % image['id']).json
    assert shown['status'] == 'queued'
    assert shown['size'] is None
    assert os.listdir(str(store_path)) == []
    # Within the cap, the same image takes data afterwards.
    assert client.put_file(image['id'], b'x' * 1000).status_int == 204


def test_short_body_is_400_and_stays_queued(client, store_path):
    image = _queued(client)
    response = client.put_file(image['id'], b'short',
                               headers={'Content-Length': '100'})
    assert response.status_int == 400
    assert client.get('/v2/images/%s' % image['id']).json['status'] == \
        'queued'
    assert os.listdir(str(store_path)) == []


def test_failed_store_puts_the_image_back_to_queued(client, monkeypatch):
    image = _queued(client)

    def broken(*args, **kwargs):
        raise OSError('disk on fire')

    monkeypatch.setattr(image_store.FilesystemStore, 'add', broken)
    assert client.put_file(image['id'], b'x').status_int == 500
    assert client.get('/v2/images/%s' % image['id']).json['status'] == \
        'queued'


def test_image_deleted_during_upload_is_410(client, monkeypatch,
                                            store_path):
    image = _queued(client)
    real_add = image_store.FilesystemStore.add

    def add_and_lose_the_record(self, image_id, *args, **kwargs):
        stored = real_add(self, image_id, *args, **kwargs)
        image_api.image_destroy(image_id)
        return stored

    monkeypatch.setattr(image_store.FilesystemStore, 'add',
                        add_and_lose_the_record)
    response = client.put_file(image['id'], b'data')
    assert response.status_int == 410
    assert 'may have been deleted during the upload' in response.text
    assert os.listdir(str(store_path)) == []


def test_data_of_other_projects(client):
    private = _queued(client, visibility='private')
    assert client.put_file(private['id'], b'x',
                           token=OTHER).status_int == 404
    assert client.get('/v2/images/%s/file' % private['id'],
                      token=OTHER).status_int == 404
    public = client.create_active(b'pub', token=ADMIN, visibility='public')
    assert client.get('/v2/images/%s/file' % public['id'],
                      token=OTHER).body == b'pub'
    shared = _queued(client, token=ADMIN)
    response = client.put_file(shared['id'], b'x', token=OTHER)
    assert response.status_int == 404
    community = _queued(client, token=ADMIN, visibility='community')
    response = client.put_file(community['id'], b'x', token=OTHER)
    assert response.status_int == 403
    assert 'upload_image' in response.text


def test_missing_image_is_404(client):
    missing = '5f0c4d6e-0000-4000-8000-000000000000'
    assert client.put_file(missing, b'x').status_int == 404
    assert client.get('/v2/images/%s/file' % missing).status_int == 404

"""The /images proxy and image metadata through the app, with the Glance
client mocked: Nova's view of a Glance v2 image, the list filters as
Glance's, the 2.35/2.36 boundary, refusals and the metadata quota."""

from unittest import mock

import pytest

from nova_lite.api.openstack.compute import images
from nova_lite import exception
from tests.unit.api import fakes

IMAGE_PATH = '/v2.1/images/%s' % fakes.IMAGE
META_PATH = IMAGE_PATH + '/metadata'


def glance_image(**kw):
    """An image body as Glance v2 shows it."""
    body = {
        'id': fakes.IMAGE, 'name': 'fakeimage7', 'status': 'active',
        'size': 74185822, 'min_ram': 0, 'min_disk': 0,
        'created_at': '2011-01-01T01:02:03Z',
        'updated_at': '2011-01-01T01:02:03Z', 'visibility': 'public',
        'protected': False, 'os_hidden': False, 'owner': 'p',
        'checksum': 'c', 'os_hash_algo': 'sha512', 'os_hash_value': 'h',
        'virtual_size': None, 'container_format': 'bare',
        'disk_format': 'qcow2', 'tags': [], 'self': '/v2/images/x',
        'file': '/v2/images/x/file', 'schema': '/v2/schemas/image',
        'architecture': 'x86_64', 'auto_disk_config': 'True',
        'kernel_id': 'nokernel', 'ramdisk_id': 'nokernel',
    }
    body.update(kw)
    return body


@pytest.fixture(scope='module')
def client():
    return fakes.Client()


@pytest.fixture(autouse=True)
def strict_responses(flags):
    flags(response_validation='error', group='api')
    flags(api_servers=['http://glance.openstack.example.com'],
          group='glance')


@pytest.fixture
def glance():
    """The Glance client's methods, mocked: one image, writable."""
    image = glance_image()

    def update(ctxt, image_id, set_properties=None, remove=()):
        for key in remove:
            image.pop(key)
        image.update(set_properties or {})
        return dict(image)

    with mock.patch('nova_lite.image.glance.API.get',
                    side_effect=lambda ctxt, image_id: dict(image)) as get, \
            mock.patch('nova_lite.image.glance.API.list',
                       return_value=[image]) as listing, \
            mock.patch('nova_lite.image.glance.API.update_properties',
                       side_effect=update) as patch, \
            mock.patch('nova_lite.image.glance.API.delete') as delete, \
            mock.patch('nova_lite.quota.limit_of', return_value=128):
        yield mock.Mock(image=image, get=get, list=listing, patch=patch,
                        delete=delete)


def test_show_as_in_nova(client, glance):
    resp = client.request(IMAGE_PATH)
    assert resp.status_int == 200
    assert resp.json == {'image': {
        'OS-DCF:diskConfig': 'AUTO',
        'OS-EXT-IMG-SIZE:size': 74185822,
        'created': '2011-01-01T01:02:03Z',
        'id': fakes.IMAGE,
        'links': [
            {'href': 'http://localhost/v2.1/images/' + fakes.IMAGE,
             'rel': 'self'},
            {'href': 'http://localhost/images/' + fakes.IMAGE,
             'rel': 'bookmark'},
            {'href': 'http://glance.openstack.example.com/images/' +
             fakes.IMAGE,
             'rel': 'alternate', 'type': 'application/vnd.openstack.image'},
        ],
        'metadata': {'architecture': 'x86_64', 'auto_disk_config': 'True',
                     'kernel_id': 'nokernel', 'ramdisk_id': 'nokernel'},
        'minDisk': 0, 'minRam': 0, 'name': 'fakeimage7', 'progress': 100,
        'status': 'ACTIVE', 'updated': '2011-01-01T01:02:03Z'}}


@pytest.mark.parametrize('status, shown, progress', [
    ('active', 'ACTIVE', 100), ('queued', 'SAVING', 25),
    ('saving', 'SAVING', 50), ('deleted', 'DELETED', 0),
    ('pending_delete', 'DELETED', 0), ('killed', 'ERROR', 0),
    ('importing', 'UNKNOWN', 0),
])
def test_status_and_progress(client, glance, status, shown, progress):
    glance.image.update(status=status, size=None)
    image = client.request(IMAGE_PATH).json['image']
    assert (image['status'], image['progress']) == (shown, progress)
    assert image['OS-EXT-IMG-SIZE:size'] == 0


def test_snapshot_links_its_server(client, glance):
    glance.image.update(instance_uuid=fakes.SERVER, auto_disk_config='no')
    image = client.request(IMAGE_PATH).json['image']
    assert image['server'] == {'id': fakes.SERVER, 'links': [
        {'rel': 'self',
         'href': 'http://localhost/v2.1/servers/' + fakes.SERVER},
        {'rel': 'bookmark',
         'href': 'http://localhost/servers/' + fakes.SERVER}]}
    assert image['OS-DCF:diskConfig'] == 'MANUAL'


def test_unknown_image(client, glance):
    glance.get.side_effect = exception.ImageNotFound(image_id='x')
    resp = client.request(IMAGE_PATH)
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == 'Image not found.'
    assert client.request(META_PATH).status_int == 404


def test_index_and_detail(client, glance):
    brief = client.request('/v2.1/images').json['images']
    assert brief == [{'id': fakes.IMAGE, 'name': 'fakeimage7',
                      'links': client.request(IMAGE_PATH).json[
                          'image']['links']}]
    detail = client.request('/v2.1/images/detail').json['images']
    assert detail == [client.request(IMAGE_PATH).json['image']]


def test_list_filters_become_glances(client, glance):
    client.request('/v2.1/images/detail?name=n&status=ACTIVE&'
                   'changes-since=2011-01-01T00:00:00Z&'
                   'server=http://h/servers/%s&type=snapshot&minRam=64&'
                   'minDisk=2&property-os_distro=cirros&limit=5&marker=m&'
                   'unknown=1' % fakes.SERVER)
    args, kwargs = glance.list.call_args
    assert args[1] == {
        'name': 'n', 'status': 'active',
        'updated_at': 'gte:2011-01-01T00:00:00Z',
        'instance_uuid': fakes.SERVER, 'image_type': 'snapshot',
        'min_ram': '64', 'min_disk': '2', 'os_distro': 'cirros',
        'limit': 5, 'marker': 'm'}
    assert kwargs == {'limit': 5}


def test_full_page_links_onwards(client, glance):
    resp = client.request('/v2.1/images?limit=1')
    assert resp.json['images_links'] == [{
        'rel': 'next',
        'href': 'http://localhost/v2.1/images?limit=1&marker=' +
        fakes.IMAGE}]


def test_bad_limit_and_refused_marker(client, glance):
    assert client.request('/v2.1/images?limit=-1').status_int == 400
    glance.list.side_effect = exception.ImageServiceRequestFailed(
        method='GET', url='u', status=400,
        reason='No image found with ID m')
    resp = client.request('/v2.1/images/detail?marker=m')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == 'No image found with ID m'


@pytest.mark.parametrize('status, code, message', [
    (None, 204, None),
    (404, 404, 'Image not found.'),
    (403, 403, 'You are not allowed to delete the image.'),
])
def test_delete(client, glance, status, code, message):
    if status:
        glance.delete.side_effect = exception.ImageServiceRequestFailed(
            method='DELETE', url='u', status=status, reason='r')
    resp = client.request(IMAGE_PATH, method='DELETE')
    assert resp.status_int == code
    if message:
        assert list(resp.json.values())[0]['message'] == message


@pytest.mark.parametrize('path, method, body', [
    ('/v2.1/images', 'GET', None),
    ('/v2.1/images/detail', 'GET', None),
    (IMAGE_PATH, 'GET', None),
    (IMAGE_PATH, 'DELETE', None),
    (META_PATH, 'GET', None),
    (META_PATH, 'POST', {'metadata': {'a': 'b'}}),
    (META_PATH, 'PUT', {'metadata': {'a': 'b'}}),
    (META_PATH + '/a', 'GET', None),
    (META_PATH + '/a', 'PUT', {'meta': {'a': 'b'}}),
    (META_PATH + '/a', 'DELETE', None),
    (META_PATH, 'POST', ['not', 'an', 'object']),
])
@pytest.mark.parametrize('version, gone', [('2.35', False), ('2.36', True)])
def test_gone_from_2_36(client, glance, path, method, body, version, gone):
    glance.image['a'] = 'x'
    resp = client.request(path, method=method, body=body, version=version)
    assert (resp.status_int == 404) == gone
    if gone:
        assert not glance.patch.called and not glance.delete.called


# ---- metadata ---------------------------------------------------------------

def test_metadata_read(client, glance):
    assert client.request(META_PATH).json == {'metadata': {
        'architecture': 'x86_64', 'auto_disk_config': 'True',
        'kernel_id': 'nokernel', 'ramdisk_id': 'nokernel'}}
    assert client.request(META_PATH + '/kernel_id').json == {
        'meta': {'kernel_id': 'nokernel'}}
    assert client.request(META_PATH + '/nope').status_int == 404


def test_metadata_create_merges(client, glance):
    resp = client.request(META_PATH, method='POST', body={'metadata': {
        'kernel_id': 'False', 'Label': 'UpdatedImage'}})
    assert resp.status_int == 200
    assert resp.json == {'metadata': {
        'Label': 'UpdatedImage', 'architecture': 'x86_64',
        'auto_disk_config': 'True', 'kernel_id': 'False',
        'ramdisk_id': 'nokernel'}}
    assert glance.patch.call_args[0][2:] == (
        {'kernel_id': 'False', 'Label': 'UpdatedImage'}, [])


def test_metadata_update_all_replaces(client, glance):
    resp = client.request(META_PATH, method='PUT', body={'metadata': {
        'auto_disk_config': 'True', 'Label': 'Changed'}})
    assert resp.json == {'metadata': {'auto_disk_config': 'True',
                                      'Label': 'Changed'}}
    changed, removed = glance.patch.call_args[0][2:]
    assert changed == {'Label': 'Changed'}
    assert sorted(removed) == ['architecture', 'kernel_id', 'ramdisk_id']


def test_metadata_update_one(client, glance):
    resp = client.request(META_PATH + '/auto_disk_config', method='PUT',
                          body={'meta': {'auto_disk_config': 'False'}})
    assert resp.json == {'meta': {'auto_disk_config': 'False'}}
    resp = client.request(META_PATH + '/other', method='PUT',
                          body={'meta': {'auto_disk_config': 'False'}})
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'Request body and URI mismatch')
    resp = client.request(META_PATH + '/a', method='PUT',
                          body={'meta': {'a': '1', 'b': '2'}})
    assert resp.status_int == 400


def test_metadata_delete(client, glance):
    resp = client.request(META_PATH + '/kernel_id', method='DELETE')
    assert resp.status_int == 204
    assert glance.patch.call_args[0][2:] == ({}, ['kernel_id'])
    resp = client.request(META_PATH + '/kernel_id', method='DELETE')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == 'Invalid metadata key'


def test_metadata_quota(client, glance):
    with mock.patch('nova_lite.quota.limit_of', return_value=5):
        resp = client.request(META_PATH, method='POST', body={
            'metadata': {'a': '1', 'b': '2'}})
    assert resp.status_int == 403
    assert resp.json['forbidden']['message'] == (
        'Image metadata limit exceeded')
    assert not glance.patch.called


def test_metadata_of_an_image_not_ours(client, glance):
    glance.patch.side_effect = exception.ImageServiceRequestFailed(
        method='PATCH', url='u', status=403, reason='r')
    resp = client.request(META_PATH, method='POST', body={
        'metadata': {'a': '1'}})
    assert resp.status_int == 403
    assert resp.json['forbidden']['message'] == (
        'Not authorized for image %s.' % fakes.IMAGE)


def test_glance_filters_keep_server_uuid():
    assert images.glance_filters({'server': fakes.SERVER}) == {
        'instance_uuid': fakes.SERVER}

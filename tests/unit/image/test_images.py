"""``/v2/images`` and ``/v2/images/{id}``: records, visibility, lists and
JSON patch."""

import re
import urllib.parse

import pytest

from tests.unit.image.conftest import PATCH_TYPE
from tests.unit.image.test_app import IMAGE_KEYS

KERNEL = 'a1b2c3d4-0000-4000-8000-000000000001'
ADMIN = 'admin:admin-project'
OTHER = 'other:p2'


# ---- create and show --------------------------------------------------------

def test_create_answers_201_with_glance_body(client):
    response = client.post('/v2/images', {'name': 'cirros'})
    assert response.status_int == 201
    image = response.json
    assert set(image) == IMAGE_KEYS
    assert response.location.endswith('/v2/images/%s' % image['id'])
    assert image['name'] == 'cirros'
    assert image['status'] == 'queued'
    assert image['visibility'] == 'shared'
    assert image['owner'] == 'p1'
    assert image['protected'] is False
    assert image['os_hidden'] is False
    assert image['tags'] == []
    assert image['min_ram'] == 0 and image['min_disk'] == 0
    for key in ('checksum', 'os_hash_algo', 'os_hash_value', 'size',
                'virtual_size', 'disk_format', 'container_format'):
        assert image[key] is None
    assert image['self'] == '/v2/images/%s' % image['id']
    assert image['file'] == '/v2/images/%s/file' % image['id']
    assert image['schema'] == '/v2/schemas/image'
    assert re.match(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$', image['created_at'])
    assert image['updated_at'] == image['created_at']


def test_create_keeps_custom_properties_at_top_level(client):
    image = client.create(name='vm', disk_format='qcow2',
                          container_format='bare', min_ram=256, min_disk=1,
                          kernel_id=KERNEL, hw_disk_bus='virtio',
                          tags=['b', 'a', 'b'], protected=True)
    shown = client.get('/v2/images/%s' % image['id']).json
    assert shown == image
    assert shown['kernel_id'] == KERNEL
    assert shown['hw_disk_bus'] == 'virtio'
    assert shown['tags'] == ['a', 'b']
    assert (shown['min_ram'], shown['min_disk']) == (256, 1)
    assert shown['disk_format'] == 'qcow2'


def test_create_with_an_id_and_again_is_409(client):
    image_id = '6c4c4d1d-3c3e-4f5e-9a4b-1d2c3b4a5f60'
    assert client.create(id=image_id)['id'] == image_id
    response = client.post('/v2/images', {'id': image_id})
    assert response.status_int == 409
    assert 'already exists' in response.text


@pytest.mark.parametrize('body, status, text', [
    ({'status': 'active'}, 403, "Attribute 'status' is read-only."),
    ({'checksum': 'abc'}, 403, "Attribute 'checksum' is read-only."),
    ({'size': 5}, 403, "Attribute 'size' is read-only."),
    ({'self': '/x'}, 403, "Attribute 'self' is read-only."),
    ({'file': '/x'}, 403, "Attribute 'file' is read-only."),
    ({'deleted': 'yes'}, 403, "Attribute 'deleted' is reserved."),
    ({'os_glance_x': 'y'}, 403, "Attribute 'os_glance_x' is reserved."),
    ({'disk_format': 'floppy'}, 400, 'does not match schema'),
    ({'container_format': 'tar'}, 400, 'does not match schema'),
    ({'min_ram': -1}, 400, 'does not match schema'),
    ({'min_disk': 'big'}, 400, 'does not match schema'),
    ({'name': 'n' * 256}, 400, 'does not match schema'),
    ({'visibility': 'everyone'}, 400, 'does not match schema'),
    ({'protected': 'yes'}, 400, 'does not match schema'),
    ({'hw_cpu_cores': 4}, 400, 'does not match schema'),
    ({'kernel_id': 'not-a-uuid'}, 400, 'does not match schema'),
    ({'id': 'not-a-uuid'}, 400, 'does not match schema'),
    ({'tags': 'x'}, 400, 'does not match schema'),
    ({'x' * 256: 'v'}, 400, 'Custom property should not be greater'),
    ({'visibility': 'public'}, 403, 'publicize_image'),
    ({'owner': 'p9'}, 403, "not permitted to create images owned by 'p9'"),
])
def test_create_bad_input(client, body, status, text):
    response = client.post('/v2/images', body)
    assert response.status_int == status
    assert text in response.text


@pytest.mark.parametrize('raw', [b'{not json', b'', b'[1, 2]'])
def test_create_bad_body_is_400(client, raw):
    response = client.request('POST', '/v2/images', body=raw,
                              content_type='application/json')
    assert response.status_int == 400


def test_admin_may_publicize_and_own_for_others(client):
    image = client.create(token=ADMIN, visibility='public', owner='p7')
    assert image['visibility'] == 'public'
    assert image['owner'] == 'p7'


# ---- visibility and ownership ----------------------------------------------

@pytest.fixture
def mixed(client):
    """One image of each visibility, owned by p1, plus a public one."""
    images = {v: client.create(name=v, visibility=v)
              for v in ('private', 'shared', 'community')}
    images['public'] = client.create(token=ADMIN, name='public',
                                     visibility='public')
    return images


def _names(response):
    assert response.status_int == 200, response.text
    return sorted(image['name'] for image in response.json['images'])


def test_owner_lists_its_images_and_public_ones(client, mixed):
    assert _names(client.get('/v2/images')) == [
        'community', 'private', 'public', 'shared']


def test_other_project_sees_public_and_shows_community(client, mixed):
    assert _names(client.get('/v2/images', token=OTHER)) == ['public']
    for visibility, status in (('private', 404), ('shared', 404),
                               ('community', 200), ('public', 200)):
        response = client.get('/v2/images/%s' % mixed[visibility]['id'],
                              token=OTHER)
        assert response.status_int == status, visibility
    assert _names(client.get('/v2/images?visibility=community',
                             token=OTHER)) == ['community']
    assert _names(client.get('/v2/images?visibility=all',
                             token=OTHER)) == ['community', 'public']
    assert _names(client.get('/v2/images?visibility=private',
                             token=OTHER)) == []


def test_admin_sees_everything(client, mixed):
    assert _names(client.get('/v2/images', token=ADMIN)) == [
        'community', 'private', 'public', 'shared']
    response = client.get('/v2/images/%s' % mixed['private']['id'],
                          token=ADMIN)
    assert response.status_int == 200


def test_other_project_cannot_change_a_visible_image(client, mixed):
    public_id = mixed['public']['id']
    response = client.patch('/v2/images/%s' % public_id,
                            [{'op': 'replace', 'path': '/name',
                              'value': 'mine'}], token=OTHER)
    assert response.status_int == 403
    assert client.delete('/v2/images/%s' % public_id,
                         token=OTHER).status_int == 403
    private_id = mixed['private']['id']
    assert client.delete('/v2/images/%s' % private_id,
                         token=OTHER).status_int == 404


def test_image_tasks_are_none_and_hidden_images_404(client, mixed):
    """Glance's GET /v2/images/{id}/tasks (API 2.12), which tempest polls
    after a backup: nothing imports in the background here."""
    public_id = mixed['public']['id']
    response = client.get('/v2/images/%s/tasks' % public_id, token=OTHER)
    assert response.status_int == 200
    assert response.json == {'tasks': []}
    private_id = mixed['private']['id']
    assert client.get('/v2/images/%s/tasks' % private_id,
                      token=OTHER).status_int == 404
    assert client.get('/v2/images/%s/tasks' % private_id).status_int == 200


# ---- list filters, sorting and pages ---------------------------------------

def test_filters(client):
    a = client.create_active(b'12345', name='a', hw_arch='x86_64',
                             tags=['gold', 'linux'])
    client.create(name='b', tags=['linux'], disk_format='qcow2')
    client.create(name='c', os_hidden=True)

    def names(query):
        return _names(client.get('/v2/images?' + query))

    assert names('') == ['a', 'b']
    assert names('name=a') == ['a']
    assert names('status=active') == ['a']
    assert names('status=queued') == ['b']
    assert names('visibility=shared') == ['a', 'b']
    assert names('hw_arch=x86_64') == ['a']
    assert names('hw_arch=arm') == []
    assert names('tag=linux') == ['a', 'b']
    assert names('tag=linux&tag=gold') == ['a']
    assert names('disk_format=qcow2') == ['b']
    assert names('size_min=5&size_max=5') == ['a']
    assert names('size_min=6') == []
    assert names('os_hidden=true') == ['c']
    assert names('id=%s' % a['id']) == ['a']


@pytest.mark.parametrize('query, text', [
    ('visibility=everyone', 'Invalid visibility value: everyone'),
    ('status=sleeping', 'Invalid status value: sleeping'),
    ('limit=x', 'limit param must be an integer'),
    ('limit=-1', 'limit param must be positive'),
    ('size_min=big', 'non-numeric'),
    ('protected=maybe', 'Invalid value for protected'),
    ('sort_key=owner', 'Invalid sort key: owner'),
    ('sort_dir=up', 'Invalid sort direction: up'),
    ('sort=name:up', 'Invalid sort direction: up'),
    ('sort=name&sort_key=id', 'Old and new sorting syntax'),
    ('sort_key=name&sort_key=id&sort_dir=asc&sort_dir=desc&sort_dir=asc',
     'Number of sort dirs'),
    ('marker=5f0c4d6e-0000-4000-8000-000000000000', 'No image found'),
    ('changes-since=2020-01-01', 'changes-since'),
    ('member_status=maybe', 'Invalid status: maybe'),
])
def test_list_bad_input_is_400(client, query, text):
    response = client.get('/v2/images?' + query)
    assert response.status_int == 400
    assert text in response.text


def test_pages_follow_next_until_done(client):
    created = [client.create(name='img-%d' % i, hw_group='g')['id']
               for i in range(7)]
    client.create(name='outsider')
    seen = []
    url = '/v2/images?limit=3&hw_group=g'
    pages = 0
    while url:
        body = client.get(url).json
        pages += 1
        assert len(body['images']) <= 3
        assert body['first'] == '/v2/images?limit=3&hw_group=g'
        assert body['schema'] == '/v2/schemas/images'
        seen += [image['id'] for image in body['images']]
        url = body.get('next')
        if url:
            query = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
            assert query['limit'] == ['3']
            assert query['hw_group'] == ['g']
            assert query['marker'] == [seen[-1]]
    assert pages == 3
    # Newest first, each image exactly once.
    assert seen == list(reversed(created))


def test_full_last_page_still_links_onwards(client):
    for i in range(2):
        client.create(name='n%d' % i)
    body = client.get('/v2/images?limit=2').json
    assert len(body['images']) == 2
    following = client.get(body['next']).json
    assert following['images'] == []
    assert 'next' not in following


def test_default_and_maximum_page_sizes(client, flags):
    flags(limit_param_default=2, api_limit_max=3, group='image_service')
    for i in range(5):
        client.create(name='n%d' % i)
    assert len(client.get('/v2/images').json['images']) == 2
    assert len(client.get('/v2/images?limit=100').json['images']) == 3
    assert client.get('/v2/images?limit=0').json['images'] == []


def test_sorting_pages_with_null_names(client):
    for name in ('b', None, 'a', 'c', None):
        client.create(name=name)
    seen = []
    url = '/v2/images?limit=2&sort=name:asc'
    while url:
        body = client.get(url).json
        seen += [image['name'] for image in body['images']]
        url = body.get('next')
    assert seen == [None, None, 'a', 'b', 'c']
    body = client.get('/v2/images?sort_key=name&sort_dir=desc').json
    assert [i['name'] for i in body['images']] == ['c', 'b', 'a', None, None]


# ---- PATCH -----------------------------------------------------------------

def _patch(client, image_id, *changes, **kw):
    return client.patch('/v2/images/%s' % image_id, list(changes), **kw)


def test_patch_operations(client):
    image = client.create(name='old', hw_a='1', hw_b='2')
    response = _patch(
        client, image['id'],
        {'op': 'replace', 'path': '/name', 'value': 'new'},
        {'op': 'replace', 'path': '/min_ram', 'value': 512},
        {'op': 'add', 'path': '/hw_c', 'value': '3'},
        {'op': 'replace', 'path': '/hw_a', 'value': '10'},
        {'op': 'remove', 'path': '/hw_b'},
        {'op': 'add', 'path': '/tags', 'value': ['t1', 't2']},
        {'op': 'add', 'path': '/kernel_id', 'value': KERNEL},
        {'op': 'add', 'path': '/protected', 'value': True},
        {'op': 'replace', 'path': '/disk_format', 'value': 'qcow2'},
        {'op': 'replace', 'path': '/visibility', 'value': 'private'})
    assert response.status_int == 200, response.text
    patched = response.json
    assert set(patched) == IMAGE_KEYS | {'hw_a', 'hw_c', 'kernel_id'}
    assert patched['name'] == 'new'
    assert patched['min_ram'] == 512
    assert (patched['hw_a'], patched['hw_c']) == ('10', '3')
    assert patched['tags'] == ['t1', 't2']
    assert patched['kernel_id'] == KERNEL
    assert patched['protected'] is True
    assert patched['disk_format'] == 'qcow2'
    assert patched['visibility'] == 'private'
    assert client.get('/v2/images/%s' % image['id']).json == patched


def test_patch_v2_0_dialect(client):
    image = client.create(name='old', hw_a='1')
    patch_type = 'application/openstack-images-v2.0-json-patch'
    response = _patch(client, image['id'],
                      {'replace': '/name', 'value': 'new'},
                      {'add': '/hw_b', 'value': '2'},
                      content_type=patch_type)
    assert response.status_int == 200
    assert (response.json['name'], response.json['hw_b']) == ('new', '2')
    response = _patch(client, image['id'], {'add': '/hw_a', 'value': '5'},
                      content_type=patch_type)
    assert response.status_int == 409
    assert 'Property hw_a already present.' in response.text


@pytest.mark.parametrize('content_type', [
    'application/json', 'application/json-patch+json', 'text/plain'])
def test_patch_other_media_type_is_415(client, content_type):
    image = client.create()
    response = _patch(client, image['id'],
                      {'op': 'replace', 'path': '/name', 'value': 'x'},
                      content_type=content_type)
    assert response.status_int == 415
    assert PATCH_TYPE in response.headers['Accept-Patch']


@pytest.mark.parametrize('change, status, text', [
    ({'op': 'replace', 'path': '/hw_none', 'value': 'x'}, 409,
     'Property hw_none does not exist.'),
    ({'op': 'remove', 'path': '/hw_none'}, 409,
     'Property hw_none does not exist.'),
    ({'op': 'remove', 'path': '/name'}, 403, 'Property name may not be '
                                             'removed.'),
    ({'op': 'replace', 'path': '/status', 'value': 'active'}, 403,
     "Attribute 'status' is read-only."),
    ({'op': 'replace', 'path': '/id', 'value': KERNEL}, 403,
     "Attribute 'id' is read-only."),
    ({'op': 'add', 'path': '/deleted', 'value': 'x'}, 403,
     "Attribute 'deleted' is reserved."),
    ({'op': 'replace', 'path': '/owner', 'value': 'p9'}, 403,
     "Owner can't be updated by non admin."),
    ({'op': 'replace', 'path': '/visibility', 'value': 'public'}, 403,
     'publicize_image'),
    ({'op': 'add', 'path': '/locations/-', 'value': {}}, 403,
     'locations are invisible'),
    ({'op': 'add', 'path': '/tags/-', 'value': 'x'}, 400,
     "Invalid JSON pointer for this resource: '/tags/-'"),
    ({'op': 'replace', 'path': 'name', 'value': 'x'}, 400,
     'does not start with "/"'),
    ({'op': 'replace', 'path': '/a//b', 'value': 'x'}, 400, 'adjacent'),
    ({'op': 'replace', 'path': '/a~2', 'value': 'x'}, 400, 'escape'),
    ({'op': 'move', 'path': '/name'}, 400, 'Invalid operation: `move`'),
    ({'path': '/name', 'value': 'x'}, 400, 'Invalid operation'),
    ({'op': 'replace', 'value': 'x'}, 400, "Unable to find 'path'"),
    ({'op': 'replace', 'path': '/name'}, 400, 'requires a member named'),
    ({'op': 'replace', 'path': '/min_ram', 'value': -5}, 400,
     'does not match schema'),
    ({'op': 'add', 'path': '/hw_x', 'value': 5}, 400,
     'does not match schema'),
    ({'op': 'replace', 'path': '/disk_format', 'value': 'floppy'}, 400,
     'does not match schema'),
    ('not an object', 400, 'Operations must be JSON objects.'),
])
def test_patch_bad_changes(client, change, status, text):
    image = client.create(hw_a='1')
    response = _patch(client, image['id'], change)
    assert response.status_int == status, response.text
    assert text in response.text
    assert client.get('/v2/images/%s' % image['id']).json == image


def test_patch_body_must_be_a_list(client):
    image = client.create()
    response = client.patch('/v2/images/%s' % image['id'],
                            {'op': 'replace'})
    assert response.status_int == 400
    assert 'JSON array of operation objects' in response.text


def test_patch_formats_only_while_queued(client):
    image = client.create_active()
    response = _patch(client, image['id'], {
        'op': 'replace', 'path': '/disk_format', 'value': 'qcow2'})
    assert response.status_int == 403
    assert 'can be only replaced for a queued image' in response.text
    # The same value is no change.
    response = _patch(client, image['id'], {
        'op': 'replace', 'path': '/disk_format', 'value': 'raw'})
    assert response.status_int == 200


def test_patch_missing_image_is_404(client):
    response = _patch(client, '5f0c4d6e-0000-4000-8000-000000000000',
                      {'op': 'replace', 'path': '/name', 'value': 'x'})
    assert response.status_int == 404


def test_admin_may_change_owner_and_publicize(client):
    image = client.create()
    response = _patch(client, image['id'],
                      {'op': 'replace', 'path': '/owner', 'value': 'p3'},
                      {'op': 'replace', 'path': '/visibility',
                       'value': 'public'}, token=ADMIN)
    assert response.status_int == 200
    assert (response.json['owner'], response.json['visibility']) == (
        'p3', 'public')


# ---- DELETE ----------------------------------------------------------------

def test_delete(client, store_path):
    image = client.create_active(b'payload')
    assert (store_path / image['id']).exists()
    response = client.delete('/v2/images/%s' % image['id'])
    assert response.status_int == 204
    assert response.body == b''
    assert client.get('/v2/images/%s' % image['id']).status_int == 404
    assert not (store_path / image['id']).exists()
    again = client.delete('/v2/images/%s' % image['id'])
    assert again.status_int == 404
    assert 'Failed to find image' in again.text


def test_protected_image_is_not_deleted(client):
    image = client.create(protected=True)
    response = client.delete('/v2/images/%s' % image['id'])
    assert response.status_int == 403
    assert 'is protected and cannot be deleted' in response.text
    _patch(client, image['id'],
           {'op': 'replace', 'path': '/protected', 'value': False})
    assert client.delete('/v2/images/%s' % image['id']).status_int == 204


def test_admin_deletes_any_image(client):
    image = client.create(visibility='private')
    assert client.delete('/v2/images/%s' % image['id'],
                         token=ADMIN).status_int == 204

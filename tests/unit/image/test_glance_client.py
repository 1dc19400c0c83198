"""The Glance v2 client (nova_lite.image.glance) against the real image
service app, in-process: the caller's token decides what it sees, lists
follow pages, uploads stream, refusals say why."""

import hashlib
import urllib.parse

import pytest

from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite.image import glance


def _ctxt(token):
    user, _, project = token.partition(':')
    return nova_context.RequestContext(user_id=user, project_id=project,
                                       auth_token=token, overwrite=False)


def test_get_sees_what_the_token_may_see(glance_app):
    opener, client = glance_app
    private = client.create_active(token='demo:p1', name='mine',
                                   visibility='private')
    api = glance.API()
    assert api.get(_ctxt('demo:p1'), private['id'])['name'] == 'mine'
    assert opener.requests[-1][2]['X-auth-token'] == 'demo:p1'
    with pytest.raises(exception.ImageNotFound):
        api.get(_ctxt('other:p2'), private['id'])
    assert api.get(_ctxt('admin:admin'), private['id'])['id'] == \
        private['id']


def test_list_follows_pages_and_filters(glance_app, flags):
    _, client = glance_app
    flags(limit_param_default=2, group='image_service')
    for index in range(5):
        client.create_active(name='img-%d' % (index % 2))
    api = glance.API()
    listed = api.list(_ctxt('demo:p1'))
    assert len(listed) == 5
    named = api.list(_ctxt('demo:p1'), {'name': 'img-1', 'status': 'active'})
    assert sorted(i['name'] for i in named) == ['img-1', 'img-1']
    assert api.list(_ctxt('other:p2')) == []


def test_create_and_streamed_upload(glance_app, tmp_path):
    opener, _ = glance_app
    data = b'0123456789' * 20000
    path = tmp_path / 'disk.raw'
    path.write_bytes(data)
    api = glance.API()
    ctxt = _ctxt('admin:admin')
    image = api.create(ctxt, {'name': 'up', 'disk_format': 'raw',
                              'container_format': 'bare',
                              'visibility': 'public', 'kernel_id': None,
                              'hw_disk_bus': 'virtio'})
    assert image['status'] == 'queued'
    shown = api.upload(ctxt, image['id'], str(path))
    method, _path, headers, streamed = opener.requests[-2]
    assert (method, streamed) == ('PUT', True)
    assert headers['Content-length'] == str(len(data))
    assert shown['status'] == 'active'
    assert shown['size'] == len(data)
    assert shown['os_hash_value'] == hashlib.sha512(data).hexdigest()
    assert shown['hw_disk_bus'] == 'virtio'
    # a demo user sees the public image
    assert api.get(_ctxt('demo:p1'), image['id'])['visibility'] == 'public'


@pytest.mark.parametrize('token,body,status', [
    ('demo:p1', {'name': 'x', 'visibility': 'public'}, 403),
    ('demo:p1', {'name': 'x', 'min_ram': -1}, 400),
    ('admin:admin', {'name': 'x', 'id': 'not-a-uuid'}, 400),
])
def test_refusals_name_the_status(glance_app, token, body, status):
    with pytest.raises(exception.ImageServiceRequestFailed) as raised:
        glance.API().create(_ctxt(token), body)
    assert raised.value.kwargs['status'] == status
    assert 'POST http://glance.test:9292/v2/images' in \
        raised.value.format_message()


def test_upload_twice_is_a_conflict_and_delete(glance_app, tmp_path):
    path = tmp_path / 'f'
    path.write_bytes(b'data')
    api, ctxt = glance.API(), _ctxt('demo:p1')
    image = api.create(ctxt, {'name': 'once', 'disk_format': 'raw',
                              'container_format': 'bare'})
    api.upload(ctxt, image['id'], str(path))
    with pytest.raises(exception.ImageServiceRequestFailed) as raised:
        api.upload(ctxt, image['id'], str(path))
    assert raised.value.kwargs['status'] == 409
    with pytest.raises(exception.ImageServiceRequestFailed) as raised:
        api.delete(_ctxt('other:p2'), image['id'])
    assert raised.value.kwargs['status'] == 404
    api.delete(ctxt, image['id'])
    with pytest.raises(exception.ImageNotFound):
        api.get(ctxt, image['id'])


def test_unreachable_service(flags, monkeypatch, tmp_path):
    def refuse(request, timeout=None):
        raise glance.urllib.error.URLError('connection refused')
    monkeypatch.setattr(glance.urllib.request, 'urlopen', refuse)
    flags(api_servers=['http://a.test:9292', 'http://b.test:9292'],
          group='glance')
    with pytest.raises(exception.ImageServiceUnavailable):
        glance.API().create(_ctxt('admin:admin'), {'name': 'x'})
    flags(api_servers=[], group='glance')
    with pytest.raises(exception.ImageServiceUnavailable) as raised:
        glance.API().list(_ctxt('admin:admin'))
    assert 'api_servers' in raised.value.format_message()


@pytest.mark.parametrize('image_id', ['a b', 'a\nb', 'a?b', 'a#b',
                                      '../../v2/images', '%2e'])
def test_an_image_id_stays_one_path_segment(glance_app, image_id):
    # NOTE: unquoted, a space or newline made urllib refuse the URL (a 500
    # in the image proxy) and "?", "#" or "/" made it name another
    # resource.
    opener, _ = glance_app
    api = glance.API()
    with pytest.raises(exception.ImageNotFound):
        api.get(_ctxt('admin:admin'), image_id)
    path = opener.requests[-1][1]
    assert path == '/v2/images/' + urllib.parse.quote(image_id, safe='')
    with pytest.raises(exception.ImageServiceRequestFailed):
        api.delete(_ctxt('admin:admin'), image_id)
    assert opener.requests[-1][1] == path

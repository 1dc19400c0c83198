"""What the Compute API's image proxy asks of the Glance v2 client, against
the real image service app in-process: a bounded list with a marker,
refusals as such, custom properties written with one JSON patch, and
Glance's updated_at comparison filter."""

import datetime

import pytest

from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite.image import glance


def _ctxt(token):
    user, _, project = token.partition(':')
    return nova_context.RequestContext(user_id=user, project_id=project,
                                       auth_token=token, overwrite=False)


def test_list_stops_at_the_limit_and_takes_a_marker(glance_app, flags):
    _, client = glance_app
    flags(limit_param_default=2, group='image_service')
    for index in range(5):
        client.create_active(name='img-%d' % index)
    api = glance.API()
    ctxt = _ctxt('demo:p1')
    everything = api.list(ctxt)
    assert len(everything) == 5
    first = api.list(ctxt, {'limit': 3}, limit=3)
    assert [i['id'] for i in first] == [i['id'] for i in everything[:3]]
    rest = api.list(ctxt, {'marker': first[-1]['id']})
    assert [i['id'] for i in rest] == [i['id'] for i in everything[3:]]


def test_list_refusal_is_not_an_outage(glance_app):
    with pytest.raises(exception.ImageServiceRequestFailed) as error:
        glance.API().list(_ctxt('demo:p1'), {'marker': 'no-such-image'})
    assert error.value.kwargs['status'] == 400


def test_updated_at_filter(glance_app):
    _, client = glance_app
    image = client.create_active(name='recent')
    api = glance.API()
    ctxt = _ctxt('demo:p1')
    past = (datetime.datetime.utcnow() -
            datetime.timedelta(hours=1)).strftime('%Y-%m-%dT%H:%M:%SZ')
    future = (datetime.datetime.utcnow() +
              datetime.timedelta(hours=1)).strftime('%Y-%m-%dT%H:%M:%SZ')
    assert [i['id'] for i in api.list(
        ctxt, {'updated_at': 'gte:' + past})] == [image['id']]
    assert api.list(ctxt, {'updated_at': 'gte:' + future}) == []
    with pytest.raises(exception.ImageServiceRequestFailed):
        api.list(ctxt, {'updated_at': 'gte:yesterday'})


def test_update_properties_adds_replaces_and_removes(glance_app):
    opener, client = glance_app
    image = client.create_active(name='props', architecture='x86_64',
                                 os_distro='cirros')
    api = glance.API()
    ctxt = _ctxt('demo:p1')
    updated = api.update_properties(ctxt, image['id'],
                                    {'architecture': 'aarch64', 'new': '1'},
                                    remove=['os_distro'])
    assert glance.properties_of(updated) == {'architecture': 'aarch64',
                                             'new': '1'}
    method, _path, headers, _streamed = opener.requests[-1]
    assert method == 'PATCH'
    assert headers['Content-type'] == (
        'application/openstack-images-v2.1-json-patch')
    assert glance.properties_of(api.get(ctxt, image['id'])) == {
        'architecture': 'aarch64', 'new': '1'}
    with pytest.raises(exception.ImageServiceRequestFailed) as error:
        api.update_properties(_ctxt('other:p2'), image['id'], {'a': 'b'})
    assert error.value.kwargs['status'] == 404


def test_properties_of_leaves_out_glance_attributes(glance_app):
    _, client = glance_app
    image = client.create_active(name='attrs', hw_disk_bus='virtio')
    assert glance.properties_of(image) == {'hw_disk_bus': 'virtio'}

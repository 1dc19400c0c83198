"""/servers/{server_id}/tags (2.26) through the app with the compute API
and the tag objects mocked: bodies, status codes, versions, policy."""

import types
from unittest import mock

import pytest

from nova_lite import exception
from nova_lite.states import vm_states
from tests.unit.api import fakes

TAGS = '/v2.1/servers/%s/tags' % fakes.SERVER


def _tag_list(names):
    return [types.SimpleNamespace(tag=name) for name in names]


@pytest.fixture
def tag_objects():
    with mock.patch('nova_lite.objects.TagList', create=True) as tag_list, \
            mock.patch('nova_lite.objects.Tag', create=True) as tag:
        tag_list.get_by_resource_id.return_value = _tag_list(['tag1',
                                                              'tag2'])
        tag_list.create.side_effect = (
            lambda ctx, rid, tags: _tag_list(sorted(set(tags))))
        tag.exists.return_value = True
        yield types.SimpleNamespace(TagList=tag_list, Tag=tag)


@pytest.fixture
def client(tag_objects):
    client = fakes.Client()
    client.compute_api.get.return_value = fakes.instance()
    client.tags = tag_objects
    return client


def _req(client, path='', method='GET', body=None, version='2.26', **kw):
    return client.request(TAGS + path, method=method, body=body,
                          version=version, **kw)


def test_index_matches_novas_sample(client):
    resp = _req(client)
    assert resp.status_int == 200
    assert resp.json == {'tags': ['tag1', 'tag2']}


def test_before_2_26_there_are_no_tags(client):
    assert _req(client, version='2.25').status_int == 404
    assert _req(client, '/tag1', version='2.25').status_int == 404


def test_show(client):
    assert _req(client, '/tag1').status_int == 204
    client.tags.Tag.exists.return_value = False
    resp = _req(client, '/nope')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == (
        "Server %s has no tag 'nope'" % fakes.SERVER)


def test_update_all(client):
    resp = _req(client, method='PUT', body={'tags': ['tag2', 'tag1']})
    assert resp.status_int == 200
    assert resp.json == {'tags': ['tag1', 'tag2']}


def test_update_adds_with_location(client):
    resp = _req(client, '/tag3', method='PUT')
    assert resp.status_int == 201
    assert resp.headers['Location'].endswith(
        '/v2.1/servers/%s/tags/tag3' % fakes.SERVER)
    client.tags.Tag.assert_called_once()
    assert client.tags.Tag.call_args.kwargs == {
        'resource_id': fakes.SERVER, 'tag': 'tag3'}


def test_update_existing_tag_is_204(client):
    resp = _req(client, '/tag1', method='PUT')
    assert resp.status_int == 204
    client.tags.Tag.assert_not_called()


def test_update_past_the_limit_is_400(client):
    client.tags.TagList.get_by_resource_id.return_value = _tag_list(
        ['t%d' % i for i in range(50)])
    resp = _req(client, '/one-more', method='PUT')
    assert resp.status_int == 400
    assert 'per-server limit 50' in resp.json['badRequest']['message']


@pytest.mark.parametrize('body', [
    {'tags': 'tag1'},
    {'tags': ['']},
    {'tags': ['a,b']},
    {'tags': ['a/b']},
    {'tags': ['x' * 61]},
    {'tags': ['t%d' % i for i in range(51)]},
    {'tag': ['a']},
    {},
])
def test_update_all_bad_bodies(client, body):
    assert _req(client, method='PUT', body=body).status_int == 400
    client.tags.TagList.create.assert_not_called()


def test_update_with_a_body_is_400(client):
    assert _req(client, '/tag3', method='PUT',
                body={'tag': 'x'}).status_int == 400


def test_update_invalid_tag_in_url_is_400(client):
    resp = _req(client, '/' + 'x' * 61, method='PUT')
    assert resp.status_int == 400
    assert "is invalid" in resp.json['badRequest']['message']


def test_delete(client):
    assert _req(client, '/tag1', method='DELETE').status_int == 204
    client.tags.Tag.destroy.side_effect = exception.InstanceTagNotFound(
        instance_id=fakes.SERVER, tag='nope')
    assert _req(client, '/nope', method='DELETE').status_int == 404


def test_delete_all(client):
    assert _req(client, method='DELETE').status_int == 204
    client.tags.TagList.destroy.assert_called_once()


@pytest.mark.parametrize('path, method, body', [
    ('', 'PUT', {'tags': ['a']}),
    ('', 'DELETE', None),
    ('/a', 'PUT', None),
    ('/a', 'DELETE', None),
])
def test_changes_refused_while_building(client, path, method, body):
    client.compute_api.get.return_value = fakes.instance(
        vm_state=vm_states.BUILDING)
    resp = _req(client, path, method=method, body=body)
    assert resp.status_int == 409
    assert "while it is in vm_state building" in (
        resp.json['conflictingRequest']['message'])
    client.tags.TagList.create.assert_not_called()
    client.tags.TagList.destroy.assert_not_called()
    client.tags.Tag.destroy.assert_not_called()


def test_reads_allowed_while_building(client):
    client.compute_api.get.return_value = fakes.instance(
        vm_state=vm_states.BUILDING)
    assert _req(client).status_int == 200


def test_unknown_server_is_404(client):
    client.compute_api.get.side_effect = exception.InstanceNotFound(
        instance_id='x')
    assert _req(client).status_int == 404
    assert _req(client, '/a', method='PUT').status_int == 404


def test_another_projects_server_is_403_by_policy(client):
    client.compute_api.get.return_value = fakes.instance(
        project_id='b' * 32)
    assert _req(client).status_int == 403
    assert _req(client, method='DELETE').status_int == 403


def test_server_show_has_tags_from_2_26(client):
    client.compute_api.get.return_value = fakes.instance(
        tags=['tag1', 'tag2'])
    client.compute_api.get_instance_host_status.return_value = 'UP'
    path = '/v2.1/servers/%s' % fakes.SERVER
    shown = client.request(path, version='2.26').json['server']
    assert shown['tags'] == ['tag1', 'tag2']
    assert 'tags' not in client.request(path, version='2.25').json['server']

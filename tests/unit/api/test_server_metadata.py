"""/servers/{server_id}/metadata through the app with the compute API
mocked: bodies of Nova's samples, errors, and policy."""

import pytest

from nova_lite.compute import api as compute_api
from nova_lite.db import quota_api as quota_db
from nova_lite import exception
from nova_lite.states import vm_states
from tests.unit.api import fakes

META = '/v2.1/servers/%s/metadata' % fakes.SERVER


@pytest.fixture
def client():
    client = fakes.Client()
    client.compute_api.get.return_value = fakes.instance(
        metadata={'foo': 'Foo Value'})
    client.compute_api.update_instance_metadata.side_effect = (
        lambda ctx, inst, meta, delete=False:
        dict(meta) if delete else dict(inst.metadata, **meta))
    return client


def test_index(client):
    resp = client.request(META)
    assert resp.status_int == 200
    assert resp.json == {'metadata': {'foo': 'Foo Value'}}


def test_show(client):
    resp = client.request(META + '/foo')
    assert resp.status_int == 200
    assert resp.json == {'meta': {'foo': 'Foo Value'}}


def test_show_missing_key_is_404(client):
    resp = client.request(META + '/bar')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == (
        'Metadata item was not found')


def test_create_merges_and_answers_with_all(client):
    resp = client.request(META, method='POST',
                          body={'metadata': {'bar': 'Bar'}})
    assert resp.status_int == 200
    assert resp.json == {'metadata': {'foo': 'Foo Value', 'bar': 'Bar'}}
    args = client.compute_api.update_instance_metadata.call_args
    assert args.args[2] == {'bar': 'Bar'}
    assert args.kwargs == {'delete': False}


def test_update_all_replaces(client):
    resp = client.request(META, method='PUT',
                          body={'metadata': {'bar': 'Bar'}})
    assert resp.status_int == 200
    assert resp.json == {'metadata': {'bar': 'Bar'}}
    args = client.compute_api.update_instance_metadata.call_args
    assert args.kwargs == {'delete': True}


def test_update_one_item(client):
    resp = client.request(META + '/foo', method='PUT',
                          body={'meta': {'foo': 'Bar Value'}})
    assert resp.status_int == 200
    assert resp.json == {'meta': {'foo': 'Bar Value'}}


def test_update_uri_body_mismatch_is_400(client):
    resp = client.request(META + '/foo', method='PUT',
                          body={'meta': {'bar': 'x'}})
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'Request body and URI mismatch')
    client.compute_api.update_instance_metadata.assert_not_called()


@pytest.mark.parametrize('path, method, body', [
    ('', 'POST', {'metadata': {'a': 1}}),
    ('', 'POST', {'meta': {'a': 'b'}}),
    ('', 'POST', {'metadata': {'': 'b'}}),
    ('', 'POST', {'metadata': {'a': 'x' * 256}}),
    ('', 'PUT', {'metadata': 'nope'}),
    ('', 'PUT', {}),
    ('/a', 'PUT', {'meta': {'a': 'b', 'c': 'd'}}),
    ('/a', 'PUT', {'meta': {}}),
    ('/a', 'PUT', {'metadata': {'a': 'b'}}),
])
def test_bad_bodies_are_400(client, path, method, body):
    resp = client.request(META + path, method=method, body=body)
    assert resp.status_int == 400
    client.compute_api.update_instance_metadata.assert_not_called()


def test_delete(client):
    resp = client.request(META + '/foo', method='DELETE')
    assert resp.status_int == 204
    client.compute_api.delete_instance_metadata.assert_called_once()
    assert client.compute_api.delete_instance_metadata.call_args.args[2] == (
        'foo')


def test_delete_missing_key_is_404(client):
    resp = client.request(META + '/bar', method='DELETE')
    assert resp.status_int == 404
    client.compute_api.delete_instance_metadata.assert_not_called()


def test_unknown_server_is_404(client):
    client.compute_api.get.side_effect = exception.InstanceNotFound(
        instance_id='x')
    for path, method, body in ((META, 'GET', None),
                               (META, 'POST', {'metadata': {}}),
                               (META + '/foo', 'DELETE', None)):
        assert client.request(path, method=method,
                              body=body).status_int == 404


def test_over_quota_is_403(client):
    client.compute_api.update_instance_metadata.side_effect = (
        exception.MetadataLimitExceeded(allowed=1))
    resp = client.request(META, method='POST',
                          body={'metadata': {'bar': 'Bar'}})
    assert resp.status_int == 403


@pytest.mark.parametrize('error', [
    exception.InstanceInvalidState(attr='vm_state', state='building',
                                   instance_uuid=fakes.SERVER,
                                   method='update_instance_metadata'),
    exception.InstanceIsLocked(instance_uuid=fakes.SERVER),
])
def test_conflicts_are_409(client, error):
    client.compute_api.update_instance_metadata.side_effect = error
    client.compute_api.delete_instance_metadata.side_effect = error
    resp = client.request(META, method='POST',
                          body={'metadata': {'bar': 'Bar'}})
    assert resp.status_int == 409
    resp = client.request(META + '/foo', method='DELETE')
    assert resp.status_int == 409


def test_another_projects_server_is_forbidden_by_policy(client):
    client.compute_api.get.return_value = fakes.instance(
        project_id='b' * 32, metadata={})
    resp = client.request(META)
    assert resp.status_int == 403


# ---- the compute API's state and quota checks -------------------------------

class _Instance:
    def __init__(self, **kw):
        self.uuid = fakes.SERVER
        self.project_id = fakes.PROJECT
        self.vm_state = vm_states.ACTIVE
        self.task_state = None
        self.launched_at = fakes.LAUNCHED
        self.locked = False
        self.metadata = {'a': '1'}
        self.saved = 0
        self.__dict__.update(kw)

    def save(self):
        self.saved += 1


class _Context:
    is_admin = False


@pytest.fixture
def api(database):
    # NOTE: a database for the project's quota rows (none: the defaults).
    return compute_api.API.__new__(compute_api.API)


def test_api_allows_a_task_under_way(api):
    # NOTE: as in Nova, only the vm_state matters (task_state=None).
    inst = _Instance(task_state='rebooting')
    api.update_instance_metadata(_Context(), inst, {'b': '2'})
    assert inst.saved == 1


def test_api_update_merges_and_replaces(api):
    inst = _Instance()
    assert api.update_instance_metadata(_Context(), inst, {'b': '2'}) == {
        'a': '1', 'b': '2'}
    assert api.update_instance_metadata(_Context(), inst, {'c': '3'},
                                        delete=True) == {'c': '3'}
    assert inst.metadata == {'c': '3'} and inst.saved == 2


def test_api_delete_item(api):
    inst = _Instance()
    api.delete_instance_metadata(_Context(), inst, 'a')
    assert inst.metadata == {} and inst.saved == 1


def test_api_metadata_quota(api, flags):
    flags(metadata_items=2, group='quota')
    inst = _Instance()
    with pytest.raises(exception.MetadataLimitExceeded):
        api.update_instance_metadata(_Context(), inst, {'b': '2', 'c': '3'})
    assert inst.saved == 0


def test_api_metadata_quota_of_the_project(api, flags):
    flags(metadata_items=2, group='quota')
    quota_db.quota_set(fakes.PROJECT, {'metadata_items': 3})
    inst = _Instance()
    api.update_instance_metadata(_Context(), inst, {'b': '2', 'c': '3'})
    assert inst.saved == 1


@pytest.mark.parametrize('state', [
    dict(vm_state=vm_states.BUILDING),
    dict(vm_state=vm_states.ERROR),
    dict(vm_state=vm_states.RESIZED),
    dict(locked=True),
])
def test_api_refuses_states(api, state):
    inst = _Instance(**state)
    with pytest.raises(exception.InstanceInvalidState):
        api.update_instance_metadata(_Context(), inst, {'b': '2'})
    with pytest.raises(exception.InstanceInvalidState):
        api.delete_instance_metadata(_Context(), inst, 'a')
    assert inst.saved == 0

"""Flavors, flavor management and extra specs through the app, with the
Flavor objects mocked."""

from unittest import mock

import pytest

from nova_lite import exception
from nova_lite import objects
from tests.unit.api import fakes

ADMIN = 'admin:%s' % fakes.PROJECT


@pytest.fixture(scope='module')
def client():
    return fakes.Client()


@pytest.fixture
def flavor_objects():
    """objects.Flavor and objects.FlavorList, mocked for one test."""
    flavors = [fakes.flavor(), fakes.flavor(flavorid='2', name='m1.small',
                                            memory_mb=2048, root_gb=20,
                                            swap=512)]
    with mock.patch.object(objects, 'Flavor') as flavor_cls, \
            mock.patch.object(objects, 'FlavorList') as flavor_list:
        flavor_list.get_all.return_value = flavors
        flavor_cls.get_by_flavor_id.side_effect = (
            lambda ctx, flavorid: {f.flavorid: f for f in flavors}[flavorid]
            if flavorid in ('1', '2') else _raise(
                exception.FlavorNotFound(flavor_id=flavorid)))
        yield flavor_cls, flavor_list, flavors


def _raise(error):
    raise error


# ---- read ------------------------------------------------------------------

def test_index(client, flavor_objects):
    resp = client.request('/v2.1/flavors')
    assert resp.status_int == 200
    assert resp.json['flavors'][0] == {
        'id': '1', 'name': 'm1.tiny',
        'links': [{'rel': 'self', 'href': 'http://localhost/v2.1/flavors/1'},
                  {'rel': 'bookmark', 'href': 'http://localhost/flavors/1'}]}
    assert 'flavors_links' not in resp.json


def test_detail(client, flavor_objects):
    resp = client.request('/v2.1/flavors/detail')
    tiny, small = resp.json['flavors']
    assert tiny == {
        'id': '1', 'name': 'm1.tiny', 'ram': 512, 'disk': 1, 'vcpus': 1,
        'swap': '', 'OS-FLV-EXT-DATA:ephemeral': 0,
        'OS-FLV-DISABLED:disabled': False,
        'os-flavor-access:is_public': True, 'rxtx_factor': 1.0,
        'links': [{'rel': 'self', 'href': 'http://localhost/v2.1/flavors/1'},
                  {'rel': 'bookmark', 'href': 'http://localhost/flavors/1'}]}
    assert small['swap'] == 512


def test_show(client, flavor_objects):
    resp = client.request('/v2.1/flavors/2')
    assert resp.status_int == 200
    assert resp.json['flavor']['name'] == 'm1.small'


def test_show_not_found(client, flavor_objects):
    resp = client.request('/v2.1/flavors/9')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == (
        'Flavor 9 could not be found.')


@pytest.mark.parametrize('token, query, filters, sort', [
    (None, '', {'is_public': True, 'disabled': False}, ('flavorid', 'asc')),
    (None, '?minRam=1024&minDisk=10&sort_key=name&sort_dir=desc',
     {'is_public': True, 'disabled': False, 'min_memory_mb': 1024,
      'min_root_gb': 10}, ('name', 'desc')),
    # Only admins choose is_public.
    (None, '?is_public=false', {'is_public': True, 'disabled': False},
     ('flavorid', 'asc')),
    (ADMIN, '', {'is_public': True}, ('flavorid', 'asc')),
    (ADMIN, '?is_public=false', {'is_public': False}, ('flavorid', 'asc')),
    (ADMIN, '?is_public=None', {'is_public': None}, ('flavorid', 'asc')),
])
def test_list_filters(client, flavor_objects, token, query, filters, sort):
    kw = {'token': token} if token else {}
    resp = client.request('/v2.1/flavors/detail' + query, **kw)
    assert resp.status_int == 200
    kwargs = flavor_objects[1].get_all.call_args[1]
    assert kwargs['filters'] == filters
    assert (kwargs['sort_key'], kwargs['sort_dir']) == sort


@pytest.mark.parametrize('query, message', [
    ('?minRam=lots', 'Invalid minRam filter [lots]'),
    ('?minDisk=1.5', 'Invalid minDisk filter [1.5]'),
])
def test_list_bad_filters(client, flavor_objects, query, message):
    resp = client.request('/v2.1/flavors' + query)
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == message


def test_list_bad_is_public(client, flavor_objects):
    resp = client.request('/v2.1/flavors?is_public=maybe', token=ADMIN)
    assert resp.status_int == 400


def test_list_pagination(client, flavor_objects):
    resp = client.request('/v2.1/flavors?limit=2&marker=0')
    assert flavor_objects[1].get_all.call_args[1]['limit'] == 2
    assert flavor_objects[1].get_all.call_args[1]['marker'] == '0'
    assert resp.json['flavors_links'] == [{
        'rel': 'next',
        'href': 'http://localhost/v2.1/flavors?limit=2&marker=2'}]


def test_list_marker_not_found(client, flavor_objects):
    flavor_objects[1].get_all.side_effect = exception.MarkerNotFound(
        marker='x')
    resp = client.request('/v2.1/flavors?marker=x')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == 'marker [x] not found'


# ---- manage ----------------------------------------------------------------

class FakeNewFlavor(object):
    """Stands in for objects.Flavor(...) in a create."""

    created = []

    def __init__(self, context=None, **fields):
        fields.setdefault('disabled', False)
        self.__dict__.update(fields)
        self.error = None

    def create(self):
        FakeNewFlavor.created.append(self)


def test_create(client, flavor_objects):
    flavor_objects[0].side_effect = FakeNewFlavor
    FakeNewFlavor.created = []
    resp = client.request('/v2.1/flavors', method='POST', token=ADMIN,
                          body={'flavor': {'name': 'test_flavor', 'ram': 1024,
                                           'vcpus': 2, 'disk': 10, 'id': 10,
                                           'rxtx_factor': 2.0}})
    assert resp.status_int == 200
    assert resp.json['flavor'] == {
        'id': '10', 'name': 'test_flavor', 'ram': 1024, 'disk': 10,
        'vcpus': 2, 'swap': '', 'OS-FLV-EXT-DATA:ephemeral': 0,
        'OS-FLV-DISABLED:disabled': False,
        'os-flavor-access:is_public': True, 'rxtx_factor': 2.0,
        'links': [{'rel': 'self', 'href': 'http://localhost/v2.1/flavors/10'},
                  {'rel': 'bookmark', 'href': 'http://localhost/flavors/10'}]}
    assert len(FakeNewFlavor.created) == 1


def test_create_generates_id(client, flavor_objects):
    flavor_objects[0].side_effect = FakeNewFlavor
    resp = client.request('/v2.1/flavors', method='POST', token=ADMIN,
                          body={'flavor': {'name': 'f', 'ram': '64',
                                           'vcpus': '1', 'disk': 0}})
    assert resp.status_int == 200
    assert len(resp.json['flavor']['id']) == 36
    assert resp.json['flavor']['ram'] == 64


def test_create_is_admin_only(client, flavor_objects):
    resp = client.request('/v2.1/flavors', method='POST',
                          body={'flavor': {'name': 'f', 'ram': 64,
                                           'vcpus': 1, 'disk': 0}})
    assert resp.status_int == 403
    assert not flavor_objects[0].called


@pytest.mark.parametrize('error', [
    exception.FlavorExists(name='f'), exception.FlavorIdExists(flavor_id=1)])
def test_create_conflict(client, flavor_objects, error):
    flavor_objects[0].return_value.create.side_effect = error
    resp = client.request('/v2.1/flavors', method='POST', token=ADMIN,
                          body={'flavor': {'name': 'f', 'ram': 64,
                                           'vcpus': 1, 'disk': 0}})
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        error.format_message())


def test_create_invalid(client, flavor_objects):
    resp = client.request('/v2.1/flavors', method='POST', token=ADMIN,
                          body={'flavor': {'name': 'f', 'ram': 0,
                                           'vcpus': 1, 'disk': 0}})
    assert resp.status_int == 400


def test_delete(client, flavor_objects):
    resp = client.request('/v2.1/flavors/1', method='DELETE', token=ADMIN)
    assert resp.status_int == 202
    flavor_objects[0].assert_called_once_with(context=mock.ANY,
                                              flavorid='1')
    flavor_objects[0].return_value.destroy.assert_called_once_with()


def test_delete_not_found(client, flavor_objects):
    flavor_objects[0].return_value.destroy.side_effect = (
        exception.FlavorNotFound(flavor_id='9'))
    resp = client.request('/v2.1/flavors/9', method='DELETE', token=ADMIN)
    assert resp.status_int == 404


def test_delete_is_admin_only(client, flavor_objects):
    assert client.request('/v2.1/flavors/1',
                          method='DELETE').status_int == 403


# ---- extra specs -----------------------------------------------------------

SPECS = '/v2.1/flavors/1/os-extra_specs'


@pytest.fixture
def specs(flavor_objects):
    flavor = flavor_objects[2][0]
    flavor.extra_specs = {'hw:cpu_policy': 'shared', 'hw:numa_nodes': '1'}
    flavor.update_extra_specs = mock.Mock()
    flavor.delete_extra_spec = mock.Mock()
    return flavor


def test_specs_index(client, specs):
    resp = client.request(SPECS)
    assert resp.json == {'extra_specs': {'hw:cpu_policy': 'shared',
                                         'hw:numa_nodes': '1'}}


def test_specs_show(client, specs):
    assert client.request(SPECS + '/hw:numa_nodes').json == {
        'hw:numa_nodes': '1'}
    resp = client.request(SPECS + '/nope')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == (
        'Flavor 1 has no extra specs with key nope.')


def test_specs_of_missing_flavor(client, specs):
    assert client.request('/v2.1/flavors/9/os-extra_specs').status_int == 404


def test_specs_create(client, specs):
    body = {'extra_specs': {'hw:numa_nodes': 2, 'a': 'b'}}
    resp = client.request(SPECS, method='POST', token=ADMIN, body=body)
    assert resp.status_int == 200
    assert resp.json == body
    specs.update_extra_specs.assert_called_once_with(
        {'hw:numa_nodes': '2', 'a': 'b'})


def test_specs_update(client, specs):
    resp = client.request(SPECS + '/hw:numa_nodes', method='PUT',
                          token=ADMIN, body={'hw:numa_nodes': '2'})
    assert resp.status_int == 200
    assert resp.json == {'hw:numa_nodes': '2'}


def test_specs_update_mismatch(client, specs):
    resp = client.request(SPECS + '/hw:numa_nodes', method='PUT',
                          token=ADMIN, body={'other': '2'})
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'Request body and URI mismatch')


def test_specs_delete(client, specs):
    resp = client.request(SPECS + '/hw:numa_nodes', method='DELETE',
                          token=ADMIN)
    assert resp.status_int == 200
    specs.delete_extra_spec.assert_called_once_with('hw:numa_nodes')
    assert client.request(SPECS + '/nope', method='DELETE',
                          token=ADMIN).status_int == 404


@pytest.mark.parametrize('method, path, body', [
    ('POST', SPECS, {'extra_specs': {'a': 'b'}}),
    ('PUT', SPECS + '/a', {'a': 'b'}),
    ('DELETE', SPECS + '/hw:numa_nodes', None),
])
def test_specs_writes_are_admin_only(client, specs, method, path, body):
    resp = client.request(path, method=method, body=body)
    assert resp.status_int == 403
    assert not specs.update_extra_specs.called
    assert not specs.delete_extra_spec.called

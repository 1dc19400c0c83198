"""Flavor access and private flavor visibility through the app, with the
Flavor objects mocked."""

from unittest import mock

import pytest

from nova_lite import exception
from nova_lite import objects
from tests.unit.api import fakes

ADMIN = 'admin:%s' % fakes.PROJECT
OTHER = 'someone:0123456789abcdef'


@pytest.fixture(scope='module')
def client():
    return fakes.Client()


@pytest.fixture(autouse=True)
def strict_responses(flags):
    flags(response_validation='error', group='api')


@pytest.fixture
def flavors():
    """'1' public, '10' private to fakes.PROJECT; add/remove_access act on
    the private one's project list."""
    public = fakes.flavor()
    private = fakes.flavor(flavorid='10', name='test_flavor',
                           is_public=False, projects=[fakes.PROJECT])

    def add(project_id):
        if project_id in private.projects:
            raise exception.FlavorAccessExists(flavor_id='10',
                                               project_id=project_id)
        private.projects = private.projects + [project_id]

    def remove(project_id):
        if project_id not in private.projects:
            raise exception.FlavorAccessNotFound(flavor_id='10',
                                                 project_id=project_id)
        private.projects = [p for p in private.projects if p != project_id]

    public.add_access = mock.Mock()
    private.add_access = add
    private.remove_access = remove
    by_id = {'1': public, '10': private}

    def get(ctx, flavorid):
        if flavorid not in by_id:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        return by_id[flavorid]

    with mock.patch.object(objects.Flavor, 'get_by_flavor_id',
                           side_effect=get):
        yield public, private


def _act(client, flavor_id, body, token=ADMIN, version=None):
    return client.request('/v2.1/flavors/%s/action' % flavor_id,
                          method='POST', body=body, token=token,
                          version=version)


def test_list_access(client, flavors):
    resp = client.admin('/v2.1/flavors/10/os-flavor-access')
    assert resp.status_int == 200
    assert resp.json == {'flavor_access': [
        {'flavor_id': '10', 'tenant_id': fakes.PROJECT}]}


def test_list_access_of_a_public_flavor_is_404(client, flavors):
    resp = client.admin('/v2.1/flavors/1/os-flavor-access')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == (
        'Access list not available for public flavors.')


def test_members_may_not_list_or_change_access(client, flavors):
    assert client.request(
        '/v2.1/flavors/10/os-flavor-access').status_int == 403
    for action in ('addTenantAccess', 'removeTenantAccess'):
        resp = _act(client, '10', {action: {'tenant': 'x'}},
                    token='%s:%s' % (fakes.USER, fakes.PROJECT))
        assert resp.status_int == 403
        assert resp.json['forbidden']['message'] == (
            "Policy doesn't allow os_compute_api:os-flavor-access:%s to be "
            "performed." % ('add_tenant_access' if action.startswith('add')
                            else 'remove_tenant_access'))


def test_add_and_remove(client, flavors):
    resp = _act(client, '10', {'addTenantAccess': {'tenant': 'p2'}})
    assert resp.status_int == 200
    assert [a['tenant_id'] for a in resp.json['flavor_access']] == [
        fakes.PROJECT, 'p2']
    resp = _act(client, '10', {'addTenantAccess': {'tenant': 'p2'}})
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        'Flavor access already exists for flavor 10 and project p2 '
        'combination.')
    resp = _act(client, '10', {'removeTenantAccess': {'tenant': 'p2'}})
    assert resp.status_int == 200
    assert resp.json == {'flavor_access': [
        {'flavor_id': '10', 'tenant_id': fakes.PROJECT}]}
    resp = _act(client, '10', {'removeTenantAccess': {'tenant': 'p2'}})
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == (
        'Flavor access not found for 10 / p2 combination.')


@pytest.mark.parametrize('body', [
    {'addTenantAccess': {}},
    {'addTenantAccess': {'tenant': ''}},
    {'addTenantAccess': {'tenant': 'x', 'more': 1}},
    {'removeTenantAccess': {'tenant': 5}},
])
def test_bad_bodies(client, flavors, body):
    assert _act(client, '10', body).status_int == 400


def test_unknown_flavor(client, flavors):
    resp = _act(client, '99', {'addTenantAccess': {'tenant': 'x'}})
    assert resp.status_int == 404


@pytest.mark.parametrize('version, status', [('2.6', 200), ('2.7', 409)])
def test_public_flavor_refused_from_2_7(client, flavors, version, status):
    public, _ = flavors
    resp = _act(client, '1', {'addTenantAccess': {'tenant': 'x'}},
                version=version)
    assert resp.status_int == status
    assert public.add_access.called == (status == 200)


@pytest.mark.parametrize('token, status', [
    ('%s:%s' % (fakes.USER, fakes.PROJECT), 200),   # on the access list
    (OTHER, 404),                                    # not on it
    (ADMIN, 200),
])
def test_private_flavor_show(client, flavors, token, status):
    resp = client.request('/v2.1/flavors/10', token=token)
    assert resp.status_int == status
    if status == 404:
        assert resp.json['itemNotFound']['message'] == (
            'Flavor 10 could not be found.')


@pytest.mark.parametrize('path', ['/v2.1/flavors/10/os-extra_specs',
                                  '/v2.1/flavors/10/os-extra_specs/k'])
@pytest.mark.parametrize('token, status', [
    ('%s:%s' % (fakes.USER, fakes.PROJECT), 200),
    (OTHER, 404),
    (ADMIN, 200),
])
def test_private_flavor_extra_specs(client, flavors, path, token, status):
    """A project without access learns nothing of a private flavor's
    extra specs, not even that the flavor exists."""
    flavors[1].extra_specs = {'k': 'v'}
    resp = client.request(path, token=token)
    assert resp.status_int == status
    if status == 404:
        assert resp.json['itemNotFound']['message'] == (
            'Flavor 10 could not be found.')

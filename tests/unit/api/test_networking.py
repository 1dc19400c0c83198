"""/networking/v2.0/networks through the app, with the network API mocked:
the lookups a catalog-less client makes before ``--network NAME``."""

import datetime
from unittest import mock

import pytest

from nova_lite import exception
from nova_lite import objects
from tests.unit.api import fakes

NETWORKS = '/networking/v2.0/networks'
SHARED_ID = '20c8acc0-f747-4d71-a389-46d078ebf047'
OWN_ID = '7a3f5c8e-1d2b-4e6f-8a9b-0c1d2e3f4a5b'
CREATED = datetime.datetime(2026, 12, 5, 10, 0, 0)


def _network(**kw):
    values = dict(id=1, uuid=SHARED_ID, label='private',
                  cidr='10.20.105.0/24', gateway='10.20.105.1',
                  bridge='br100', dns1=None, dns2=None, mtu=1400,
                  project_id=None, created_at=CREATED, updated_at=None,
                  deleted=False, deleted_at=None)
    values.update(kw)
    return objects.Network(**values)


@pytest.fixture
def client():
    network_api = mock.Mock(name='network.API()')
    network_api.get_all.return_value = [
        _network(), _network(id=2, uuid=OWN_ID, label='mine',
                             project_id=fakes.PROJECT)]
    with mock.patch('nova_lite.network.api.API', return_value=network_api):
        client = fakes.Client()
    client.network_api = network_api
    return client


def test_list_in_neutrons_shape(client):
    resp = client.request(NETWORKS)
    assert resp.status_int == 200
    shared, own = resp.json['networks']
    assert (shared['id'], shared['name'], shared['shared'],
            shared['status'], shared['mtu']) == (SHARED_ID, 'private', True,
                                                 'ACTIVE', 1400)
    assert (own['id'], own['project_id'], own['shared']) == (
        OWN_ID, fakes.PROJECT, False)
    assert shared['created_at'] == '2026-12-05T10:00:00Z'
    context = client.network_api.get_all.call_args.args[0]
    assert context.project_id == fakes.PROJECT


@pytest.mark.parametrize('query, expected', [
    ('?name=mine', [OWN_ID]),
    ('?name=private&name=mine', [SHARED_ID, OWN_ID]),
    ('?shared=true', [SHARED_ID]),
    ('?shared=False', [OWN_ID]),
    ('?id=%s' % OWN_ID, [OWN_ID]),
    ('?name=nothing', []),
    ('?mtu=1400&limit=5', [SHARED_ID, OWN_ID]),
])
def test_list_filters(client, query, expected):
    resp = client.request(NETWORKS + query)
    assert [n['id'] for n in resp.json['networks']] == expected


def test_list_fields(client):
    resp = client.request(NETWORKS + '?name=mine&fields=id&fields=name')
    assert resp.json == {'networks': [{'id': OWN_ID, 'name': 'mine'}]}


def test_show(client):
    client.network_api.get.return_value = _network()
    resp = client.request(NETWORKS + '/' + SHARED_ID)
    assert resp.status_int == 200
    assert resp.json['network']['name'] == 'private'


def test_show_unknown_is_neutrons_404(client):
    client.network_api.get.side_effect = exception.NetworkNotFound(
        network_id='private')
    resp = client.request(NETWORKS + '/private')
    assert resp.status_int == 404
    assert resp.json == {'NeutronError': {
        'type': 'NetworkNotFound',
        'message': 'Network private could not be found.', 'detail': ''}}


@pytest.mark.parametrize('path', ['/networking/v2.0/ports',
                                  '/networking/v2.0/networks/a/b',
                                  '/networking/v3/networks'])
def test_other_paths_are_404(client, path):
    resp = client.request(path)
    assert resp.status_int == 404
    assert resp.json['NeutronError']['type'] == 'HTTPNotFound'


def test_read_only(client):
    resp = client.request(NETWORKS, method='POST', body={'network': {}})
    assert resp.status_int == 405
    assert resp.headers['Allow'] == 'GET'
    client.network_api.create.assert_not_called()


def test_version_documents(client):
    resp = client.request('/networking/')
    assert resp.json['versions'][0]['id'] == 'v2.0'
    resp = client.request('/networking/v2.0')
    assert resp.json['resources'][0]['collection'] == 'networks'


def test_needs_authentication(client):
    assert client.request(NETWORKS, token='').status_int == 401
    client.network_api.get_all.assert_not_called()

"""The /os-keypairs controller through the app, KeypairAPI mocked."""

from unittest import mock

import pytest

from nova_lite import exception
from tests.unit.api import fakes

KEYPAIRS = '/v2.1/os-keypairs'
PRIVATE = '-----BEGIN RSA PRIVATE KEY-----\n...'


@pytest.fixture
def client():
    client = fakes.Client()
    api = client.keypair_api
    api.get_key_pairs.return_value = [fakes.keypair()]
    api.get_key_pair.return_value = fakes.keypair()
    api.import_key_pair.return_value = fakes.keypair()
    api.create_key_pair.return_value = (fakes.keypair(), PRIVATE)
    return client


# ---- create ----------------------------------------------------------------

@pytest.mark.parametrize('version, code, has_type', [
    ('2.1', 200, False),
    ('2.2', 201, True),
    ('2.9', 201, True),
    ('2.10', 201, True),
    ('2.47', 201, True),
])
def test_generate(client, version, code, has_type):
    resp = client.request(KEYPAIRS, method='POST', version=version,
                          body={'keypair': {'name': 'kp1'}})
    assert resp.status_int == code
    keypair = resp.json['keypair']
    expected = {'name', 'public_key', 'fingerprint', 'user_id',
                'private_key'} | ({'type'} if has_type else set())
    assert set(keypair) == expected
    assert keypair['private_key'] == PRIVATE
    client.keypair_api.create_key_pair.assert_called_once_with(
        mock.ANY, fakes.USER, 'kp1', 'ssh')


def test_import(client):
    resp = client.request(KEYPAIRS, method='POST', version='2.2', body={
        'keypair': {'name': 'kp1', 'public_key': 'ssh-rsa AAA',
                    'type': 'x509'}})
    assert resp.status_int == 201
    assert 'private_key' not in resp.json['keypair']
    client.keypair_api.import_key_pair.assert_called_once_with(
        mock.ANY, fakes.USER, 'kp1', 'ssh-rsa AAA', 'x509')


@pytest.mark.parametrize('version, body', [
    ('2.1', {'keypair': {'name': 'kp', 'type': 'ssh'}}),
    ('2.9', {'keypair': {'name': 'kp', 'user_id': 'other'}}),
    ('2.2', {'keypair': {'name': 'kp', 'type': 'dsa'}}),
    ('2.2', {'keypair': {}}),
    ('2.2', {'keypair': {'name': 'x' * 256}}),
])
def test_create_invalid(client, version, body):
    resp = client.request(KEYPAIRS, method='POST', version=version,
                          body=body)
    assert resp.status_int == 400


def test_create_for_another_user_is_admin_only(client):
    body = {'keypair': {'name': 'kp1', 'user_id': 'other'}}
    resp = client.request(KEYPAIRS, method='POST', version='2.10', body=body)
    assert resp.status_int == 403
    resp = client.admin(KEYPAIRS, method='POST', version='2.10', body=body)
    assert resp.status_int == 201
    assert client.keypair_api.create_key_pair.call_args[0][1] == 'other'


@pytest.mark.parametrize('error, code', [
    (exception.KeyPairExists(key_name='kp1'), 409),
    (exception.InvalidKeypair(reason='bad key'), 400),
    (exception.KeypairLimitExceeded(), 403),
])
def test_create_errors(client, error, code):
    client.keypair_api.import_key_pair.side_effect = error
    resp = client.request(KEYPAIRS, method='POST', version='2.2', body={
        'keypair': {'name': 'kp1', 'public_key': 'k'}})
    assert resp.status_int == code
    assert list(resp.json.values())[0]['message'] == error.format_message()


# ---- list, show, delete ----------------------------------------------------

@pytest.mark.parametrize('version, keys', [
    ('2.1', {'name', 'public_key', 'fingerprint'}),
    ('2.2', {'name', 'public_key', 'fingerprint', 'type'}),
])
def test_index(client, version, keys):
    resp = client.request(KEYPAIRS, version=version)
    assert resp.status_int == 200
    assert set(resp.json['keypairs'][0]['keypair']) == keys
    assert 'keypairs_links' not in resp.json


def test_index_user_id_is_admin_only(client):
    assert client.request(KEYPAIRS + '?user_id=other',
                          version='2.10').status_int == 403
    assert client.admin(KEYPAIRS + '?user_id=other',
                        version='2.10').status_int == 200
    assert client.keypair_api.get_key_pairs.call_args[0][1] == 'other'


def test_index_user_id_ignored_before_2_10(client):
    resp = client.request(KEYPAIRS + '?user_id=other', version='2.9')
    assert resp.status_int == 200
    assert client.keypair_api.get_key_pairs.call_args[0][1] == fakes.USER


def test_index_pagination_2_35(client):
    resp = client.request(KEYPAIRS + '?limit=1', version='2.35')
    assert resp.json['keypairs_links'] == [{
        'rel': 'next',
        'href': 'http://localhost/v2.1/os-keypairs?limit=1&marker=kp1'}]
    kwargs = client.keypair_api.get_key_pairs.call_args[1]
    assert (kwargs['limit'], kwargs['marker']) == (1, None)


def test_index_limit_ignored_before_2_35(client):
    resp = client.request(KEYPAIRS + '?limit=1', version='2.34')
    assert 'keypairs_links' not in resp.json
    kwargs = client.keypair_api.get_key_pairs.call_args[1]
    assert (kwargs['limit'], kwargs['marker']) == (None, None)


def test_index_bad_marker(client):
    client.keypair_api.get_key_pairs.side_effect = exception.MarkerNotFound(
        marker='zz')
    resp = client.request(KEYPAIRS + '?marker=zz', version='2.35')
    assert resp.status_int == 400


def test_show(client):
    resp = client.request(KEYPAIRS + '/kp1', version='2.2')
    assert resp.status_int == 200
    assert resp.json['keypair'] == {
        'name': 'kp1', 'public_key': 'ssh-rsa AAAA test',
        'fingerprint': fakes.keypair().fingerprint, 'type': 'ssh',
        'user_id': fakes.USER, 'deleted': False,
        'created_at': '2013-09-03T04:01:32.000000', 'updated_at': None,
        'deleted_at': None, 'id': 1}


def test_show_not_found(client):
    client.keypair_api.get_key_pair.side_effect = exception.KeypairNotFound(
        name='kp9', user_id=fakes.USER)
    resp = client.request(KEYPAIRS + '/kp9')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == (
        'Keypair kp9 not found for user %s' % fakes.USER)


@pytest.mark.parametrize('version, code', [
    ('2.1', 202), ('2.2', 204), ('2.10', 204)])
def test_delete(client, version, code):
    resp = client.request(KEYPAIRS + '/kp1', method='DELETE',
                          version=version)
    assert resp.status_int == code
    client.keypair_api.delete_key_pair.assert_called_once_with(
        mock.ANY, fakes.USER, 'kp1')


def test_delete_other_users_is_admin_only(client):
    path = KEYPAIRS + '/kp1?user_id=other'
    assert client.request(path, method='DELETE',
                          version='2.10').status_int == 403
    assert client.admin(path, method='DELETE',
                        version='2.10').status_int == 204


def test_delete_not_found(client):
    client.keypair_api.delete_key_pair.side_effect = (
        exception.KeypairNotFound(name='kp9', user_id=fakes.USER))
    assert client.request(KEYPAIRS + '/kp9',
                          method='DELETE').status_int == 404

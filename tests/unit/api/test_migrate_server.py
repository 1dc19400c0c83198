"""POST /servers/{id}/action: migrate and os-migrateLive through the whole
app, with the compute API mocked: bodies per microversion, policies, and
how the compute API's refusals are answered."""

import json
import os
from unittest import mock

import pytest

from nova_lite import exception
from tests.unit.api import fakes

ACTION = '/v2.1/servers/%s/action' % fakes.SERVER
SAMPLES = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..',
                       'shared', 'nova_api_samples', 'os-migrate-server')
HOST = '01c0cadef72d47e28a672a76060d492c'


@pytest.fixture
def client():
    client = fakes.Client()
    client.compute_api.get.return_value = fakes.instance()
    return client


def _admin(client, body, version=None):
    return client.admin(ACTION, method='POST', body=body, version=version)


def _sample(path):
    full = os.path.join(SAMPLES, path)
    if not os.path.exists(full):
        pytest.skip('Nova API sample %s is not available' % path)
    with open(full) as f:
        return json.load(f)


def _live(**kw):
    return {'os-migrateLive': kw}


# ---- migrate ---------------------------------------------------------------

@pytest.mark.parametrize('version, body, host', [
    ('2.1', {'migrate': None}, None),
    # NOTE: Nova has no schema before 2.56: anything goes, a host is
    # ignored.
    ('2.55', {'migrate': {'host': 'host1'}}, None),
    ('2.55', {'migrate': 'whatever'}, None),
    ('2.56', {'migrate': None}, None),
    ('2.56', {'migrate': {}}, None),
    ('2.56', {'migrate': {'host': None}}, None),
    ('2.56', {'migrate': {'host': 'host1'}}, 'host1'),
    ('2.100', {'migrate': {'host': 'host1'}}, 'host1'),
])
def test_migrate_accepted(client, version, body, host):
    resp = _admin(client, body, version)
    assert resp.status_int == 202
    assert resp.body == b''
    client.compute_api.migrate.assert_called_once_with(
        mock.ANY, client.compute_api.get.return_value, host_name=host)


@pytest.mark.parametrize('sample, version, host', [
    ('migrate-server.json', '2.1', None),
    ('v2.56/migrate-server-null.json', '2.56', None),
    ('v2.56/migrate-server.json', '2.56', 'host1'),
])
def test_migrate_nova_samples_are_accepted(client, sample, version, host):
    assert _admin(client, _sample(sample), version).status_int == 202
    assert client.compute_api.migrate.call_args.kwargs == {
        'host_name': host}


@pytest.mark.parametrize('body', [
    {'migrate': 'host1'},
    {'migrate': {'host': 'host1', 'other': 1}},
    {'migrate': {'host': 'a' * 256}},
    {'migrate': {'host': ''}},
    {'migrate': {'host': 'bad host'}},
])
def test_migrate_bad_bodies_are_400_from_2_56(client, body):
    assert _admin(client, body, '2.56').status_int == 400
    assert not client.compute_api.migrate.called


def test_migrate_with_other_keys_is_400(client):
    resp = client.admin(ACTION, method='POST',
                        body={'migrate': None, 'other': 1})
    assert resp.status_int == 400


@pytest.mark.parametrize('version, body, rule', [
    ('2.1', {'migrate': None}, 'os_compute_api:os-migrate-server:migrate'),
    ('2.55', {'migrate': {'host': 'h'}},
     'os_compute_api:os-migrate-server:migrate'),
    ('2.56', {'migrate': None}, 'os_compute_api:os-migrate-server:migrate'),
    ('2.56', {'migrate': {'host': 'h'}},
     'os_compute_api:os-migrate-server:migrate:host'),
])
def test_migrate_is_admin_only(client, version, body, rule):
    resp = client.request(ACTION, method='POST', body=body, version=version)
    assert resp.status_int == 403
    assert rule in resp.json['forbidden']['message']
    assert not client.compute_api.migrate.called


@pytest.mark.parametrize('error', [
    exception.NoValidHost(reason='no room'),
    exception.ComputeHostNotFound(host='nowhere'),
    exception.CannotMigrateToSameHost(),
])
def test_migrate_host_refusals_are_400(client, error):
    client.compute_api.migrate.side_effect = error
    resp = _admin(client, {'migrate': {'host': 'h'}}, '2.56')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == error.format_message()


def test_migrate_wrong_state_is_409_in_novas_words(client):
    client.compute_api.migrate.side_effect = exception.InstanceInvalidState(
        instance_uuid=fakes.SERVER, attr='vm_state', state='paused',
        method='migrate')
    resp = _admin(client, {'migrate': None})
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        "Cannot 'migrate' instance %s while it is in vm_state paused"
        % fakes.SERVER)


@pytest.mark.parametrize('body', [{'migrate': None},
                                  _live(host=None, block_migration=False,
                                        disk_over_commit=False)])
def test_locked_server_is_409(client, body):
    error = exception.InstanceIsLocked(instance_uuid=fakes.SERVER)
    client.compute_api.migrate.side_effect = error
    client.compute_api.live_migrate.side_effect = error
    resp = _admin(client, body)
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        error.format_message())


@pytest.mark.parametrize('body', [{'migrate': None},
                                  _live(host=None, block_migration=False,
                                        disk_over_commit=False)])
def test_unknown_server_is_404(client, body):
    client.compute_api.get.side_effect = exception.InstanceNotFound(
        instance_id=fakes.SERVER)
    resp = _admin(client, body)
    assert resp.status_int == 404
    assert 'itemNotFound' in resp.json


def test_migrate_over_quota_is_403(client):
    client.compute_api.migrate.side_effect = exception.OverQuota(
        resources='cores', req=1, used=1, allowed=1)
    assert _admin(client, {'migrate': None}).status_int == 403


# ---- os-migrateLive --------------------------------------------------------

@pytest.mark.parametrize('version, options, args, force', [
    ('2.1', dict(host=HOST, block_migration=False, disk_over_commit=False),
     (False, False, HOST), None),
    ('2.24', dict(host=None, block_migration='true', disk_over_commit='0'),
     (True, False, None), None),
    ('2.25', dict(host=HOST, block_migration='auto'), (None, None, HOST),
     None),
    ('2.25', dict(host=HOST, block_migration=True), (True, None, HOST),
     None),
    ('2.29', dict(host=None, block_migration='no'), (False, None, None),
     None),
    ('2.30', dict(host=HOST, block_migration='auto'), (None, None, HOST),
     False),
    ('2.30', dict(host=HOST, block_migration='auto', force=True),
     (None, None, HOST), True),
    ('2.67', dict(host=HOST, block_migration='auto', force='false'),
     (None, None, HOST), False),
    ('2.68', dict(host=HOST, block_migration='auto'), (None, None, HOST),
     False),
    ('2.100', dict(host=None, block_migration=False), (False, None, None),
     False),
])
def test_live_migrate_per_version(client, version, options, args, force):
    resp = _admin(client, _live(**options), version)
    assert resp.status_int == 202
    assert resp.body == b''
    client.compute_api.live_migrate.assert_called_once_with(
        mock.ANY, client.compute_api.get.return_value, *args, force=force)


@pytest.mark.parametrize('sample, version', [
    ('live-migrate-server.json', '2.1'),
    ('v2.25/live-migrate-server.json', '2.25'),
    ('v2.30/live-migrate-server.json', '2.30'),
    ('v2.68/live-migrate-server.json', '2.68'),
])
def test_live_migrate_nova_samples_are_accepted(client, sample, version):
    assert _admin(client, _sample(sample), version).status_int == 202
    assert client.compute_api.live_migrate.called


@pytest.mark.parametrize('version, options', [
    # 2.1-2.24: all three keys, booleans only.
    ('2.1', dict(host=HOST, block_migration=False)),
    ('2.1', dict(block_migration=False, disk_over_commit=False)),
    ('2.24', dict(host=HOST, block_migration='auto',
                  disk_over_commit=False)),
    ('2.1', dict(host=HOST, block_migration='maybe',
                 disk_over_commit=False)),
    ('2.1', dict(host=HOST, block_migration=False, disk_over_commit=False,
                 force=True)),
    # 2.25: disk_over_commit is gone; still no force.
    ('2.25', dict(host=HOST, block_migration='auto',
                  disk_over_commit=False)),
    ('2.25', dict(host=HOST)),
    ('2.25', dict(block_migration='auto')),
    ('2.29', dict(host=HOST, block_migration='auto', force=True)),
    # 2.30-2.67: force must be a boolean.
    ('2.30', dict(host=HOST, block_migration='auto', force='sure')),
    # 2.68: force is gone again.
    ('2.68', dict(host=HOST, block_migration='auto', force=False)),
    ('2.68', dict(host='bad host', block_migration='auto')),
])
def test_live_migrate_bad_bodies_are_400(client, version, options):
    assert _admin(client, _live(**options), version).status_int == 400
    assert not client.compute_api.live_migrate.called


def test_forcing_without_a_host_is_400(client):
    resp = _admin(client, _live(host=None, block_migration='auto',
                                force=True), '2.30')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        "Can't force to a non-provided destination")
    assert not client.compute_api.live_migrate.called


def test_live_migrate_is_admin_only(client):
    resp = client.request(ACTION, method='POST',
                          body=_live(host=None, block_migration=False,
                                     disk_over_commit=False))
    assert resp.status_int == 403
    assert 'os_compute_api:os-migrate-server:migrate_live' in (
        resp.json['forbidden']['message'])
    assert not client.compute_api.live_migrate.called


@pytest.mark.parametrize('version', ['2.1', '2.25', '2.34', '2.100'])
@pytest.mark.parametrize('error', [
    exception.MigrationPreCheckError(reason='no shared storage'),
    exception.UnableToMigrateToSelf(instance_id=fakes.SERVER, host='h'),
    exception.ComputeServiceUnavailable(host='h'),
    exception.InvalidCPUInfo(reason='different vendors'),
    exception.InvalidLocalStorage(path='/x', reason='r'),
    exception.InvalidSharedStorage(path='/x', reason='r'),
    exception.HypervisorUnavailable(host='h'),
    exception.NoValidHost(reason='no room'),
    exception.ComputeHostNotFound(host='h'),
])
def test_live_migrate_pre_check_errors_are_400(client, error, version):
    client.compute_api.live_migrate.side_effect = error
    options = dict(host='h', block_migration=False)
    if version == '2.1':
        options['disk_over_commit'] = False
    resp = _admin(client, _live(**options), version)
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == error.format_message()


def test_live_migrate_wrong_state_is_409_in_novas_words(client):
    client.compute_api.live_migrate.side_effect = (
        exception.InstanceInvalidState(
            instance_uuid=fakes.SERVER, attr='vm_state', state='stopped',
            method='live_migrate'))
    resp = _admin(client, _live(host=None, block_migration='auto'), '2.25')
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        "Cannot 'os-migrateLive' instance %s while it is in vm_state "
        "stopped" % fakes.SERVER)


def test_each_action_checks_the_servers_project(client):
    with mock.patch('nova_lite.policy.authorize') as authorize:
        authorize.return_value = True
        _admin(client, {'migrate': None})
        _admin(client, _live(host=None, block_migration='auto'), '2.25')
    targets = [call.args[2] for call in authorize.call_args_list
               if 'os-migrate-server' in call.args[1]]
    assert targets and all(
        target['project_id'] == fakes.PROJECT for target in targets)

"""/servers/{id}/migrations (list, show, force_complete, abort) and the
live-migration parts of GET /os-migrations through the whole app, with
the compute API mocked; answers compared with Nova's samples."""

import datetime
import json
import os
import types
from unittest import mock

import pytest

from nova_lite import exception
from tests.unit.api import fakes

SAMPLES = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..',
                       'shared', 'nova_api_samples')
MIGRATIONS = '/v2.1/servers/%s/migrations' % fakes.SERVER
ONE = MIGRATIONS + '/1'
FORCE = ONE + '/action'
OS_MIGRATIONS = '/v2.1/os-migrations'
CREATED = datetime.datetime(2016, 1, 29, 13, 42, 2)
MIGRATION_UUID = '12341d4b-346a-40d0-83c6-5f4f6892b650'


def migration(**kw):
    values = dict(
        id=1, uuid=MIGRATION_UUID, instance_uuid=fakes.SERVER,
        source_compute='compute1', source_node='node1',
        dest_compute='compute2', dest_node='node2', dest_host='1.2.3.4',
        old_instance_type_id=1, new_instance_type_id=1, status='running',
        migration_type='live-migration', user_id=fakes.USER,
        project_id=fakes.PROJECT, memory_total=123456,
        memory_processed=12345, memory_remaining=111111, disk_total=234567,
        disk_processed=23456, disk_remaining=211111, created_at=CREATED,
        updated_at=CREATED)
    values.update(kw)
    return types.SimpleNamespace(**values)


@pytest.fixture
def client():
    client = fakes.Client()
    client.compute_api.get.return_value = fakes.instance()
    client.compute_api.get_migrations_in_progress_by_instance.return_value = [
        migration()]
    client.compute_api.get_migration_by_id_and_instance.return_value = (
        migration())
    client.compute_api.live_migrate_force_complete.return_value = None
    client.compute_api.live_migrate_abort.return_value = None
    return client


def _sample(path):
    full = os.path.join(SAMPLES, path)
    if not os.path.exists(full):
        pytest.skip('Nova API sample %s is not available' % path)
    with open(full) as f:
        return json.load(f)


# ---- list and show ---------------------------------------------------------

@pytest.mark.parametrize('version, sample', [
    ('2.23', 'server-migrations/v2.23/migrations-index.json'),
    ('2.58', 'server-migrations/v2.23/migrations-index.json'),
    ('2.59', 'server-migrations/v2.59/migrations-index.json'),
    ('2.79', 'server-migrations/v2.59/migrations-index.json'),
    ('2.80', 'server-migrations/v2.80/migrations-index.json'),
    ('2.100', 'server-migrations/v2.80/migrations-index.json'),
])
def test_index_has_the_keys_of_novas_sample(client, version, sample):
    resp = client.admin(MIGRATIONS, version=version)
    assert resp.status_int == 200
    (shown,) = resp.json['migrations']
    (expected,) = _sample(sample)['migrations']
    assert sorted(shown) == sorted(expected)
    assert shown['server_uuid'] == fakes.SERVER
    assert shown['memory_total_bytes'] == 123456
    assert shown['disk_remaining_bytes'] == 211111
    assert shown['created_at'] == '2016-01-29T13:42:02'
    client.compute_api.get_migrations_in_progress_by_instance \
        .assert_called_once_with(mock.ANY, fakes.SERVER, 'live-migration')


def test_index_values(client):
    resp = client.admin(MIGRATIONS, version='2.80')
    (shown,) = resp.json['migrations']
    assert shown == {
        'created_at': '2016-01-29T13:42:02', 'dest_compute': 'compute2',
        'dest_host': '1.2.3.4', 'dest_node': 'node2', 'id': 1,
        'server_uuid': fakes.SERVER, 'source_compute': 'compute1',
        'source_node': 'node1', 'status': 'running',
        'memory_total_bytes': 123456, 'memory_processed_bytes': 12345,
        'memory_remaining_bytes': 111111, 'disk_total_bytes': 234567,
        'disk_processed_bytes': 23456, 'disk_remaining_bytes': 211111,
        'updated_at': '2016-01-29T13:42:02', 'uuid': MIGRATION_UUID,
        'user_id': fakes.USER, 'project_id': fakes.PROJECT}


def test_index_without_progress_yet(client):
    client.compute_api.get_migrations_in_progress_by_instance.return_value = [
        migration(status='queued', memory_total=None, memory_processed=None,
                  memory_remaining=None, disk_total=None,
                  disk_processed=None, disk_remaining=None,
                  updated_at=None)]
    resp = client.admin(MIGRATIONS, version='2.23')
    assert resp.status_int == 200
    assert resp.json['migrations'][0]['memory_total_bytes'] is None


def test_index_empty(client):
    client.compute_api.get_migrations_in_progress_by_instance.return_value = []
    assert client.admin(MIGRATIONS, version='2.23').json == {
        'migrations': []}


@pytest.mark.parametrize('version, sample', [
    ('2.23', 'server-migrations/v2.23/migrations-get.json'),
    ('2.59', 'server-migrations/v2.59/migrations-get.json'),
    ('2.80', 'server-migrations/v2.80/migrations-get.json'),
])
def test_show_has_the_keys_of_novas_sample(client, version, sample):
    resp = client.admin(ONE, version=version)
    assert resp.status_int == 200
    assert sorted(resp.json['migration']) == sorted(
        _sample(sample)['migration'])
    client.compute_api.get_migration_by_id_and_instance \
        .assert_called_once_with(mock.ANY, 1, fakes.SERVER)


@pytest.mark.parametrize('path', [MIGRATIONS, ONE])
def test_list_and_show_appear_in_2_23(client, path):
    assert client.admin(path, version='2.22').status_int == 404
    assert client.admin(path, version='2.23').status_int == 200


@pytest.mark.parametrize('found, message', [
    (exception.MigrationNotFoundForInstance(migration_id=1,
                                            instance_id=fakes.SERVER),
     'In-progress live migration 1 is not found for server %s.'),
    (migration(migration_type='resize'),
     'Migration 1 for server %s is not live-migration.'),
    (migration(status='completed'),
     'Live migration 1 for server %s is not in progress.'),
    (migration(status='error'),
     'Live migration 1 for server %s is not in progress.'),
])
def test_show_only_an_in_progress_live_migration(client, found, message):
    mocked = client.compute_api.get_migration_by_id_and_instance
    if isinstance(found, Exception):
        mocked.side_effect = found
    else:
        mocked.return_value = found
    resp = client.admin(ONE, version='2.23')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['message'] == message % fakes.SERVER


@pytest.mark.parametrize('status', ['queued', 'preparing', 'running',
                                    'post-migrating'])
def test_show_every_in_progress_status(client, status):
    client.compute_api.get_migration_by_id_and_instance.return_value = (
        migration(status=status))
    resp = client.admin(ONE, version='2.23')
    assert resp.status_int == 200
    assert resp.json['migration']['status'] == status


@pytest.mark.parametrize('migration_id', ['abc', '9' * 40, '-1'])
def test_show_a_migration_id_that_is_no_number_is_404(client, migration_id):
    # NOTE: a number past the database's integers once reached the
    # driver, which cannot bind it: a 500.
    client.compute_api.get_migration_by_id_and_instance.reset_mock()
    resp = client.admin(MIGRATIONS + '/' + migration_id, version='2.23')
    assert resp.status_int == 404
    assert not client.compute_api.get_migration_by_id_and_instance.called


# ---- force_complete --------------------------------------------------------

def test_force_complete(client):
    body = _sample('server-migrations/v2.22/force_complete.json')
    resp = client.admin(FORCE, method='POST', body=body, version='2.22')
    assert resp.status_int == 202
    assert resp.body == b''
    client.compute_api.live_migrate_force_complete.assert_called_once_with(
        mock.ANY, client.compute_api.get.return_value, 1)


def test_force_complete_appears_in_2_22(client):
    resp = client.admin(FORCE, method='POST', body={'force_complete': None},
                        version='2.21')
    assert resp.status_int == 404
    assert not client.compute_api.live_migrate_force_complete.called


@pytest.mark.parametrize('body', [{'force_complete': {}},
                                  {'force_complete': 'now'},
                                  {'force_complete': None, 'other': 1}])
def test_force_complete_bad_bodies_are_400(client, body):
    resp = client.admin(FORCE, method='POST', body=body, version='2.22')
    assert resp.status_int == 400


def test_unknown_migration_action_is_400(client):
    resp = client.admin(FORCE, method='POST', body={'abort': None},
                        version='2.22')
    assert resp.status_int == 400


@pytest.mark.parametrize('error', [
    exception.MigrationNotFoundForInstance(migration_id=1,
                                           instance_id=fakes.SERVER),
    exception.InvalidMigrationState(migration_id=1,
                                    instance_uuid=fakes.SERVER,
                                    state='queued', method='force complete'),
])
def test_force_complete_unknown_or_not_running_is_400(client, error):
    # NOTE: 400 for an unknown migration too: Nova's choice here.
    client.compute_api.live_migrate_force_complete.side_effect = error
    resp = client.admin(FORCE, method='POST', body={'force_complete': None},
                        version='2.22')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == error.format_message()


def test_force_complete_wrong_state_is_409(client):
    client.compute_api.live_migrate_force_complete.side_effect = (
        exception.InstanceInvalidState(
            instance_uuid=fakes.SERVER, attr='vm_state', state='stopped',
            method='force_complete'))
    resp = client.admin(FORCE, method='POST', body={'force_complete': None},
                        version='2.22')
    assert resp.status_int == 409
    assert resp.json['conflictingRequest']['message'] == (
        "Cannot 'force_complete' instance %s while it is in vm_state stopped"
        % fakes.SERVER)


def test_force_complete_locked_is_409(client):
    client.compute_api.live_migrate_force_complete.side_effect = (
        exception.InstanceIsLocked(instance_uuid=fakes.SERVER))
    resp = client.admin(FORCE, method='POST', body={'force_complete': None},
                        version='2.22')
    assert resp.status_int == 409


# ---- abort (DELETE) --------------------------------------------------------

@pytest.mark.parametrize('version, in_queue', [('2.24', False),
                                               ('2.64', False),
                                               ('2.65', True),
                                               ('2.100', True)])
def test_abort(client, version, in_queue):
    resp = client.admin(ONE, method='DELETE', version=version)
    assert resp.status_int == 202
    assert resp.body == b''
    client.compute_api.live_migrate_abort.assert_called_once_with(
        mock.ANY, client.compute_api.get.return_value, 1,
        support_abort_in_queue=in_queue)


def test_abort_appears_in_2_24(client):
    assert client.admin(ONE, method='DELETE',
                        version='2.23').status_int == 404
    assert not client.compute_api.live_migrate_abort.called


@pytest.mark.parametrize('error, code', [
    (exception.MigrationNotFoundForInstance(migration_id=1,
                                            instance_id=fakes.SERVER), 404),
    (exception.InvalidMigrationState(migration_id=1,
                                     instance_uuid=fakes.SERVER,
                                     state='completed', method='abort'),
     400),
    (exception.AbortQueuedLiveMigrationNotYetSupported(migration_id=1,
                                                       status='queued'),
     409),
    (exception.InstanceInvalidState(instance_uuid=fakes.SERVER,
                                    attr='task_state', state=None,
                                    method='abort'), 409),
])
def test_abort_refusals(client, error, code):
    client.compute_api.live_migrate_abort.side_effect = error
    resp = client.admin(ONE, method='DELETE', version='2.65')
    assert resp.status_int == code
    assert resp.json[next(iter(resp.json))]['code'] == code


def test_abort_wrong_state_in_novas_words(client):
    client.compute_api.live_migrate_abort.side_effect = (
        exception.InstanceInvalidState(instance_uuid=fakes.SERVER,
                                       attr='vm_state', state='stopped',
                                       method='abort'))
    resp = client.admin(ONE, method='DELETE', version='2.24')
    assert resp.json['conflictingRequest']['message'] == (
        "Cannot 'abort live migration' instance %s while it is in "
        "vm_state stopped" % fakes.SERVER)


# ---- policies and the server -----------------------------------------------

@pytest.mark.parametrize('method, path, body, version, rule', [
    ('GET', MIGRATIONS, None, '2.23', 'index'),
    ('GET', ONE, None, '2.23', 'show'),
    ('POST', FORCE, {'force_complete': None}, '2.22', 'force_complete'),
    ('DELETE', ONE, None, '2.24', 'delete'),
])
def test_each_route_is_admin_only(client, method, path, body, version, rule):
    resp = client.request(path, method=method, body=body, version=version)
    assert resp.status_int == 403
    assert 'os_compute_api:servers:migrations:%s' % rule in (
        resp.json['forbidden']['message'])
    assert client.admin(path, method=method, body=body,
                        version=version).status_int in (200, 202)


@pytest.mark.parametrize('method, path, body, version', [
    ('GET', MIGRATIONS, None, '2.23'),
    ('GET', ONE, None, '2.23'),
    ('POST', FORCE, {'force_complete': None}, '2.22'),
    ('DELETE', ONE, None, '2.24'),
])
def test_unknown_server_is_404(client, method, path, body, version):
    client.compute_api.get.side_effect = exception.InstanceNotFound(
        instance_id=fakes.SERVER)
    resp = client.admin(path, method=method, body=body, version=version)
    assert resp.status_int == 404


def test_policy_target_is_the_servers_project(client):
    client.compute_api.get.return_value = fakes.instance(project_id='other')
    with mock.patch('nova_lite.policy.authorize') as authorize:
        authorize.return_value = True
        client.admin(MIGRATIONS, version='2.23')
    targets = [call.args[2] for call in authorize.call_args_list
               if 'servers:migrations' in call.args[1]]
    assert targets == [{'project_id': 'other'}]


# ---- os-migrations: migration types and links ------------------------------

@pytest.fixture
def listed(client):
    client.compute_api.get_migrations.return_value = [
        migration(id=4, status='running'),
        migration(id=3, status='completed'),
        migration(id=2, status='migrating', migration_type='migration'),
        migration(id=1, status='done', migration_type='evacuation'),
    ]
    return client


def test_os_migrations_before_2_23_has_no_type_and_no_links(listed):
    resp = listed.admin(OS_MIGRATIONS, version='2.22')
    assert resp.status_int == 200
    sample_keys = sorted(_sample('os-migrations/migrations-get.json')[
        'migrations'][0])
    for shown in resp.json['migrations']:
        assert sorted(shown) == sample_keys


@pytest.mark.parametrize('version, sample', [
    ('2.23', 'os-migrations/v2.23/migrations-get.json'),
    ('2.59', 'os-migrations/v2.59/migrations-get.json'),
    ('2.80', 'os-migrations/v2.80/migrations-get.json'),
])
def test_os_migrations_links_only_an_in_progress_live_migration(
        listed, version, sample):
    resp = listed.admin(OS_MIGRATIONS, version=version)
    assert resp.status_int == 200
    shown = {m['id']: m for m in resp.json['migrations']}
    assert [shown[i]['migration_type'] for i in (4, 3, 2, 1)] == [
        'live-migration', 'live-migration', 'migration', 'evacuation']
    expected = _sample(sample)['migrations']
    with_links = next(m for m in expected if 'links' in m)
    without = next(m for m in expected if 'links' not in m)
    assert sorted(shown[4]) == sorted(with_links)
    for other in (3, 2, 1):
        assert sorted(shown[other]) == sorted(without)
    assert shown[4]['links'] == [
        {'rel': 'self',
         'href': 'http://localhost/v2.1/servers/%s/migrations/4'
                 % fakes.SERVER},
        {'rel': 'bookmark',
         'href': 'http://localhost/servers/%s/migrations/4' % fakes.SERVER},
    ]


def test_os_migrations_links_keep_the_project_in_the_url(listed):
    path = '/v2.1/%s/os-migrations' % fakes.PROJECT
    resp = listed.admin(path, version='2.23')
    links = resp.json['migrations'][0]['links']
    assert links[0]['href'] == (
        'http://localhost/v2.1/%s/servers/%s/migrations/4'
        % (fakes.PROJECT, fakes.SERVER))


@pytest.mark.parametrize('version', ['2.1', '2.23', '2.80'])
def test_os_migrations_filter_by_type(listed, version):
    listed.admin(OS_MIGRATIONS + '?migration_type=live-migration',
                 version=version)
    filters = listed.compute_api.get_migrations.call_args.args[1]
    assert filters['migration_type'] == 'live-migration'

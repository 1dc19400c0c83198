"""Server diagnostics, createBackup, os-server-external-events and
os-instance_usage_audit_log through the whole app, with the compute API
mocked: shapes per microversion, policies, and refusals in Nova's words."""

import datetime
import types
from unittest import mock

import pytest

from nova_lite.compute import external_events
from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite.policies import server_external_events as see_policies
from nova_lite.states import power_state
from tests.unit.api import fakes

DIAGNOSTICS = '/v2.1/servers/%s/diagnostics' % fakes.SERVER
ACTION = '/v2.1/servers/%s/action' % fakes.SERVER
EVENTS = '/v2.1/os-server-external-events'
AUDIT = '/v2.1/os-instance_usage_audit_log'
IMAGE_ID = '3e3b3c1e-0c0b-4c55-a1c3-0c5b7a5c0f11'
OTHER = 'a7c1b6a2-3c57-4a8e-9d55-2b9cb1b36e20'
NO_HOST = '5d6a5a0c-7a34-4c3f-8a8e-3c1b4b2d9e11'

STANDARD = {
    'state': 'running', 'driver': 'libvirt', 'hypervisor': 'fake',
    'hypervisor_os': 'fake-os', 'uptime': 5, 'config_drive': False,
    'num_cpus': 1, 'num_nics': 1, 'num_disks': 1,
    'memory_details': {'maximum': 512, 'used': 256},
    'cpu_details': [{'id': 0, 'time': 100, 'utilisation': None}],
    'nic_details': [{'mac_address': 'fa:16:3e:00:00:01', 'rx_octets': 1,
                     'rx_errors': 0, 'rx_drop': 0, 'rx_packets': 1,
                     'rx_rate': None, 'tx_octets': 2, 'tx_errors': 0,
                     'tx_drop': 0, 'tx_packets': 1, 'tx_rate': None}],
    'disk_details': [{'read_bytes': 4096, 'read_requests': 1,
                      'write_bytes': 0, 'write_requests': 0,
                      'errors_count': -1}],
}
LEGACY = {'cpu0_time': 100, 'memory': 524288, 'vda_read': 4096}


@pytest.fixture
def client():
    client = fakes.Client()
    client.compute_api.get.return_value = fakes.instance()
    client.compute_api.get_diagnostics.return_value = LEGACY
    client.compute_api.get_instance_diagnostics.return_value = STANDARD
    client.compute_api.backup.return_value = {'id': IMAGE_ID,
                                              'status': 'queued'}
    return client


# ---- diagnostics -----------------------------------------------------------

@pytest.mark.parametrize('version, body, method', [
    ('2.1', LEGACY, 'get_diagnostics'),
    ('2.47', LEGACY, 'get_diagnostics'),
    ('2.48', STANDARD, 'get_instance_diagnostics'),
    ('2.100', STANDARD, 'get_instance_diagnostics'),
])
def test_diagnostics_shape_per_version(client, version, body, method):
    resp = client.admin(DIAGNOSTICS, version=version)
    assert resp.status_int == 200
    assert resp.json == body
    getattr(client.compute_api, method).assert_called_once_with(
        mock.ANY, client.compute_api.get.return_value)


def test_diagnostics_are_admin_only_by_default(client):
    resp = client.request(DIAGNOSTICS, version='2.48')
    assert resp.status_int == 403
    assert 'forbidden' in resp.json
    client.compute_api.get_instance_diagnostics.assert_not_called()


@pytest.mark.parametrize('error, code', [
    (exception.InstanceInvalidState(attr='power state', state='shutdown',
                                    instance_uuid=fakes.SERVER,
                                    method='get_diagnostics'), 409),
    (exception.InstanceNotReady(instance_id=fakes.SERVER), 409),
    (exception.InstanceNotFoundOnHypervisor(instance_id=fakes.SERVER), 409),
    (NotImplementedError(), 501),
])
def test_diagnostics_refusals(client, error, code):
    client.compute_api.get_instance_diagnostics.side_effect = error
    resp = client.admin(DIAGNOSTICS, version='2.48')
    assert resp.status_int == code
    fault = list(resp.json.values())[0]
    assert fault['code'] == code


def test_diagnostics_invalid_state_in_novas_words(client):
    client.compute_api.get_diagnostics.side_effect = (
        exception.InstanceInvalidState(attr='power state', state='shutdown',
                                       instance_uuid=fakes.SERVER,
                                       method='get_diagnostics'))
    resp = client.admin(DIAGNOSTICS)
    assert resp.json['conflictingRequest']['message'] == (
        "Cannot 'get_diagnostics' instance %s while it is in power state "
        "shutdown" % fakes.SERVER)


def test_diagnostics_of_unknown_server_is_404(client):
    client.compute_api.get.side_effect = exception.InstanceNotFound(
        instance_id=fakes.SERVER)
    assert client.admin(DIAGNOSTICS).status_int == 404


# ---- createBackup ----------------------------------------------------------

def _backup(client, version, admin=False, **entity):
    body = {'createBackup': dict({'name': ' nightly ', 'backup_type': 'daily',
                                  'rotation': 2}, **entity)}
    call = client.admin if admin else client.request
    return call(ACTION, method='POST', body=body, version=version)


def test_backup_before_2_45_is_a_location(client):
    resp = _backup(client, '2.44', name='nightly', metadata={'k': 'v'})
    assert resp.status_int == 202
    assert resp.body == b''
    assert resp.headers['Location'].endswith('/v2.1/images/%s' % IMAGE_ID)
    client.compute_api.backup.assert_called_once_with(
        mock.ANY, client.compute_api.get.return_value, 'nightly', 'daily',
        2, {'k': 'v'})


def test_backup_with_rotation_0_before_2_45_has_no_location(client):
    resp = _backup(client, '2.44', name='nightly', rotation='0')
    assert resp.status_int == 202
    assert 'Location' not in resp.headers
    assert client.compute_api.backup.call_args.args[4] == 0


def test_backup_from_2_45_is_a_body(client):
    resp = _backup(client, '2.45', name='nightly')
    assert resp.status_int == 202
    assert resp.json == {'image_id': IMAGE_ID}
    assert 'Location' not in resp.headers


@pytest.mark.parametrize('entity', [
    {'rotation': -1}, {'rotation': 'x'}, {'rotation': None},
    {'name': ''}, {'backup_type': 1}, {'extra': 1},
    {'metadata': {'k': 1}},
])
def test_backup_bad_bodies_are_400(client, entity):
    resp = _backup(client, '2.45', **dict({'name': 'b'}, **entity))
    assert resp.status_int == 400
    assert resp.json['badRequest']['code'] == 400
    client.compute_api.backup.assert_not_called()


@pytest.mark.parametrize('missing', ['name', 'backup_type', 'rotation'])
def test_backup_missing_keys_are_400(client, missing):
    entity = {'name': 'b', 'backup_type': 'daily', 'rotation': 1}
    del entity[missing]
    resp = client.request(ACTION, method='POST',
                          body={'createBackup': entity})
    assert resp.status_int == 400


def test_backup_metadata_quota_only_before_2_39(client, flags):
    flags(metadata_items=1, group='quota')
    client.compute_api.check_image_metadata_quota.side_effect = (
        exception.MetadataLimitExceeded(allowed=1))
    metadata = {'a': '1', 'b': '2'}
    assert _backup(client, '2.38', name='b',
                   metadata=metadata).status_int == 403
    assert _backup(client, '2.39', name='b',
                   metadata=metadata).status_int == 202


def test_backup_in_a_wrong_state_is_409(client):
    client.compute_api.backup.side_effect = exception.InstanceInvalidState(
        attr='task_state', state='image_backup', instance_uuid=fakes.SERVER,
        method='backup')
    resp = _backup(client, '2.45', name='b')
    assert resp.status_int == 409
    assert "Cannot 'createBackup' instance" in (
        resp.json['conflictingRequest']['message'])


def test_backup_of_another_projects_server_is_403(client):
    client.compute_api.get.return_value = fakes.instance(
        project_id='someone-else')
    assert _backup(client, '2.45', name='b').status_int == 403


# ---- os-server-external-events ---------------------------------------------

def _instances(*pairs):
    return [types.SimpleNamespace(uuid=uuid, host=host)
            for uuid, host in pairs]


@pytest.fixture
def known():
    with mock.patch('nova_lite.objects.InstanceList.get_by_filters',
                    return_value=_instances((fakes.SERVER, 'compute1'),
                                            (NO_HOST, None))) as get:
        yield get


def _events(client, events, version=None, admin=True):
    call = client.admin if admin else client.request
    return call(EVENTS, method='POST', body={'events': events},
                version=version)


def test_events_all_accepted_is_200(client, known):
    resp = _events(client, [{'name': 'network-changed',
                             'server_uuid': fakes.SERVER, 'tag': 'port1'}])
    assert resp.status_int == 200
    assert resp.json == {'events': [{
        'name': 'network-changed', 'server_uuid': fakes.SERVER,
        'tag': 'port1', 'status': 'completed', 'code': 200}]}
    instances, events = client.compute_api.external_instance_event.call_args\
        .args[1:]
    assert [i.uuid for i in instances] == [fakes.SERVER]
    assert events == [external_events.make_event(
        fakes.SERVER, 'network-changed', 'completed', 'port1')]


def test_events_mixed_is_207_with_a_code_each(client, known):
    resp = _events(client, [
        {'name': 'network-vif-plugged', 'server_uuid': fakes.SERVER,
         'status': 'failed'},
        {'name': 'network-changed', 'server_uuid': OTHER},
        {'name': 'network-changed', 'server_uuid': NO_HOST},
        {'name': 'volume-extended', 'server_uuid': fakes.SERVER},
    ], version='2.51')
    assert resp.status_int == 207
    assert [(e['code'], e['status']) for e in resp.json['events']] == [
        (200, 'completed'), (404, 'failed'), (422, 'failed'),
        (400, 'failed')]
    events = client.compute_api.external_instance_event.call_args.args[2]
    assert [e['name'] for e in events] == ['network-vif-plugged']


def test_events_none_accepted_is_207_and_nothing_sent(client, known):
    resp = _events(client, [{'name': 'network-changed',
                             'server_uuid': OTHER}])
    assert resp.status_int == 207
    assert resp.json['events'][0]['code'] == 404
    client.compute_api.external_instance_event.assert_not_called()


@pytest.mark.parametrize('name, first', [
    ('volume-extended', '2.51'), ('power-update', '2.76'),
    ('accelerator-request-bound', '2.82'), ('volume-reimaged', '2.93'),
])
def test_event_names_per_microversion(client, known, name, first):
    major, minor = first.split('.')
    before = '%s.%d' % (major, int(minor) - 1)
    event = {'name': name, 'server_uuid': fakes.SERVER, 'tag': 'x'}
    assert _events(client, [event], version=before).status_int == 400
    assert _events(client, [event], version=first).status_int == 200


@pytest.mark.parametrize('events', [
    [], [{'name': 'network-changed'}],
    [{'name': 'nope', 'server_uuid': fakes.SERVER}],
    [{'name': 'network-changed', 'server_uuid': 'not-a-uuid'}],
    [{'name': 'network-changed', 'server_uuid': fakes.SERVER,
      'status': 'done'}],
    [{'name': 'network-changed', 'server_uuid': fakes.SERVER,
      'tag': 'x' * 256}],
    [{'name': 'network-changed', 'server_uuid': fakes.SERVER, 'x': 1}],
])
def test_bad_events_are_400(client, known, events):
    resp = _events(client, events)
    assert resp.status_int == 400
    assert resp.json['badRequest']['code'] == 400


def test_events_need_an_admin_or_a_service(client, known):
    event = [{'name': 'network-changed', 'server_uuid': fakes.SERVER}]
    assert _events(client, event, admin=False).status_int == 403
    assert _events(client, event).status_int == 200
    # NOTE: noauth hands out no service role; a Keystone token would.
    service = nova_context.RequestContext(user_id='neutron',
                                          project_id='service',
                                          roles=['service'])
    assert service.can(see_policies.POLICY_ROOT % 'create', target={})


# ---- os-instance_usage_audit_log -------------------------------------------

def _task_log(host, state='DONE', items=2, errors=0):
    return types.SimpleNamespace(host=host, state=state, task_items=items,
                                 errors=errors,
                                 message='Instance usage audit ran for host '
                                         '%s, %d instances in 0.01 seconds.'
                                 % (host, items))


@pytest.fixture
def audit_logs(flags):
    flags(instance_usage_audit_period='month')
    services = [types.SimpleNamespace(host=h) for h in ('c1', 'c2', 'c3')]
    with mock.patch('nova_lite.objects.TaskLogList.get_all',
                    return_value=[_task_log('c1'),
                                  _task_log('c2', 'RUNNING', 1, 1)]) as get, \
            mock.patch('nova_lite.objects.ServiceList.get_all',
                       return_value=services):
        yield get


def test_audit_log_index(client, audit_logs):
    resp = client.admin(AUDIT)
    assert resp.status_int == 200
    log = resp.json['instance_usage_audit_logs']
    assert log['num_hosts'] == 3
    assert log['num_hosts_done'] == 1
    assert log['num_hosts_running'] == 1
    assert log['num_hosts_not_run'] == 1
    assert log['hosts_not_run'] == ['c3']
    assert log['total_instances'] == 3
    assert log['total_errors'] == 1
    assert log['overall_status'] == '1 of 3 hosts done. 1 errors.'
    assert log['log']['c2'] == {
        'state': 'RUNNING', 'instances': 1, 'errors': 1,
        'message': 'Instance usage audit ran for host c2, 1 instances in '
                   '0.01 seconds.'}


@pytest.mark.parametrize('before, begin, end', [
    ('2012-07-05 10:00:00', '2012-06-01 00:00:00', '2012-07-01 00:00:00'),
    ('2012-07-05 10:00:00.5', '2012-06-01 00:00:00', '2012-07-01 00:00:00'),
    ('2012-07-01 00:00:00', '2012-05-01 00:00:00', '2012-06-01 00:00:00'),
])
def test_audit_log_show_before(client, audit_logs, before, begin, end):
    resp = client.admin(AUDIT + '/' + before.replace(' ', '%20'))
    assert resp.status_int == 200
    log = resp.json['instance_usage_audit_log']
    assert (log['period_beginning'], log['period_ending']) == (begin, end)
    args = audit_logs.call_args.args
    assert args[1:] == ('instance_usage_audit',
                        datetime.datetime.fromisoformat(begin),
                        datetime.datetime.fromisoformat(end))


def test_audit_log_show_bad_timestamp_is_400(client, audit_logs):
    resp = client.admin(AUDIT + '/yesterday')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'Invalid timestamp for date yesterday')


@pytest.mark.parametrize('path', [AUDIT, AUDIT + '/2012-07-05%2010:00:00'])
def test_audit_log_is_admin_only(client, audit_logs, path):
    assert client.request(path).status_int == 403


def test_power_state_names_are_the_schema_enum():
    from nova_lite.api.openstack.compute.schemas import server_diagnostics
    enum = server_diagnostics.index_response_v248['properties']['state'][
        'enum']
    assert sorted(enum) == sorted(power_state.STATE_MAP.values())

"""Server diagnostics, createBackup (with rotation), os-server-external-
events and os-instance_usage_audit_log over HTTP against nova-lite-all
(fake driver, its image service), as tempest and the clients use them:
happy paths, 4xx in Nova's format, policies and microversion boundaries.

NOTE: API logic, so the shared ``aio_cloud``; the usage audit needs its
periodic task switched on, so it gets a cloud of its own (hourly periods,
a periodic run every second).
"""

import datetime
import os

import pytest
import requests

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures.pytest_support import use_fixture

TIMEOUT = 60
MISSING = '9f1c6b8e-1d8e-4b8a-bb7e-0a5c4f0e2d11'


def _at(client, version):
    """``client`` speaking microversion ``version``."""
    return client_mod.ApiClient(client.endpoint, token=client.token,
                                project=client.project,
                                microversion=version)


def _fault(response, key, code):
    body = response.json()
    assert list(body) == [key], body
    assert body[key]['code'] == code
    return body[key]['message']


@pytest.fixture(scope='module')
def server(aio_cloud):
    """An ACTIVE server of the demo project, shared by the module."""
    client = aio_cloud.client
    server_id = client.create_server('gaps-b')['server']['id']
    client.wait_for_status(server_id, 'ACTIVE', timeout=TIMEOUT)
    yield server_id
    client.delete_server(server_id, expected=(204, 404))
    client.wait_for_deleted(server_id, timeout=TIMEOUT)


def _events_of(aio_cloud, server_id, action):
    # NOTE: an action's events are an admin's to read before 2.51.
    return [(e['event'], e['result']) for e in
            client_mod.finished_action_events(
                aio_cloud.client, server_id, action,
                reader=aio_cloud.admin, timeout=TIMEOUT)]


# ---- diagnostics -----------------------------------------------------------

def test_diagnostics_standard_shape_from_2_48(aio_cloud, server):
    body = _at(aio_cloud.admin, '2.48').get(
        '/servers/%s/diagnostics' % server, expected=200).json()
    assert (body['state'], body['driver'], body['num_cpus'],
            body['num_disks']) == ('running', 'libvirt', 1, 1)
    assert body['memory_details']['maximum'] > 0
    assert len(body['cpu_details']) == body['num_cpus']
    assert len(body['nic_details']) == body['num_nics']
    assert body['disk_details'][0]['read_bytes'] > 0
    assert body['uptime'] >= 0


def test_diagnostics_flat_shape_before_2_48(aio_cloud, server):
    body = _at(aio_cloud.admin, '2.47').get(
        '/servers/%s/diagnostics' % server, expected=200).json()
    assert 'state' not in body
    assert body['cpu0_time'] > 0
    assert body['memory'] > 0
    assert 'vda_read' in body


def test_diagnostics_are_admin_only(aio_cloud, server):
    response = aio_cloud.client.get('/servers/%s/diagnostics' % server,
                                    expected=403)
    _fault(response, 'forbidden', 403)


def test_diagnostics_of_an_unknown_server_is_404(aio_cloud):
    response = aio_cloud.admin.get('/servers/%s/diagnostics' % MISSING,
                                   expected=404)
    _fault(response, 'itemNotFound', 404)


def test_diagnostics_of_a_stopped_server_is_409(aio_cloud):
    client = aio_cloud.client
    with client_mod.active_server(client, 'gaps-b-stopped') as server_id:
        client_mod.act(client, server_id, {'os-stop': None})
        client_mod.wait_settled(client, server_id, 'SHUTOFF', TIMEOUT)
        for version in ('2.47', '2.48'):
            response = _at(aio_cloud.admin, version).get(
                '/servers/%s/diagnostics' % server_id, expected=409)
            assert 'power state shutdown' in _fault(
                response, 'conflictingRequest', 409)


# ---- createBackup ----------------------------------------------------------

def _image_service(aio_cloud, path, **params):
    response = requests.get(aio_cloud.image_endpoint + path, params=params,
                            headers={'X-Auth-Token': 'demo:demo'},
                            timeout=TIMEOUT)
    response.raise_for_status()
    return response.json()


def _backups(aio_cloud, server_id, backup_type):
    return _image_service(aio_cloud, '/v2/images', image_type='backup',
                          instance_uuid=server_id,
                          backup_type=backup_type)['images']


def _backup(client, server_id, name, rotation, backup_type='daily',
            version='2.45', expected=202, **extra):
    body = {'createBackup': dict(name=name, backup_type=backup_type,
                                 rotation=rotation, **extra)}
    return client_mod.act(_at(client, version), server_id, body,
                          expected=expected)


def test_backups_rotate(aio_cloud, server):
    client = aio_cloud.client
    made = []
    for i in range(3):
        image_id = _backup(client, server, 'nightly-%d' % i, 2,
                           metadata={'run': str(i)}).json()['image_id']
        made.append(image_id)
        client_mod.wait_settled(client, server, 'ACTIVE', TIMEOUT)
    image = _image_service(aio_cloud, '/v2/images/%s' % made[-1])
    assert (image['status'], image['image_type'], image['backup_type'],
            image['instance_uuid'], image['run']) == (
        'active', 'backup', 'daily', server, '2')
    # NOTE: rotation 2: the oldest of the three goes, once the last
    # backup is uploaded (the server is idle by then, as in Nova).
    client_mod.wait_for(
        lambda: sorted(i['id'] for i in _backups(aio_cloud, server,
                                                 'daily')) ==
        sorted(made[1:]), TIMEOUT, message='the rotation of the backups')
    assert _events_of(aio_cloud, server, 'createBackup') == [
        ('compute_backup_instance', 'Success')]
    # NOTE: another type rotates on its own; rotation 0 keeps none.
    weekly = _backup(client, server, 'weekly', 0,
                     backup_type='weekly').json()['image_id']
    client_mod.wait_settled(client, server, 'ACTIVE', TIMEOUT)
    client_mod.wait_for(
        lambda: not _backups(aio_cloud, server, 'weekly'), TIMEOUT,
        message='the rotation of weekly backup %s' % weekly)
    assert len(_backups(aio_cloud, server, 'daily')) == 2
    for image_id in made[1:]:
        requests.delete(aio_cloud.image_endpoint + '/v2/images/' + image_id,
                        headers={'X-Auth-Token': 'demo:demo'},
                        timeout=TIMEOUT)


def test_backup_before_2_45_answers_a_location(aio_cloud, server):
    client = aio_cloud.client
    response = _backup(client, server, 'located', 1, version='2.44',
                       backup_type='located')
    assert response.text == ''
    image_id = response.headers['Location'].rsplit('/', 1)[1]
    assert response.headers['Location'].endswith('/images/%s' % image_id)
    client_mod.wait_settled(client, server, 'ACTIVE', TIMEOUT)
    assert [i['id'] for i in _backups(aio_cloud, server, 'located')] == [
        image_id]
    requests.delete(aio_cloud.image_endpoint + '/v2/images/' + image_id,
                    headers={'X-Auth-Token': 'demo:demo'}, timeout=TIMEOUT)


@pytest.mark.parametrize('entity', [
    {'name': 'b', 'backup_type': 'daily', 'rotation': -1},
    {'name': 'b', 'backup_type': 'daily'},
    {'name': 'b', 'rotation': 1},
    {'backup_type': 'daily', 'rotation': 1},
    {'name': 'b', 'backup_type': 'daily', 'rotation': 1, 'x': 1},
])
def test_bad_backups_are_400(aio_cloud, server, entity):
    response = client_mod.act(aio_cloud.client, server,
                              {'createBackup': entity}, expected=400)
    _fault(response, 'badRequest', 400)


def test_backup_of_another_projects_server_is_404(aio_cloud, server):
    other = aio_cloud.client.as_user('bob', 'project-b')
    response = _backup(other, server, 'b', 1, expected=404)
    _fault(response, 'itemNotFound', 404)


def test_backup_of_a_busy_server_is_409(aio_cloud):
    client = aio_cloud.client
    with client_mod.active_server(client, 'gaps-b-busy') as server_id:
        client_mod.act(client, server_id, {'os-stop': None})
        response = _backup(client, server_id, 'b', 1, expected=(202, 409))
        if response.status_code == 409:
            assert "Cannot 'createBackup' instance" in _fault(
                response, 'conflictingRequest', 409)
        client_mod.wait_settled(client, server_id, 'SHUTOFF', TIMEOUT)


# ---- os-server-external-events ---------------------------------------------

def _send_events(client, events, version=None, expected=(200, 207)):
    if version is not None:
        client = _at(client, version)
    return client.post('/os-server-external-events',
                       json={'events': events}, expected=expected)


def test_events_accepted_mixed_and_unknown(aio_cloud, server):
    admin = aio_cloud.admin
    response = _send_events(admin, [
        {'name': 'network-changed', 'server_uuid': server}], expected=200)
    assert response.json() == {'events': [{
        'name': 'network-changed', 'server_uuid': server,
        'status': 'completed', 'code': 200}]}
    response = _send_events(admin, [
        {'name': 'network-vif-plugged', 'server_uuid': server,
         'tag': 'port-1', 'status': 'in-progress'},
        {'name': 'network-changed', 'server_uuid': MISSING}], expected=207)
    assert [(e['code'], e['status'], e.get('tag'))
            for e in response.json()['events']] == [
        (200, 'completed', 'port-1'), (404, 'failed', None)]
    response = _send_events(admin, [
        {'name': 'network-changed', 'server_uuid': MISSING}], expected=207)
    assert response.json()['events'][0]['code'] == 404


def test_event_names_follow_the_microversion(aio_cloud, server):
    admin = aio_cloud.admin
    event = {'name': 'volume-extended', 'server_uuid': server}
    _fault(_send_events(admin, [dict(event, tag='vol-1')], '2.50',
                        expected=400), 'badRequest', 400)
    assert _send_events(admin, [dict(event, tag='vol-1')], '2.51',
                        expected=200).json()['events'][0]['code'] == 200
    # NOTE: a volume-extended without its volume fails on its own.
    assert _send_events(admin, [event], '2.51', expected=207).json()[
        'events'][0]['code'] == 400
    for name, first in (('power-update', '2.76'),
                        ('accelerator-request-bound', '2.82'),
                        ('volume-reimaged', '2.93')):
        major, minor = first.split('.')
        before = '%s.%d' % (major, int(minor) - 1)
        later = dict(event, name=name, tag='x')
        _fault(_send_events(admin, [later], before, expected=400),
               'badRequest', 400)
        assert _send_events(admin, [later], first, expected=200)


def test_events_are_for_admins_and_services(aio_cloud, server):
    response = _send_events(aio_cloud.client, [
        {'name': 'network-changed', 'server_uuid': server}], expected=403)
    _fault(response, 'forbidden', 403)


@pytest.mark.parametrize('body', [
    {'events': []}, {}, {'events': [{'name': 'network-changed'}]},
    {'events': [{'name': 'network-changed', 'server_uuid': 'x'}]},
])
def test_bad_event_bodies_are_400(aio_cloud, body):
    response = aio_cloud.admin.post('/os-server-external-events', json=body,
                                    expected=400)
    _fault(response, 'badRequest', 400)


def test_power_update_records_a_stop(aio_cloud):
    client = aio_cloud.client
    with client_mod.active_server(client, 'gaps-b-power') as server_id:
        _send_events(aio_cloud.admin, [
            {'name': 'power-update', 'server_uuid': server_id,
             'tag': 'POWER_OFF'}], '2.76', expected=200)
        shown = client_mod.wait_settled(client, server_id, 'SHUTOFF',
                                        TIMEOUT)
        assert shown['OS-EXT-STS:power_state'] == 4
        assert _events_of(aio_cloud, server_id, 'stop') == [
            ('compute_power_update', 'Success')]


# ---- os-instance_usage_audit_log -------------------------------------------

def test_audit_log_without_audits(aio_cloud):
    body = aio_cloud.admin.get('/os-instance_usage_audit_log',
                               expected=200).json()
    log = body['instance_usage_audit_logs']
    assert log['num_hosts'] >= 1
    assert log['num_hosts_done'] == 0
    assert log['log'] == {}
    assert log['overall_status'] == '0 of %d hosts done. 0 errors.' % (
        log['num_hosts'])
    # NOTE: monthly periods (Nova's default): the last completed month.
    begin = datetime.datetime.strptime(log['period_beginning'],
                                       '%Y-%m-%d %H:%M:%S')
    assert begin.day == 1 and begin.hour == 0


def test_audit_log_before_a_time(aio_cloud):
    body = aio_cloud.admin.get(
        '/os-instance_usage_audit_log/2012-07-05 10:00:00',
        expected=200).json()['instance_usage_audit_log']
    assert (body['period_beginning'], body['period_ending']) == (
        '2012-06-01 00:00:00', '2012-07-01 00:00:00')
    response = aio_cloud.admin.get('/os-instance_usage_audit_log/tuesday',
                                   expected=400)
    assert _fault(response, 'badRequest', 400) == (
        'Invalid timestamp for date tuesday')


def test_audit_log_is_admin_only(aio_cloud):
    for path in ('/os-instance_usage_audit_log',
                 '/os-instance_usage_audit_log/2012-07-05 10:00:00'):
        _fault(aio_cloud.client.get(path, expected=403), 'forbidden', 403)


@pytest.fixture(scope='module')
def audit_cloud(base_tmp):
    with use_fixture(cloud_mod.AllInOneCloud(
            os.path.join(str(base_tmp), 'gaps-b-audit'),
            conf={'DEFAULT': {'instance_usage_audit': True,
                              'instance_usage_audit_period': 'hour',
                              'periodic_interval': 1}})) as cloud:
        yield cloud


def test_the_periodic_audit_fills_the_log(audit_cloud):
    def done():
        log = audit_cloud.admin.get('/os-instance_usage_audit_log',
                                    expected=200).json()[
            'instance_usage_audit_logs']
        return log if log['num_hosts_done'] else None
    log = client_mod.wait_for(done, TIMEOUT, interval=0.5,
                              message='the usage audit of host aio')
    assert log['overall_status'] == 'ALL hosts done. 0 errors.'
    assert log['log']['aio']['state'] == 'DONE'
    assert log['log']['aio']['message'].startswith(
        'Instance usage audit ran for host aio, 0 instances in ')
    begin = datetime.datetime.strptime(log['period_beginning'],
                                       '%Y-%m-%d %H:%M:%S')
    end = datetime.datetime.strptime(log['period_ending'],
                                     '%Y-%m-%d %H:%M:%S')
    assert end - begin == datetime.timedelta(hours=1)

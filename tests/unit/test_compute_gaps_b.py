"""The compute side of server diagnostics, createBackup, external events
and the instance usage audit: the compute API's checks and casts, the
host's handling (fake driver), backup rotation, audit periods and task
logs in a real (sqlite) database."""

import datetime
import types
from unittest import mock

import pytest

from nova_lite.compute import backup
from nova_lite.compute import diagnostics
from nova_lite.compute import external_events
from nova_lite.compute import usage_audit
from nova_lite import exception
from nova_lite import objects
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite.states import vm_states
from nova_lite.virt import fake
from tests.unit import compute_fixtures
from tests.unit.virt.helpers import make_instance

UUID = '00000000-0000-0000-0000-0000000000ab'
DT = datetime.datetime


# ---- compute API -----------------------------------------------------------

@pytest.fixture
def api():
    api = compute_fixtures.make_api()
    api.image_api = mock.Mock()
    api.image_api.create.return_value = {'id': 'image-1',
                                         'status': 'queued'}
    return api


def _stub(**kw):
    values = dict(uuid=UUID, vm_state=vm_states.ACTIVE, task_state=None,
                  host='h1', locked=False, image_ref='base',
                  system_metadata={'image_disk_format': 'qcow2'})
    values.update(kw)
    return mock.Mock(**values)


def test_backup_makes_a_backup_image_claims_and_casts(api, ctxt):
    instance = _stub()
    with mock.patch.object(api, '_start_task') as start_task:
        image = api.backup(ctxt, instance, 'nightly', 'daily', 3,
                           {'k': 'v'})
    assert image['id'] == 'image-1'
    body = api.image_api.create.call_args.args[1]
    assert (body['name'], body['image_type'], body['backup_type'],
            body['instance_uuid'], body['k']) == (
        'nightly', 'backup', 'daily', UUID, 'v')
    assert start_task.call_args.args[2:5] == (
        task_states.IMAGE_BACKUP, [None], 'createBackup')
    api.compute_rpcapi.backup_instance.assert_called_once_with(
        ctxt, instance=instance, host='h1', image_id='image-1',
        backup_type='daily', rotation=3)


@pytest.mark.parametrize('vm_state, allowed', [
    (vm_states.ACTIVE, True), (vm_states.STOPPED, True),
    (vm_states.PAUSED, True), (vm_states.SUSPENDED, True),
    (vm_states.SHELVED_OFFLOADED, False), (vm_states.BUILDING, False),
    (vm_states.ERROR, False), (vm_states.RESCUED, False),
])
def test_backup_state_table(api, ctxt, vm_state, allowed):
    instance = _stub(vm_state=vm_state)
    with mock.patch.object(api, '_start_task'):
        if allowed:
            api.backup(ctxt, instance, 'b', 'daily', 1)
        else:
            with pytest.raises(exception.InstanceInvalidState):
                api.backup(ctxt, instance, 'b', 'daily', 1)
            api.image_api.create.assert_not_called()


def test_backup_claim_lost_deletes_its_image(api, ctxt):
    instance = _stub()
    with mock.patch.object(api, '_start_task', side_effect=(
            exception.InstanceInvalidState(attr='task_state',
                                           state='image_snapshot',
                                           instance_uuid=UUID,
                                           method='createBackup'))):
        with pytest.raises(exception.InstanceInvalidState):
            api.backup(ctxt, instance, 'b', 'daily', 1)
    api.image_api.delete.assert_called_once_with(ctxt, 'image-1')
    api.compute_rpcapi.backup_instance.assert_not_called()


@pytest.mark.parametrize('method', ['get_diagnostics',
                                    'get_instance_diagnostics'])
def test_diagnostics_ask_the_host(api, ctxt, method):
    instance = _stub()
    getattr(api.compute_rpcapi, method).return_value = {'x': 1}
    assert getattr(api, method)(ctxt, instance) == {'x': 1}
    getattr(api.compute_rpcapi, method).assert_called_once_with(
        ctxt, instance=instance, host='h1')
    with pytest.raises(exception.InstanceNotReady):
        getattr(api, method)(ctxt, _stub(host=None))


def test_external_events_go_to_each_host_once(api, ctxt):
    a1, a2, b1 = (_stub(uuid='a1', host='ha'), _stub(uuid='a2', host='ha'),
                  _stub(uuid='b1', host='hb'))
    events = [external_events.make_event('a1', 'network-changed'),
              external_events.make_event('b1', 'power-update',
                                         tag='POWER_OFF'),
              external_events.make_event('a2', 'network-vif-plugged'),
              external_events.make_event('a1', 'power-update',
                                         tag='POWER_ON')]
    with mock.patch('nova_lite.objects.InstanceAction') as action:
        api.external_instance_event(ctxt, [a1, a2, b1], events)
    sent = {call.kwargs['host']: call.kwargs for call in
            api.compute_rpcapi.external_instance_event.call_args_list}
    assert sorted(sent) == ['ha', 'hb']
    assert [i.uuid for i in sent['ha']['instances']] == ['a1', 'a2']
    assert [e['instance_uuid'] for e in sent['ha']['events']] == [
        'a1', 'a2', 'a1']
    assert sent['hb']['events'] == [events[1]]
    # NOTE: a power-update is recorded as the stop or start it stands for.
    assert [c.args[1:] for c in action.action_start.call_args_list] == [
        ('b1', 'stop'), ('a1', 'start')]


# ---- the host: diagnostics with the fake driver ---------------------------

@pytest.fixture
def driver():
    return fake.FakeDriver(virtapi=None)


def test_fake_diagnostics_of_a_running_guest(driver):
    vif = {'id': 'port-1', 'address': 'fa:16:3e:11:22:33'}
    instance = make_instance(network_info=[vif], config_drive='',
                             flavor=types.SimpleNamespace(
                                 memory_mb=256, vcpus=2, root_gb=1,
                                 ephemeral_gb=0, swap=0, extra_specs={}))
    driver.spawn(None, instance, None, [], None, {})
    standard = diagnostics.get_instance_diagnostics(driver, instance)
    assert (standard['state'], standard['num_cpus'], standard['num_nics'],
            standard['num_disks']) == ('running', 2, 1, 1)
    assert standard['memory_details']['maximum'] == 256
    assert standard['nic_details'][0]['mac_address'] == vif['address']
    assert standard['nic_details'][0]['rx_octets'] > 0
    assert [c['id'] for c in standard['cpu_details']] == [0, 1]
    legacy = diagnostics.get_diagnostics(driver, instance)
    assert legacy['memory'] == 256 * 1024
    assert {'cpu0_time', 'cpu1_time', 'vda_read', 'tapport-1_rx'} <= set(
        legacy)


@pytest.mark.parametrize('method', ['get_diagnostics',
                                    'get_instance_diagnostics'])
def test_diagnostics_need_a_running_guest(driver, method):
    instance = make_instance()
    with pytest.raises(exception.InstanceInvalidState) as error:
        getattr(diagnostics, method)(driver, instance)  # no guest at all
    assert error.value.kwargs['state'] == 'pending'
    driver.spawn(None, instance, None, [], None, {})
    driver.power_off(instance)
    with pytest.raises(exception.InstanceInvalidState) as error:
        getattr(diagnostics, method)(driver, instance)
    assert (error.value.kwargs['attr'], error.value.kwargs['state']) == (
        'power state', 'shutdown')


# ---- the host: backup rotation ---------------------------------------------

class _Images:
    """The image service at the edge: list (by filters) and delete."""

    def __init__(self, images):
        self.images = images
        self.deleted = []

    def list(self, context, filters=None):
        self.filters = filters
        return [dict(image) for image in self.images]

    def delete(self, context, image_id):
        self.deleted.append(image_id)


def _backups(count):
    return [{'id': 'b%d' % i, 'created_at': '2026-12-07T10:00:0%dZ' % i}
            for i in range(count)]


@pytest.mark.parametrize('count, rotation, deleted', [
    (3, 1, ['b0', 'b1']),
    (3, 3, []),
    (3, 5, []),
    (2, 0, ['b0', 'b1']),
    (0, 0, []),
])
def test_rotation_deletes_the_oldest_beyond_rotation(count, rotation,
                                                     deleted):
    images = _Images(list(reversed(_backups(count))))
    assert backup.rotate_backups(None, images, UUID, 'daily',
                                 rotation) == deleted
    assert images.deleted == deleted
    assert images.filters == {'image_type': 'backup', 'backup_type': 'daily',
                              'instance_uuid': UUID,
                              'sort_key': 'created_at', 'sort_dir': 'desc'}


def test_rotation_keeps_the_backup_just_made():
    # NOTE: the service lists it second (a tie of created_at).
    images = _Images([{'id': 'b1'}, {'id': 'new'}, {'id': 'b0'}])
    assert backup.rotate_backups(None, images, UUID, 'daily', 1,
                                 newest='new') == ['b0', 'b1']


def test_rotation_goes_on_past_an_image_already_gone():
    images = _Images(list(reversed(_backups(3))))
    calls = []

    def delete(context, image_id):
        calls.append(image_id)
        if image_id == 'b0':
            raise exception.ImageNotFound(image_id=image_id)
    images.delete = delete
    assert backup.rotate_backups(None, images, UUID, 'daily', 1) == ['b1']
    assert calls == ['b0', 'b1']


# ---- the host: external events ---------------------------------------------

class _Instance(types.SimpleNamespace):
    """An instance object stand-in: save checks the expected task state."""

    def save(self, expected_task_state=None):
        self.saved = getattr(self, 'saved', 0) + 1
        if (expected_task_state is not None and
                self.task_state not in expected_task_state):
            raise exception.UnexpectedTaskStateError(
                instance_uuid=self.uuid, expected=expected_task_state,
                actual=self.task_state)

    def refresh(self):
        pass


@pytest.fixture
def manager():
    return types.SimpleNamespace(host='h1', network_api=mock.Mock())


@pytest.fixture
def reporter():
    with mock.patch('nova_lite.compute.instance_actions.EventReporter') as r:
        yield r


@pytest.mark.parametrize('tag, before, after', [
    ('POWER_OFF', (vm_states.ACTIVE, power_state.RUNNING),
     (vm_states.STOPPED, power_state.SHUTDOWN)),
    ('POWER_ON', (vm_states.STOPPED, power_state.SHUTDOWN),
     (vm_states.ACTIVE, power_state.RUNNING)),
    ('POWER_ON', (vm_states.ACTIVE, power_state.RUNNING),
     (vm_states.ACTIVE, power_state.RUNNING)),
])
def test_power_update_records_the_new_power(manager, reporter, ctxt, tag,
                                            before, after):
    instance = _Instance(uuid=UUID, vm_state=before[0],
                         power_state=before[1], task_state=None)
    external_events.handle_events(manager, ctxt, [instance], [
        external_events.make_event(UUID, 'power-update', tag=tag)])
    assert (instance.vm_state, instance.power_state) == after
    assert reporter.call_args.args[1:] == ('compute_power_update', 'h1',
                                           UUID)


def test_power_update_leaves_a_busy_instance_alone(manager, reporter,
                                                   ctxt):
    instance = _Instance(uuid=UUID, vm_state=vm_states.ACTIVE,
                         power_state=power_state.RUNNING,
                         task_state=task_states.REBOOTING)
    external_events.handle_events(manager, ctxt, [instance], [
        external_events.make_event(UUID, 'power-update', tag='POWER_OFF')])
    assert instance.vm_state == vm_states.ACTIVE
    assert not getattr(instance, 'saved', 0)


def test_network_changed_refreshes_the_cache(manager, ctxt):
    instance = _Instance(uuid=UUID, network_info=[])
    manager.network_api.get_instance_nw_info.return_value = [{'id': 'p1'}]
    external_events.handle_events(manager, ctxt, [instance], [
        external_events.make_event(UUID, 'network-changed', tag='p1'),
        external_events.make_event(UUID, 'network-vif-plugged', tag='p1'),
        external_events.make_event('other', 'network-changed')])
    assert instance.network_info == [{'id': 'p1'}]
    assert instance.saved == 1
    manager.network_api.get_instance_nw_info.assert_called_once_with(
        ctxt, instance)


def test_one_failing_event_does_not_stop_the_others(manager, ctxt):
    first, second = _Instance(uuid='i1'), _Instance(uuid='i2')
    manager.network_api.get_instance_nw_info.side_effect = [
        exception.InstanceNotFound(instance_id='i1'), ['nic']]
    external_events.handle_events(manager, ctxt, [first, second], [
        external_events.make_event('i1', 'network-changed'),
        external_events.make_event('i2', 'network-changed')])
    assert second.network_info == ['nic']


# ---- the instance usage audit ----------------------------------------------

@pytest.mark.parametrize('unit, before, begin, end', [
    ('month', DT(2012, 7, 5, 10), DT(2012, 6, 1), DT(2012, 7, 1)),
    ('month', DT(2012, 7, 1), DT(2012, 5, 1), DT(2012, 6, 1)),
    ('month', DT(2012, 1, 20), DT(2011, 12, 1), DT(2012, 1, 1)),
    ('month', DT(2012, 2, 3), DT(2012, 1, 1), DT(2012, 2, 1)),
    ('month@15', DT(2012, 7, 20), DT(2012, 6, 15), DT(2012, 7, 15)),
    ('month@15', DT(2012, 7, 10), DT(2012, 5, 15), DT(2012, 6, 15)),
    ('day', DT(2012, 7, 5, 10), DT(2012, 7, 4), DT(2012, 7, 5)),
    ('day@18', DT(2012, 7, 5, 10), DT(2012, 7, 3, 18), DT(2012, 7, 4, 18)),
    ('hour', DT(2012, 7, 5, 10, 30), DT(2012, 7, 5, 9), DT(2012, 7, 5, 10)),
    ('hour', DT(2012, 7, 5, 10), DT(2012, 7, 5, 8), DT(2012, 7, 5, 9)),
    ('year', DT(2012, 7, 5), DT(2011, 1, 1), DT(2012, 1, 1)),
    ('year@3', DT(2012, 2, 5), DT(2010, 3, 1), DT(2011, 3, 1)),
])
def test_last_completed_audit_period(unit, before, begin, end):
    assert usage_audit.last_completed_audit_period(unit, before) == (
        begin, end)


def test_unknown_audit_unit_is_refused():
    with pytest.raises(ValueError):
        usage_audit.last_completed_audit_period('week')


def _usage_instance(uuid, host):
    return types.SimpleNamespace(
        uuid=uuid, host=host, project_id='p', user_id='u',
        vm_state=vm_states.ACTIVE, launched_at=DT(2012, 6, 2),
        terminated_at=None, flavor=types.SimpleNamespace(
            name='m1', memory_mb=64, vcpus=1, root_gb=1, ephemeral_gb=0))


def test_audit_writes_one_task_log_per_period_and_host(database, ctxt,
                                                       flags):
    flags(instance_usage_audit_period='month')
    before = DT(2012, 7, 5, 10)
    active = [_usage_instance('i1', 'h1'), _usage_instance('i2', 'h1'),
              _usage_instance('i3', 'h2'),
              types.SimpleNamespace(uuid='bad', host='h1', flavor=None)]
    with mock.patch('nova_lite.objects.InstanceList.'
                    'get_active_by_window_joined',
                    return_value=active) as window:
        log = usage_audit.audit_host(ctxt, 'h1', before=before)
        assert window.call_args.args[1:] == (DT(2012, 6, 1),
                                             DT(2012, 7, 1))
        assert (log.state, log.task_items, log.errors) == ('DONE', 3, 1)
        assert log.message.startswith(
            'Instance usage audit ran for host h1, 3 instances in ')
        # NOTE: the period is done: a second run does nothing.
        assert usage_audit.audit_host(ctxt, 'h1', before=before) is None
        usage_audit.audit_host(ctxt, 'h2', before=before)
    logs = objects.TaskLogList.get_all(ctxt, usage_audit.TASK_NAME,
                                       DT(2012, 6, 1), DT(2012, 7, 1))
    assert [(t.host, t.state, t.task_items, t.errors) for t in logs] == [
        ('h1', 'DONE', 3, 1), ('h2', 'DONE', 1, 0)]
    with mock.patch('nova_lite.objects.ServiceList.get_all',
                    return_value=[types.SimpleNamespace(host=h)
                                  for h in ('h1', 'h2', 'h3')]):
        report = usage_audit.get_audit_log(ctxt, before=before)
    assert report['overall_status'] == '2 of 3 hosts done. 1 errors.'
    assert report['hosts_not_run'] == ['h3']
    assert report['total_instances'] == 4


def test_task_log_begins_once_and_ends_only_when_running(database, ctxt):
    args = dict(task_name='t', host='h1', period_beginning=DT(2012, 6, 1),
                period_ending=DT(2012, 7, 1), task_items=0, errors=0,
                message='started')
    with pytest.raises(exception.TaskNotRunning):
        objects.TaskLog(ctxt, **args).end_task()
    objects.TaskLog(ctxt, **args).begin_task()
    with pytest.raises(exception.TaskAlreadyRunning):
        objects.TaskLog(ctxt, **args).begin_task()
    log = objects.TaskLog.get(ctxt, 't', DT(2012, 6, 1), DT(2012, 7, 1),
                              'h1')
    assert log.state == 'RUNNING'
    log.errors = 2
    log.message = 'done'
    log.end_task()
    assert objects.TaskLog.get(ctxt, 't', DT(2012, 6, 1), DT(2012, 7, 1),
                               'h1', state='DONE').errors == 2

"""A build on one host: the task-state walk and each way it can end.

The fake virt driver stands in for the hypervisor and the conductor's RPC
client is mocked; the database is a real sqlite file.
"""

import datetime
from unittest import mock

import oslo_messaging as messaging
from oslo_utils import timeutils

from nova_lite.compute import build
from nova_lite.compute import manager as compute_manager
from nova_lite import context as nova_context
from nova_lite.db import compute_node_api as node_db
from nova_lite import exception
from nova_lite import objects
from tests.unit import compute_fixtures


manager = compute_fixtures.manager
synchronous_spawn = compute_fixtures.synchronous_spawn


def _instance(ctxt):
    flavor = objects.Flavor(flavorid='1', name='tiny', memory_mb=512,
                            vcpus=1, root_gb=1, ephemeral_gb=0, swap=0,
                            extra_specs={})
    instance = objects.Instance(
        context=ctxt, uuid='00000000-0000-0000-0000-000000000001',
        user_id='u', project_id='p', vm_state='building',
        task_state='scheduling', host='h1', node='h1', flavor=flavor,
        vcpus=1, memory_mb=512, metadata={})
    instance.create()
    objects.InstanceAction.action_start(ctxt, instance.uuid, 'create')
    return instance


def _build(manager, ctxt, instance, host_list=('h1', 'h2')):
    manager._locked_build(compute_manager.build.BuildTask(
        manager, ctxt, instance, image=None, request_spec=None,
        admin_password=None, injected_files=None, requested_networks=None,
        host_list=list(host_list), node='h1'))
    return objects.Instance.get_by_uuid(ctxt, instance.uuid,
                                        expected_attrs=['fault'])


def test_build_walks_task_states_to_active(manager, ctxt):
    instance = _instance(ctxt)
    seen = []
    real_save = objects.Instance.save

    def save(self, *args, **kwargs):
        seen.append((self.task_state, self.progress))
        return real_save(self, *args, **kwargs)

    assert instance.progress == 0
    with mock.patch.object(objects.Instance, 'save', save):
        stored = _build(manager, ctxt, instance)
    # NOTE: the progress a server in BUILD shows advances with each phase.
    assert seen == [('networking', 10), ('block_device_mapping', 30),
                    ('spawning', 50), (None, 100)]
    assert (stored.vm_state, stored.power_state) == ('active', 1)
    assert stored.progress == 100
    assert stored.launched_at is not None
    assert manager.driver.instance_exists(stored)
    events = objects.InstanceActionEventList.get_by_action(
        ctxt, objects.InstanceAction.get_by_request_id(
            ctxt, instance.uuid, ctxt.request_id).id)
    # NOTE: the build's own event and one per phase, each finished.
    assert [(e.event, e.result) for e in events] == [
        ('compute__do_build_and_run_instance', 'Success'),
        ('compute__build_networks_for_instance', 'Success'),
        ('compute__prep_block_device', 'Success'),
        ('compute_spawn', 'Success')]
    for event in events:
        assert event.host == 'h1'
        assert event.start_time <= event.finish_time
    assert events[0].start_time <= events[1].start_time
    assert events[3].finish_time <= events[0].finish_time


def test_spawn_failure_hands_alternates_back(manager, ctxt, flags):
    flags(fail_spawn=True, group='fake_driver')
    instance = _instance(ctxt)
    stored = _build(manager, ctxt, instance, host_list=['h1', 'h2', 'h3'])
    assert (stored.vm_state, stored.task_state, stored.host) == (
        'building', 'scheduling', None)
    assert 're-scheduled' in stored.fault.message
    kwargs = manager.compute_task_api.build_instances.call_args.kwargs
    assert kwargs['host_lists'] == [['h2', 'h3']]
    assert not manager.driver.instance_exists(stored)


def test_build_abort_goes_to_error_without_reschedule(manager, ctxt):
    instance = _instance(ctxt)
    with mock.patch.object(manager.driver, 'spawn', side_effect=(
            exception.BuildAbortException(instance_uuid=instance.uuid,
                                          reason='bad image'))):
        stored = _build(manager, ctxt, instance)
    assert stored.vm_state == 'error'
    assert 'bad image' in stored.fault.message
    manager.compute_task_api.build_instances.assert_not_called()


def test_delete_during_build_wins(manager, ctxt):
    instance = _instance(ctxt)
    real_spawn = manager.driver.spawn

    def spawn_while_deleted(*args, **kwargs):
        real_spawn(*args, **kwargs)
        other = objects.Instance.get_by_uuid(ctxt, instance.uuid)
        other.task_state = 'deleting'
        other.save()

    with mock.patch.object(manager.driver, 'spawn', spawn_while_deleted):
        stored = _build(manager, ctxt, instance)
    assert stored.task_state == 'deleting'
    assert not manager.driver.instance_exists(stored)
    manager.compute_task_api.build_instances.assert_not_called()


def test_init_host_fails_builds_a_restart_interrupted(manager, ctxt):
    instance = _instance(ctxt)
    manager.init_host()
    stored = objects.Instance.get_by_uuid(ctxt, instance.uuid,
                                          expected_attrs=['fault'])
    assert stored.vm_state == 'error'
    assert 'restarted' in stored.fault.message


def test_power_sync_follows_a_guest_that_stopped(manager, ctxt):
    instance = _instance(ctxt)
    stored = _build(manager, ctxt, instance)
    manager.driver.power_off(stored)
    manager._sync_power_states(ctxt)
    synced = objects.Instance.get_by_uuid(ctxt, instance.uuid)
    assert (synced.vm_state, synced.power_state) == ('stopped', 4)


def _events(ctxt, instance):
    action = objects.InstanceAction.get_by_request_id(ctxt, instance.uuid,
                                                      ctxt.request_id)
    return {e.event: e for e in objects.InstanceActionEventList.get_by_action(
        ctxt, action.id)}


def test_failed_spawn_records_the_failed_phase_with_its_traceback(
        manager, ctxt, flags):
    flags(fail_spawn=True, group='fake_driver')
    instance = _instance(ctxt)
    _build(manager, ctxt, instance)
    events = _events(ctxt, instance)
    assert events['compute__build_networks_for_instance'].result == (
        'Success')
    spawn = events['compute_spawn']
    assert spawn.result == 'Error'
    assert spawn.finish_time is not None
    assert 'InstanceDeployFailure' in spawn.traceback
    assert 'told to fail spawns' in spawn.details
    assert events['compute__do_build_and_run_instance'].result == 'Error'


def test_events_that_cannot_be_recorded_do_not_fail_the_build(manager,
                                                              ctxt):
    instance = _instance(ctxt)
    with mock.patch.object(objects.InstanceActionEvent, 'event_start',
                           side_effect=messaging.MessagingTimeout()), \
            mock.patch.object(objects.InstanceActionEvent, 'event_finish',
                              side_effect=messaging.MessagingTimeout()):
        stored = _build(manager, ctxt, instance)
    assert (stored.vm_state, stored.task_state) == ('active', None)


def test_a_failed_failure_path_is_retried_until_recorded(
        manager, ctxt, flags, synchronous_spawn):
    flags(fail_spawn=True, group='fake_driver')
    instance = _instance(ctxt)
    calls = []
    real_build_instances = manager.compute_task_api.build_instances

    def unreachable_twice(*args, **kwargs):
        calls.append(1)
        if len(calls) <= 2:
            raise messaging.MessagingTimeout('conductor gone')
        return real_build_instances(*args, **kwargs)

    manager.compute_task_api.build_instances = mock.Mock(
        side_effect=unreachable_twice)
    with mock.patch('nova_lite.utils.sleep') as sleep:
        stored = _build(manager, ctxt, instance, host_list=['h1', 'h2'])
    assert len(calls) == 3
    assert [c.args[0] for c in sleep.call_args_list] == [1.0, 2.0]
    assert (stored.vm_state, stored.task_state, stored.host) == (
        'building', 'scheduling', None)
    assert not manager.driver.instance_exists(stored)


def _claim(instance, host='h1'):
    node = objects.ComputeNode.update_or_create(None, host, host, {
        'hypervisor_type': 'fake', 'vcpus': 4, 'memory_mb': 4096,
        'local_gb': 10, 'cpu_allocation_ratio': 1.0,
        'ram_allocation_ratio': 1.0, 'disk_allocation_ratio': 1.0})
    assert node_db.allocation_claim(node.id, instance.uuid,
                                    {'VCPU': 1, 'MEMORY_MB': 512})
    return node


def test_build_timeout_fails_old_builds_and_frees_what_they_hold(
        manager, ctxt, flags):
    flags(instance_build_timeout=60)
    old = _instance(ctxt)
    _claim(old)
    old.task_state = 'spawning'
    old.save()
    manager.driver.spawn(ctxt, old, None, [], None, allocations=None)
    later = timeutils.utcnow() + datetime.timedelta(seconds=120)
    with mock.patch.object(timeutils, 'utcnow', return_value=later):
        manager._check_instance_build_time(ctxt)
    stored = objects.Instance.get_by_uuid(ctxt, old.uuid,
                                          expected_attrs=['fault'])
    assert (stored.vm_state, stored.task_state) == ('error', None)
    assert 'timed out after 60 seconds' in stored.fault.message
    assert not manager.driver.instance_exists(stored)
    assert not node_db.allocation_get_by_consumer(old.uuid)


def test_build_timeout_leaves_young_builds_alone(manager, ctxt, flags):
    flags(instance_build_timeout=600)
    instance = _instance(ctxt)
    manager._check_instance_build_time(ctxt)
    stored = objects.Instance.get_by_uuid(ctxt, instance.uuid)
    assert (stored.vm_state, stored.task_state) == ('building',
                                                    'scheduling')


def test_build_timeout_is_a_periodic_task_only_when_set(manager, flags):
    flags(instance_build_timeout=0)
    assert manager._check_instance_build_time not in [
        task for task, _ in manager.periodic_tasks()]
    flags(instance_build_timeout=30, periodic_interval=7)
    assert (manager._check_instance_build_time, 7) in (
        manager.periodic_tasks())


def test_a_hung_build_timed_out_meanwhile_gives_way(manager, ctxt, flags):
    flags(instance_build_timeout=1)
    instance = _instance(ctxt)
    real_spawn = manager.driver.spawn

    def slow_spawn(*args, **kwargs):
        real_spawn(*args, **kwargs)
        later = timeutils.utcnow() + datetime.timedelta(seconds=30)
        with mock.patch.object(timeutils, 'utcnow', return_value=later):
            manager._check_instance_build_time(ctxt)

    with mock.patch.object(manager.driver, 'spawn', slow_spawn):
        stored = _build(manager, ctxt, instance)
    assert (stored.vm_state, stored.task_state) == ('error', None)
    assert 'timed out' in stored.fault.message
    # NOTE: not rescheduled, and no guest left behind.
    manager.compute_task_api.build_instances.assert_not_called()
    assert not manager.driver.instance_exists(stored)


def test_build_timeout_closes_the_events_the_hung_build_left_open(
        manager, ctxt, flags):
    instance = _instance(ctxt)
    instance.task_state = 'spawning'
    instance.save()
    for name in ('compute__do_build_and_run_instance', 'compute_spawn'):
        objects.InstanceActionEvent.event_start(ctxt, instance.uuid, name,
                                                host='h1')
    later = timeutils.utcnow() + datetime.timedelta(seconds=120)
    with mock.patch.object(timeutils, 'utcnow', return_value=later):
        build.check_instance_build_time(
            manager, nova_context.get_admin_context(), 60)
    events = _events(ctxt, instance)
    for name in ('compute__do_build_and_run_instance', 'compute_spawn'):
        assert events[name].result == 'Error'
        assert events[name].finish_time is not None
        assert 'timed out' in events[name].details

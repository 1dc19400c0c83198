"""The conductor's build orchestration, with the scheduler and compute RPC
clients mocked at the edge and a real sqlite database."""

import datetime
from unittest import mock

from oslo_utils import timeutils
import pytest

from nova_lite.conductor import manager as conductor_manager
from nova_lite.conductor import orphaned_builds
from nova_lite import context as nova_context
from nova_lite.db import compute_node_api as node_db
from nova_lite.db import instance_api as instance_db
from nova_lite import exception
from nova_lite import objects


@pytest.fixture
def conductor(database):
    with mock.patch('nova_lite.rpc.get_client'):
        manager = conductor_manager.ComputeTaskManager()
    manager.scheduler_rpcapi = mock.Mock()
    manager.compute_rpcapi = mock.Mock()
    return manager


def _node(host):
    return objects.ComputeNode.update_or_create(None, host, host, {
        'hypervisor_type': 'fake', 'vcpus': 1, 'memory_mb': 1024,
        'local_gb': 10, 'cpu_allocation_ratio': 1.0,
        'ram_allocation_ratio': 1.0, 'disk_allocation_ratio': 1.0})


def _instance(ctxt, n=1):
    instance = objects.Instance(
        context=ctxt, uuid='00000000-0000-0000-0000-%012d' % n,
        user_id='u', project_id='p', vm_state='building',
        task_state='scheduling', vcpus=1, memory_mb=512)
    instance.create()
    objects.InstanceAction.action_start(ctxt, instance.uuid, 'create')
    return instance


def _selection(node, claim=None):
    return objects.Selection(service_host=node.host, nodename=node.host,
                             compute_node_uuid=node.uuid,
                             compute_node_id=node.id,
                             resources={'VCPU': 1, 'MEMORY_MB': 512},
                             availability_zone='nova')


def test_selected_host_is_recorded_and_build_cast(conductor, ctxt):
    node_a, node_b = _node('a'), _node('b')
    instance = _instance(ctxt)
    hosts = [_selection(node_a), _selection(node_b)]
    conductor.scheduler_rpcapi.select_destinations.return_value = [hosts]
    conductor.build_instances(ctxt, [instance], image=None,
                              request_spec=mock.sentinel.spec)
    stored = objects.Instance.get_by_uuid(ctxt, instance.uuid)
    assert (stored.host, stored.node, stored.availability_zone) == (
        'a', 'a', 'nova')
    kwargs = conductor.compute_rpcapi.build_and_run_instance.call_args.kwargs
    assert kwargs['host'] == 'a'
    assert kwargs['host_list'] == hosts


def test_each_instance_of_a_multi_create_gets_its_own_request_spec(
        conductor, ctxt):
    # NOTE: the bug: every build of a multi-create was sent the spec of
    # the first instance (the one the API hands the conductor).
    node = _node('a')
    instances = [_instance(ctxt, 1), _instance(ctxt, 2)]
    specs = []
    for instance in instances:
        spec = objects.RequestSpec(
            context=ctxt, instance_uuid=instance.uuid, num_instances=2,
            flavor=objects.Flavor(vcpus=1, memory_mb=512, root_gb=1,
                                  ephemeral_gb=0, swap=0, extra_specs={}),
            image=objects.ImageMeta(id='image', properties={}))
        spec.create()
        specs.append(spec)
    conductor.scheduler_rpcapi.select_destinations.return_value = [
        [_selection(node)], [_selection(node)]]
    conductor.build_instances(ctxt, instances, image=None,
                              request_spec=specs[0])
    calls = conductor.compute_rpcapi.build_and_run_instance.call_args_list
    assert [(c.kwargs['instance'].uuid, c.kwargs['request_spec'].instance_uuid)
            for c in calls] == [(i.uuid, i.uuid) for i in instances]


def test_no_valid_host_sets_error_with_the_explanation(conductor, ctxt):
    instance = _instance(ctxt)
    conductor.scheduler_rpcapi.select_destinations.side_effect = \
        exception.NoValidHost(reason='ResourceFitFilter removed 2')
    conductor.build_instances(ctxt, [instance], image=None,
                              request_spec=None)
    stored = objects.Instance.get_by_uuid(ctxt, instance.uuid,
                                          expected_attrs=['fault'])
    assert (stored.vm_state, stored.task_state) == ('error', None)
    assert 'ResourceFitFilter removed 2' in stored.fault.message
    conductor.compute_rpcapi.build_and_run_instance.assert_not_called()


def test_reschedule_claims_the_next_alternate(conductor, ctxt):
    node_b, node_c = _node('b'), _node('c')
    instance = _instance(ctxt)
    # b is full already: the reschedule must skip to c.
    node_db.allocation_claim(node_b.id, 'someone-else', {'VCPU': 1})
    conductor.build_instances(
        ctxt, [instance], image=None, request_spec=None,
        host_lists=[[_selection(node_b), _selection(node_c)]])
    kwargs = conductor.compute_rpcapi.build_and_run_instance.call_args.kwargs
    assert kwargs['host'] == 'c'
    assert node_db.allocation_usages()[node_c.id]['VCPU'] == 1


def test_reschedule_without_alternates_ends_in_error(conductor, ctxt):
    instance = _instance(ctxt)
    conductor.build_instances(ctxt, [instance], image=None,
                              request_spec=None, host_lists=[[]])
    stored = objects.Instance.get_by_uuid(ctxt, instance.uuid,
                                          expected_attrs=['fault'])
    assert stored.vm_state == 'error'
    assert 'Exhausted all hosts' in stored.fault.message


def test_instance_deleted_while_scheduling_releases_its_claim(conductor,
                                                              ctxt):
    node = _node('a')
    instance = _instance(ctxt)

    def select(*args, **kwargs):
        node_db.allocation_claim(node.id, instance.uuid, {'VCPU': 1})
        instance_db.instance_destroy(instance.uuid)
        return [[_selection(node)]]

    conductor.scheduler_rpcapi.select_destinations.side_effect = select
    conductor.build_instances(ctxt, [instance], image=None,
                              request_spec=None)
    assert node_db.allocation_usages() == {}
    conductor.compute_rpcapi.build_and_run_instance.assert_not_called()


def test_object_action_returns_changes(database, ctxt):
    instance = _instance(ctxt)
    instance.display_name = 'renamed'
    updates, result = conductor_manager.ConductorManager().object_action(
        ctxt, instance, 'save', (), {})
    assert result is None
    assert objects.Instance.get_by_uuid(ctxt, instance.uuid).display_name \
        == 'renamed'
    assert 'updated_at' in updates


def test_reschedule_without_alternates_says_why_the_last_build_failed(
        conductor, ctxt):
    instance = _instance(ctxt)
    objects.InstanceFault.from_exception(
        ctxt, instance.uuid,
        exception.RescheduledException(instance_uuid=instance.uuid,
                                       reason='disk full on host-a'),
        host='host-a').create()
    conductor.build_instances(ctxt, [instance], image=None,
                              request_spec=None, host_lists=[[]])
    stored = objects.Instance.get_by_uuid(ctxt, instance.uuid,
                                          expected_attrs=['fault'])
    assert stored.fault.message.startswith(
        'Exceeded maximum number of retries. Exhausted all hosts')
    assert stored.fault.message.endswith(
        '. The last build failed: disk full on host-a')


def _events(ctxt, instance):
    action = objects.InstanceAction.get_by_request_id(ctxt, instance.uuid,
                                                      ctxt.request_id)
    return {e.event: e for e in objects.InstanceActionEventList.get_by_action(
        ctxt, action.id)}


def test_a_build_records_its_scheduling_time(conductor, ctxt):
    node = _node('a')
    instance = _instance(ctxt)
    conductor.scheduler_rpcapi.select_destinations.return_value = [
        [_selection(node)]]
    conductor.build_instances(ctxt, [instance], image=None,
                              request_spec=mock.sentinel.spec)
    events = _events(ctxt, instance)
    build = events['conductor_schedule_and_build_instances']
    schedule = events['schedule_instances']
    assert (build.result, schedule.result) == ('Success', 'Success')
    # NOTE: scheduling is a phase within the conductor's part.
    assert build.start_time <= schedule.start_time
    assert schedule.finish_time <= build.finish_time


def test_no_valid_host_fails_both_events_with_details(conductor, ctxt):
    instance = _instance(ctxt)
    conductor.scheduler_rpcapi.select_destinations.side_effect = \
        exception.NoValidHost(reason='ResourceFitFilter removed 2')
    conductor.build_instances(ctxt, [instance], image=None,
                              request_spec=None)
    events = _events(ctxt, instance)
    for name in ('conductor_schedule_and_build_instances',
                 'schedule_instances'):
        assert events[name].result == 'Error'
        assert 'ResourceFitFilter removed 2' in events[name].details
        assert 'NoValidHost' in events[name].traceback
        assert events[name].finish_time is not None


def test_one_failed_instance_does_not_stop_the_others(conductor, ctxt):
    node = _node('a')
    first, second = _instance(ctxt, 1), _instance(ctxt, 2)
    conductor.scheduler_rpcapi.select_destinations.return_value = [
        [_selection(node)], [_selection(node)]]
    casts = []

    def cast(context, instance, **kwargs):
        if instance.uuid == first.uuid:
            raise RuntimeError('broker hiccup')
        casts.append(instance.uuid)

    conductor.compute_rpcapi.build_and_run_instance.side_effect = cast
    conductor.build_instances(ctxt, [first, second], image=None,
                              request_spec=mock.sentinel.spec)
    assert casts == [second.uuid]
    failed = objects.Instance.get_by_uuid(ctxt, first.uuid,
                                          expected_attrs=['fault'])
    assert (failed.vm_state, failed.task_state) == ('error', None)
    assert 'RuntimeError' in failed.fault.message or (
        'broker hiccup' in failed.fault.message)
    assert _events(ctxt, first)[
        'conductor_schedule_and_build_instances'].result == 'Error'
    assert _events(ctxt, second)[
        'conductor_schedule_and_build_instances'].result == 'Success'


# ---- builds no host owns ----------------------------------------------------

def _later(seconds):
    return mock.patch.object(
        timeutils, 'utcnow', return_value=timeutils.utcnow() +
        datetime.timedelta(seconds=seconds))


def test_orphaned_builds_are_failed_with_a_fault(database, ctxt):
    node = _node('a')
    lost = _instance(ctxt, 1)
    node_db.allocation_claim(node.id, lost.uuid, {'VCPU': 1})
    owned = _instance(ctxt, 2)
    owned.host = 'a'
    owned.save()
    with _later(120):
        failed = orphaned_builds.fail_orphaned_builds(
            nova_context.get_admin_context(), 60, host='c1')
    assert failed == [lost.uuid]
    stored = objects.Instance.get_by_uuid(ctxt, lost.uuid,
                                          expected_attrs=['fault'])
    assert (stored.vm_state, stored.task_state) == ('error', None)
    assert 'no host after 60 seconds' in stored.fault.message
    assert node_db.allocation_get_by_consumer(lost.uuid) == []
    event = _events(ctxt, lost)['conductor_schedule_and_build_instances']
    assert event.result == 'Error'
    assert 'no host after 60 seconds' in event.details
    untouched = objects.Instance.get_by_uuid(ctxt, owned.uuid)
    assert untouched.vm_state == 'building'


def test_young_builds_without_a_host_are_left_alone(database, ctxt):
    instance = _instance(ctxt)
    assert orphaned_builds.fail_orphaned_builds(
        nova_context.get_admin_context(), 60) == []
    assert objects.Instance.get_by_uuid(
        ctxt, instance.uuid).vm_state == 'building'


def test_a_lost_build_found_late_is_not_built(conductor, ctxt):
    node = _node('a')
    instance = _instance(ctxt)

    def select(*args, **kwargs):
        node_db.allocation_claim(node.id, instance.uuid, {'VCPU': 1})
        with _later(120):
            orphaned_builds.fail_orphaned_builds(
                nova_context.get_admin_context(), 60)
        return [[_selection(node)]]

    conductor.scheduler_rpcapi.select_destinations.side_effect = select
    conductor.build_instances(ctxt, [instance], image=None,
                              request_spec=mock.sentinel.spec)
    conductor.compute_rpcapi.build_and_run_instance.assert_not_called()
    assert node_db.allocation_usages() == {}


def test_orphan_check_is_a_conductor_periodic_task(database, flags):
    flags(orphaned_build_timeout=0, group='conductor')
    manager = conductor_manager.ConductorManager()
    assert manager.periodic_tasks() == []
    flags(orphaned_build_timeout=300, group='conductor')
    flags(periodic_interval=9)
    assert manager.periodic_tasks() == [
        (manager._fail_orphaned_builds, 9)]

"""A build on one host: the task-state walk and each way it can end.

The fake virt driver stands in for the hypervisor and the conductor's RPC
client is mocked; the database is a real sqlite file.
"""

from unittest import mock

from nova_lite.compute import manager as compute_manager
from nova_lite import objects
from nova_lite import exception
from tests.unit import compute_fixtures


manager = compute_fixtures.manager


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
    assert [(e.event, e.result) for e in events] == [
        ('compute_build_and_run_instance', 'Success')]


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

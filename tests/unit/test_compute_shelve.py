"""createImage and shelve on one host: the task-state walks (with the
server's progress), the image left in the image service, offload and
unshelve, the periodic offload, and the conductor's unshelve.

The fake virt driver stands in for the hypervisor, the database is a real
sqlite file, and the image service's client (glance.API) is mocked at
the edge.
"""

import datetime
from unittest import mock

import pytest

from nova_lite.compute import shelve
from nova_lite.compute import snapshot
from nova_lite.conductor import manager as conductor_manager
from nova_lite import context as nova_context
from nova_lite.db import compute_node_api as db
from nova_lite import exception
from nova_lite import objects
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite.states import vm_states
from tests.unit import compute_fixtures
from tests.unit import test_compute_power as helpers

UUID = helpers.UUID


manager = compute_fixtures.manager
synchronous_spawn = compute_fixtures.synchronous_spawn


@pytest.fixture
def images(manager):
    """The image service's client, as every module on the host sees it."""
    with mock.patch('nova_lite.image.glance.API') as api_cls:
        api = api_cls.return_value
        api.get.return_value = {'id': 'shelved-1', 'status': 'active',
                                'disk_format': 'qcow2',
                                'container_format': 'bare'}
        # NOTE: the driver got its client when the manager was made.
        manager.driver._image_api = api
        yield api


def _walk(ctxt, run):
    """Run ``run()`` noting each (task_state, progress) saved."""
    seen = []
    real_save = objects.Instance.save

    def save(self, *args, **kwargs):
        seen.append((self.task_state, self.progress))
        return real_save(self, *args, **kwargs)

    with mock.patch.object(objects.Instance, 'save', save):
        run()
    return seen


def _claim_node(instance_uuid):
    node = objects.ComputeNode.update_or_create(None, 'h1', 'h1', {
        'hypervisor_type': 'fake', 'vcpus': 4, 'memory_mb': 4096,
        'local_gb': 10, 'cpu_allocation_ratio': 1.0,
        'ram_allocation_ratio': 1.0, 'disk_allocation_ratio': 1.0})
    assert db.allocation_claim(node.id, instance_uuid,
                               {'VCPU': 1, 'MEMORY_MB': 512})
    return node


# ---- createImage -----------------------------------------------------------

def test_snapshot_walk_and_progress(manager, ctxt, images):
    helpers._active(manager, ctxt)
    context, instance = helpers._claim(
        ctxt, task_states.IMAGE_SNAPSHOT_PENDING, 'createImage')
    task = snapshot.SnapshotTask(manager, context, instance, 'image-1')
    seen = _walk(ctxt, task.run)
    assert seen == [(task_states.IMAGE_SNAPSHOT, 0),
                    (task_states.IMAGE_PENDING_UPLOAD, 25),
                    (task_states.IMAGE_UPLOADING, 50),
                    (None, 100)]
    stored = helpers._stored(ctxt)
    assert (stored.vm_state, stored.task_state) == (vm_states.ACTIVE, None)
    assert helpers._events(context)[1] == [('compute_snapshot_instance',
                                            'Success')]
    # NOTE: the fake hypervisor uploads real bytes, so the image goes
    # active in a real image service.
    assert images.upload.call_args.args[:2] == (context, 'image-1')
    assert not images.delete.called


def test_failed_snapshot_deletes_its_image_and_keeps_the_state(
        manager, ctxt, images):
    helpers._active(manager, ctxt)
    context, instance = helpers._claim(
        ctxt, task_states.IMAGE_SNAPSHOT_PENDING, 'createImage')
    images.upload.side_effect = exception.ImageServiceUnavailable(
        reason='down')
    snapshot.SnapshotTask(manager, context, instance, 'image-1').run()
    stored = helpers._stored(ctxt)
    assert (stored.vm_state, stored.task_state) == (vm_states.ACTIVE, None)
    assert 'down' in stored.fault.message
    images.delete.assert_called_once_with(context, 'image-1')
    assert helpers._events(context)[1] == [('compute_snapshot_instance',
                                            'Error')]


def test_snapshot_overtaken_by_a_delete_steps_aside(manager, ctxt, images):
    helpers._active(manager, ctxt)
    context, instance = helpers._claim(
        ctxt, task_states.IMAGE_SNAPSHOT_PENDING, 'createImage')
    stored = helpers._stored(ctxt)
    stored.task_state = task_states.DELETING
    stored.save()
    snapshot.SnapshotTask(manager, context, instance, 'image-1').run()
    assert helpers._stored(ctxt).task_state == task_states.DELETING
    images.delete.assert_called_once_with(context, 'image-1')


# ---- shelve and offload ----------------------------------------------------

def test_shelve_then_offload_at_once(manager, ctxt, images, flags):
    flags(shelved_offload_time=0)
    helpers._active(manager, ctxt)
    _claim_node(UUID)
    context, instance = helpers._claim(ctxt, task_states.SHELVING, 'shelve')
    task = shelve.ShelveTask(manager, context, instance, 'shelved-1')
    seen = [state for state, _ in _walk(ctxt, task.run)]
    assert seen == [task_states.SHELVING_IMAGE_PENDING_UPLOAD,
                    task_states.SHELVING_IMAGE_UPLOADING,
                    task_states.SHELVING_OFFLOADING, None]
    stored = helpers._stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.host, stored.node,
            stored.power_state) == (vm_states.SHELVED_OFFLOADED, None, None,
                                    None, power_state.NOSTATE)
    assert stored.system_metadata['shelved_image_id'] == 'shelved-1'
    assert stored.system_metadata['shelved_host'] == 'h1'
    assert not manager.driver.instance_exists(stored)
    assert db.allocation_usages() == {}
    assert helpers._events(context)[1] == [('compute_shelve_instance',
                                            'Success')]


def test_shelve_keeps_the_guest_when_offload_is_later(manager, ctxt, images,
                                                      flags):
    flags(shelved_offload_time=-1)
    helpers._active(manager, ctxt)
    context, instance = helpers._claim(ctxt, task_states.SHELVING, 'shelve')
    shelve.ShelveTask(manager, context, instance, 'shelved-1').run()
    stored = helpers._stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.host,
            stored.power_state) == (vm_states.SHELVED, None, 'h1',
                                    power_state.SHUTDOWN)

    context, instance = helpers._claim(
        ctxt, task_states.SHELVING_OFFLOADING, 'shelveOffload')
    shelve.ShelveOffloadTask(manager, context, instance).run()
    stored = helpers._stored(ctxt)
    assert (stored.vm_state, stored.host) == (vm_states.SHELVED_OFFLOADED,
                                              None)
    assert helpers._events(context)[1] == [
        ('compute_shelve_offload_instance', 'Success')]


@pytest.mark.parametrize('offload_time, age, offloaded', [
    (60, 120, True), (60, 10, False), (-1, 10 ** 6, False)])
def test_periodic_offload(manager, ctxt, images, flags, synchronous_spawn,
                          offload_time, age, offloaded):
    flags(shelved_offload_time=-1)
    helpers._active(manager, ctxt)
    context, instance = helpers._claim(ctxt, task_states.SHELVING, 'shelve')
    shelve.ShelveTask(manager, context, instance, 'shelved-1').run()
    stored = helpers._stored(ctxt)
    shelved_at = (datetime.datetime.utcnow() -
                  datetime.timedelta(seconds=age)).isoformat()
    stored.system_metadata = dict(stored.system_metadata,
                                  shelved_at=shelved_at)
    stored.save()
    flags(shelved_offload_time=offload_time)
    manager._poll_shelved_instances(nova_context.get_admin_context())
    assert helpers._stored(ctxt).vm_state == (
        vm_states.SHELVED_OFFLOADED if offloaded else vm_states.SHELVED)


def test_periodic_tasks_follow_the_options(manager, flags):
    flags(shelved_offload_time=0, reclaim_instance_interval=0)
    names = [task.__name__ for task, _ in manager.periodic_tasks()]
    assert '_poll_shelved_instances' not in names
    assert '_reclaim_queued_deletes' not in names
    flags(shelved_offload_time=30, shelved_poll_interval=7,
          reclaim_instance_interval=5)
    tasks = {task.__name__: interval
             for task, interval in manager.periodic_tasks()}
    assert tasks['_poll_shelved_instances'] == 7
    assert tasks['_reclaim_queued_deletes'] == 5


# ---- unshelve --------------------------------------------------------------

def _offloaded(manager, ctxt, images, flags):
    flags(shelved_offload_time=0)
    helpers._active(manager, ctxt)
    context, instance = helpers._claim(ctxt, task_states.SHELVING, 'shelve')
    shelve.ShelveTask(manager, context, instance, 'shelved-1').run()
    assert helpers._stored(ctxt).vm_state == vm_states.SHELVED_OFFLOADED
    return helpers._claim(ctxt, task_states.UNSHELVING, 'unshelve')


def test_unshelve_spawns_from_the_shelved_image_and_deletes_it(
        manager, ctxt, images, flags):
    context, instance = _offloaded(manager, ctxt, images, flags)
    task = shelve.UnshelveTask(manager, context, instance, node='h1')
    seen = [state for state, _ in _walk(ctxt, task.run)]
    assert seen == [task_states.SPAWNING, None]
    stored = helpers._stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.host, stored.node,
            stored.power_state) == (vm_states.ACTIVE, None, 'h1', 'h1',
                                    power_state.RUNNING)
    assert not set(shelve.SHELVED_KEYS) & set(stored.system_metadata)
    images.get.assert_called_with(context, 'shelved-1')
    images.delete.assert_called_once_with(context, 'shelved-1')
    assert manager.driver.instance_exists(stored)
    assert helpers._events(context)[1] == [('compute_unshelve_instance',
                                            'Success')]


def test_failed_unshelve_goes_back_to_offloaded(manager, ctxt, images,
                                                flags):
    context, instance = _offloaded(manager, ctxt, images, flags)
    _claim_node(UUID)
    flags(fail_spawn=True, group='fake_driver')
    shelve.UnshelveTask(manager, context, instance, node='h1').run()
    stored = helpers._stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.host) == (
        vm_states.SHELVED_OFFLOADED, None, None)
    assert 'fail_spawn' in stored.fault.message
    assert stored.system_metadata['shelved_image_id'] == 'shelved-1'
    assert not images.delete.called
    assert db.allocation_usages() == {}


def test_unshelve_of_a_shelved_server_powers_it_on(manager, ctxt, images,
                                                   flags):
    flags(shelved_offload_time=-1)
    helpers._active(manager, ctxt)
    context, instance = helpers._claim(ctxt, task_states.SHELVING, 'shelve')
    shelve.ShelveTask(manager, context, instance, 'shelved-1').run()
    context, instance = helpers._claim(ctxt, task_states.UNSHELVING,
                                       'unshelve')
    shelve.UnshelveTask(manager, context, instance).run()
    stored = helpers._stored(ctxt)
    assert (stored.vm_state, stored.power_state, stored.host) == (
        vm_states.ACTIVE, power_state.RUNNING, 'h1')
    images.delete.assert_called_once_with(context, 'shelved-1')


# ---- the conductor's unshelve ----------------------------------------------

@pytest.fixture
def conductor(database):
    with mock.patch('nova_lite.rpc.get_client'):
        conductor = conductor_manager.ComputeTaskManager()
    conductor.scheduler_rpcapi = mock.Mock()
    conductor.compute_rpcapi = mock.Mock()
    return conductor


def _offloaded_record(ctxt, task_state=task_states.UNSHELVING):
    instance = objects.Instance(
        context=ctxt, uuid=UUID, user_id='u', project_id='p',
        vm_state=vm_states.SHELVED_OFFLOADED, task_state=task_state,
        vcpus=1, memory_mb=512, metadata={})
    instance.create()
    objects.InstanceAction.action_start(ctxt, UUID, 'unshelve')
    return instance


def test_conductor_unshelve_casts_to_the_chosen_host(conductor, ctxt):
    instance = _offloaded_record(ctxt)
    selection = objects.Selection(
        service_host='h2', nodename='n2',
        compute_node_uuid='00000000-0000-0000-0000-0000000000c1',
        compute_node_id=1, resources={})
    conductor.scheduler_rpcapi.select_destinations.return_value = [
        [selection]]
    spec = objects.RequestSpec(instance_uuid=UUID, force_hosts=['h2'])
    conductor.unshelve_instance(ctxt, instance, request_spec=spec)
    call = conductor.scheduler_rpcapi.select_destinations.call_args
    assert call.args[1] is spec and call.args[2] == [UUID]
    conductor.compute_rpcapi.unshelve_instance.assert_called_once_with(
        ctxt, instance=instance, host='h2', node='n2')


def test_conductor_unshelve_without_a_host_keeps_it_offloaded(conductor,
                                                              ctxt):
    instance = _offloaded_record(ctxt)
    conductor.scheduler_rpcapi.select_destinations.side_effect = (
        exception.NoValidHost(reason='no host is in zone mars'))
    conductor.unshelve_instance(ctxt, instance,
                                request_spec=objects.RequestSpec())
    stored = objects.Instance.get_by_uuid(ctxt, UUID,
                                          expected_attrs=['fault'])
    assert (stored.vm_state, stored.task_state) == (
        vm_states.SHELVED_OFFLOADED, None)
    assert 'mars' in stored.fault.message
    assert not conductor.compute_rpcapi.unshelve_instance.called


def test_conductor_unshelve_of_a_shelved_server_goes_to_its_host(
        conductor, ctxt):
    instance = mock.Mock(vm_state=vm_states.SHELVED, host='h1', uuid=UUID)
    conductor.unshelve_instance(ctxt, instance)
    assert not conductor.scheduler_rpcapi.select_destinations.called
    conductor.compute_rpcapi.unshelve_instance.assert_called_once_with(
        ctxt, instance=instance, host='h1')


# ---- a restart in the middle -----------------------------------------------

@pytest.mark.parametrize('task_state', [task_states.IMAGE_UPLOADING,
                                        task_states.SHELVING,
                                        task_states.RESCUING,
                                        task_states.SOFT_DELETING])
def test_restart_clears_an_interrupted_task(manager, ctxt, task_state):
    helpers._active(manager, ctxt)
    helpers._claim(ctxt, task_state, 'createImage')
    manager.init_host()
    stored = helpers._stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.power_state) == (
        vm_states.ACTIVE, None, power_state.RUNNING)

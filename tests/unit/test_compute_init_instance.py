"""init_host after a restart: every task state a restart can leave is
settled (Nova's _init_instance outcomes, and further where Nova leaves an
instance stuck). The fake driver holds the guests; sqlite the records."""

from unittest import mock

import pytest

from nova_lite.db import compute_node_api as node_db
from nova_lite import exception
from nova_lite import objects
from nova_lite.states import power_state
from nova_lite.states import task_states
from tests.unit import compute_fixtures

manager = compute_fixtures.manager
synchronous_spawn = compute_fixtures.synchronous_spawn

UUID = '00000000-0000-0000-0000-0000000000%02d'


def _guest(manager, ctxt, instance, state):
    """A guest of ``instance`` in power ``state`` (None: no guest)."""
    if state is None:
        return
    manager.driver.spawn(ctxt, instance, None, [], None, allocations=None)
    if state == power_state.PAUSED:
        manager.driver.pause(instance)
    elif state == power_state.SUSPENDED:
        manager.driver.suspend(instance)
    elif state == power_state.SHUTDOWN:
        manager.driver.power_off(instance)


def _instance(manager, ctxt, n, vm_state, task_state, guest):
    flavor = objects.Flavor(flavorid='1', name='tiny', memory_mb=512,
                            vcpus=1, root_gb=1, ephemeral_gb=0, swap=0,
                            extra_specs={})
    instance = objects.Instance(
        context=ctxt, uuid=UUID % n, user_id='u', project_id='p',
        vm_state=vm_state, task_state=task_state, host='h1', node='h1',
        flavor=flavor, vcpus=1, memory_mb=512, metadata={},
        system_metadata={}, power_state=guest or power_state.NOSTATE)
    instance.create()
    _guest(manager, ctxt, instance, guest)
    return instance


RUNNING = power_state.RUNNING

# (vm_state, task_state, guest power state) -> (vm_state, task_state)
SETTLED = [
    ('building', task_states.SPAWNING, None, ('error', None)),
    ('building', task_states.NETWORKING, None, ('error', None)),
    ('building', task_states.SCHEDULING, None, ('error', None)),
    ('active', task_states.PAUSING, RUNNING, ('active', None)),
    ('active', task_states.PAUSING, power_state.PAUSED, ('paused', None)),
    ('paused', task_states.UNPAUSING, power_state.PAUSED, ('active', None)),
    ('paused', task_states.UNPAUSING, RUNNING, ('active', None)),
    ('active', task_states.SUSPENDING, RUNNING, ('active', None)),
    ('active', task_states.SUSPENDING, power_state.SUSPENDED,
     ('suspended', None)),
    ('suspended', task_states.RESUMING, power_state.SUSPENDED,
     ('active', None)),
    ('suspended', task_states.RESUMING, RUNNING, ('active', None)),
    ('active', task_states.REBOOTING, RUNNING, ('active', None)),
    ('active', task_states.REBOOTING_HARD, RUNNING, ('active', None)),
    ('active', task_states.REBOOT_PENDING, RUNNING, ('active', None)),
    ('active', task_states.REBOOT_STARTED, RUNNING, ('active', None)),
    ('active', task_states.REBOOT_PENDING_HARD, RUNNING, ('active', None)),
    ('active', task_states.REBOOT_STARTED_HARD, power_state.SHUTDOWN,
     ('active', None)),
    ('active', task_states.POWERING_OFF, RUNNING, ('stopped', None)),
    ('stopped', task_states.POWERING_ON, power_state.SHUTDOWN,
     ('active', None)),
    ('shelved', task_states.UNSHELVING, power_state.SHUTDOWN,
     ('shelved', None)),
    ('shelved_offloaded', task_states.SPAWNING, RUNNING,
     ('shelved_offloaded', None)),
    ('active', task_states.IMAGE_SNAPSHOT, RUNNING, ('active', None)),
    ('active', task_states.IMAGE_SNAPSHOT_PENDING, RUNNING,
     ('active', None)),
    ('active', task_states.IMAGE_PENDING_UPLOAD, RUNNING, ('active', None)),
    ('active', task_states.IMAGE_UPLOADING, RUNNING, ('active', None)),
    ('active', task_states.IMAGE_BACKUP, RUNNING, ('active', None)),
    ('active', task_states.RESIZE_PREP, RUNNING, ('active', None)),
    ('active', task_states.REBUILDING, RUNNING, ('error', None)),
    ('active', task_states.REBUILD_SPAWNING, RUNNING, ('error', None)),
    ('active', task_states.MIGRATING, RUNNING, ('active', None)),
    ('active', task_states.UPDATING_PASSWORD, RUNNING, ('active', None)),
    ('error', task_states.POWERING_OFF, RUNNING, ('error', None)),
]


@pytest.mark.parametrize('vm_state,task_state,guest,expected', SETTLED)
def test_init_host_settles(manager, ctxt, synchronous_spawn, vm_state,
                           task_state, guest, expected):
    instance = _instance(manager, ctxt, 1, vm_state, task_state, guest)
    manager.init_host()
    stored = objects.Instance.get_by_uuid(ctxt, instance.uuid,
                                          expected_attrs=['fault'])
    assert (stored.vm_state, stored.task_state) == expected
    if expected[0] == 'error' and vm_state != 'error':
        assert 'restarted' in stored.fault.message
    if vm_state == 'shelved_offloaded':
        assert stored.host is None
        assert not manager.driver.instance_exists(stored)


def test_every_task_state_is_settled(manager, ctxt, synchronous_spawn):
    """No task state (with a running guest) survives init_host."""
    instances = []
    for n, task_state in enumerate(
            compute_fixtures.ALL_TASK_STATES[1:], start=1):
        vm_state = ('building' if task_state in task_states.BUILD_STATES
                    else 'active')
        instances.append(_instance(manager, ctxt, n, vm_state, task_state,
                                   RUNNING))
    manager.init_host()
    left = []
    for instance in instances:
        try:
            stored = objects.Instance.get_by_uuid(ctxt, instance.uuid)
        except exception.InstanceNotFound:
            continue
        if stored.task_state is not None:
            left.append((instance.uuid, stored.task_state))
    assert not left


def test_interrupted_delete_is_done_again(manager, ctxt):
    instance = _instance(manager, ctxt, 1, 'active', task_states.DELETING,
                         RUNNING)
    manager.init_host()
    with pytest.raises(exception.InstanceNotFound):
        objects.Instance.get_by_uuid(ctxt, instance.uuid)
    assert not manager.driver.instance_exists(instance)


def test_a_delete_that_fails_again_ends_in_error(manager, ctxt):
    instance = _instance(manager, ctxt, 1, 'active', task_states.DELETING,
                         RUNNING)
    with mock.patch.object(manager.driver, 'destroy',
                           side_effect=exception.HypervisorUnavailable(
                               host='h1')):
        manager.init_host()
    stored = objects.Instance.get_by_uuid(ctxt, instance.uuid,
                                          expected_attrs=['fault'])
    assert (stored.vm_state, stored.task_state) == ('error', None)
    assert 'hypervisor is broken' in stored.fault.message


def test_one_instance_failing_to_settle_does_not_stop_the_others(
        manager, ctxt, synchronous_spawn):
    first = _instance(manager, ctxt, 1, 'active', task_states.PAUSING,
                      RUNNING)
    second = _instance(manager, ctxt, 2, 'active', task_states.PAUSING,
                       RUNNING)
    real_save = objects.Instance.save

    def save(self, *args, **kwargs):
        if self.uuid == first.uuid:
            raise exception.NovaException('database gone')
        return real_save(self, *args, **kwargs)

    with mock.patch.object(objects.Instance, 'save', save):
        manager.init_host()
    stored = objects.Instance.get_by_uuid(ctxt, second.uuid)
    assert (stored.vm_state, stored.task_state) == ('active', None)


def test_interrupted_build_frees_its_allocation(manager, ctxt):
    instance = _instance(manager, ctxt, 1, 'building', task_states.SPAWNING,
                         RUNNING)
    node = objects.ComputeNode.update_or_create(None, 'h1', 'h1', {
        'hypervisor_type': 'fake', 'vcpus': 4, 'memory_mb': 4096,
        'local_gb': 10, 'cpu_allocation_ratio': 1.0,
        'ram_allocation_ratio': 1.0, 'disk_allocation_ratio': 1.0})
    assert node_db.allocation_claim(node.id, instance.uuid,
                                    {'VCPU': 1, 'MEMORY_MB': 512})
    manager.init_host()
    assert not node_db.allocation_get_by_consumer(instance.uuid)
    assert not manager.driver.instance_exists(instance)

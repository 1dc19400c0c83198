"""Live migration and evacuation: the conductor's tasks (scheduling, the
pre-checks, the allocation held by the migration, the rollback) and the
compute steps on two fake hosts (statuses, hosts, allocations, the guest
on each hypervisor, faults).

As in test_compute_resize, two compute managers with fake drivers stand
in for two hosts; casts between them are queued and delivered one at a
time, calls are answered at once; the database is a real sqlite file and
the scheduler is mocked at its RPC edge.
"""

from unittest import mock

import oslo_messaging as messaging
import pytest

from nova_lite.conductor.tasks import evacuate
from nova_lite.conductor.tasks import live_migrate
from nova_lite.db import compute_node_api as node_db
from nova_lite import exception
from nova_lite import objects
from nova_lite.objects import migration as migration_obj
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite.states import vm_states
from tests.unit import test_compute_resize as resize_tests
from tests.unit.test_compute_resize import synchronous_spawn  # noqa: F401
from tests.unit.test_compute_resize import world  # noqa: F401

UUID = resize_tests.UUID
CALLS = ('check_can_live_migrate_destination',
         'check_can_live_migrate_source', 'pre_live_migration',
         'post_live_migration_at_destination')


class CallRouter(resize_tests.Router):
    """Casts are queued; calls reach the other host's manager at once."""

    def __getattr__(self, method):
        if method in CALLS:
            def call(context, host=None, destination=None, **kwargs):
                self.sent.append((method, host or destination))
                try:
                    return getattr(self.managers[host or destination],
                                   method)(context, **kwargs)
                except messaging.ExpectedException as wrapped:
                    # NOTE: what the RPC server would send back.
                    raise wrapped.exc_info[1] from None
            return call
        return super().__getattr__(method)


@pytest.fixture
def router(database, flags, synchronous_spawn):  # noqa: F811
    flags(power_action_delay=0, group='fake_driver')
    router = CallRouter()
    for host in ('h1', 'h2'):
        with mock.patch('nova_lite.rpc.get_client'):
            manager = resize_tests.compute_manager.ComputeManager(host=host)
        manager.compute_task_api = mock.Mock()
        manager.compute_rpcapi = router
        manager.driver.init_host(host)
        router.managers[host] = manager
    return router


def _begin(ctxt, migration_type, task_state, action, status='accepted'):
    """What the compute API writes before it calls the conductor."""
    instance = resize_tests._stored(ctxt)
    instance.task_state = task_state
    instance.save(expected_task_state=[None])
    objects.InstanceAction.action_start(ctxt, UUID, action)
    migration = objects.Migration(
        context=ctxt, instance_uuid=UUID, source_compute=instance.host,
        source_node=instance.node,
        old_instance_type_id=instance.instance_type_id,
        new_instance_type_id=instance.instance_type_id, status=status,
        migration_type=migration_type)
    migration.create()
    return instance, migration


def _live(ctxt, router, world, block_migration=None, deliver=True):  # noqa
    instance, migration = _begin(ctxt, 'live-migration',
                                 task_states.MIGRATING, 'live-migration')
    live_migrate.LiveMigrationTask(
        ctxt, instance, migration, resize_tests._scheduler(world, 'h2'),
        router, block_migration=block_migration).execute()
    if deliver:
        router.drain()
    return migration


def _guests(router):
    return {host: manager.driver.list_instance_uuids()
            for host, manager in router.managers.items()}


def _migration(ctxt, migration):
    return objects.Migration.get_by_id(ctxt, migration.id)


# ---- live migration ---------------------------------------------------------

def test_live_migration_moves_guest_instance_and_allocation(
        router, world, ctxt):  # noqa: F811
    migration = _live(ctxt, router, world)
    stored = resize_tests._stored(ctxt)
    assert (stored.host, stored.node) == ('h2', 'h2')
    assert (stored.vm_state, stored.task_state) == (vm_states.ACTIVE, None)
    assert stored.power_state == power_state.RUNNING
    assert _migration(ctxt, migration).status == 'completed'
    assert _migration(ctxt, migration).dest_compute == 'h2'
    assert _guests(router) == {'h1': [], 'h2': [UUID]}
    assert resize_tests._usage(world) == {'h1': 0, 'h2': 512}
    assert node_db.allocation_get_by_consumer(migration.uuid) == []
    events = resize_tests._events(ctxt, 'live-migration')
    assert events == {'conductor_live_migrate_instance': 'Success',
                      'compute_live_migration': 'Success'}


def test_failed_pre_check_leaves_the_server_untouched(
        router, world, ctxt):  # noqa: F811
    # NOTE: fake hosts share no storage: "no block migration" is refused.
    with pytest.raises(exception.InvalidSharedStorage):
        _live(ctxt, router, world, block_migration=False)
    stored = resize_tests._stored(ctxt)
    assert (stored.host, stored.vm_state, stored.task_state) == (
        'h1', vm_states.ACTIVE, None)
    assert resize_tests._usage(world) == {'h1': 512, 'h2': 0}
    assert [m for m, _host in router.sent] == [
        'check_can_live_migrate_destination',
        'check_can_live_migrate_source']
    assert _guests(router) == {'h1': [UUID], 'h2': []}


def test_abort_before_it_starts_cancels_it(router, world, ctxt):  # noqa
    migration = _live(ctxt, router, world, deliver=False)
    assert _migration(ctxt, migration).status == 'queued'
    router.managers['h1'].live_migration_abort(ctxt, resize_tests._stored(
        ctxt), _migration(ctxt, migration))
    router.drain()
    stored = resize_tests._stored(ctxt)
    assert (stored.host, stored.vm_state, stored.task_state) == (
        'h1', vm_states.ACTIVE, None)
    assert _migration(ctxt, migration).status == 'cancelled'
    assert resize_tests._usage(world) == {'h1': 512, 'h2': 0}
    assert _guests(router) == {'h1': [UUID], 'h2': []}


def test_hypervisor_failure_rolls_back_the_destination(
        router, world, ctxt):  # noqa: F811
    def fail(context, instance, dest, post, recover, **kwargs):
        recover(context, instance, dest, kwargs['migrate_data'],
                exception.LiveMigrationError(instance_uuid=instance.uuid,
                                             reason='link down'))
    with mock.patch.object(router.managers['h1'].driver, 'live_migration',
                           side_effect=fail):
        migration = _live(ctxt, router, world)
    stored = resize_tests._stored(ctxt)
    assert (stored.host, stored.vm_state, stored.task_state) == (
        'h1', vm_states.ACTIVE, None)
    assert 'link down' in stored.fault.message
    assert _migration(ctxt, migration).status == 'error'
    assert resize_tests._usage(world) == {'h1': 512, 'h2': 0}
    # The incoming guest prepared on h2 is gone again.
    assert _guests(router) == {'h1': [UUID], 'h2': []}


def test_failed_preparation_is_rolled_back_on_the_destination(
        router, world, ctxt):  # noqa: F811
    dest = router.managers['h2']
    with mock.patch.object(dest.driver, 'pre_live_migration',
                           side_effect=exception.MigrationError(
                               reason='no room for the disks')), \
            mock.patch.object(
                dest.driver, 'rollback_live_migration_at_destination',
                wraps=dest.driver.rollback_live_migration_at_destination
            ) as rollback:
        migration = _live(ctxt, router, world)
    rollback.assert_called_once()
    stored = resize_tests._stored(ctxt)
    assert (stored.host, stored.vm_state, stored.task_state) == (
        'h1', vm_states.ACTIVE, None)
    assert 'no room for the disks' in stored.fault.message
    assert _migration(ctxt, migration).status == 'error'
    assert resize_tests._usage(world) == {'h1': 512, 'h2': 0}
    assert _guests(router) == {'h1': [UUID], 'h2': []}


def test_restart_of_the_source_settles_an_interrupted_migration(
        router, world, ctxt):  # noqa: F811
    migration = _live(ctxt, router, world, deliver=False)
    source = router.managers['h1']
    source.init_host()
    stored = resize_tests._stored(ctxt)
    assert (stored.vm_state, stored.task_state) == (vm_states.ACTIVE, None)
    assert _migration(ctxt, migration).status == 'error'
    assert resize_tests._usage(world) == {'h1': 512, 'h2': 0}
    assert migration_obj.LIVE_IN_PROGRESS == (
        'queued', 'preparing', 'running', 'post-migrating')


# ---- evacuation -------------------------------------------------------------

def _evacuate(ctxt, router, world, target_state=None):  # noqa: F811
    instance, migration = _begin(ctxt, 'evacuation', task_states.REBUILDING,
                                 'evacuate')
    evacuate.EvacuationTask(
        ctxt, instance, objects.ImageMeta.from_dict({'id': 'img'}),
        migration, resize_tests._scheduler(world, 'h2'),
        router, target_state=target_state).execute()
    router.drain()
    return migration


def test_evacuate_rebuilds_on_the_new_host(router, world, ctxt):  # noqa
    migration = _evacuate(ctxt, router, world)
    stored = resize_tests._stored(ctxt)
    assert (stored.host, stored.vm_state, stored.task_state) == (
        'h2', vm_states.ACTIVE, None)
    assert _migration(ctxt, migration).status == 'done'
    assert UUID in _guests(router)['h2']
    # The dead host's allocation is held by the migration until that
    # host comes back and destroys its copy.
    assert resize_tests._usage(world) == {'h1': 512, 'h2': 512}
    assert node_db.allocation_get_by_consumer(migration.uuid) != []


def test_evacuate_to_stopped(router, world, ctxt):  # noqa: F811
    _evacuate(ctxt, router, world, target_state='stopped')
    stored = resize_tests._stored(ctxt)
    assert (stored.vm_state, stored.power_state) == (
        vm_states.STOPPED, power_state.SHUTDOWN)


def test_failed_evacuation_leaves_nothing_on_the_new_host(
        router, world, ctxt, flags):  # noqa: F811
    with mock.patch.object(router.managers['h2'].driver, 'spawn',
                           side_effect=RuntimeError('no disk')):
        migration = _evacuate(ctxt, router, world)
    stored = resize_tests._stored(ctxt)
    assert (stored.host, stored.vm_state, stored.task_state) == (
        'h1', vm_states.ERROR, None)
    assert _migration(ctxt, migration).status == 'failed'
    assert resize_tests._usage(world) == {'h1': 512, 'h2': 0}
    assert UUID not in _guests(router)['h2']

"""Resize: the conductor's task (scheduling, the allocation handed to the
migration, the rollback when no host fits) and the compute steps on two
fake hosts (task-state walk, progress, flavors, allocations, events) for
confirm, revert, a stopped server, a failing driver and the auto-confirm.

Two compute managers with fake drivers stand in for two hosts; their casts
to each other are queued and delivered one at a time (as RabbitMQ would),
the database is a real sqlite file, the scheduler is mocked at its RPC
edge.
"""

import collections
import datetime
from unittest import mock

import oslo_messaging as messaging
import pytest

from nova_lite.compute import manager as compute_manager
from nova_lite.compute import resize
from nova_lite.conductor import api as conductor_api
from nova_lite.conductor.tasks import migrate
from nova_lite.db import api as db
from nova_lite.db import compute_node_api as node_db
from nova_lite.db import migration_api
from nova_lite import exception
from nova_lite import objects
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite.states import vm_states
from tests.unit import compute_fixtures

UUID = '00000000-0000-0000-0000-0000000000c1'
TINY = dict(flavorid='1', name='tiny', memory_mb=512, vcpus=1, root_gb=1)
SMALL = dict(flavorid='2', name='small', memory_mb=2048, vcpus=2,
             root_gb=20)


class Router:
    """Queues the compute RPC casts and delivers them to the host's
    manager, one at a time, as the message bus does."""

    def __init__(self):
        self.managers = {}
        self.queue = collections.deque()
        self.sent = []

    def __getattr__(self, method):
        def cast(context, host, **kwargs):
            self.sent.append((method, host))
            self.queue.append((host, method, context, kwargs))
        return cast

    def drain(self):
        while self.queue:
            host, method, context, kwargs = self.queue.popleft()
            getattr(self.managers[host], method)(context, **kwargs)


@pytest.fixture
def synchronous_spawn():
    with mock.patch('nova_lite.utils.spawn_n',
                    side_effect=lambda func, *a, **kw: func(*a, **kw)):
        yield


@pytest.fixture
def router(database, flags, synchronous_spawn):
    flags(power_action_delay=0, group='fake_driver')
    router = Router()
    for host in ('h1', 'h2'):
        with mock.patch('nova_lite.rpc.get_client'):
            manager = compute_manager.ComputeManager(host=host)
        manager.compute_task_api = mock.Mock()
        manager.compute_rpcapi = router
        manager.driver.init_host(host)
        router.managers[host] = manager
    return router


def _flavor(ctxt, values):
    flavor = objects.Flavor(context=ctxt, ephemeral_gb=0, swap=0,
                            extra_specs={},
                            projects=[], is_public=True, disabled=False,
                            **values)
    flavor.create()
    return flavor


def _node(host):
    return objects.ComputeNode.update_or_create(None, host, host, {
        'hypervisor_type': 'fake', 'vcpus': 8, 'memory_mb': 8192,
        'local_gb': 100, 'cpu_allocation_ratio': 1.0,
        'ram_allocation_ratio': 1.0, 'disk_allocation_ratio': 1.0})


def _resources(flavor):
    return {'VCPU': flavor.vcpus, 'MEMORY_MB': flavor.memory_mb,
            'DISK_GB': flavor.root_gb}


@pytest.fixture
def world(router, ctxt):
    """An ACTIVE m1.tiny-like instance running on h1, its allocation,
    the nodes h1 and h2, and the flavors."""
    tiny, small = _flavor(ctxt, TINY), _flavor(ctxt, SMALL)
    nodes = {host: _node(host) for host in ('h1', 'h2')}
    instance = objects.Instance(
        context=ctxt, uuid=UUID, user_id=ctxt.user_id,
        project_id=ctxt.project_id, vm_state=vm_states.ACTIVE,
        task_state=None, host='h1', node='h1', flavor=tiny,
        instance_type_id=tiny.id, vcpus=1, memory_mb=512, root_gb=1,
        image_ref='img', metadata={}, system_metadata={})
    instance.create()
    router.managers['h1'].driver.spawn(ctxt, instance, None, [], None,
                                       allocations=None)
    node_db.allocation_claim(nodes['h1'].id, UUID, _resources(tiny))
    return {'tiny': tiny, 'small': small, 'nodes': nodes}


def _usage(world):
    usages = node_db.allocation_usages()
    return {host: usages.get(node.id, {}).get('MEMORY_MB', 0)
            for host, node in world['nodes'].items()}


def _stored(ctxt):
    return objects.Instance.get_by_uuid(ctxt, UUID, expected_attrs=['fault'])


def _begin_resize(ctxt, flavor, vm_state=vm_states.ACTIVE):
    """What compute.api.resize writes before it calls the conductor."""
    instance = _stored(ctxt)
    instance.task_state = task_states.RESIZE_PREP
    instance.save(expected_task_state=[None])
    objects.InstanceAction.action_start(ctxt, UUID, 'resize')
    migration = objects.Migration(
        context=ctxt, instance_uuid=UUID, source_compute=instance.host,
        source_node=instance.node,
        old_instance_type_id=instance.instance_type_id,
        new_instance_type_id=flavor.id, status='pre-migrating',
        migration_type='resize')
    migration.create()
    return instance, migration


def _scheduler(world, host):
    """A scheduler that claims ``host`` for the new flavor."""
    node = world['nodes'][host]

    def select(context, spec, instance_uuids, return_alternates=False):
        assert node_db.allocation_claim(node.id, instance_uuids[0],
                                        _resources(spec.flavor))
        return [[objects.Selection(
            service_host=host, nodename=host, compute_node_uuid=node.uuid,
            compute_node_id=node.id, resources=_resources(spec.flavor),
            availability_zone='nova')]]
    scheduler = mock.Mock()
    scheduler.select_destinations.side_effect = select
    return scheduler


def _run_conductor(ctxt, router, instance, flavor, migration, scheduler):
    migrate.MigrationTask(ctxt, instance, flavor, migration, True,
                          scheduler, router).execute()
    router.drain()


def _events(ctxt, action):
    actions = [a for a in objects.InstanceActionList.get_by_instance_uuid(
        ctxt, UUID) if a.action == action]
    return {e.event: e.result for e in
            objects.InstanceActionEventList.get_by_action(ctxt,
                                                          actions[0].id)}


def _resized(ctxt, router, world, dest='h2', vm_state=vm_states.ACTIVE):
    instance, migration = _begin_resize(ctxt, world['small'])
    _run_conductor(ctxt, router, instance, world['small'], migration,
                   _scheduler(world, dest))
    return objects.Migration.get_by_id(ctxt, migration.id)


# ---- the conductor ----------------------------------------------------------

def test_conductor_excludes_the_current_host_unless_allowed(
        router, world, ctxt, flags):
    instance, migration = _begin_resize(ctxt, world['small'])
    scheduler = _scheduler(world, 'h2')
    task = migrate.MigrationTask(ctxt, instance, world['small'], migration,
                                 True, scheduler, mock.Mock())
    task.execute()
    spec = scheduler.select_destinations.call_args.args[1]
    assert spec.ignore_hosts == ['h1']
    assert spec.flavor.flavorid == '2'
    flags(allow_resize_to_same_host=True)
    assert task._request_spec(world["small"]).ignore_hosts == []


def test_no_valid_host_rolls_everything_back(router, world, ctxt):
    instance, migration = _begin_resize(ctxt, world['small'])
    scheduler = mock.Mock()
    scheduler.select_destinations.side_effect = exception.NoValidHost(
        reason='ResourceFitFilter removed 1')
    with pytest.raises(exception.NoValidHost):
        migrate.MigrationTask(ctxt, instance, world['small'], migration,
                              True, scheduler, router).execute()
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.host) == (
        vm_states.ACTIVE, None, 'h1')
    assert 'No valid host' in stored.fault.message
    assert objects.Migration.get_by_id(ctxt, migration.id).status == 'error'
    # The allocation is the instance's again, on h1 only.
    assert _usage(world) == {'h1': 512, 'h2': 0}
    assert node_db.allocation_get_by_consumer(migration.uuid) == []
    assert _events(ctxt, 'resize') == {'conductor_migrate_server': 'Error'}
    assert router.sent == []


# ---- resize, confirm, revert ------------------------------------------------

def test_resize_walks_the_task_states_and_confirms(router, world, ctxt):
    seen = []
    real_save = objects.Instance.save

    def save(self, *args, **kwargs):
        seen.append((self.task_state, self.progress))
        return real_save(self, *args, **kwargs)

    with mock.patch.object(objects.Instance, 'save', save):
        migration = _resized(ctxt, router, world)
    assert [m for m, _h in router.sent] == [
        'prep_resize', 'resize_instance', 'finish_resize']
    assert [s for s in seen if s[0] is not None][1:] == [
        (task_states.RESIZE_PREP, 10), (task_states.RESIZE_MIGRATING, 25),
        (task_states.RESIZE_MIGRATED, 50), (task_states.RESIZE_FINISH, 75)]
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.progress) == (
        vm_states.RESIZED, None, 100)
    assert (stored.host, stored.node, stored.power_state) == (
        'h2', 'h2', power_state.RUNNING)
    assert (stored.flavor.flavorid, stored.vcpus, stored.memory_mb,
            stored.root_gb) == ('2', 2, 2048, 20)
    assert resize.flavor_from_sysmeta(stored, 'old_flavor').flavorid == '1'
    assert migration.status == 'finished'
    assert (migration.dest_compute, migration.dest_node) == ('h2', 'h2')
    # Source held for the migration, destination for the instance.
    assert _usage(world) == {'h1': 512, 'h2': 2048}
    held = {a.resource_class: a.used
            for a in node_db.allocation_get_by_consumer(migration.uuid)}
    assert held == {'VCPU': 1, 'MEMORY_MB': 512, 'DISK_GB': 1}
    h1, h2 = router.managers['h1'].driver, router.managers['h2'].driver
    # The stopped guest stays on the source until the confirm.
    assert h1.get_info(stored).state == power_state.SHUTDOWN
    assert UUID in h1._resize_saved
    assert h2.get_info(stored).state == power_state.RUNNING
    assert _events(ctxt, 'resize') == {
        'conductor_migrate_server': 'Success',
        'compute_prep_resize': 'Success',
        'compute_resize_instance': 'Success',
        'compute_finish_resize': 'Success'}

    objects.InstanceAction.action_start(ctxt, UUID, 'confirmResize')
    migration.status = 'confirming'
    migration.save()
    router.managers['h1'].confirm_resize(ctxt, stored, migration)
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.host) == (
        vm_states.ACTIVE, None, 'h2')
    assert 'old_flavor' not in stored.system_metadata
    assert _usage(world) == {'h1': 0, 'h2': 2048}
    assert UUID not in h1._resize_saved
    assert h1.list_instance_uuids() == []
    assert objects.Migration.get_by_id(ctxt, migration.id).status == (
        'confirmed')
    assert _events(ctxt, 'confirmResize') == {
        'compute_confirm_resize': 'Success'}


def test_revert_gives_back_host_flavor_and_allocation(router, world, ctxt):
    migration = _resized(ctxt, router, world)
    instance = _stored(ctxt)
    instance.task_state = task_states.RESIZE_REVERTING
    instance.save(expected_task_state=[None])
    objects.InstanceAction.action_start(ctxt, UUID, 'revertResize')
    migration.status = 'reverting'
    migration.save()
    router.revert_resize(ctxt, instance=instance, migration=migration,
                         host='h2')
    router.drain()
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.host) == (
        vm_states.ACTIVE, None, 'h1')
    assert (stored.flavor.flavorid, stored.vcpus, stored.memory_mb) == (
        '1', 1, 512)
    assert stored.power_state == power_state.RUNNING
    assert _usage(world) == {'h1': 512, 'h2': 0}
    assert node_db.allocation_get_by_consumer(migration.uuid) == []
    assert router.managers['h2'].driver.list_instance_uuids() == []
    assert router.managers['h1'].driver.list_instance_uuids() == [UUID]
    assert objects.Migration.get_by_id(ctxt, migration.id).status == (
        'reverted')
    assert _events(ctxt, 'revertResize') == {
        'compute_revert_resize': 'Success',
        'compute_finish_revert_resize': 'Success'}


def test_resize_on_the_same_host(router, world, ctxt, flags):
    flags(allow_resize_to_same_host=True)
    migration = _resized(ctxt, router, world, dest='h1')
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.host) == (vm_states.RESIZED, 'h1')
    # Both sizes are held on the one host until the confirm.
    assert _usage(world) == {'h1': 512 + 2048, 'h2': 0}
    router.managers['h1'].confirm_resize(ctxt, stored, migration)
    assert _usage(world) == {'h1': 2048, 'h2': 0}
    assert _stored(ctxt).vm_state == vm_states.ACTIVE


def test_stopped_server_stays_off(router, world, ctxt):
    instance = _stored(ctxt)
    router.managers['h1'].driver.power_off(instance)
    instance.vm_state = vm_states.STOPPED
    instance.power_state = power_state.SHUTDOWN
    instance.save()
    migration = _resized(ctxt, router, world)
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.power_state) == (
        vm_states.RESIZED, power_state.SHUTDOWN)
    router.managers['h1'].confirm_resize(ctxt, stored, migration)
    assert _stored(ctxt).vm_state == vm_states.STOPPED


def test_driver_refusal_before_power_off_rolls_back(router, world, ctxt):
    with mock.patch.object(
            router.managers['h1'].driver, 'migrate_disk_and_power_off',
            side_effect=exception.ResizeError(reason='disk down')):
        migration = _resized(ctxt, router, world)
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.host) == (
        vm_states.ACTIVE, None, 'h1')
    assert 'disk down' in stored.fault.message
    assert migration.status == 'error'
    assert _usage(world) == {'h1': 512, 'h2': 0}
    assert _events(ctxt, 'resize')['compute_resize_instance'] == 'Error'


def test_failure_on_the_destination_goes_back_to_the_source(
        router, world, ctxt):
    with mock.patch.object(
            router.managers['h2'].driver, 'finish_migration',
            side_effect=RuntimeError('boom')):
        migration = _resized(ctxt, router, world)
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state) == (vm_states.ACTIVE, None)
    assert stored.host == 'h1'
    assert stored.fault.message == 'RuntimeError'
    assert migration.status == 'error'
    assert _events(ctxt, 'resize')['compute_finish_resize'] == 'Error'
    # The old guest runs on the source again; nothing is left on the
    # destination, and only the source's allocation is held.
    assert router.managers['h1'].driver.get_info(stored).state == \
        power_state.RUNNING
    assert UUID not in router.managers['h2'].driver.list_instance_uuids()
    assert _usage(world) == {'h1': 512, 'h2': 0}
    assert node_db.allocation_get_by_consumer(migration.uuid) == []


def test_failure_on_the_source_after_power_off_restarts_the_guest(
        router, world, ctxt):
    source = router.managers['h1']
    with mock.patch.object(
            source.compute_rpcapi, 'finish_resize',
            side_effect=RuntimeError('broker gone')):
        migration = _resized(ctxt, router, world)
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state) == (vm_states.ACTIVE, None)
    assert stored.host == 'h1'
    assert migration.status == 'error'
    assert source.driver.get_info(stored).state == power_state.RUNNING
    assert _usage(world) == {'h1': 512, 'h2': 0}


# ---- auto-confirm -----------------------------------------------------------

def test_auto_confirm_after_the_window(router, world, ctxt, flags):
    migration = _resized(ctxt, router, world)
    manager = router.managers['h2']
    assert manager._poll_unconfirmed_resizes not in [
        task for task, _interval in manager.periodic_tasks()]
    flags(resize_confirm_window=60)
    assert any(task == manager._poll_unconfirmed_resizes
               for task, _interval in manager.periodic_tasks())
    # Too young: nothing happens.
    manager._poll_unconfirmed_resizes(ctxt)
    router.drain()
    assert _stored(ctxt).vm_state == vm_states.RESIZED
    # An hour old: confirmed, as a user's confirm would.
    old = datetime.datetime.utcnow() - datetime.timedelta(hours=1)
    with db.transaction() as session:
        session.get(migration_api.models.Migration, migration.id).updated_at \
            = old
    manager._poll_unconfirmed_resizes(ctxt)
    router.drain()
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.host) == (vm_states.ACTIVE, 'h2')
    assert objects.Migration.get_by_id(ctxt, migration.id).status == (
        'confirmed')
    assert _usage(world) == {'h1': 0, 'h2': 2048}


# ---- the migrations' database door ----------------------------------------

def _migration_row(ctxt, status='finished', instance_uuid=UUID, **kw):
    migration = objects.Migration(
        context=ctxt, instance_uuid=instance_uuid, source_compute='h1',
        dest_compute='h2', status=status, migration_type='resize', **kw)
    migration.create()
    return migration


def test_migration_lookups_filters_and_pages(database, ctxt):
    first = _migration_row(ctxt, status='confirmed', user_id='u1')
    second = _migration_row(ctxt, status='finished', user_id='u2')
    other = _migration_row(
        ctxt, instance_uuid='00000000-0000-0000-0000-0000000000c2',
        status='finished')
    found = objects.Migration.get_by_instance_and_status(ctxt, UUID,
                                                         'finished')
    assert found.uuid == second.uuid
    with pytest.raises(exception.MigrationNotFoundByStatus):
        objects.Migration.get_by_instance_and_status(ctxt, UUID, 'error')

    def uuids(**kwargs):
        return [m.uuid for m in objects.MigrationList.get_by_filters(
            ctxt, **kwargs)]

    assert uuids(filters={}) == [other.uuid, second.uuid, first.uuid]
    assert uuids(filters={'instance_uuid': UUID}) == [second.uuid,
                                                      first.uuid]
    assert uuids(filters={'user_id': 'u1'}) == [first.uuid]
    assert uuids(filters={'host': 'h2', 'status': 'confirmed'}) == [
        first.uuid]
    assert uuids(filters={}, limit=1) == [other.uuid]
    assert uuids(filters={}, marker=other.uuid) == [second.uuid, first.uuid]
    with pytest.raises(exception.MarkerNotFound):
        uuids(filters={}, marker='nope')


def test_allocation_move_hands_over_and_back(database, ctxt):
    node = _node('h1')
    node_db.allocation_claim(node.id, UUID, {'VCPU': 1, 'MEMORY_MB': 512})
    assert migration_api.allocation_move(UUID, 'mig') == 2
    assert node_db.allocation_get_by_consumer(UUID) == []
    # A claim of the instance on the same node now adds to the held one.
    assert node_db.allocation_claim(node.id, UUID, {'VCPU': 2})
    assert node_db.allocation_usages()[node.id]['VCPU'] == 3
    # Back: the instance's own allocation there is replaced.
    migration_api.allocation_move('mig', UUID)
    assert node_db.allocation_usages()[node.id] == {'VCPU': 1,
                                                    'MEMORY_MB': 512}
    assert migration_api.allocation_move('nobody', UUID) == 0


@pytest.mark.parametrize('task_state', [task_states.RESIZE_MIGRATING,
                                        task_states.REBUILD_SPAWNING])
def test_restart_mid_resize_or_rebuild_is_error(router, world, ctxt,
                                                task_state):
    instance = _stored(ctxt)
    instance.task_state = task_state
    instance.save()
    router.managers['h1'].init_host()
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state) == (vm_states.ERROR, None)
    assert 'restarted during the %s' % task_state in stored.fault.message


# ---- a conductor that does not answer in time ------------------------------

def test_api_puts_back_a_resize_no_conductor_answered(router, world, ctxt):
    api = compute_fixtures.make_api()
    api.compute_task_api.resize_instance.side_effect = (
        exception.ConductorTimeout(method='migrate_server'))
    instance = _stored(ctxt)
    instance.launched_at = datetime.datetime(2026, 1, 1)
    instance.save()
    with mock.patch.object(api, '_get_flavor_for_resize',
                           return_value=world['small']):
        with pytest.raises(exception.ConductorTimeout) as err:
            api.resize(ctxt, instance, world['small'].flavorid)
    assert err.value.code == 503
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state) == (vm_states.ACTIVE, None)
    migrations = objects.MigrationList.get_by_filters(
        ctxt, {'instance_uuid': UUID})
    assert [m.status for m in migrations] == ['error']


def test_conductor_rpc_timeout_becomes_conductor_timeout():
    with mock.patch('nova_lite.rpc.get_client'):
        task_api = conductor_api.ComputeTaskAPI()
    task_api.conductor_compute_rpcapi = mock.Mock()
    task_api.conductor_compute_rpcapi.migrate_server.side_effect = (
        messaging.MessagingTimeout())
    with pytest.raises(exception.ConductorTimeout):
        task_api.resize_instance(mock.sentinel.ctxt, instance=None,
                                 flavor=None, migration=None)


def test_late_conductor_stops_before_the_host_and_gives_back(
        router, world, ctxt):
    instance, migration = _begin_resize(ctxt, world['small'])
    scheduler = _scheduler(world, 'h2')
    real_select = scheduler.select_destinations.side_effect

    def select_after_the_api_gave_up(*args, **kwargs):
        result = real_select(*args, **kwargs)
        # NOTE: meanwhile the API's call timed out and put it back.
        compute_fixtures.make_api()._undo_resize_prep(
            _stored(ctxt), objects.Migration.get_by_id(ctxt, migration.id))
        return result

    scheduler.select_destinations.side_effect = select_after_the_api_gave_up
    with pytest.raises(exception.UnexpectedTaskStateError):
        migrate.MigrationTask(ctxt, instance, world['small'], migration,
                              True, scheduler, router).execute()
    assert router.sent == []
    stored = _stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.host) == (
        vm_states.ACTIVE, None, 'h1')
    assert _usage(world) == {'h1': 512, 'h2': 0}
    assert node_db.allocation_get_by_consumer(migration.uuid) == []

"""A compute host back from the dead (compute/host_cleanup.py): the
addresses of a server deleted while its host was down stay held for that
host; the host reaps the guests of deleted servers (as
``running_deleted_instance_action`` says) and of servers evacuated away,
and leaves alone the guests of servers migrating to or from it. Also: the
compute service's delete releases what was held for it, and a forced-down
host is skipped by the very next scheduling request.

The fake virt driver and a real sqlite database; the RPC clients are
mocked.
"""

import datetime
from unittest import mock

from oslo_utils import uuidutils
import pytest

from nova_lite.compute import host_cleanup
from nova_lite.compute import hosts
from nova_lite.compute import manager as compute_manager
from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite.network import api as network_api
from nova_lite import objects
from nova_lite.scheduler import manager as scheduler_manager
from nova_lite.states import power_state
from tests.unit import compute_fixtures
from tests.unit.scheduler import fakes as scheduler_fakes

UUID = '00000000-0000-0000-0000-%012d'

manager = compute_fixtures.manager


@pytest.fixture
def admin(database):
    return nova_context.get_admin_context()


@pytest.fixture
def network(admin):
    return network_api.API().create(admin, 'private', '192.0.2.0/29')


@pytest.fixture
def api():
    api = compute_fixtures.make_api()
    api.image_api = mock.Mock()
    return api


def _active(manager, ctxt, n=1, host='h1'):
    """An ACTIVE instance built on ``manager`` (its guest runs there) with
    one NIC; then recorded on ``host``."""
    flavor = objects.Flavor(flavorid='1', name='tiny', memory_mb=512,
                            vcpus=1, root_gb=1, ephemeral_gb=0, swap=0,
                            extra_specs={})
    instance = objects.Instance(
        context=ctxt, uuid=UUID % n, user_id='user-1',
        project_id='project-1', vm_state='building',
        task_state='scheduling', host='h1', node='h1', flavor=flavor,
        vcpus=1, memory_mb=512, metadata={})
    instance.create()
    objects.InstanceAction.action_start(ctxt, instance.uuid, 'create')
    manager._locked_build(compute_manager.build.BuildTask(
        manager, ctxt, instance, image=None, request_spec=None,
        admin_password=None, injected_files=None,
        requested_networks='auto', host_list=['h1'], node='h1'))
    stored = objects.Instance.get_by_uuid(ctxt, instance.uuid)
    assert stored.vm_state == 'active'
    if host != 'h1':
        stored.host = stored.node = host
        stored.save()
    return stored


def _deleted_while_down(api, ctxt, instance):
    """The API's delete of ``instance`` while its host is down (h1 has no
    service record, so it is down)."""
    api.delete(ctxt, instance)
    api.compute_rpcapi.terminate_instance.assert_not_called()
    with pytest.raises(exception.InstanceNotFound):
        objects.Instance.get_by_uuid(ctxt, instance.uuid)


def _addresses(ctxt, instance_uuid):
    return [(ip, vif.held_by_host) for vif in
            objects.VirtualInterfaceList.get_by_instance_uuid(
                ctxt, instance_uuid) for ip in vif.fixed_ips]


def _guests(manager):
    return sorted(manager.driver.list_instance_uuids())


def _migration(ctxt, instance_uuid, source='h1', dest='h2',
               migration_type='resize', status='finished'):
    migration = objects.Migration(
        context=ctxt, instance_uuid=instance_uuid, source_compute=source,
        dest_compute=dest, source_node=source, dest_node=dest,
        migration_type=migration_type, status=status)
    migration.create()
    return migration


# ---- item 1: the addresses are held ----------------------------------------

def test_delete_while_host_down_holds_the_addresses(manager, api, admin,
                                                    network):
    instance = _active(manager, admin)
    mac = instance.network_info[0]['address']
    assert _addresses(admin, instance.uuid) == [('192.0.2.2', None)]
    _deleted_while_down(api, admin, instance)
    assert _addresses(admin, instance.uuid) == [('192.0.2.2', 'h1')]
    # NOTE: nobody else gets the address, asked for or not.
    with pytest.raises(exception.FixedIpAlreadyInUse):
        network_api.API().validate_networks(admin, [
            {'network_id': network.uuid, 'address': '192.0.2.2'}], 1)
    other = _active(manager, admin, n=2)
    assert [ip['address'] for ip in other.network_info.fixed_ips()] == [
        '192.0.2.3']
    assert other.network_info[0]['address'] != mac
    # The network host's DHCP entry binds the address to the held MAC.
    assert [mac, '192.0.2.2'] in [list(host[:2]) for host in
                                  network.dhcp_hosts()]


def test_delete_never_placed_releases_at_once(api, admin, network):
    instance = objects.Instance(
        context=admin, uuid=UUID % 1, user_id='user-1',
        project_id='project-1', vm_state='building', metadata={})
    instance.create()
    network_api.API().allocate_for_instance(admin, instance, 'auto')
    api.delete(admin, instance)
    assert _addresses(admin, instance.uuid) == []


# ---- item 2: reap on return ------------------------------------------------

def test_reap_destroys_the_guest_and_releases(manager, api, admin, network):
    instance = _active(manager, admin)
    nics = list(instance.network_info)
    _deleted_while_down(api, admin, instance)
    with mock.patch.object(manager.driver, 'destroy',
                           wraps=manager.driver.destroy) as destroy:
        manager._cleanup_running_deleted_instances()
    assert _guests(manager) == []
    assert destroy.call_args.kwargs['destroy_disks'] is True
    # NOTE: the NICs recorded before the delete, for the unplug.
    assert nics and destroy.call_args.kwargs['network_info'] == nics
    assert _addresses(admin, instance.uuid) == []
    assert objects.Network.get_by_uuid(
        admin, network.uuid).allocated_count() == 0


def test_init_host_reaps_after_the_driver_started(manager, api, admin,
                                                  network):
    instance = _active(manager, admin)
    _deleted_while_down(api, admin, instance)
    order = []
    with mock.patch.object(manager.driver, 'init_host',
                           side_effect=lambda host: order.append('driver')), \
            mock.patch.object(host_cleanup, 'destroy_evacuated_instances',
                              side_effect=lambda *a: order.append('evac')), \
            mock.patch.object(objects.InstanceList, 'get_by_host',
                              side_effect=lambda *a: order.append('list')
                              or []):
        manager.init_host()
    assert order == ['driver', 'evac', 'list']
    assert _guests(manager) == []
    assert _addresses(admin, instance.uuid) == []


@pytest.mark.parametrize('action, state', [
    ('log', power_state.RUNNING),
    ('shutdown', power_state.SHUTDOWN),
    ('noop', power_state.RUNNING),
])
def test_other_actions_keep_the_guest_and_its_addresses(
        manager, api, admin, network, flags, action, state):
    flags(running_deleted_instance_action=action)
    instance = _active(manager, admin)
    _deleted_while_down(api, admin, instance)
    manager._cleanup_running_deleted_instances()
    assert _guests(manager) == [instance.uuid]
    assert manager.driver.get_info(instance).state == state
    assert _addresses(admin, instance.uuid) == [('192.0.2.2', 'h1')]


@pytest.mark.parametrize('timeout, reaped', [(3600, False), (0, True)])
def test_timeout_since_deletion(manager, api, admin, network, flags,
                                timeout, reaped):
    flags(running_deleted_instance_timeout=timeout)
    instance = _active(manager, admin)
    _deleted_while_down(api, admin, instance)
    manager._cleanup_running_deleted_instances()
    assert (_guests(manager) == []) is reaped


def test_timeout_passed(manager, api, admin, network, flags):
    flags(running_deleted_instance_timeout=60)
    instance = _active(manager, admin)
    _deleted_while_down(api, admin, instance)
    later = datetime.datetime.now(datetime.timezone.utc) + (
        datetime.timedelta(seconds=61))
    with mock.patch('oslo_utils.timeutils.utcnow', return_value=later):
        manager._cleanup_running_deleted_instances()
    assert _guests(manager) == []


@pytest.mark.parametrize('action', ['reap', 'log', 'noop'])
def test_a_guest_found_gone_releases_its_addresses(manager, api, admin,
                                                   network, flags, action):
    flags(running_deleted_instance_action=action)
    instance = _active(manager, admin)
    _deleted_while_down(api, admin, instance)
    # NOTE: the host rebooted: the guest did not survive.
    manager.driver.destroy(admin, instance)
    manager._cleanup_running_deleted_instances()
    assert _addresses(admin, instance.uuid) == []


def test_guest_of_an_instance_hosted_here_is_untouched(manager, admin,
                                                       network):
    instance = _active(manager, admin)
    manager._cleanup_running_deleted_instances()
    assert _guests(manager) == [instance.uuid]
    assert _addresses(admin, instance.uuid) == [('192.0.2.2', None)]


def test_guest_of_an_instance_living_elsewhere_is_reaped(manager, admin,
                                                         network):
    instance = _active(manager, admin, host='h2')
    with mock.patch.object(manager.driver, 'destroy',
                           wraps=manager.driver.destroy) as destroy:
        manager._cleanup_running_deleted_instances()
    assert _guests(manager) == []
    # NOTE: its disks may be what h2 runs it from; its addresses are its.
    assert destroy.call_args.kwargs['destroy_disks'] is False
    assert _addresses(admin, instance.uuid) == [('192.0.2.2', None)]


@pytest.mark.parametrize('source, dest, status', [
    ('h1', 'h2', 'finished'),        # resized away, not yet confirmed
    ('h2', 'h1', 'post-migrating'),  # coming here
    ('h1', 'h2', 'running'),         # a live migration under way
])
def test_guest_mid_migration_is_untouched(manager, api, admin, network,
                                          source, dest, status):
    moving = _active(manager, admin, n=1, host='h2')
    _migration(admin, moving.uuid, source, dest, status=status)
    deleted = _active(manager, admin, n=2)
    _migration(admin, deleted.uuid, source, dest, status=status)
    _deleted_while_down(api, admin, deleted)
    manager._cleanup_running_deleted_instances()
    assert _guests(manager) == [moving.uuid, deleted.uuid]
    assert _addresses(admin, deleted.uuid) == [('192.0.2.3', 'h1')]


def test_guest_after_a_finished_migration_is_reaped(manager, admin,
                                                    network):
    instance = _active(manager, admin, host='h2')
    _migration(admin, instance.uuid, status='confirmed')
    manager._cleanup_running_deleted_instances()
    assert _guests(manager) == []


def test_guest_without_a_record_is_left_alone(manager, admin):
    ghost = objects.Instance(context=admin, uuid=UUID % 9, flavor=None)
    ghost.id = 9
    manager.driver.spawn(admin, ghost, None, None, None, None)
    manager._cleanup_running_deleted_instances()
    assert _guests(manager) == [ghost.uuid]


def test_one_failure_does_not_stop_the_others(manager, api, admin, network):
    first = _active(manager, admin, n=1)
    second = _active(manager, admin, n=2)
    _deleted_while_down(api, admin, first)
    _deleted_while_down(api, admin, second)
    real = manager.driver.destroy

    def destroy(context, instance, **kwargs):
        if instance.uuid == first.uuid:
            raise exception.NovaException('hypervisor says no')
        return real(context, instance, **kwargs)

    with mock.patch.object(manager.driver, 'destroy', destroy):
        manager._cleanup_running_deleted_instances()
    assert _guests(manager) == [first.uuid]
    assert _addresses(admin, first.uuid) == [('192.0.2.2', 'h1')]
    assert _addresses(admin, second.uuid) == []


def test_driver_without_uuid_listing(manager, admin):
    with mock.patch.object(manager.driver, 'list_instance_uuids',
                           side_effect=NotImplementedError):
        manager._cleanup_running_deleted_instances()
        host_cleanup.destroy_evacuated_instances(manager, admin)


@pytest.mark.parametrize('interval, scheduled', [(1800, True), (0, False),
                                                 (-1, False)])
def test_periodic_task(manager, flags, interval, scheduled):
    flags(running_deleted_instance_poll_interval=interval)
    tasks = dict(manager.periodic_tasks())
    assert (manager._cleanup_running_deleted_instances in tasks) is scheduled
    if scheduled:
        assert tasks[manager._cleanup_running_deleted_instances] == interval


def test_options_and_defaults():
    from nova_lite import conf
    assert conf.CONF.running_deleted_instance_action == 'reap'
    assert conf.CONF.running_deleted_instance_poll_interval == 1800
    assert conf.CONF.running_deleted_instance_timeout == 0


# ---- item 3: leftovers of evacuated guests ---------------------------------

@pytest.mark.parametrize('status', ['accepted', 'pre-migrating', 'done'])
def test_evacuated_guest_is_destroyed(manager, admin, network, status):
    instance = _active(manager, admin, host='h2')
    migration = _migration(admin, instance.uuid, migration_type='evacuation',
                           status=status)
    with mock.patch.object(manager.driver, 'destroy',
                           wraps=manager.driver.destroy) as destroy, \
            mock.patch.object(objects.Allocation,
                              'delete_by_consumer') as drop:
        host_cleanup.destroy_evacuated_instances(manager, admin)
    assert _guests(manager) == []
    assert destroy.call_args.kwargs['destroy_disks'] is True
    drop.assert_called_once_with(admin, migration.uuid)
    assert objects.Migration.get_by_uuid(admin, migration.uuid).status == (
        'completed')
    # NOTE: the addresses are the evacuated server's, on its new host.
    assert _addresses(admin, instance.uuid) == [('192.0.2.2', None)]


def test_evacuation_without_a_guest_here_is_completed(manager, admin,
                                                      network):
    instance = _active(manager, admin, host='h2')
    manager.driver.destroy(admin, instance)
    migration = _migration(admin, instance.uuid, migration_type='evacuation',
                           status='done')
    host_cleanup.destroy_evacuated_instances(manager, admin)
    assert objects.Migration.get_by_uuid(admin, migration.uuid).status == (
        'completed')


@pytest.mark.parametrize('status', ['failed', 'error', 'completed'])
def test_other_evacuations_are_left_alone(manager, admin, network, status):
    instance = _active(manager, admin, host='h2')
    migration = _migration(admin, instance.uuid, migration_type='evacuation',
                           status=status)
    host_cleanup.destroy_evacuated_instances(manager, admin)
    assert _guests(manager) == [instance.uuid]
    assert objects.Migration.get_by_uuid(admin, migration.uuid).status == (
        status)


def test_evacuation_of_an_instance_still_hosted_here(manager, admin,
                                                     network):
    instance = _active(manager, admin)
    migration = _migration(admin, instance.uuid, migration_type='evacuation',
                           status='accepted')
    host_cleanup.destroy_evacuated_instances(manager, admin)
    assert _guests(manager) == [instance.uuid]
    assert objects.Migration.get_by_uuid(admin, migration.uuid).status == (
        'accepted')


def test_evacuations_from_other_hosts_and_resizes_are_ignored(
        manager, admin, network):
    instance = _active(manager, admin, host='h2')
    _migration(admin, instance.uuid, source='h3', dest='h2',
               migration_type='evacuation', status='done')
    _migration(admin, instance.uuid, migration_type='migration',
               status='done')
    host_cleanup.destroy_evacuated_instances(manager, admin)
    assert _guests(manager) == [instance.uuid]


def test_evacuated_then_deleted_releases_the_held_addresses(
        manager, api, admin, network):
    instance = _active(manager, admin)
    migration = _migration(admin, instance.uuid, migration_type='evacuation',
                           status='accepted')
    _deleted_while_down(api, admin, instance)
    host_cleanup.destroy_evacuated_instances(manager, admin)
    assert _guests(manager) == []
    assert _addresses(admin, instance.uuid) == []
    assert objects.Migration.get_by_uuid(admin, migration.uuid).status == (
        'completed')


def test_evacuated_guest_is_left_to_start_up_by_the_periodic(
        manager, admin, network):
    instance = _active(manager, admin, host='h2')
    _migration(admin, instance.uuid, migration_type='evacuation',
               status='done')
    manager._cleanup_running_deleted_instances()
    assert _guests(manager) == [instance.uuid]


def test_evacuation_cleanup_runs_at_init_host(manager, admin, network):
    instance = _active(manager, admin, host='h2')
    migration = _migration(admin, instance.uuid, migration_type='evacuation',
                           status='done')
    manager.init_host()
    assert _guests(manager) == []
    assert objects.Migration.get_by_uuid(admin, migration.uuid).status == (
        'completed')


def test_evacuation_cleanup_failure_does_not_stop_the_start(manager, admin,
                                                            network):
    instance = _active(manager, admin, host='h2')
    migration = _migration(admin, instance.uuid, migration_type='evacuation',
                           status='done')
    with mock.patch.object(manager.driver, 'destroy',
                           side_effect=exception.NovaException('no')):
        host_cleanup.destroy_evacuated_instances(manager, admin)
    assert objects.Migration.get_by_uuid(admin, migration.uuid).status == (
        'done')


# ---- item 1 (end): the compute service's delete ----------------------------

def test_deleting_the_compute_service_releases_what_is_held(
        manager, api, admin, network):
    instance = _active(manager, admin)
    _deleted_while_down(api, admin, instance)
    service = objects.Service(context=admin, host='h1',
                              binary='nova-compute', topic='compute')
    service.create()
    with mock.patch('nova_lite.network.rpcapi.NetworkAPI') as rpc:
        hosts.HostAPI().service_delete(service)
    assert _addresses(admin, instance.uuid) == []
    rpc.return_value.refresh_networks.assert_called_once_with(
        admin, network_uuids=[network.uuid])


def test_a_refused_service_delete_releases_nothing(manager, api, admin,
                                                   network):
    deleted = _active(manager, admin, n=1)
    _active(manager, admin, n=2)
    _deleted_while_down(api, admin, deleted)
    service = objects.Service(context=admin, host='h1',
                              binary='nova-compute', topic='compute')
    service.create()
    with pytest.raises(exception.ComputeServiceInUse):
        hosts.HostAPI().service_delete(service)
    assert _addresses(admin, deleted.uuid) == [('192.0.2.2', 'h1')]


# ---- item 4: forced_down is seen by the next request -----------------------

def test_forced_down_host_is_skipped_at_once(admin, flags):
    flags(enabled_filters=['ComputeFilter', 'ResourceFitFilter'],
          group='filter_scheduler')
    scheduler_fakes.add_host('host-a')
    scheduler_fakes.add_host('host-b', memory_mb=1024)
    scheduler = scheduler_manager.SchedulerManager()

    def place():
        [selections] = scheduler.select_destinations(
            admin, scheduler_fakes.make_spec(),
            [uuidutils.generate_uuid()], return_alternates=False)
        return selections[0].service_host

    assert place() == 'host-a'
    service = objects.Service.get_by_host_and_binary(admin, 'host-a',
                                                     'nova-compute')
    hosts.HostAPI.service_update(service, {'forced_down': True})
    assert place() == 'host-b'
    hosts.HostAPI.service_update(service, {'forced_down': False})
    assert place() == 'host-a'

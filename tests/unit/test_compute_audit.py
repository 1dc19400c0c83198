"""The orphan audit (compute/audit.py): allocations, guests and instance
directories no live instance owns are found, and removed on request;
those of instances being built or moved, or younger than the grace
period, are not. Also the compute's RPC method and periodic task, and
``nova-lite-manage placement audit``'s report and exit codes.

The fake virt driver (and the libvirt driver over a mocked libvirt
connection) and a real sqlite database; RPC clients are mocked.
"""

import os
import types
from unittest import mock

import pytest
import sqlalchemy as sa

from nova_lite.cmd import manage_placement
from nova_lite.compute import audit
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite import context as nova_context
from nova_lite.db import api as db_api
from nova_lite.db import compute_node_api
from nova_lite.db import models
from nova_lite import objects
from nova_lite.virt.libvirt import driver as libvirt_driver
from nova_lite.virt import virtapi
from tests.unit import compute_fixtures

UUID = '00000000-0000-0000-0000-%012d'

manager = compute_fixtures.manager

INVENTORY = {'hypervisor_type': 'fake', 'vcpus': 8, 'memory_mb': 8192,
             'local_gb': 100, 'cpu_allocation_ratio': 1.0,
             'ram_allocation_ratio': 1.0, 'disk_allocation_ratio': 1.0}


@pytest.fixture
def admin(database, flags, tmp_path):
    flags(state_path=str(tmp_path))
    flags(orphan_audit_grace_period=0, group='compute')
    return nova_context.get_admin_context()


def _node(admin, host='h1'):
    return objects.ComputeNode.update_or_create(admin, host, host,
                                                dict(INVENTORY))


def _instance(manager, admin, n, host='h1', task_state=None, guest=True,
              directory=True, allocation=True):
    """An ACTIVE instance on ``host`` with what it owns on h1: a fake
    guest, a directory, an allocation."""
    flavor = objects.Flavor(flavorid='1', name='tiny', memory_mb=512,
                            vcpus=1, root_gb=1, ephemeral_gb=0, swap=0,
                            extra_specs={})
    instance = objects.Instance(
        context=admin, uuid=UUID % n, user_id='user-1',
        project_id='project-1', vm_state='active', task_state=task_state,
        host=host, node=host, flavor=flavor, vcpus=1, memory_mb=512,
        metadata={})
    instance.create()
    if guest:
        manager.driver.spawn(admin, instance, None, None, None, None)
    if directory:
        os.makedirs(os.path.join(manager.driver.instances_path(),
                                 instance.uuid))
    if allocation:
        compute_node_api.allocation_claim(_node(admin).id, instance.uuid,
                                          {'VCPU': 1, 'MEMORY_MB': 512})
    return instance


def _remove_row(uuid):
    """What an operator's stray DELETE or a lost transaction leaves: no
    instance row at all (its allocation stays)."""
    with db_api.transaction() as session:
        session.execute(sa.delete(models.Instance).where(
            models.Instance.uuid == uuid))


def _kinds(orphans):
    return sorted((o.kind, o.ident if o.kind != audit.DIRECTORY
                   else os.path.basename(o.ident)) for o in orphans)


def test_live_instances_own_everything(manager, admin):
    _instance(manager, admin, 1)
    assert audit.audit_host(manager, admin) == []


def test_leftovers_of_a_vanished_instance_are_found_and_deleted(manager,
                                                                admin):
    _instance(manager, admin, 1)
    gone = _instance(manager, admin, 2)
    _remove_row(gone.uuid)

    found = audit.audit_host(manager, admin)
    assert _kinds(found) == [(audit.ALLOCATION, gone.uuid),
                             (audit.DIRECTORY, gone.uuid),
                             (audit.GUEST, gone.uuid)]
    assert not any(o.deleted for o in found)
    assert all(o.host == 'h1' for o in found)
    assert 'no instance has this uuid' in str(found[1])

    deleted = audit.audit_host(manager, admin, delete=True)
    assert all(o.deleted for o in deleted) and len(deleted) == 3
    assert manager.driver.list_instance_uuids() == [UUID % 1]
    assert os.listdir(manager.driver.instances_path()) == [UUID % 1]
    assert {a.consumer_id for a in
            objects.AllocationList.get_all(admin)} == {UUID % 1}
    assert audit.audit_host(manager, admin) == []


def test_deleted_instance_within_grace_period_is_not_an_orphan(
        manager, admin, flags):
    instance = _instance(manager, admin, 1, allocation=False)
    instance.destroy()
    flags(orphan_audit_grace_period=600, group='compute')
    assert audit.audit_host(manager, admin) == []
    flags(orphan_audit_grace_period=0, group='compute')
    assert _kinds(audit.audit_host(manager, admin)) == [
        (audit.DIRECTORY, instance.uuid), (audit.GUEST, instance.uuid)]


def test_young_allocation_is_not_an_orphan(manager, admin, flags):
    compute_node_api.allocation_claim(_node(admin).id, UUID % 9,
                                      {'VCPU': 1})
    flags(orphan_audit_grace_period=600, group='compute')
    assert audit.find_orphan_allocations(admin) == []


@pytest.mark.parametrize('task_state', ['resize_migrating', 'spawning',
                                        'rebuild_spawning'])
def test_instance_with_a_task_under_way_elsewhere_keeps_its_guest(
        manager, admin, task_state):
    _instance(manager, admin, 1, host='h2', task_state=task_state)
    assert audit.audit_host(manager, admin) == []


def test_guest_of_an_instance_settled_elsewhere_is_an_orphan(manager,
                                                             admin):
    instance = _instance(manager, admin, 1, host='h2', allocation=False)
    # NOTE: the directory may be on storage shared with h2: not ours to
    # remove.
    found = audit.audit_host(manager, admin)
    assert _kinds(found) == [(audit.GUEST, instance.uuid)]
    assert 'lives on h2' in found[0].reason


def test_migration_under_way_keeps_its_allocation_and_guest(manager,
                                                            admin):
    instance = _instance(manager, admin, 1, host='h2')
    migration = objects.Migration(
        context=admin, source_compute='h1', dest_compute='h2',
        source_node='h1', dest_node='h2', instance_uuid=instance.uuid,
        status='migrating', migration_type='resize')
    migration.create()
    objects.Migration.move_allocations(admin, instance.uuid, migration.uuid)
    compute_node_api.allocation_claim(_node(admin, 'h2').id, instance.uuid,
                                      {'VCPU': 1})
    assert audit.audit_host(manager, admin) == []
    migration.status = 'error'
    migration.save()
    found = audit.find_orphan_allocations(admin)
    assert [(o.kind, o.ident) for o in found] == [
        (audit.ALLOCATION, migration.uuid)]


def test_guest_nova_lite_did_not_make_is_left_alone(manager, admin):
    stranger = types.SimpleNamespace(
        uuid=UUID % 5, name='someone-elses-vm', flavor=objects.Flavor(
            vcpus=1, memory_mb=64, root_gb=0, ephemeral_gb=0))
    manager.driver.spawn(admin, stranger, None, None, None, None)
    # NOTE: and a directory that is no instance's (the image cache).
    os.makedirs(os.path.join(manager.driver.instances_path(), '_base'))
    assert audit.audit_host(manager, admin) == []


def test_resize_directory_counts_as_the_instances(manager, admin):
    instance = _instance(manager, admin, 1, guest=False, allocation=False)
    os.makedirs(os.path.join(manager.driver.instances_path(),
                             instance.uuid + '_resize'))
    assert audit.audit_host(manager, admin) == []
    _remove_row(instance.uuid)
    assert sorted(os.path.basename(o.ident) for o in
                  audit.audit_host(manager, admin)) == [
        instance.uuid, instance.uuid + '_resize']


def test_delete_skips_what_became_busy_since_the_audit(manager, admin):
    gone = _instance(manager, admin, 1, allocation=False)
    _remove_row(gone.uuid)
    found = audit.find_host_orphans(admin, 'h1', manager.driver)
    # NOTE: a build of the same uuid took the host in between.
    _instance(manager, admin, 1, guest=False, directory=False,
              allocation=False)
    audit.delete_host_orphans(admin, 'h1', manager.driver, found)
    assert not any(o.deleted for o in found)
    assert manager.driver.list_instance_uuids() == [gone.uuid]


def test_rpc_method_answers_primitives_without_allocations(manager, admin):
    gone = _instance(manager, admin, 1)
    _remove_row(gone.uuid)
    answer = manager.audit_orphans(admin, delete=False)
    assert sorted(item['kind'] for item in answer) == [audit.DIRECTORY,
                                                       audit.GUEST]
    assert audit.Orphan.from_primitive(answer[0]).host == 'h1'


@pytest.mark.parametrize('action, left', [('log', 1), ('reap', 0)])
def test_periodic_task_logs_or_reaps(manager, admin, flags, action, left):
    flags(orphan_audit_interval=60, orphan_audit_action=action,
          group='compute')
    gone = _instance(manager, admin, 1)
    _remove_row(gone.uuid)
    tasks = dict(manager.periodic_tasks())
    assert tasks[manager._audit_orphans] == 60
    with mock.patch.object(audit.LOG, 'warning') as warning:
        manager._audit_orphans(admin)
    assert warning.call_count == 3
    assert len(manager.driver.list_instance_uuids()) == left
    assert len({a.consumer_id for a in
                objects.AllocationList.get_all(admin)}) == left


def test_periodic_task_off(manager, flags):
    flags(orphan_audit_interval=0, group='compute')
    assert manager._audit_orphans not in dict(manager.periodic_tasks())


def test_libvirt_guests_and_directory(flags, tmp_path):
    flags(state_path=str(tmp_path))
    driver = libvirt_driver.LibvirtDriver(virtapi.VirtAPI())
    guests = [mock.Mock(uuid=UUID % 1, name='x'),
              mock.Mock(uuid=UUID % 2, name='x')]
    guests[0].name, guests[1].name = 'instance-00000001', 'other'
    with mock.patch.object(driver, '_host') as host:
        host.list_guests.return_value = guests
        assert driver.list_guest_names() == {
            UUID % 1: 'instance-00000001', UUID % 2: 'other'}
    assert driver.instances_path() == str(tmp_path / 'instances')


def test_name_pattern_follows_the_template(flags):
    assert audit._name_pattern().match('instance-0000002a')
    assert not audit._name_pattern().match('someone-elses-vm')
    flags(instance_name_template='vm-%d')
    assert audit._name_pattern().match('vm-42')
    assert not audit._name_pattern().match('instance-0000002a')


# ---- nova-lite-manage placement audit ---------------------------------------

def _run_manage(flags, capsys, **args):
    category = mock.Mock(verbose=False, delete=False,
                         resource_provider=None)
    for name, value in args.items():
        setattr(category, name, value)
    with mock.patch.object(manage_placement.CONF, 'category', category,
                           create=True), \
            mock.patch.object(manage_placement.rpc, 'init'):
        code = manage_placement.COMMANDS[('placement', 'audit')]()
    return code, capsys.readouterr()


@pytest.fixture
def compute_service(admin):
    service = objects.Service(context=admin, host='h1',
                              binary='nova-compute', topic='compute')
    service.create()
    service.heartbeat()
    return service


def test_manage_audit_exit_codes(manager, admin, flags, capsys,
                                 compute_service):
    def ask_host(context, host, delete=False):
        assert host == 'h1'
        return manager.audit_orphans(context, delete=delete)

    with mock.patch('nova_lite.rpc.get_client'), \
            mock.patch.object(compute_rpcapi.ComputeAPI, 'audit_orphans',
                              side_effect=ask_host):
        code, out = _run_manage(flags, capsys)
        assert code == manage_placement.NOTHING_FOUND
        assert 'Found 0 orphan(s)' in out.out

        gone = _instance(manager, admin, 1)
        _remove_row(gone.uuid)
        code, out = _run_manage(flags, capsys)
        assert code == manage_placement.FOUND
        lines = out.out.splitlines()
        assert sum(gone.uuid in line for line in lines) == 3
        assert lines[-1].startswith('Found 3 orphan(s): 1 allocation(s), '
                                    '1 guest(s), 1 instance directory')

        code, out = _run_manage(flags, capsys, delete=True)
        assert code == manage_placement.ALL_DELETED
        assert '; deleted 3' in out.out
        code, out = _run_manage(flags, capsys)
        assert code == manage_placement.NOTHING_FOUND


def test_manage_audit_host_down_reports_allocations_only(
        manager, admin, flags, capsys, compute_service):
    gone = _instance(manager, admin, 1)
    _remove_row(gone.uuid)
    with mock.patch.object(objects.Service, 'is_up', return_value=False), \
            mock.patch('nova_lite.rpc.get_client') as client:
        code, out = _run_manage(flags, capsys)
    assert not client.return_value.prepare.called
    assert code == manage_placement.FOUND
    assert 'Host h1 is down' in out.out
    assert 'hosts not audited: h1' in out.out
    assert 'Found 1 orphan(s): 1 allocation(s)' in out.out


@pytest.mark.parametrize('provider, expected', [
    ('not-a-uuid', manage_placement.INVALID_INPUT),
    (UUID % 77, manage_placement.INVALID_INPUT),
])
def test_manage_audit_bad_resource_provider(admin, flags, capsys, provider,
                                            expected):
    code, out = _run_manage(flags, capsys, resource_provider=provider)
    assert code == expected
    assert 'Error' in out.err


def test_manage_audit_of_one_resource_provider(manager, admin, flags,
                                               capsys):
    gone = _instance(manager, admin, 1, guest=False, directory=False)
    _remove_row(gone.uuid)
    other = _node(admin, 'h2')
    compute_node_api.allocation_claim(other.id, UUID % 2, {'VCPU': 1})
    code, out = _run_manage(flags, capsys, resource_provider=other.uuid)
    assert code == manage_placement.FOUND
    assert UUID % 2 in out.out and gone.uuid not in out.out

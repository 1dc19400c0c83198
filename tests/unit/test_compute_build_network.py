"""A build's NETWORKING step and every way a build ends, as far as addresses
go: allocated before spawn, kept by an ACTIVE server, released on
reschedule, abort, delete during the build and terminate.

The fake virt driver and a real sqlite database; the conductor's RPC
client is mocked.
"""

from unittest import mock

import pytest

from nova_lite.compute import manager as compute_manager
from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite.network import api as network_api
from nova_lite import objects
from nova_lite.objects import network_info as model
from tests.unit import compute_fixtures

UUID = '00000000-0000-0000-0000-%012d'


manager = compute_fixtures.manager


@pytest.fixture
def network(database):
    return network_api.API().create(nova_context.get_admin_context(),
                                    'private', '192.0.2.0/29')


def _instance(ctxt, n=1):
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
    return instance


def _build(manager, ctxt, instance, requested_networks=None):
    manager._locked_build(compute_manager.build.BuildTask(
        manager, ctxt, instance, image=None, request_spec=None,
        admin_password=None, injected_files=None,
        requested_networks=requested_networks, host_list=['h1', 'h2'],
        node='h1'))
    return objects.Instance.get_by_uuid(ctxt, instance.uuid,
                                        expected_attrs=['fault'])


def _held(ctxt, instance_uuid):
    return [ip for vif in objects.VirtualInterfaceList.get_by_instance_uuid(
        ctxt, instance_uuid) for ip in vif.fixed_ips]


def test_active_server_keeps_its_nics(manager, ctxt, network):
    instance = _instance(ctxt)
    with mock.patch.object(manager.driver, 'spawn',
                           wraps=manager.driver.spawn) as spawn:
        stored = _build(manager, ctxt, instance, 'auto')
    assert stored.vm_state == 'active'
    assert isinstance(stored.network_info, model.NetworkInfo)
    assert [ip['address'] for ip in stored.network_info.fixed_ips()] == [
        '192.0.2.2']
    assert stored.network_info[0]['network']['id'] == network.uuid
    assert spawn.call_args.kwargs['network_info'] == stored.network_info
    assert _held(ctxt, instance.uuid) == ['192.0.2.2']


def test_explicit_fixed_ip(manager, ctxt, network):
    stored = _build(manager, ctxt, _instance(ctxt), [
        {'network_id': network.uuid, 'address': '192.0.2.6',
         'port_id': None, 'tag': None}])
    assert stored.network_info.fixed_ips()[0]['address'] == '192.0.2.6'


def test_none_means_no_nic(manager, ctxt, network):
    stored = _build(manager, ctxt, _instance(ctxt), 'none')
    assert stored.vm_state == 'active'
    assert stored.network_info == []


def test_reschedule_releases_addresses(manager, ctxt, network, flags):
    flags(fail_spawn=True, group='fake_driver')
    instance = _instance(ctxt)
    stored = _build(manager, ctxt, instance, 'auto')
    assert (stored.vm_state, stored.task_state) == ('building',
                                                    'scheduling')
    assert stored.network_info == []
    assert _held(ctxt, instance.uuid) == []
    kwargs = manager.compute_task_api.build_instances.call_args.kwargs
    assert kwargs['requested_networks'] == 'auto'


def test_abort_releases_addresses(manager, ctxt, network):
    instance = _instance(ctxt)
    with mock.patch.object(manager.driver, 'spawn', side_effect=(
            exception.BuildAbortException(instance_uuid=instance.uuid,
                                          reason='bad image'))):
        stored = _build(manager, ctxt, instance, 'auto')
    assert stored.vm_state == 'error'
    assert stored.network_info == []
    assert _held(ctxt, instance.uuid) == []


def test_full_network_aborts_without_reschedule(manager, ctxt, network):
    holders = [_instance(ctxt, n) for n in range(2, 7)]
    for holder in holders:
        assert _build(manager, ctxt, holder, 'auto').vm_state == 'active'
    instance = _instance(ctxt)
    with mock.patch.object(manager.driver, 'spawn') as spawn:
        stored = _build(manager, ctxt, instance, 'auto')
    assert stored.vm_state == 'error'
    assert 'Failed to allocate the network(s)' in stored.fault.message
    assert 'No fixed IP addresses available' in stored.fault.message
    spawn.assert_not_called()
    manager.compute_task_api.build_instances.assert_not_called()
    assert _held(ctxt, instance.uuid) == []


def test_delete_during_build_releases_addresses(manager, ctxt, network):
    instance = _instance(ctxt)
    real_spawn = manager.driver.spawn

    def spawn_while_deleted(*args, **kwargs):
        real_spawn(*args, **kwargs)
        other = objects.Instance.get_by_uuid(ctxt, instance.uuid)
        other.task_state = 'deleting'
        other.save()

    with mock.patch.object(manager.driver, 'spawn', spawn_while_deleted):
        _build(manager, ctxt, instance, 'auto')
    assert _held(ctxt, instance.uuid) == []


def test_terminate_releases_addresses(manager, ctxt, network):
    instance = _instance(ctxt)
    stored = _build(manager, ctxt, instance, 'auto')
    nics = list(stored.network_info)
    assert nics
    with mock.patch.object(manager.driver, 'destroy',
                           wraps=manager.driver.destroy) as destroy:
        manager._terminate(ctxt, stored)
    assert destroy.call_args.kwargs['network_info'] == nics
    assert _held(ctxt, instance.uuid) == []
    # The address is free for the next server.
    assert _build(manager, ctxt, _instance(ctxt, 2), [
        {'network_id': network.uuid, 'address': '192.0.2.2',
         'port_id': None, 'tag': None}]).vm_state == 'active'

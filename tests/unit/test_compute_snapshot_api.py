"""compute.api createImage, shelve, shelveOffload, unshelve, rescue,
unrescue, soft delete, restore and forceDelete: which states allow them
(Nova's table, every pair), what they write and send."""

from unittest import mock

import pytest

from nova_lite.compute import api as compute_api
from nova_lite import exception
from nova_lite.states import task_states
from nova_lite.states import vm_states
from tests.unit import compute_fixtures

UUID = '00000000-0000-0000-0000-0000000000ab'
IMAGE = {'id': 'image-1', 'status': 'queued'}

ALL_VM_STATES = compute_fixtures.ALL_VM_STATES
ALL_TASK_STATES = compute_fixtures.ALL_TASK_STATES
EVERY_VM_STATE = set(ALL_VM_STATES)

# action -> (allowed vm_states, allowed task_states), Nova's rules.
RULES = {
    'snapshot': ({vm_states.ACTIVE, vm_states.STOPPED, vm_states.PAUSED,
                  vm_states.SUSPENDED}, {None}),
    'shelve': ({vm_states.ACTIVE, vm_states.STOPPED, vm_states.PAUSED,
                vm_states.SUSPENDED}, {None}),
    'shelve_offload': ({vm_states.SHELVED}, {None}),
    'unshelve': ({vm_states.SHELVED, vm_states.SHELVED_OFFLOADED}, {None}),
    'rescue': ({vm_states.ACTIVE, vm_states.STOPPED, vm_states.ERROR},
               {None}),
    'unrescue': ({vm_states.RESCUED}, {None}),
    'restore': ({vm_states.SOFT_DELETED}, {None}),
    'soft_delete': (EVERY_VM_STATE - {vm_states.SOFT_DELETED}, {None}),
    'force_delete': (EVERY_VM_STATE, {None}),
}
# action -> (task state claimed, instance action, rpcapi method)
SENT = {
    'snapshot': (task_states.IMAGE_SNAPSHOT_PENDING, 'createImage',
                 'snapshot_instance'),
    'shelve': (task_states.SHELVING, 'shelve', 'shelve_instance'),
    'shelve_offload': (task_states.SHELVING_OFFLOADING, 'shelveOffload',
                       'shelve_offload_instance'),
    'rescue': (task_states.RESCUING, 'rescue', 'rescue_instance'),
    'unrescue': (task_states.UNRESCUING, 'unrescue', 'unrescue_instance'),
    'restore': (task_states.RESTORING, 'restore', 'restore_instance'),
    'soft_delete': (task_states.SOFT_DELETING, 'delete',
                    'soft_delete_instance'),
}


@pytest.fixture
def api():
    api = compute_fixtures.make_api()
    api.image_api = mock.Mock()
    api.image_api.create.return_value = IMAGE
    api._host_is_up = mock.Mock(return_value=True)
    return api


def _stub(**kw):
    values = dict(uuid=UUID, vm_state=vm_states.ACTIVE, task_state=None,
                  launched_at='2024-01-01', host='h1', locked=False,
                  display_name='srv', image_ref='base-image',
                  system_metadata={'image_base_image_ref': 'base-image',
                                   'image_disk_format': 'qcow2',
                                   'image_container_format': 'bare',
                                   'image_min_ram': '64',
                                   'image_kernel_id': 'k-1'})
    values.update(kw)
    return mock.Mock(**values)


def _call(api, action, context, instance):
    if action == 'snapshot':
        return api.snapshot(context, instance, 'snap')
    return getattr(api, action)(context, instance)


def _outcome(api, ctxt, action, vm_state, task_state):
    instance = _stub(vm_state=vm_state, task_state=task_state)
    api.image_api.create.reset_mock()
    with mock.patch.object(api, '_start_task') as start_task, \
            mock.patch.object(api, 'delete') as delete, \
            mock.patch('nova_lite.objects.RequestSpec'):
        try:
            _call(api, action, ctxt, instance)
        except exception.InstanceInvalidState as err:
            assert not start_task.called and not delete.called
            assert not api.image_api.create.called
            return err.kwargs['attr'], err.kwargs['state']
    assert start_task.called or delete.called
    return 'ok'


@pytest.mark.parametrize('action', sorted(RULES))
def test_state_table(api, ctxt, action):
    assert not compute_fixtures.state_table_mismatches(
        _outcome, api, ctxt, action, *RULES[action])


@pytest.mark.parametrize('action', sorted(RULES))
def test_locked_is_refused_but_for_snapshot(api, ctxt, action):
    allowed_vm, _ = RULES[action]
    instance = _stub(vm_state=sorted(allowed_vm)[0], locked=True)
    ctxt.is_admin = False
    with mock.patch.object(api, '_start_task'), \
            mock.patch.object(api, 'delete'), \
            mock.patch('nova_lite.objects.RequestSpec'):
        if action == 'snapshot':
            _call(api, action, ctxt, instance)
            return
        with pytest.raises(exception.InstanceIsLocked):
            _call(api, action, ctxt, instance)


@pytest.mark.parametrize('action', sorted(SENT))
def test_claims_records_and_casts(api, ctxt, action):
    task_state, instance_action, rpc_method = SENT[action]
    allowed_vm, _ = RULES[action]
    instance = _stub(vm_state=sorted(allowed_vm)[0])
    with mock.patch.object(api, '_start_task') as start_task, \
            mock.patch('nova_lite.objects.InstanceAction'):
        _call(api, action, ctxt, instance)
    assert start_task.call_args.args[2:4] == (task_state, [None])
    assert start_task.call_args.args[4] == instance_action
    cast = getattr(api.compute_rpcapi, rpc_method)
    assert cast.call_args.kwargs['host'] == 'h1'
    assert cast.call_args.kwargs['instance'] is instance


def test_snapshot_image_has_novas_properties(api, ctxt):
    instance = _stub()
    with mock.patch.object(api, '_start_task'):
        image = api.snapshot(ctxt, instance, 'snap', {'meta_var': 'v'})
    assert image is IMAGE
    sent = api.image_api.create.call_args.args[1]
    assert sent == {
        'name': 'snap', 'visibility': 'private', 'disk_format': 'qcow2',
        'container_format': 'bare', 'min_ram': 64, 'kernel_id': 'k-1',
        'meta_var': 'v', 'image_type': 'snapshot', 'instance_uuid': UUID,
        'user_id': ctxt.user_id, 'base_image_ref': 'base-image'}
    api.compute_rpcapi.snapshot_instance.assert_called_once_with(
        ctxt, instance=instance, host='h1', image_id='image-1')


def test_shelve_names_the_image_after_the_server(api, ctxt):
    with mock.patch.object(api, '_start_task'):
        api.shelve(ctxt, _stub())
    assert api.image_api.create.call_args.args[1]['name'] == 'srv-shelved'


@pytest.mark.parametrize('action', ['snapshot', 'shelve'])
def test_lost_race_deletes_the_image(api, ctxt, action):
    error = exception.InstanceInvalidState(
        attr='task_state', state='deleting', instance_uuid=UUID,
        method=action)
    with mock.patch.object(api, '_start_task', side_effect=error):
        with pytest.raises(exception.InstanceInvalidState):
            _call(api, action, ctxt, _stub())
    api.image_api.delete.assert_called_once_with(ctxt, 'image-1')
    assert not getattr(api.compute_rpcapi, SENT[action][2]).called


# ---- unshelve: zones and hosts ---------------------------------------------

@pytest.fixture
def spec():
    with mock.patch('nova_lite.objects.RequestSpec') as spec_cls:
        yield spec_cls.get_by_instance_uuid.return_value


def _offloaded():
    return _stub(vm_state=vm_states.SHELVED_OFFLOADED, host=None)


def test_unshelve_offloaded_hands_the_spec_to_the_conductor(api, ctxt,
                                                            spec):
    instance = _offloaded()
    with mock.patch.object(api, '_start_task'):
        api.unshelve(ctxt, instance)
    api.compute_task_api.unshelve_instance.assert_called_once_with(
        ctxt, instance, request_spec=spec)
    assert spec.force_hosts == []


@pytest.fixture
def zones():
    """h2 is in zone ``west``; every other host in the default zone."""
    with mock.patch('nova_lite.compute.aggregates.host_zones',
                    return_value={'h2': 'west'}), \
            mock.patch('nova_lite.objects.ServiceList.get_all',
                       return_value=['svc']), \
            mock.patch.object(compute_api.API, 'availability_zones',
                              return_value={'nova', 'west'}):
        yield


@pytest.mark.parametrize('pinned, kwargs', [
    (None, {}), ('west', {}), ('nova', {'new_az': None}),
    (None, {'new_az': 'west'})])
def test_unshelve_to_a_host_forces_it(api, ctxt, spec, zones, pinned,
                                      kwargs):
    spec.availability_zone = pinned
    with mock.patch.object(api, '_start_task'):
        api.unshelve(ctxt, _offloaded(), host='h2', **kwargs)
    assert spec.force_hosts == ['h2']


@pytest.mark.parametrize('pinned, kwargs', [
    ('nova', {}), (None, {'new_az': 'nova'})])
def test_unshelve_to_a_host_outside_the_zone_is_refused(
        api, ctxt, spec, zones, pinned, kwargs):
    spec.availability_zone = pinned
    with mock.patch.object(api, '_start_task') as start_task:
        with pytest.raises(exception.UnshelveHostNotInAZ):
            api.unshelve(ctxt, _offloaded(), host='h2', **kwargs)
    assert not start_task.called


def test_unshelve_to_an_unknown_host_is_refused(api, ctxt, spec):
    with mock.patch.object(api, '_start_task') as start_task, \
            mock.patch('nova_lite.objects.ServiceList.get_all',
                       return_value=[]):
        with pytest.raises(exception.ComputeHostNotFound):
            api.unshelve(ctxt, _offloaded(), host='h9')
    assert not start_task.called


def test_unshelve_to_an_unknown_zone_is_refused(api, ctxt, spec):
    with mock.patch.object(api, '_start_task') as start_task, \
            mock.patch.object(api, 'availability_zones',
                              return_value={'nova'}):
        with pytest.raises(exception.AvailabilityZoneNotFound):
            api.unshelve(ctxt, _offloaded(), new_az='mars')
    assert not start_task.called


@pytest.mark.parametrize('zone', ['nova', None])
def test_unshelve_into_a_zone_pins_it(api, ctxt, spec, zone):
    instance = _offloaded()
    with mock.patch.object(api, '_start_task'), \
            mock.patch.object(api, 'availability_zones',
                              return_value={'nova'}):
        api.unshelve(ctxt, instance, new_az=zone)
    assert spec.availability_zone == zone
    assert instance.availability_zone == zone
    assert spec.save.called


@pytest.mark.parametrize('kwargs', [{'new_az': 'nova'}, {'new_az': None},
                                    {'host': 'h1'}])
def test_unshelve_zone_or_host_of_a_shelved_server_is_409(api, ctxt,
                                                          kwargs):
    with mock.patch.object(api, '_start_task') as start_task:
        with pytest.raises(exception.InstanceInvalidState):
            api.unshelve(ctxt, _stub(vm_state=vm_states.SHELVED), **kwargs)
    assert not start_task.called


def test_unshelve_shelved_needs_no_spec(api, ctxt):
    instance = _stub(vm_state=vm_states.SHELVED)
    with mock.patch.object(api, '_start_task'):
        api.unshelve(ctxt, instance)
    api.compute_task_api.unshelve_instance.assert_called_once_with(
        ctxt, instance, request_spec=None)


# ---- soft delete and force delete ------------------------------------------

def test_soft_delete_of_a_server_on_no_host_deletes_it(api, ctxt):
    instance = _stub(host=None, vm_state=vm_states.SHELVED_OFFLOADED)
    with mock.patch.object(api, 'delete') as delete:
        api.soft_delete(ctxt, instance)
    delete.assert_called_once_with(ctxt, instance)
    assert not api.compute_rpcapi.soft_delete_instance.called


def test_soft_delete_records_when(api, ctxt):
    instance = _stub(terminated_at=None)
    with mock.patch.object(api, '_start_task'):
        api.soft_delete(ctxt, instance)
    assert instance.terminated_at is not None


def test_force_delete_deletes(api, ctxt):
    instance = _stub(vm_state=vm_states.SOFT_DELETED)
    with mock.patch.object(api, 'delete') as delete:
        api.force_delete(ctxt, instance)
    delete.assert_called_once_with(ctxt, instance)


@pytest.mark.parametrize('vm_state, deleted', [
    (vm_states.SHELVED_OFFLOADED, True), (vm_states.SHELVED, True),
    (vm_states.ACTIVE, False)])
def test_delete_of_a_shelved_server_deletes_its_image(api, ctxt, vm_state,
                                                      deleted):
    instance = _stub(vm_state=vm_state, host=None,
                     system_metadata={'shelved_image_id': 'shelved-1'})
    with mock.patch.object(api, '_local_delete'), \
            mock.patch('nova_lite.objects.InstanceAction'):
        api.delete(ctxt, instance)
    if deleted:
        api.image_api.delete.assert_called_once_with(ctxt, 'shelved-1')
    else:
        assert not api.image_api.delete.called

"""Rebuild and the API side of resize: the compute API's preconditions
(state tables, flavor, quota and image checks), the rebuild task on a fake
host, and the request schemas at their microversion boundaries.
"""

from unittest import mock

import pytest

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack.compute import servers as servers_api
from nova_lite.api.validation import validators
from nova_lite.compute import manager as compute_manager
from nova_lite.compute import rebuild
from nova_lite import exception
from nova_lite import objects
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite.states import vm_states
from tests.unit import compute_fixtures

UUID = '00000000-0000-0000-0000-0000000000d1'
IMAGE = {'id': 'img-2', 'status': 'active', 'min_ram': 0, 'min_disk': 0,
         'size': 1024, 'disk_format': 'qcow2', 'container_format': 'bare'}

ALL_VM_STATES = compute_fixtures.ALL_VM_STATES
ALL_TASK_STATES = compute_fixtures.ALL_TASK_STATES

# action -> allowed vm_states (task_state must be None), Nova's rules.
RULES = {
    'resize': {vm_states.ACTIVE, vm_states.STOPPED},
    'confirm_resize': {vm_states.RESIZED},
    'revert_resize': {vm_states.RESIZED},
    'rebuild': {vm_states.ACTIVE, vm_states.STOPPED, vm_states.ERROR},
}


api = compute_fixtures.api


def _flavor(flavorid='1', memory_mb=512, vcpus=1, root_gb=1, **kw):
    values = dict(id=int(flavorid), flavorid=flavorid,
                  name='f%s' % flavorid, memory_mb=memory_mb, vcpus=vcpus,
                  root_gb=root_gb, ephemeral_gb=0, swap=0, disabled=False,
                  is_public=True, projects=[], extra_specs={})
    values.update(kw)
    return objects.Flavor(**values)


def _stub(**kw):
    values = dict(uuid=UUID, vm_state=vm_states.ACTIVE, task_state=None,
                  launched_at='2024-01-01', host='h1', node='h1',
                  locked=False, flavor=_flavor(), vcpus=1, memory_mb=512,
                  project_id='project-1', system_metadata={},
                  instance_type_id=1)
    values.update(kw)
    return mock.Mock(**values)


def _call(api, action, ctxt, instance):
    if action == 'resize':
        return api.resize(ctxt, instance, '2')
    if action == 'rebuild':
        return api.rebuild(ctxt, instance, 'img-2', 'pw')
    return getattr(api, action)(ctxt, instance)


def _outcome(api, ctxt, action, vm_state, task_state):
    instance = _stub(vm_state=vm_state, task_state=task_state)
    with mock.patch.object(api, '_start_task'), \
            mock.patch.object(api, '_get_flavor_for_resize',
                              return_value=_flavor('2', 1024)), \
            mock.patch.object(api, '_get_image', return_value=IMAGE), \
            mock.patch('nova_lite.quota.check_instances'), \
            mock.patch.object(objects, 'Migration'), \
            mock.patch.object(objects, 'InstanceAction'):
        try:
            _call(api, action, ctxt, instance)
        except exception.InstanceInvalidState as err:
            assert err.code == 409
            return err.kwargs['attr'], err.kwargs['state']
    return 'ok'


@pytest.mark.parametrize('action', sorted(RULES))
def test_state_table(api, ctxt, action):
    assert not compute_fixtures.state_table_mismatches(
        _outcome, api, ctxt, action, RULES[action])


@pytest.mark.parametrize('action', sorted(RULES))
def test_locked_is_refused(api, ctxt, action):
    vm_state = sorted(RULES[action])[0]
    with pytest.raises(exception.InstanceIsLocked):
        _call(api, action, ctxt, _stub(vm_state=vm_state, locked=True))


def test_resize_to_the_same_flavor_is_400(api, ctxt):
    with mock.patch.object(api, '_get_flavor_for_resize',
                           return_value=_flavor('1')):
        with pytest.raises(exception.CannotResizeToSameFlavor) as err:
            api.resize(ctxt, _stub(), '1')
    assert err.value.code == 400
    assert err.value.format_message() == (
        'When resizing, instances must change flavor!')
    api.compute_task_api.resize_instance.assert_not_called()


def test_resize_to_a_missing_or_disabled_flavor_is_400(api, ctxt,
                                                       database):
    with pytest.raises(exception.FlavorNotFoundForResize) as err:
        api.resize(ctxt, _stub(), 'nope')
    assert err.value.code == 400
    disabled = _flavor('7', disabled=True)
    disabled._context = ctxt
    with mock.patch.object(objects.Flavor, 'get_by_flavor_id',
                           return_value=disabled):
        with pytest.raises(exception.FlavorNotFoundForResize):
            api.resize(ctxt, _stub(), '7')


def test_resize_up_checks_the_quota_for_the_growth_only(api, ctxt):
    bigger = _flavor('3', memory_mb=4096, vcpus=4)
    with mock.patch.object(api, '_get_flavor_for_resize',
                           return_value=bigger), \
            mock.patch('nova_lite.quota.check_instances',
                       side_effect=exception.TooManyInstances(
                           resources='ram', req=1, used=1,
                           allowed=1)) as check:
        with pytest.raises(exception.TooManyInstances):
            api.resize(ctxt, _stub(), '3')
    check.assert_called_once_with('project-1', {
        'instances': 0, 'cores': 3, 'ram': 3584})
    api.compute_task_api.resize_instance.assert_not_called()


def test_rebuild_image_checks(api, ctxt):
    with mock.patch.object(api, '_get_image',
                           side_effect=exception.ImageNotFoundForCreate()):
        with pytest.raises(exception.ImageNotFoundForRebuild) as err:
            api.rebuild(ctxt, _stub(), 'nope', 'pw')
    assert err.value.format_message() == 'Cannot find image for rebuild'
    needs_ram = dict(IMAGE, min_ram=4096)
    with mock.patch.object(api, '_get_image', return_value=needs_ram):
        with pytest.raises(exception.FlavorMemoryTooSmall):
            api.rebuild(ctxt, _stub(), 'img-2', 'pw')
    api.compute_rpcapi.rebuild_instance.assert_not_called()


# ---- the rebuild task -------------------------------------------------------

@pytest.fixture
def manager(database, flags):
    flags(power_action_delay=0, group='fake_driver')
    with mock.patch('nova_lite.rpc.get_client'):
        manager = compute_manager.ComputeManager(host='h1')
    manager.driver.init_host('h1')
    return manager


def _running(manager, ctxt, vm_state=vm_states.ACTIVE):
    instance = objects.Instance(
        context=ctxt, uuid=UUID, user_id=ctxt.user_id,
        project_id=ctxt.project_id, vm_state=vm_state,
        task_state=task_states.REBUILDING, host='h1', node='h1',
        flavor=_flavor(), vcpus=1, memory_mb=512, image_ref='img-2',
        metadata={}, system_metadata={})
    instance.create()
    manager.driver.spawn(ctxt, instance, None, [], None, allocations=None)
    if vm_state == vm_states.STOPPED:
        manager.driver.power_off(instance)
    objects.InstanceAction.action_start(ctxt, UUID, 'rebuild')
    return objects.Instance.get_by_uuid(ctxt, UUID)


def _image():
    return objects.ImageMeta.from_dict(IMAGE)


def _events(ctxt):
    action = objects.InstanceAction.get_by_request_id(ctxt, UUID,
                                                      ctxt.request_id)
    return [(e.event, e.result) for e in
            objects.InstanceActionEventList.get_by_action(ctxt, action.id)]


def test_rebuild_walks_the_task_states(manager, ctxt):
    instance = _running(manager, ctxt)
    seen = []
    real_save = objects.Instance.save

    def save(self, *args, **kwargs):
        seen.append((self.task_state, self.progress))
        return real_save(self, *args, **kwargs)

    with mock.patch.object(objects.Instance, 'save', save), \
            mock.patch.object(manager.driver, 'spawn',
                              wraps=manager.driver.spawn) as spawn:
        rebuild.RebuildTask(manager, ctxt, instance, _image(), 'pw').run()
    assert seen == [(task_states.REBUILDING, 10),
                    (task_states.REBUILD_BLOCK_DEVICE_MAPPING, 30),
                    (task_states.REBUILD_SPAWNING, 50), (None, 100)]
    assert spawn.call_args.args[2].id == 'img-2'
    assert spawn.call_args.args[4] == 'pw'
    stored = objects.Instance.get_by_uuid(ctxt, UUID)
    assert (stored.vm_state, stored.task_state, stored.power_state) == (
        vm_states.ACTIVE, None, power_state.RUNNING)
    console = manager.driver.get_console_output(ctxt, stored)
    # A new guest: one boot on its console.
    assert console.count('NOVA-LITE-GUEST-READY') == 1
    assert _events(ctxt) == [('compute_rebuild_instance', 'Success')]


def test_rebuild_of_a_stopped_server_stays_stopped(manager, ctxt):
    instance = _running(manager, ctxt, vm_states.STOPPED)
    rebuild.RebuildTask(manager, ctxt, instance, _image()).run()
    stored = objects.Instance.get_by_uuid(ctxt, UUID)
    assert (stored.vm_state, stored.power_state) == (
        vm_states.STOPPED, power_state.SHUTDOWN)


def test_rebuild_failure_is_error_with_a_fault(manager, ctxt, flags):
    instance = _running(manager, ctxt)
    flags(fail_spawn=True, group='fake_driver')
    rebuild.RebuildTask(manager, ctxt, instance, _image()).run()
    stored = objects.Instance.get_by_uuid(ctxt, UUID,
                                          expected_attrs=['fault'])
    assert (stored.vm_state, stored.task_state) == (vm_states.ERROR, None)
    assert 'fail spawns' in stored.fault.message
    assert _events(ctxt) == [('compute_rebuild_instance', 'Error')]


# ---- schemas at their microversion boundaries -------------------------------

def _schema_at(method, version):
    wanted = api_version_request.APIVersionRequest(version)
    matching = [schema for schema, low, high in method.request_body_schemas
                if wanted.matches(low, high)]
    assert len(matching) == 1, (version, len(matching))
    return validators.SchemaValidator(matching[0])


def _accepts(version, **fields):
    rebuild_body = dict({'imageRef': IMAGE['id'].replace(
        'img-2', '6b0d2b3e-3a0c-4b3c-9d3e-1e1a1c1b1a10')}, **fields)
    validator = _schema_at(servers_api.ServersController._action_rebuild,
                           version)
    try:
        validator.validate({'rebuild': rebuild_body})
    except exception.ValidationError:
        return False
    return True


@pytest.mark.parametrize('before,since,fields', [
    ('2.18', '2.19', {'description': 'd'}),
    ('2.53', '2.54', {'key_name': None}),
    ('2.56', '2.57', {'user_data': 'IyEvYmluL3NoCg=='}),
    ('2.62', '2.63', {'trusted_image_certificates': None}),
    ('2.89', '2.90', {'hostname': 'new-host'}),
])
def test_rebuild_schema_boundaries(before, since, fields):
    assert not _accepts(before, **fields)
    assert _accepts(since, **fields)


def test_personality_goes_at_2_57():
    assert _accepts('2.56', personality=[])
    assert not _accepts('2.57', personality=[])


def test_resize_schema():
    validator = _schema_at(servers_api.ServersController._action_resize,
                           '2.1')
    validator.validate({'resize': {'flavorRef': '2'}})
    validator.validate({'resize': {'flavorRef': 2,
                                   'OS-DCF:diskConfig': 'AUTO'}})
    for bad in ({'resize': {}}, {'resize': {'flavorRef': '2', 'x': 1}},
                {'resize': {'flavorRef': ''}}):
        with pytest.raises(exception.ValidationError):
            validator.validate(bad)

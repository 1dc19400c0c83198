"""Rescue and unrescue on one host with the fake driver: the walks, the
rescue image chosen, and a failure's revert."""

from unittest import mock

import pytest

from nova_lite.compute import rescue
from nova_lite import exception
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite.states import vm_states
from tests.unit import compute_fixtures
from tests.unit import test_compute_power as helpers


manager = compute_fixtures.manager


@pytest.fixture
def images():
    with mock.patch('nova_lite.image.glance.API') as api_cls:
        api = api_cls.return_value
        api.get.side_effect = lambda context, image_id: {
            'id': image_id, 'status': 'active'}
        yield api


@pytest.mark.parametrize('ref, expected', [(None, 'base-1'),
                                           ('rescue-1', 'rescue-1')])
def test_rescue_then_unrescue(manager, ctxt, images, ref, expected):
    helpers._active(manager, ctxt)
    stored = helpers._stored(ctxt)
    stored.system_metadata = {'image_base_image_ref': 'base-1'}
    stored.save()
    context, instance = helpers._claim(ctxt, task_states.RESCUING, 'rescue')
    rescue.RescueTask(manager, context, instance, 'pw', ref).run()
    stored = helpers._stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.power_state) == (
        vm_states.RESCUED, None, power_state.RUNNING)
    images.get.assert_called_once_with(context, expected)
    assert manager.driver._instances[stored.uuid].rescued
    console = manager.driver.get_console_output(None, stored)
    assert 'rescue boot' in console and expected in console
    assert helpers._events(context)[1] == [('compute_rescue_instance',
                                            'Success')]

    context, instance = helpers._claim(ctxt, task_states.UNRESCUING,
                                       'unrescue')
    rescue.UnrescueTask(manager, context, instance).run()
    stored = helpers._stored(ctxt)
    assert (stored.vm_state, stored.task_state) == (vm_states.ACTIVE, None)
    assert not manager.driver._instances[stored.uuid].rescued
    assert helpers._events(context)[1] == [('compute_unrescue_instance',
                                            'Success')]


def test_failed_rescue_keeps_the_state(manager, ctxt, images):
    helpers._active(manager, ctxt)
    context, instance = helpers._claim(ctxt, task_states.RESCUING, 'rescue')
    with mock.patch.object(manager.driver, 'rescue',
                           side_effect=exception.InternalError(
                               err='no rescue disk')):
        rescue.RescueTask(manager, context, instance).run()
    stored = helpers._stored(ctxt)
    assert (stored.vm_state, stored.task_state) == (vm_states.ACTIVE, None)
    assert 'no rescue disk' in stored.fault.message
    assert helpers._events(context)[1] == [('compute_rescue_instance',
                                            'Error')]

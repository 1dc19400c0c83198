"""Soft delete, restore and the periodic reclaim on one host with the
fake driver and a real sqlite database."""

import datetime

import pytest

from nova_lite.compute import soft_delete
from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite import objects
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite.states import vm_states
from tests.unit import compute_fixtures
from tests.unit import test_compute_power as helpers


manager = compute_fixtures.manager
synchronous_spawn = compute_fixtures.synchronous_spawn


def _soft_deleted(manager, ctxt, seconds_ago=0):
    helpers._active(manager, ctxt)
    context, instance = helpers._claim(ctxt, task_states.SOFT_DELETING,
                                       'delete')
    instance.terminated_at = (datetime.datetime.now(datetime.timezone.utc) -
                              datetime.timedelta(seconds=seconds_ago))
    instance.save()
    soft_delete.SoftDeleteTask(manager, context, instance).run()
    return context


def test_soft_delete_then_restore(manager, ctxt):
    context = _soft_deleted(manager, ctxt)
    stored = helpers._stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.power_state) == (
        vm_states.SOFT_DELETED, None, power_state.SHUTDOWN)
    assert manager.driver.instance_exists(stored)
    assert helpers._events(context)[1] == [('compute_soft_delete_instance',
                                            'Success')]

    context, instance = helpers._claim(ctxt, task_states.RESTORING,
                                       'restore')
    soft_delete.RestoreTask(manager, context, instance).run()
    stored = helpers._stored(ctxt)
    assert (stored.vm_state, stored.task_state, stored.power_state) == (
        vm_states.ACTIVE, None, power_state.RUNNING)
    assert helpers._events(context)[1] == [('compute_restore_instance',
                                            'Success')]


@pytest.mark.parametrize('age, reclaimed', [(120, True), (5, False)])
def test_reclaim_deletes_old_soft_deleted_servers(
        manager, ctxt, flags, synchronous_spawn, age, reclaimed):
    _soft_deleted(manager, ctxt, seconds_ago=age)
    flags(reclaim_instance_interval=60)
    manager._reclaim_queued_deletes(nova_context.get_admin_context())
    if reclaimed:
        with pytest.raises(exception.InstanceNotFound):
            helpers._stored(ctxt)
        assert manager.driver.list_instance_uuids() == []
    else:
        assert helpers._stored(ctxt).vm_state == vm_states.SOFT_DELETED
        assert manager.driver.list_instance_uuids() == [helpers.UUID]


def test_reclaim_is_off_without_an_interval(manager, ctxt, flags,
                                            synchronous_spawn):
    _soft_deleted(manager, ctxt, seconds_ago=10 ** 6)
    flags(reclaim_instance_interval=0)
    manager._reclaim_queued_deletes(nova_context.get_admin_context())
    assert helpers._stored(ctxt).vm_state == vm_states.SOFT_DELETED


def test_reclaim_skips_a_server_being_restored(manager, ctxt, flags,
                                               synchronous_spawn):
    _soft_deleted(manager, ctxt, seconds_ago=120)
    stored = helpers._stored(ctxt)
    stored.task_state = task_states.RESTORING
    stored.save()
    flags(reclaim_instance_interval=60)
    manager._reclaim_queued_deletes(nova_context.get_admin_context())
    assert objects.Instance.get_by_uuid(ctxt, helpers.UUID).task_state == (
        task_states.RESTORING)

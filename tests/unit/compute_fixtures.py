"""Fixtures and helpers shared by the tests/unit/test_compute_*.py modules.

A module uses a fixture by naming it at module level
(``manager = compute_fixtures.manager``).
"""

import itertools
from unittest import mock

import pytest

from nova_lite.compute import api as compute_api
from nova_lite.compute import manager as compute_manager
from nova_lite.states import task_states
from nova_lite.states import vm_states

ALL_VM_STATES = sorted(
    v for k, v in vars(vm_states).items()
    if k.isupper() and isinstance(v, str))
ALL_TASK_STATES = [None] + sorted(
    v for k, v in vars(task_states).items()
    if k.isupper() and isinstance(v, str))


@pytest.fixture
def manager(database, flags):
    """A ComputeManager for host h1 on the fake driver, RPC mocked."""
    flags(host='h1')
    with mock.patch('nova_lite.rpc.get_client'):
        manager = compute_manager.ComputeManager(host='h1')
    manager.compute_task_api = mock.Mock()
    manager.driver.init_host('h1')
    return manager


def make_api():
    """A compute API whose RPC clients (conductor, compute) are mocks."""
    with mock.patch('nova_lite.rpc.get_client'):
        api = compute_api.API()
    api.compute_task_api = mock.Mock()
    api.compute_rpcapi = mock.Mock()
    return api


@pytest.fixture
def api():
    return make_api()


@pytest.fixture
def synchronous_spawn():
    """utils.spawn_n runs its function at once, in this thread."""
    with mock.patch('nova_lite.utils.spawn_n',
                    side_effect=lambda func, *a, **kw: func(*a, **kw)):
        yield


def state_table_mismatches(outcome, api, ctxt, action, allowed_vm,
                           allowed_task=(None,)):
    """Every (vm_state, task_state) pair whose
    ``outcome(api, ctxt, action, vm_state, task_state)`` is not what Nova's
    table says: 'ok' when both are allowed, else the first wrong attribute
    as (name, value). Returns the mismatches."""
    wrong = []
    for vm_state, task_state in itertools.product(ALL_VM_STATES,
                                                  ALL_TASK_STATES):
        if vm_state not in allowed_vm:
            expected = ('vm_state', vm_state)
        elif task_state not in allowed_task:
            expected = ('task_state', task_state)
        else:
            expected = 'ok'
        got = outcome(api, ctxt, action, vm_state, task_state)
        if got != expected:
            wrong.append((vm_state, task_state, expected, got))
    return wrong

"""The RPC contract between clients and endpoints: every rpcapi method
reaches a public manager method that takes exactly its arguments, and no
other manager method (periodic tasks, helpers, service hooks) is
dispatched."""

import inspect
from unittest import mock

import pytest

from nova_lite.compute import manager as compute_manager
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.conductor import manager as conductor_manager
from nova_lite.conductor import rpcapi as conductor_rpcapi
from nova_lite.network import manager as network_manager
from nova_lite.network import rpcapi as network_rpcapi
from nova_lite import rpc
from nova_lite.scheduler import manager as scheduler_manager
from nova_lite.scheduler import rpcapi as scheduler_rpcapi

# (client class, the endpoint class its messages reach)
PAIRS = [
    (compute_rpcapi.ComputeAPI, compute_manager.ComputeManager),
    (conductor_rpcapi.ConductorAPI, conductor_manager.ConductorManager),
    (conductor_rpcapi.ComputeTaskAPI, conductor_manager.ComputeTaskManager),
    (scheduler_rpcapi.SchedulerAPI, scheduler_manager.SchedulerManager),
    (network_rpcapi.NetworkAPI, network_manager.NetworkManager),
]
IDS = [client.__name__ for client, _endpoint in PAIRS]

CTXT = object()


def _public_functions(cls):
    return {name: function for name, function
            in inspect.getmembers(cls, inspect.isfunction)
            if not name.startswith('_')}


def _sent(client_cls):
    """(rpcapi method, RPC method, kwargs on the wire) of every method
    of ``client_cls``, each called with every parameter given."""
    client = mock.Mock()
    with mock.patch('nova_lite.rpc.get_client', return_value=client):
        api = client_cls()
    sent = []
    for name, function in _public_functions(client_cls).items():
        params = list(inspect.signature(function).parameters.values())[2:]
        client.reset_mock()
        getattr(api, name)(CTXT, **{p.name: 'fake-%s' % p.name
                                    for p in params})
        cctxt = client.prepare.return_value
        calls = cctxt.cast.call_args_list + cctxt.call.call_args_list
        assert calls, '%s.%s sends nothing' % (client_cls.__name__, name)
        for call in calls:
            assert call.args[0] is CTXT
            sent.append((name, call.args[1], call.kwargs))
    return sent


@pytest.mark.parametrize('client_cls,endpoint_cls', PAIRS, ids=IDS)
def test_rpcapi_arguments_match_the_manager(client_cls, endpoint_cls):
    for name, method, kwargs in _sent(client_cls):
        target = getattr(endpoint_cls, method, None)
        assert target is not None, (
            '%s.%s sends %r, which %s lacks' % (
                client_cls.__name__, name, method, endpoint_cls.__name__))
        try:
            inspect.signature(target).bind('self', CTXT, **kwargs)
        except TypeError as error:
            pytest.fail('%s.%s -> %s.%s: %s' % (
                client_cls.__name__, name, endpoint_cls.__name__, method,
                error))


@pytest.mark.parametrize('client_cls,endpoint_cls', PAIRS, ids=IDS)
def test_only_rpcapi_methods_are_dispatched(client_cls, endpoint_cls):
    """A public endpoint method no client sends is a periodic task or a
    helper reachable by any message: give it a private name."""
    sent = {method for _name, method, _kwargs in _sent(client_cls)}
    policy = rpc.ManagerAccessPolicy()
    endpoint = mock.Mock(spec=endpoint_cls)
    dispatched = {name for name in _public_functions(endpoint_cls)
                  if policy.is_allowed(endpoint, name)}
    assert dispatched == sent


@pytest.mark.parametrize('method,allowed', [
    ('build_and_run_instance', True),
    ('refresh_networks', True),
    ('_sync_power_states', False),
    ('_locked_build', False),
    ('init_host', False),
    ('post_start_hook', False),
    ('periodic_tasks', False),
    ('cleanup_host', False),
])
def test_access_policy(method, allowed):
    assert rpc.ManagerAccessPolicy().is_allowed(object(), method) is allowed


def test_servers_use_the_access_policy():
    with mock.patch.object(rpc, 'init'), \
            mock.patch('oslo_messaging.get_rpc_server') as get_rpc_server:
        rpc.get_server(mock.sentinel.target, [mock.sentinel.endpoint])
    assert (get_rpc_server.call_args.kwargs['access_policy'] is
            rpc.ManagerAccessPolicy)

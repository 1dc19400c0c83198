"""nova_lite.service under oslo.service: how many workers each service
gets, the launcher it runs under, its periodic tasks as looping calls
that outlive a failed run, and a graceful stop."""

import sys
from unittest import mock

import eventlet
import pytest

from nova_lite import service


@pytest.mark.parametrize('binary, option, group', [
    ('nova-conductor', 'workers', 'conductor'),
    ('nova-scheduler', 'workers', 'scheduler'),
    ('osapi_compute', 'osapi_compute_workers', None),
])
def test_workers_come_from_their_option(flags, binary, option, group):
    assert service.workers_of(binary) == 1
    flags.set(group=group, **{option: 3})
    assert service.workers_of(binary) == 3


@pytest.mark.parametrize('binary', ['nova-compute', 'nova-network',
                                    'metadata'])
def test_one_worker_for_host_bound_services(flags, binary):
    flags.set(group='conductor', workers=4)
    assert service.workers_of(binary) == 1


@pytest.mark.parametrize('workers, launcher', [
    (1, 'ServiceLauncher'), (3, 'ProcessLauncher')])
def test_serve_picks_oslo_service_launcher(workers, launcher):
    server = service.ServiceGroup(list)
    # NOTE: the launchers of oslo.service's backend (eventlet's here).
    backend = sys.modules[service.os_service.launch.__module__]
    with mock.patch.object(backend, launcher) as cls:
        service.serve(server, workers=workers)
    cls.assert_called_once_with(service.CONF, restart_method='mutate')
    cls.return_value.launch_service.assert_called_once_with(
        server, workers=workers)
    cls.return_value.wait.assert_called_once_with()


class _Manager:
    """A manager with two periodic tasks, one of which always fails."""

    def __init__(self):
        self.runs = []
        self.cleaned = False

    def periodic_tasks(self):
        return [(self._fails, 0.05), (self._counts, 0.05)]

    def _fails(self):
        self.runs.append('fails')
        raise RuntimeError('boom')

    def _counts(self):
        self.runs.append('counts')

    def cleanup_host(self):
        self.cleaned = True


@pytest.fixture
def rpc_service(flags, monkeypatch):
    flags(report_interval=60)
    manager = _Manager()
    monkeypatch.setitem(service.SERVICES, 'nova-test',
                        ('test', lambda host: [manager], 'nova-lite-test'))
    server = service.Service('nova-test', host='h1')
    ref = mock.Mock()
    with mock.patch.object(service.objects.Service,
                           'get_by_host_and_binary', return_value=ref), \
            mock.patch.object(service.rpc, 'get_server') as get_server:
        server.start()
    return server, manager, get_server.return_value


def test_periodic_tasks_go_on_after_a_failure(rpc_service):
    server, manager, rpcserver = rpc_service
    eventlet.sleep(0.3)
    assert manager.runs.count('fails') >= 2
    assert manager.runs.count('counts') >= 2
    server.stop()
    rpcserver.start.assert_called_once_with()


def test_stop_drains_rpc_then_stops_loops_and_cleans_up(rpc_service):
    server, manager, rpcserver = rpc_service
    server.stop()
    rpcserver.stop.assert_called_once_with()
    rpcserver.wait.assert_called_once_with()
    assert manager.cleaned
    runs = len(manager.runs)
    eventlet.sleep(0.2)
    assert len(manager.runs) == runs


def test_stop_of_a_service_never_started_does_nothing(flags, monkeypatch):
    # NOTE: what a ProcessLauncher's parent does with its copy.
    manager = _Manager()
    manager.driver = object()
    monkeypatch.setitem(service.SERVICES, 'nova-test',
                        ('test', lambda host: [manager], 'nova-lite-test'))
    service.Service('nova-test', host='h1').stop()
    assert not manager.cleaned


def test_service_group_stops_in_reverse_order():
    order = []
    first, second = mock.Mock(), mock.Mock()
    first.stop.side_effect = lambda: order.append('first')
    second.stop.side_effect = lambda: order.append('second')
    group = service.ServiceGroup(lambda: [first, second])
    group.start()
    group.stop()
    group.wait()
    assert order == ['second', 'first']
    first.wait.assert_called_once_with()

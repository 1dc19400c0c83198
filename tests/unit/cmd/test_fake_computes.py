"""nova-lite-fake-computes: host names, arguments, staggered loops."""

from unittest import mock

import pytest

from nova_lite.cmd import fake_computes
from nova_lite.objects import service as service_obj


@pytest.mark.parametrize('prefix, count, start, names', [
    ('fake-', 3, 1, ['fake-0001', 'fake-0002', 'fake-0003']),
    ('f', 2, 9999, ['f09999', 'f10000']),
])
def test_host_names(prefix, count, start, names):
    assert fake_computes.host_names(prefix, count, start) == names


def test_farm_arguments_leave_the_rest_to_oslo_config():
    args, rest = fake_computes.parse_args(
        ['--hosts', '1000', '--prefix', 'x-', '--config-file', 'a.conf'])
    assert (args.hosts, args.prefix, args.first) == (1000, 'x-', 1)
    assert rest == ['--config-file', 'a.conf']


@pytest.mark.parametrize('argv', [['--hosts', '0'], ['--hosts', '5001'],
                                  ['--prefix', ''], ['--first', '-1']])
def test_bad_farm_arguments_are_refused(argv):
    with pytest.raises(SystemExit):
        fake_computes.parse_args(argv)


@pytest.mark.parametrize('offset, interval, delay', [
    (0.0, 10, 0.1), (0.5, 10, 5.0), (0.999, 60, 59.94)])
def test_loops_start_at_the_hosts_offset(offset, interval, delay,
                                         monkeypatch):
    monkeypatch.setitem(fake_computes.service.SERVICES,
                        service_obj.COMPUTE_BINARY,
                        ('compute', lambda host: [mock.Mock()],
                         'nova-lite-compute'))
    loop = mock.Mock()
    monkeypatch.setattr(fake_computes.loopingcall,
                        'FixedIntervalLoopingCall', loop)
    server = fake_computes.FakeComputeService('fake-0001', offset)
    server._add_loop(lambda: None, interval)
    kwargs = loop.return_value.start.call_args.kwargs
    assert kwargs['interval'] == interval
    assert kwargs['initial_delay'] == pytest.approx(delay)
    assert server.host == 'fake-0001'

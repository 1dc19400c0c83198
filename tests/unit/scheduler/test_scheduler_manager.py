"""SchedulerManager: a thin RPC endpoint configured from options."""

import oslo_messaging as messaging
import pytest
from oslo_utils import uuidutils

from nova_lite import exception
from nova_lite import objects
from nova_lite.scheduler import manager

from .fakes import add_host
from .fakes import make_spec
from .fakes import used_on


def test_target_version():
    assert manager.SchedulerManager.target.version == '1.0'


def test_plugins_come_from_config(flags):
    flags.set(group='filter_scheduler',
              enabled_filters=['ResourceFitFilter', 'ComputeFilter'],
              weight_classes=['CPUWeigher'])
    scheduler = manager.SchedulerManager()
    assert [f.name for f in scheduler.driver.filters] == [
        'ResourceFitFilter', 'ComputeFilter']
    assert [w.name for w in scheduler.driver.weighers] == ['CPUWeigher']


def test_unknown_plugin_fails_at_start(flags):
    flags.set(group='filter_scheduler', enabled_filters=['Nope'])
    with pytest.raises(exception.SchedulerPluginNotFound):
        manager.SchedulerManager()


def test_select_destinations(database, ctxt):
    node = add_host('host-a')
    add_host('host-b', memory_mb=1024)
    uuids = [uuidutils.generate_uuid() for _ in range(2)]
    result = manager.SchedulerManager().select_destinations(
        ctxt, make_spec(vcpus=1, memory_mb=512, root_gb=1, num_instances=2),
        uuids)
    assert len(result) == 2
    for selections in result:
        assert all(isinstance(s, objects.Selection) for s in selections)
        assert [s.service_host for s in selections] == ['host-a', 'host-b']
    assert used_on(node.id) == {'VCPU': 2, 'MEMORY_MB': 1024, 'DISK_GB': 2}


def test_select_destinations_without_alternates(database,
                                                ctxt):
    add_host('host-a')
    add_host('host-b')
    [selections] = manager.SchedulerManager().select_destinations(
        ctxt, make_spec(), [uuidutils.generate_uuid()],
        return_alternates=False)
    assert len(selections) == 1


def test_no_valid_host_is_an_expected_rpc_exception(database,
                                                    ctxt):
    # NOTE: wrapped so the RPC server returns it without logging a
    # traceback; the caller receives the NoValidHost inside.
    with pytest.raises(messaging.ExpectedException) as error:
        manager.SchedulerManager().select_destinations(
            ctxt, make_spec(), [uuidutils.generate_uuid()])
    original = error.value.exc_info[1]
    assert isinstance(original, exception.NoValidHost)
    assert 'There are no compute hosts' in original.format_message()

"""A failing build is retried on an alternate host; when every host fails,
the server goes to ERROR with a fault and nothing stays in BUILD."""

import re

import pytest

from tests.fixtures import cloud as cloud_mod
from tests.fixtures.pytest_support import use_fixture

pytestmark = [pytest.mark.rabbitmq, pytest.mark.mysql]

# NOTE: host-a is the bigger host, so the RAM and CPU weighers rank it
# first and every build is tried there before it is rescheduled to host-b.
FAILING_A = {'fake_driver': {'vcpus': 32, 'memory_mb': 65536,
                             'fail_spawn': True}}
HEALTHY_B = {'fake_driver': {'vcpus': 16, 'memory_mb': 16384,
                             'fail_spawn': False}}
FAILING_B = {'fake_driver': {'vcpus': 16, 'memory_mb': 16384,
                             'fail_spawn': True}}


@pytest.fixture(scope='module')
def cloud(base_tmp):
    with use_fixture(cloud_mod.MultiProcessCloud(
            str(base_tmp / 'reschedule'), backend='mysql',
            computes={'host-a': FAILING_A, 'host-b': HEALTHY_B})) as cloud:
        yield cloud


def _set_host_b(cloud, options):
    if cloud.computes['host-b'] != options:
        cloud.restart_compute('host-b', options)


def test_failed_spawn_is_rescheduled_to_the_healthy_host(cloud):
    _set_host_b(cloud, HEALTHY_B)
    ids = [cloud.client.create_server('resched-%d' % i)['server']['id']
           for i in range(4)]
    for server_id in ids:
        cloud.client.wait_for_status(server_id, 'ACTIVE', timeout=60)
        shown = cloud.admin.get_server(server_id)
        assert shown['OS-EXT-SRV-ATTR:host'] == 'host-b', shown
    # The builds were tried on host-a first and failed there.
    log_a = cloud.processes['host-a'].log_text()
    tried_on_a = [sid for sid in ids if sid in log_a]
    assert tried_on_a, ('no build was tried on the failing host-a; the '
                        'reschedule path was not exercised')
    for server_id in ids:
        cloud.client.delete_server(server_id)
    for server_id in ids:
        cloud.client.wait_for_deleted(server_id)


def test_every_host_failing_ends_in_error_with_fault(cloud):
    _set_host_b(cloud, FAILING_B)
    ids = [cloud.client.create_server('doomed-%d' % i)['server']['id']
           for i in range(2)]
    for server_id in ids:
        server = cloud.client.wait_for_status(server_id, 'ERROR',
                                              timeout=90)
        fault = server.get('fault')
        assert fault, server
        assert fault.get('code'), fault
        assert re.search(r'retr|exhaust', fault['message'], re.I), fault
        # The fault says when it happened, as Nova's does.
        assert fault.get('created'), fault
    everyone, _ = cloud.admin.list_servers(detail=True,
                                           params={'all_tenants': '1'})
    building = [s['id'] for s in everyone if s['status'] == 'BUILD']
    assert not building, building
    for server_id in ids:
        cloud.client.delete_server(server_id)
    for server_id in ids:
        cloud.client.wait_for_deleted(server_id)

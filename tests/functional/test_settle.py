"""Nothing stays in a transitional state: a hung build times out into
ERROR, a build lost before it reached a host is failed by the conductor,
a compute restarted mid-action settles every task state, and a build's
instance-action events give the time of each phase.

The services run as separate processes on RabbitMQ (a private vhost, so
a queue can be purged) and MariaDB; the fake driver is slowed where a
build must hang. Task states no API can leave behind are written into
the database directly while the compute is down.
"""

import os
import signal

import pytest
import sqlalchemy as sa

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures.pytest_support import use_fixture

pytestmark = [pytest.mark.rabbitmq, pytest.mark.mysql]

BUILD_TIMEOUT = 8
ORPHAN_TIMEOUT = 30
# NOTE: room for every server of the restart test at once.
FAST = {'fake_driver': {'spawn_delay': 0, 'vcpus': 64}}
# NOTE: a spawn that outlives the build timeout many times over: hung.
# The timeout is this host's alone, so that a slow machine's queued builds
# in the other tests are not timed out.
HUNG = {'DEFAULT': {'instance_build_timeout': BUILD_TIMEOUT},
        'fake_driver': {'spawn_delay': 120, 'vcpus': 64}}

# The events of a build, in the order they start, with the side that
# records each.
BUILD_EVENTS = ['conductor_schedule_and_build_instances',
                'schedule_instances',
                'compute__do_build_and_run_instance',
                'compute__build_networks_for_instance',
                'compute__prep_block_device',
                'compute_spawn']


@pytest.fixture(scope='module')
def cloud(base_tmp):
    with use_fixture(cloud_mod.MultiProcessCloud(
            str(base_tmp / 'settle'), backend='mysql',
            computes={'host-a': FAST},
            # NOTE: a generous service_down_time: the compute restarts
            # here are not about detecting a dead host, and a loaded
            # machine delays heartbeats.
            conf={'DEFAULT': {'periodic_interval': 2,
                              'service_down_time': 60},
                  'conductor': {'orphaned_build_timeout':
                                ORPHAN_TIMEOUT}})) as cloud:
        yield cloud


@pytest.fixture(scope='module')
def db(cloud):
    engine = sa.create_engine(cloud.database.url)
    yield engine
    engine.dispose()


def _delete_all(client, server_ids):
    for server_id in server_ids:
        client.delete_server(server_id, expected=(204, 404))
    for server_id in server_ids:
        client.wait_for_deleted(server_id, timeout=60)


def test_build_events_show_each_phase_with_start_and_finish(cloud):
    with client_mod.active_server(cloud.client, 'phases') as server_id:
        events = client_mod.finished_action_events(
            cloud.client, server_id, 'create', reader=cloud.admin)
    by_name = {event['event']: event for event in events}
    assert sorted(by_name) == sorted(BUILD_EVENTS), events
    for name in BUILD_EVENTS:
        event = by_name[name]
        assert event['result'] == 'Success', event
        assert event['start_time'] and event['finish_time'], event
        assert event['start_time'] <= event['finish_time'], event
    # NOTE: the phases happen one after the other, each inside its side's
    # own event.
    starts = [by_name[name]['start_time'] for name in BUILD_EVENTS]
    assert starts == sorted(starts), events
    build = by_name['compute__do_build_and_run_instance']
    spawn = by_name['compute_spawn']
    assert spawn['finish_time'] <= build['finish_time']


def test_hung_build_times_out_into_error_with_a_fault(cloud):
    cloud.restart_compute('host-a', HUNG)
    try:
        server_id = cloud.client.create_server('hung')['server']['id']
        server = cloud.client.wait_for_status(
            server_id, 'ERROR', timeout=BUILD_TIMEOUT + 40)
        assert 'timed out' in server['fault']['message'], server
        shown = cloud.admin.get_server(server_id)
        assert shown['OS-EXT-STS:task_state'] is None, shown
        # NOTE: the spawn still hangs; its events are closed as failed
        # all the same, so none shows as running forever.
        events = client_mod.finished_action_events(
            cloud.client, server_id, 'create', reader=cloud.admin,
            timeout=30)
        results = {event['event']: event['result'] for event in events}
        assert results['conductor_schedule_and_build_instances'] == (
            'Success'), events
        assert results['compute__do_build_and_run_instance'] == 'Error'
        assert results['compute_spawn'] == 'Error', events
    finally:
        cloud.restart_compute('host-a', FAST)
    _delete_all(cloud.client, [server_id])


# (vm_state, task_state) a restart of the compute catches; the power
# state is lost with the fake hypervisor, as with a host that rebooted.
INTERRUPTED = [
    ('active', 'pausing'), ('paused', 'unpausing'),
    ('active', 'suspending'), ('suspended', 'resuming'),
    ('active', 'rebooting'), ('active', 'rebooting_hard'),
    ('active', 'reboot_pending'), ('active', 'reboot_started_hard'),
    ('active', 'powering-off'), ('stopped', 'powering-on'),
    ('shelved', 'unshelving'), ('active', 'image_snapshot'),
    ('active', 'image_uploading'), ('active', 'resize_prep'),
    ('active', 'resize_migrating'), ('active', 'rebuilding'),
    ('active', 'migrating'), ('active', 'deleting'),
    ('building', 'spawning'), ('building', 'networking'),
]


def _wait_compute_up(cloud):
    def up():
        return any(row['host'] == 'host-a' and
                   row['binary'].endswith('compute') and
                   row['state'] == 'up' for row in cloud.service_list())
    client_mod.wait_for(up, 90, interval=1, message='host-a to be up')


def test_restarted_compute_settles_every_transitional_state(cloud, db):
    _wait_compute_up(cloud)
    ids = [cloud.client.create_server('mid-%d' % n)['server']['id']
           for n in range(len(INTERRUPTED))]
    cloud.client.wait_for_servers(ids, statuses=('ACTIVE',), timeout=90)
    compute = cloud.processes['host-a']
    compute.stop()
    with db.begin() as conn:
        for server_id, (vm_state, task_state) in zip(ids, INTERRUPTED):
            conn.execute(sa.text(
                'UPDATE instances SET vm_state = :vm, task_state = :task '
                'WHERE uuid = :uuid'),
                {'vm': vm_state, 'task': task_state, 'uuid': server_id})
    since = compute.log_size()
    compute.start()
    compute.wait_for_log(r'nova-lite-compute started on host host-a',
                         cloud_mod.START_TIMEOUT, since=since)

    def settled():
        left = {}
        for server_id, state in zip(ids, INTERRUPTED):
            response = cloud.admin.get('/servers/%s' % server_id,
                                       expected=(200, 404))
            if response.status_code == 404:
                continue
            server = response.json()['server']
            if (server['OS-EXT-STS:task_state'] is not None or
                    server['status'] == 'BUILD'):
                left[state] = server['OS-EXT-STS:task_state']
        return not left or None

    client_mod.wait_for(settled, 60, interval=1,
                        message='every interrupted task to settle')
    for server_id, (vm_state, task_state) in zip(ids, INTERRUPTED):
        response = cloud.admin.get('/servers/%s' % server_id,
                                   expected=(200, 404))
        if task_state == 'deleting':
            assert response.status_code == 404, response.json()
            continue
        server = response.json()['server']
        if vm_state == 'building' or task_state in ('rebuilding',):
            assert server['status'] == 'ERROR', server
            assert 'restarted' in server['fault']['message'], server
    _delete_all(cloud.client, [i for i, (_, t) in zip(ids, INTERRUPTED)
                               if t != 'deleting'])


def test_build_lost_with_its_conductor_is_failed_by_the_orphan_check(
        cloud):
    conductor = cloud.processes['conductor-1']
    # NOTE: killed, and the build's message lost with it (a conductor
    # killed after taking the message from its queue loses it so).
    os.kill(conductor.pid, signal.SIGKILL)
    conductor.stop()
    try:
        server_id = cloud.client.create_server('orphan')['server']['id']
        cloud.vhost.purge_queue('conductor')
        shown = cloud.admin.get_server(server_id)
        assert (shown['status'], shown['OS-EXT-SRV-ATTR:host']) == (
            'BUILD', None), shown
    finally:
        since = conductor.log_size()
        conductor.start()
        conductor.wait_for_log(r'nova-lite-conductor started on host',
                               cloud_mod.START_TIMEOUT, since=since)
    server = cloud.client.wait_for_status(server_id, 'ERROR',
                                          timeout=ORPHAN_TIMEOUT + 40)
    assert 'no host after' in server['fault']['message'], server
    events = client_mod.finished_action_events(
        cloud.client, server_id, 'create', reader=cloud.admin, timeout=30)
    results = {event['event']: event['result'] for event in events}
    assert results == {'conductor_schedule_and_build_instances': 'Error'}
    _delete_all(cloud.client, [server_id])

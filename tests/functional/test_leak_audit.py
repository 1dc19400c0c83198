"""The orphan audit across real processes (api, conductor, scheduler and
two fake-driver computes on RabbitMQ and MariaDB): what a server leaves
behind when its record vanishes from under the cloud — its allocation,
its guest in the compute process, its instance directory — is reported
by ``nova-lite-manage placement audit`` (exit 3), removed with
``--delete`` (exit 4), and a second audit finds nothing (exit 0); the
live server next to it keeps everything. A compute that is down is
reported as not audited, and only its allocations are. The API,
conductor and scheduler run two worker processes each.
"""

import os
import signal
import subprocess

import pytest
import sqlalchemy as sa

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures import process as process_mod
from tests.fixtures.pytest_support import use_fixture

pytestmark = [pytest.mark.rabbitmq, pytest.mark.mysql]

HOSTS = ('host-a', 'host-b')
# NOTE: no grace period, so leftovers made a moment ago count; the
# periodic audit off, so only the command acts. Two worker processes of
# the API, the conductor and the scheduler (oslo.service's
# ProcessLauncher), so the boots go through forked workers too.
AUDIT = {'compute': {'orphan_audit_grace_period': 0,
                     'orphan_audit_interval': 0},
         'DEFAULT': {'osapi_compute_workers': 2},
         'conductor': {'workers': 2},
         'scheduler': {'workers': 2}}
WORKERS = {'api': 2, 'conductor-1': 2, 'scheduler-1': 2}


def _host_conf(base, host):
    # NOTE: a state path (so an instances path) of each host's own, as on
    # separate machines.
    return {'DEFAULT': {'state_path': os.path.join(base, 'state-' + host)},
            'fake_driver': {'vcpus': 8, 'memory_mb': 8192,
                            'local_gb': 100}}


@pytest.fixture(scope='module')
def cloud(base_tmp):
    base = str(base_tmp / 'leak-audit')
    with use_fixture(cloud_mod.MultiProcessCloud(
            base, backend='mysql', conf=AUDIT,
            computes={host: _host_conf(base, host)
                      for host in HOSTS})) as cloud:
        yield cloud


def _audit(cloud, *args):
    """``nova-lite-manage placement audit ARGS``: (exit code, output)."""
    argv = process_mod.command_line(
        'nova-lite-manage', [cloud.common_conf, cloud.db_conf],
        'placement', 'audit', *args)
    result = subprocess.run(argv, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=process_mod.child_env(), timeout=120)
    return result.returncode, result.stdout.decode('utf-8', 'replace')


def _instances_dir(cloud, host):
    return os.path.join(cloud.base_dir, 'state-' + host, 'instances')


def _boot(cloud, name):
    server = cloud.client.create_server(name)['server']
    cloud.client.wait_for_status(server['id'], timeout=60)
    host = cloud.admin.get_server(server['id'])['OS-EXT-SRV-ATTR:host']
    assert host in HOSTS
    return server['id'], host


def _vanish(cloud, server_id):
    """The instance row goes, as if a transaction were lost or an
    operator deleted it by hand: nothing else is told."""
    engine = sa.create_engine(cloud.database.url)
    try:
        with engine.begin() as conn:
            deleted = conn.execute(sa.text(
                'DELETE FROM instances WHERE uuid = :uuid'),
                {'uuid': server_id}).rowcount
    finally:
        engine.dispose()
    assert deleted == 1


def _allocations(cloud, consumer):
    engine = sa.create_engine(cloud.database.url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(
                'SELECT COUNT(*) FROM allocations WHERE consumer_id = :c'),
                {'c': consumer}).scalar()
    finally:
        engine.dispose()


def _lines_about(output, ident):
    return [line for line in output.splitlines() if ident in line]


def _children(pid):
    with open('/proc/%d/task/%d/children' % (pid, pid)) as f:
        return [int(child) for child in f.read().split()]


def test_services_run_their_workers(cloud):
    for name, workers in WORKERS.items():
        pid = cloud.processes[name].pid
        assert len(_children(pid)) == workers, name
    for host in HOSTS:
        assert _children(cloud.processes[host].pid) == [], host


def test_audit_reports_deletes_and_then_finds_nothing(cloud):
    code, out = _audit(cloud)
    assert code == 0, out
    assert 'Found 0 orphan(s)' in out

    live_id, live_host = _boot(cloud, 'keeper')
    gone_id, gone_host = _boot(cloud, 'vanishing')
    # NOTE: the fake driver keeps no directories; a libvirt host would
    # have this one.
    os.makedirs(os.path.join(_instances_dir(cloud, gone_host), gone_id))
    os.makedirs(os.path.join(_instances_dir(cloud, live_host), live_id))
    _vanish(cloud, gone_id)

    code, out = _audit(cloud, '--verbose')
    assert code == 3, out
    about = _lines_about(out, gone_id)
    assert len(about) == 3, out
    assert any(line.startswith('Allocation %s on host %s'
                               % (gone_id, gone_host)) for line in about), out
    assert any(line.startswith('Guest %s on host %s' % (gone_id, gone_host))
               for line in about), out
    assert any(line.startswith('Directory ') and gone_host in line
               for line in about), out
    assert not _lines_about(out, live_id), out
    assert 'Found 3 orphan(s): 1 allocation(s), 1 guest(s), 1 instance ' \
        'directory(ies)' in out, out
    assert 'Auditing the guests and instance directories of host' in out

    code, out = _audit(cloud, '--delete')
    assert code == 4, out
    assert '; deleted 3' in out, out
    assert _allocations(cloud, gone_id) == 0
    assert not os.path.exists(os.path.join(_instances_dir(cloud, gone_host),
                                           gone_id))

    code, out = _audit(cloud)
    assert code == 0, out
    # NOTE: the live server kept its allocation, guest and directory.
    assert _allocations(cloud, live_id) > 0
    assert cloud.client.get_server(live_id)['status'] == 'ACTIVE'
    assert os.path.isdir(os.path.join(_instances_dir(cloud, live_host),
                                      live_id))
    cloud.client.delete_server(live_id)
    cloud.client.wait_for_deleted(live_id)


def test_host_down_is_reported_and_only_allocations_audited(cloud):
    gone_id, gone_host = _boot(cloud, 'on-a-host-that-hangs')
    _vanish(cloud, gone_id)
    proc = cloud.processes[gone_host]
    proc.proc.send_signal(signal.SIGSTOP)
    try:
        # NOTE: service_down_time is 10 s in test clouds.
        client_mod.wait_for(
            lambda: any(row['host'] == gone_host and row['state'] == 'down'
                        for row in cloud.service_list()),
            timeout=40, interval=2, message='%s down' % gone_host)
        code, out = _audit(cloud, '--delete')
    finally:
        proc.proc.send_signal(signal.SIGCONT)
    assert 'Host %s is down' % gone_host in out, out
    assert 'hosts not audited: %s' % gone_host in out, out
    assert _lines_about(out, gone_id)[0].startswith('Allocation'), out
    # NOTE: the allocation went; the guest waits for the host to answer.
    assert code == 4, out
    assert _allocations(cloud, gone_id) == 0

    client_mod.wait_for(
        lambda: all(row['state'] == 'up' for row in cloud.service_list()
                    if row['binary'] == 'nova-compute'),
        timeout=40, interval=2, message='computes up')
    code, out = _audit(cloud, '--delete')
    assert code == 4, out
    assert _lines_about(out, gone_id)[0].startswith('Guest'), out
    code, out = _audit(cloud)
    assert code == 0, out

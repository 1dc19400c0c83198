"""tools/lab: a controller and two compute hosts in namespaces of their
own come up, answer, and leave nothing behind when taken down.

No guest is booted here: what is tested is the lab itself (namespaces,
hostnames, one libvirtd per host, private state_path, the compute
services on RabbitMQ through the lab network, down's cleanup).
"""

import json
import os
import shutil
import subprocess

import pytest

from tests.fixtures import backends
from tests.fixtures import lab as lab_mod
from tests.fixtures import rabbit as rabbit_mod

HOSTS = ('cpu1', 'cpu2')
# Names of what a lab makes in the root namespace (its links, and the
# network host's bridges and tunnels).
LINK_PREFIXES = ('nl-', 'nll', 'nlphys', 'vxlan-')
STATE_PATH = '/var/lib/nova-lite'


def sbin(tool):
    """``tool``'s path; /usr/sbin may be missing from a test run's PATH."""
    return shutil.which(tool, path=os.environ.get('PATH', '') +
                        ':/usr/sbin:/sbin') or tool


def links():
    out = subprocess.run([sbin('ip'), '-j', 'link', 'show'], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return {link['ifname'] for link in json.loads(out)}


def namespaces():
    out = subprocess.run([sbin('ip'), 'netns', 'list'], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return {line.split()[0] for line in out.splitlines() if line.strip()}


def running(pid):
    """Whether ``pid`` runs (a zombie has ended: init reaps it late)."""
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0] not in ('Z', 'X')
    except OSError:
        return False


@pytest.fixture(scope='module')
def lab():
    reason = lab_mod.skip_reason()
    if reason:
        pytest.skip(reason)
    before = {'links': links(), 'netns': namespaces(),
              'state_path': os.path.exists(STATE_PATH)}
    fixture = lab_mod.Lab(computes=len(HOSTS), virt_type='qemu')
    fixture.before = before
    try:
        fixture.up()
        yield fixture
    finally:
        # NOTE: test_down_leaves_nothing took it down already unless an
        # earlier test failed; down on nothing is a no-op.
        fixture.down()


def test_computes_registered_and_up(lab):
    services = lab.admin.get('/os-services', expected=200).json()['services']
    computes = {s['host']: s for s in services
                if s['binary'] == 'nova-compute'}
    assert sorted(computes) == list(HOSTS)
    for host in HOSTS:
        assert computes[host]['state'] == 'up', computes[host]
        assert computes[host]['status'] == 'enabled', computes[host]
    status = lab.get_status()
    assert status['ok'], status['problems']
    assert lab.hosts == list(HOSTS)
    for host in HOSTS:
        info = status['hosts'][host]
        assert info['netns'] and info['libvirt_answering'], info
        assert info['domains'] == 0, info
    # the command an operator runs
    assert lab.run('status').returncode == 0


def test_each_host_has_its_own_namespaces_and_libvirtd(lab):
    root_net = os.readlink('/proc/self/ns/net')
    seen = {}
    for index, host in enumerate(HOSTS, 1):
        assert lab.exec(host, ['hostname']).stdout.strip() == host
        addr = lab.exec(host, ['ip', '-4', '-o', 'addr', 'show', 'dev',
                               'eth0']).stdout
        assert '10.233.0.%d/24' % (10 + index) in addr
        uri = lab.exec(host, ['virsh', '-c', 'qemu:///system', 'uri'])
        assert uri.stdout.strip() == 'qemu:///system'
        lab.exec(host, ['virsh', '-c', 'qemu:///system', 'list', '--all'])
        caps = lab.exec(host, ['virsh', '-c', 'qemu:///system',
                               'capabilities']).stdout
        host_uuid = caps.split('<uuid>', 1)[1].split('</uuid>', 1)[0]
        net_ns = lab.exec(host, ['readlink', '/proc/self/ns/net'])
        mnt_ns = lab.exec(host, ['readlink', '/proc/self/ns/mnt'])
        seen[host] = (net_ns.stdout.strip(), mnt_ns.stdout.strip(),
                      lab.status['hosts'][host]['libvirtd']['pid'],
                      host_uuid)
        assert net_ns.stdout.strip() != root_net
    # NOTE: a libvirt host UUID of its own too: libvirt refuses to
    # migrate a guest to "the same host".
    for index in range(4):
        assert len({v[index] for v in seen.values()}) == len(HOSTS), seen
    # the controller is the root namespace
    assert (lab.exec('controller', ['readlink', '/proc/self/ns/net'])
            .stdout.strip() == root_net)


def test_state_path_is_private_to_its_host(lab):
    marker = os.path.join(STATE_PATH, 'lab-test-marker')
    lab.exec('cpu1', ['sh', '-c', 'echo cpu1 > %s' % marker])
    assert lab.exec('cpu1', ['cat', marker]).stdout.strip() == 'cpu1'
    assert lab.exec('cpu2', ['test', '-e', marker],
                    check=False).returncode == 1
    assert not os.path.exists(marker)
    lab.exec('cpu1', ['rm', marker])


def test_compute_stop_start_restart(lab):
    lab.stop_compute('cpu2', kill=True)
    status = lab.get_status(check=False)
    assert not status['ok']
    assert 'cpu2: compute is not running' in status['problems']
    lab.start_compute('cpu2')
    old = lab.pids()['cpu1/compute']
    lab.restart_compute('cpu1', {'DEFAULT': {'debug': False}})
    assert lab.pids()['cpu1/compute'] != old
    assert lab.get_status()['ok']


def test_down_leaves_nothing(lab):
    pids = lab.pids()
    assert len(pids) >= 4 + 4 * len(HOSTS), pids
    lab.down()

    assert not [n for n in namespaces() - lab.before['netns']
                if n.startswith('nl-')]
    assert not {'nl-%s' % h for h in HOSTS} & namespaces()
    left = [n for n in links() - lab.before['links']
            if n.startswith(LINK_PREFIXES)]
    assert not left
    assert not {'nl-lab', 'nl-phys', 'nlphys-ctl'} & links()
    alive = {name: pid for name, pid in pids.items() if running(pid)}
    assert not alive
    assert not os.path.exists(lab.state_dir)
    assert os.path.exists(STATE_PATH) == lab.before['state_path']
    iptables = subprocess.run([sbin('iptables-save')],
                              stdout=subprocess.PIPE, text=True,
                              check=True).stdout
    assert 'NOVA-LITE-LAB' not in iptables
    assert 'nova-lite-nll' not in iptables

    import pymysql
    conn = pymysql.connect(host=backends.MYSQL_HOST,
                           port=backends.MYSQL_PORT,
                           user=backends.MYSQL_USER,
                           password=backends.MYSQL_PASSWORD)
    try:
        with conn.cursor() as cur:
            cur.execute("SHOW DATABASES LIKE 'nova_lite_lab'")
            assert not cur.fetchall()
    finally:
        conn.close()
    vhosts = subprocess.run([rabbit_mod.RABBITMQCTL, '-q', 'list_vhosts'],
                            stdout=subprocess.PIPE, text=True).stdout
    assert 'nova-lite-lab' not in vhosts.split()

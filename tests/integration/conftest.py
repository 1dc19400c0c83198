"""Fixtures of the integration tests: libvirtd, the test guest, and a
state directory QEMU can read. When a test fails, the tails of the logs of
the services still running are added to its report."""

import contextlib
import os
import shutil
import subprocess
import tempfile
import time

import pytest

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures import process as process_mod
from tests.fixtures.pytest_support import pytest_runtest_makereport  # noqa

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
BUILD_SCRIPT = os.path.join(REPO, 'tools', 'build-test-guest.sh')
START_LIBVIRT = os.path.join(REPO, 'tools', 'start-libvirt.sh')
URI = 'qemu:///system'
QEMU = 'qemu-system-x86_64'


@pytest.fixture(scope='module')
def libvirtd():
    """A libvirtd answering on qemu:///system for the module's tests.

    tools/start-libvirt.sh starts virtlogd and libvirtd when none answers
    (as tools/run-main-job.sh does); the daemons it started are stopped
    again after the module, by pid.
    """
    try:
        proc = subprocess.run([START_LIBVIRT], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              timeout=120)
    except (OSError, subprocess.TimeoutExpired) as e:
        pytest.skip('cannot start libvirtd: %s' % e)
    started = [int(line.split()[2]) for line in proc.stdout.splitlines()
               if line.startswith('started ')]
    if proc.returncode != 0:
        _stop(started)
        pytest.skip('no libvirtd on %s: %s' % (URI, proc.stderr.strip()))
    yield URI
    _stop(started)


def _stop(pids):
    """Stop the daemons this module started, newest first, by pid."""
    for pid in reversed(pids):
        try:
            os.kill(pid, 15)
        except ProcessLookupError:
            continue
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)


@pytest.fixture(scope='session')
def test_guest():
    """Build (or reuse) the test guest: a dict with kernel, initramfs, dir."""
    if shutil.which(QEMU) is None:
        pytest.skip('%s is not installed (apt-get install '
                    'qemu-system-x86)' % QEMU)
    out = os.environ.get('NOVA_LITE_TEST_GUEST_DIR') or os.path.join(
        os.path.expanduser('~'), '.nova-lite', 'test-guest')
    proc = subprocess.run([BUILD_SCRIPT, out], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=900)
    assert proc.returncode == 0, 'build-test-guest.sh failed:\n%s%s' % (
        proc.stdout, proc.stderr)
    paths = dict(line.split('=', 1) for line in proc.stdout.splitlines()
                 if line.startswith(('kernel=', 'initramfs=')))
    assert os.path.isfile(paths['kernel']), proc.stdout
    assert os.path.isfile(paths['initramfs']), proc.stdout
    return {'dir': out, 'kernel': paths['kernel'],
            'initramfs': paths['initramfs']}


@pytest.fixture
def state_path():
    # NOTE: not under pytest's tmp_path, whose 0700 directories QEMU (run
    # by libvirtd as libvirt-qemu) could not traverse to the disks.
    path = tempfile.mkdtemp(prefix='nova-lite-spawn-', dir='/var/tmp')
    os.chmod(path, 0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope='session')
def ping_command(test_guest):
    """argv of ping: the host's, else the test guest's static busybox."""
    ping = shutil.which('ping')
    if ping:
        return [ping]
    return [os.path.join(test_guest['dir'], 'cache', 'busybox', 'bin',
                         'busybox'), 'ping']


# --- Guests through the Compute API (shared by the test_*api*/resize/
# snapshot modules): one nova-lite-all on the libvirt driver. ---

MARKER = 'NOVA-LITE-GUEST-READY'
BOOT_TIMEOUT = 180


@contextlib.contextmanager
def guest_cloud(uri, test_guest, prefix, defaults):
    """An AllInOneCloud on the libvirt driver with the test guest imported.

    ``defaults`` are the module's own [DEFAULT] options (its
    instance_name_template keeps its domains apart from any other
    deployment sharing this libvirtd). Whatever the tests leave is
    deleted through the API, then any domain left under the state
    directory is undefined and the network host's part of the networks
    taken down.
    """
    # NOTE: QEMU runs as libvirt-qemu and must reach the disks: a 0755
    # directory under /var/tmp, not pytest's private tmp.
    base = tempfile.mkdtemp(prefix=prefix, dir='/var/tmp')
    os.chmod(base, 0o755)
    conf = {'DEFAULT': dict({'compute_driver': 'libvirt.LibvirtDriver'},
                            **defaults),
            'libvirt': {'virt_type': 'qemu', 'connection_uri': uri}}
    fixture = cloud_mod.AllInOneCloud(base, conf=conf)
    fixture.setUp()
    try:
        out = process_mod.run_manage(
            [fixture.conf_file], 'image', 'import-test-guest',
            '--dir', os.path.dirname(test_guest['kernel']), timeout=900)
        fixture.guest_image = out.strip().splitlines()[-1]
        yield fixture
    finally:
        _delete_all(fixture)
        fixture.cleanUp()
        # NOTE: what nova-lite-all's network host made (the networks'
        # bridges, gateways, dnsmasq, NAT rules) outlives it, as it would
        # for guests on a real host.
        process_mod.run_manage([fixture.conf_file], 'network',
                               'teardown-host')
        _undefine_left_over(uri, base)
        shutil.rmtree(base, ignore_errors=True)


def _delete_all(cloud):
    """Delete what a failed test left, through the API (best effort)."""
    admin = cloud.admin
    try:
        servers, _ = admin.list_servers(params={'all_tenants': 1})
        for server in servers:
            admin.delete_server(server['id'], expected=(204, 404))
        for server in servers:
            admin.wait_for_deleted(server['id'], timeout=BOOT_TIMEOUT)
    except Exception as error:  # the safety net below still runs
        print('could not delete every server: %s' % error)


def _undefine_left_over(uri, base):
    """Destroy and undefine any domain whose disks are under ``base``."""
    import libvirt
    conn = libvirt.open(uri)
    try:
        for dom in conn.listAllDomains():
            if base not in dom.XMLDesc(0):
                continue
            if dom.isActive():
                dom.destroy()
            dom.undefineFlags(libvirt.VIR_DOMAIN_UNDEFINE_MANAGED_SAVE)
    finally:
        conn.close()


def act(api, server_id, body, expected=202, **kw):
    """POST a server action, checking its status code."""
    return api.post('/servers/%s/action' % server_id, json=body,
                    expected=expected, **kw)


def console(api, server_id, length=None):
    return act(api, server_id, {'os-getConsoleOutput': {'length': length}},
               expected=200).json()['output']


def wait_for_console(api, server_id, text, count=1):
    """Wait until ``text`` shows ``count`` times on the console; return it."""
    client_mod.wait_for(
        lambda: console(api, server_id).count(text) >= count,
        BOOT_TIMEOUT, interval=1,
        message='%d x %r on the console of %s' % (count, text, server_id))
    return console(api, server_id)


def boot_guest(api, name, image, **body):
    """Boot a guest with a config drive and wait for its READY marker."""
    server_id = api.create_server(name, image=image, config_drive=True,
                                  **body)['server']['id']
    api.wait_for_status(server_id, timeout=BOOT_TIMEOUT)
    wait_for_console(api, server_id, '%s uuid=%s' % (MARKER, server_id))
    return server_id


def domain_exists(server_id):
    out = subprocess.run(['virsh', '-c', URI, 'list', '--all', '--uuid'],
                         stdout=subprocess.PIPE, text=True,
                         timeout=30).stdout
    return server_id in out.split()

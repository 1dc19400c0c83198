"""Fixtures of the integration tests: libvirtd, the test guest, and a
state directory QEMU can read."""

import os
import shutil
import subprocess
import tempfile
import time

import pytest

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

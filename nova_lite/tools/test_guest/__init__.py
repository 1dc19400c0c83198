"""The nova-lite test guest: its build script, shipped in the package, and
the files it builds.

``build-test-guest.sh`` (beside this module) makes a Debian cloud kernel
and a busybox initramfs whose ``/init`` (``guest/init``) reads the config
drive, or else takes DHCP leases and asks the metadata service, starts an
SSH server (dropbear) that lets root in with the instance's public keys,
and prints ``NOVA-LITE-GUEST-READY uuid=<uuid> user_data=<base64>`` on the
serial console (the header of ``guest/init`` describes every line it prints and
the ``#nova-lite-`` directives of the user data it runs after that).
:func:`build` runs it and adds the third file an image needs: an empty
qcow2 root disk, which a server's root disk is an overlay of (the guest
never touches it: it lives in its initramfs).
"""

import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD_SCRIPT = os.path.join(HERE, 'build-test-guest.sh')
# NOTE: a first build downloads nine Debian packages; later runs only
# check a stamp and answer in a moment.
BUILD_TIMEOUT = 1800
ROOT_DISK = 'root.qcow2'
# NOTE: small enough for any flavor's root disk (m1.tiny has 1 GiB).
ROOT_DISK_SIZE = '64M'


class BuildError(Exception):
    """The test guest could not be built."""


def default_dir():
    """Where the guest is built: ``$NOVA_LITE_TEST_GUEST_DIR``, else
    ``~/.nova-lite/test-guest`` (the script's own default)."""
    return (os.environ.get('NOVA_LITE_TEST_GUEST_DIR') or
            os.path.join(os.path.expanduser('~'), '.nova-lite',
                         'test-guest'))


def _root_disk(out_dir):
    """An empty qcow2 of ROOT_DISK_SIZE in ``out_dir``, made once.

    NOTE: ``qemu-img create`` writes the same bytes for the same size
    every time, so its content hash identifies it across rebuilds.
    """
    path = os.path.join(out_dir, ROOT_DISK)
    if os.path.exists(path):
        return path
    tmp = path + '.tmp'
    try:
        subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', tmp,
                        ROOT_DISK_SIZE], check=True, timeout=120,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except (OSError, subprocess.SubprocessError) as e:
        raise BuildError('qemu-img create %s failed (install qemu-utils): '
                         '%s' % (tmp, getattr(e, 'output', None) or e))
    os.replace(tmp, path)
    return path


def build(out_dir=None, force=False):
    """Build the test guest in ``out_dir``, or find it up to date there.

    The script's progress goes to this process's stderr.

    :param out_dir: default :func:`default_dir`.
    :param force: rebuild even when the build is up to date.
    :returns: ``{'kernel': path, 'initramfs': path, 'root_disk': path}``.
    :raises BuildError: the script failed or printed no paths.
    """
    out_dir = os.path.abspath(out_dir or default_dir())
    cmd = ['bash', BUILD_SCRIPT] + (['--force'] if force else []) + [out_dir]
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, text=True,
                              timeout=BUILD_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise BuildError('%s failed: %s' % (BUILD_SCRIPT, e))
    if proc.returncode != 0:
        raise BuildError('%s exited %d' % (BUILD_SCRIPT, proc.returncode))
    paths = dict(line.split('=', 1) for line in proc.stdout.splitlines()
                 if line.startswith(('kernel=', 'initramfs=')))
    for key in ('kernel', 'initramfs'):
        if not os.path.isfile(paths.get(key, '')):
            raise BuildError('%s printed no %s= path to a file: %r'
                             % (BUILD_SCRIPT, key, proc.stdout[-2000:]))
    paths['root_disk'] = _root_disk(out_dir)
    return paths

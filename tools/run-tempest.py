"""Runs tempest, OpenStack's own test suite, against a nova-lite cloud.

``tox -e tempest`` calls this. It stands up what an operator would:

1. Keystone (``tests/fixtures/keystone.py``: its own virtualenv, a
   database on MariaDB);
2. nova-lite as separate processes on the machine's MariaDB and RabbitMQ
   (api, conductor, scheduler, image service and two computes on the fake
   driver), authenticating with that Keystone, its compute and image
   endpoints in the catalog (``tests/fixtures/cloud.py``);
3. tempest (``tools/install-tempest.sh``: a virtualenv of its own) with
   ``etc/tempest/tempest.conf``, the project's file, completed with what
   only the running cloud knows (addresses, the admin password, images).

Then ``tempest run`` with the regex and concurrency given, and the exit
status is tempest's. Everything is torn down afterwards, unless ``--keep``
leaves the cloud up (Ctrl-C ends it) to re-run single tests by hand.

``--lab`` (``tox -e tempest-libvirt``; root) runs the tests that boot and
reach real guests instead: the same Keystone, then the multi-node lab of
``tools/lab up --keystone`` (a controller and two compute hosts in network
namespaces, the libvirt driver, the test guest with its SSH server) in
place of the fake-driver cloud, and ``etc/tempest/tempest-libvirt.conf``
(SSH validation to the guests' fixed addresses). ``tools/lab down``
removes the lab afterwards (with ``--keep``: after Ctrl-C).

    tools/run-tempest.py [--lab] [--regex R] [--concurrency N]
                         [--workspace DIR] [--keep]
                         [-- more tempest run arguments]
"""

import argparse
import configparser
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, REPO)
sys.path.insert(0, os.path.join(REPO, 'tools'))

from nova_lite_lab import consts as lab_consts  # noqa: E402
from nova_lite_lab import layout as lab_layout  # noqa: E402
from tests.fixtures import cloud as cloud_mod  # noqa: E402
from tests.fixtures import database as database_mod  # noqa: E402
from tests.fixtures import images as images_mod  # noqa: E402
from tests.fixtures import keystone as keystone_mod  # noqa: E402
from tests.fixtures import pytest_support  # noqa: E402

CONF_TEMPLATE = os.path.join(REPO, 'etc', 'tempest', 'tempest.conf')
INSTALL_SCRIPT = os.path.join(REPO, 'tools', 'install-tempest.sh')
DEFAULT_REGEX = r'^tempest\.api\.compute\.'
LAB_CONF_TEMPLATE = os.path.join(REPO, 'etc', 'tempest',
                                 'tempest-libvirt.conf')
LAB_TOOL = os.path.join(REPO, 'tools', 'lab')
# NOTE: neither the operator's lab (/var/tmp/nova-lite-lab) nor the
# integration tests' (/var/tmp/nova-lite-lab-tests).
LAB_STATE_DIR = '/var/tmp/nova-lite-lab-tempest'
LAB_COMPUTES = 2
LAB_UP_TIMEOUT = 1800
# The compute tests that boot guests and reach them: the smoke tests, the
# server actions (reboot, rebuild, resize, stop/start, shelve, backup,
# console), rescue, creating servers (with validation), snapshots, and
# the suspend/resize sequence of the advanced server scenario.
# NOTE: tempest skips its classes that set create_default_network
# (test_server_rescue, images.test_images*) without Neutron: "Neutron is
# not available".
LAB_REGEX = (r'^tempest\.(?:api\.compute\.(?:'
             r'.*\[.*\bsmoke\b.*\]'
             r'|servers\.test_server_actions\.'
             r'|servers\.test_server_rescue\.'
             r'|servers\.test_server_rescue_negative\.'
             r'|servers\.test_create_server\.'
             r'|images\.test_images_oneserver\.'
             r'|images\.test_images\.)'
             r'|scenario\.test_server_advanced_ops\.)')
# Left out of the default --lab run, each for its cause (a limit of
# tempest without Neutron, not of nova-lite):
LAB_EXCLUDE = (
    # NOTE: from 2.37 on, tempest without Neutron creates its servers
    # with networks "none" (it could only look a network name up in
    # os-networks, which Nova and nova-lite answer 404 from 2.36 on), so
    # a class that logs in to them has no address to log in to.
    r'servers\.test_create_server\.ServersV294TestFqdnHostnames',
)
GUEST_IMAGE_NAME = 'nova-lite-test-guest'
# NOTE: a second image for the tests that need two (rebuild to another
# image); the fake driver never reads the bytes.
ALT_IMAGE = '6a2fd2b3-0f0e-4a63-9c4b-6b0b8f3e9a17'


def install_tempest():
    out = subprocess.run([INSTALL_SCRIPT], check=True, text=True,
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE)
    return out.stdout.strip().splitlines()[-1]


def cloud_conf():
    """nova-lite options for the cloud tempest tests.

    NOTE: tempest's shelve tests wait for SHELVED_OFFLOADED, which needs
    shelved_offload_time = 0 (tempest's own default for it). The fake
    computes are large enough for tempest's concurrent servers.
    """
    return {'DEFAULT': {'shelved_offload_time': 0}}


def register_alt_image(cloud, keystone):
    token = keystone.token(keystone_mod.ADMIN)
    response = images_mod.create_image(
        cloud.image_endpoint, token, data=images_mod.TEST_IMAGE_DATA,
        id=ALT_IMAGE, name='nova-lite-test-image-alt', disk_format='qcow2',
        container_format='bare', visibility='public')
    return response['id']


def write_tempest_conf(path, keystone, log_dir, template=CONF_TEMPLATE,
                       image_ref=images_mod.TEST_IMAGE,
                       image_ref_alt=ALT_IMAGE):
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    with open(template) as f:
        parser.read_file(f)
    parser.set('DEFAULT', 'log_dir', log_dir)
    parser.set('DEFAULT', 'log_file', 'tempest.log')
    parser.set('identity', 'uri_v3', keystone.auth_url)
    parser.set('auth', 'admin_password', keystone.admin_password)
    parser.set('compute', 'image_ref', image_ref)
    parser.set('compute', 'image_ref_alt', image_ref_alt)
    with open(path, 'w') as out:
        parser.write(out)


def run_tempest(venv, workspace, conf_path, args):
    if not os.path.isdir(os.path.join(workspace, 'etc')):
        # NOTE: a registry of its own beside the workspace: tempest refuses
        # a second workspace of the same name in ~/.tempest/workspace.yaml
        # (another run's "workspace").
        registry = os.path.join(os.path.dirname(workspace),
                                'workspace.yaml')
        subprocess.run([os.path.join(venv, 'bin', 'tempest'), 'init',
                        '--workspace-path', registry, workspace],
                       check=True, stdout=subprocess.DEVNULL)
    shutil.copy(conf_path, os.path.join(workspace, 'etc', 'tempest.conf'))
    command = [os.path.join(venv, 'bin', 'tempest'), 'run',
               '--regex', args.regex, '--concurrency', str(args.concurrency)]
    if args.exclude:
        command += ['--exclude-regex', '|'.join(args.exclude)]
    command += args.tempest_args
    print('+ (cd %s && %s)' % (workspace, ' '.join(command)), flush=True)
    return subprocess.run(command, cwd=workspace).returncode


def lab(*args, timeout=600):
    """``tools/lab ARGS`` on the tempest lab's state directory."""
    command = [LAB_TOOL, '--state-dir', LAB_STATE_DIR] + list(args)
    print('+ %s' % ' '.join(command), flush=True)
    return subprocess.run(command, stdin=subprocess.DEVNULL,
                          timeout=timeout).returncode


@contextlib.contextmanager
def lab_cloud(base, keystone, keep):
    """The lab, up with ``keystone``, for the ``with`` block; yields its
    ``layout.Lab``. Down afterwards (with ``keep``, after Ctrl-C).

    NOTE: the lab's API and image service validate tokens as Keystone's
    service user; tools/lab's own calls (is every compute up? the image
    import) authenticate as Keystone's admin.
    """
    admin = keystone.users[keystone_mod.ADMIN]
    keystone_file = os.path.join(base, 'lab-keystone.json')
    with open(os.open(keystone_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
                      0o600), 'w') as f:
        json.dump({'authtoken': keystone.authtoken_conf(cache=True),
                   'admin': {'auth_url': keystone.auth_url,
                             'username': keystone_mod.ADMIN,
                             'password': admin['password'],
                             'project_name': admin['project'],
                             'user_domain_id': keystone_mod.DOMAIN,
                             'project_domain_id': keystone_mod.DOMAIN}}, f)
    # NOTE: a lab left by an interrupted run is in the way of a new one.
    if os.path.exists(os.path.join(LAB_STATE_DIR, 'lab.json')):
        lab('down')
    argv = ['up', '--computes', str(LAB_COMPUTES), '--keystone',
            keystone_file]
    for section, options in cloud_conf().items():
        for name, value in options.items():
            argv += ['--set', '%s.%s=%s' % (section, name, value)]
    try:
        if lab(*argv, timeout=LAB_UP_TIMEOUT):
            raise RuntimeError('tools/lab up failed (see above)')
        yield lab_layout.Lab(LAB_STATE_DIR)
        if keep:
            print('lab up; Ctrl-C or SIGTERM ends it', flush=True)
            with contextlib.suppress(KeyboardInterrupt):
                while True:
                    time.sleep(3600)
    finally:
        lab('down')


def lab_guest_image(lab_, keystone):
    """The id of the test guest image ``tools/lab up`` imported."""
    request = urllib.request.Request(
        'http://%s:%d/v2/images?name=%s' % (
            lab_.controller_ip, lab_consts.IMAGE_PORT, GUEST_IMAGE_NAME),
        headers={'X-Auth-Token': keystone.token(keystone_mod.ADMIN)})
    with urllib.request.urlopen(request, timeout=60) as response:
        images = json.loads(response.read().decode())['images']
    if not images:
        raise RuntimeError('the lab imported no %s image' % GUEST_IMAGE_NAME)
    return images[0]['id']


def run_lab(venv, base, log_dir, args):
    """Keystone, the lab and tempest against it; tempest's exit status."""
    with pytest_support.use_fixture(database_mod.Database(
            'mysql', base)) as keystone_db, \
            pytest_support.use_fixture(keystone_mod.Keystone(
                os.path.join(base, 'keystone'),
                database=keystone_db.url)) as ks, \
            lab_cloud(base, ks, args.keep) as lab_:
        ks.set_endpoint('compute', 'nova', lab_.api_endpoint)
        ks.set_endpoint('image', 'glance', 'http://%s:%d' % (
            lab_.controller_ip, lab_consts.IMAGE_PORT))
        image = lab_guest_image(lab_, ks)
        conf_path = os.path.join(base, 'tempest.conf')
        write_tempest_conf(conf_path, ks, log_dir,
                           template=LAB_CONF_TEMPLATE, image_ref=image,
                           image_ref_alt=image)
        print('lab at %s, Keystone at %s, logs in %s and %s'
              % (lab_.api_endpoint, ks.auth_url, LAB_STATE_DIR, log_dir),
              flush=True)
        return run_tempest(venv, os.path.join(base, 'workspace'),
                           conf_path, args)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--lab', action='store_true',
                        help='real guests: the libvirt lab of tools/lab '
                        '(root; see above)')
    parser.add_argument('--regex',
                        help='which tests (default: %s; with --lab %s)'
                        % (DEFAULT_REGEX, LAB_REGEX))
    parser.add_argument('--concurrency', type=int, default=2,
                        help='tempest workers (default: %(default)s)')
    parser.add_argument('--workspace',
                        help='tempest workspace and cloud state '
                        '(default: a temporary directory)')
    parser.add_argument('--keep', action='store_true',
                        help='leave the cloud up after the run')
    parser.add_argument('tempest_args', nargs='*',
                        help='more arguments for tempest run (after --)')
    args = parser.parse_args(argv)
    # NOTE: SIGTERM (and Ctrl-C) unwind the with blocks, so the lab goes
    # down, Keystone stops and its database is dropped; a run started in
    # the background ignores SIGINT.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    args.exclude = ()
    if args.regex is None:
        args.regex = LAB_REGEX if args.lab else DEFAULT_REGEX
        args.exclude = LAB_EXCLUDE if args.lab else ()

    venv = install_tempest()
    base = args.workspace or tempfile.mkdtemp(prefix='nova-lite-tempest-')
    base = os.path.abspath(base)
    # NOTE: a fresh Keystone and cloud each run; a workspace given again
    # keeps only tempest's own files (its .stestr history).
    for stale in ('keystone', 'cloud', 'logs'):
        shutil.rmtree(os.path.join(base, stale), ignore_errors=True)
    os.makedirs(base, exist_ok=True)
    log_dir = os.path.join(base, 'logs')
    os.makedirs(log_dir, exist_ok=True)
    if args.lab:
        return run_lab(venv, base, log_dir, args)
    status = 1
    # NOTE: Keystone on MariaDB: tempest's dynamic credentials make and
    # delete users from several workers at once, which sqlite refuses.
    with pytest_support.use_fixture(database_mod.Database(
            'mysql', base)) as keystone_db, \
            pytest_support.use_fixture(keystone_mod.Keystone(
                os.path.join(base, 'keystone'),
                database=keystone_db.url)) as ks, \
            pytest_support.use_fixture(cloud_mod.MultiProcessCloud(
                os.path.join(base, 'cloud'), keystone=ks,
                conf=cloud_conf())) as cloud:
        register_alt_image(cloud, ks)
        # NOTE: one shared flat network, as a deployment has: servers get
        # ports, addresses and the default security group on them.
        cloud.manage('network', 'create', '--name', 'private', '--cidr',
                     '10.20.0.0/20')
        conf_path = os.path.join(base, 'tempest.conf')
        write_tempest_conf(conf_path, ks, log_dir)
        print('nova-lite at %s, Keystone at %s, logs in %s and %s'
              % (cloud.endpoint, ks.auth_url, cloud.log_dir, log_dir),
              flush=True)
        status = run_tempest(venv, os.path.join(base, 'workspace'),
                             conf_path, args)
        if status:
            print(cloud.logs(80))
        if args.keep:
            print('cloud up; Ctrl-C ends it', flush=True)
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
    return status


if __name__ == '__main__':
    sys.exit(main())

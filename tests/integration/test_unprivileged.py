"""Every service as an unprivileged user, root's work through privsep.

nova-lite-api, -conductor, -scheduler, -image, -metadata, -network and a
libvirt compute run as separate processes (MariaDB, RabbitMQ) as the user
``nova-lite-it``: no root, a member of the libvirt group, allowed by the
sudoers lines of ``nova-lite-manage privsep sudoers`` to start nova-lite's
privsep daemons and nothing else. A guest boots on a network of its own
without a config drive: the network host (bridge, gateway, dnsmasq,
metadata redirect) and the compute (bridge, tap clean-up, the console
log virtlogd writes as root) do their privileged work through the
daemons, which keep only their context's capabilities. The guest takes
its address by DHCP, reads its user data from the metadata service,
answers ping, and is deleted without a trace.
"""

import base64
import grp
import os
import pwd
import shutil
import subprocess
import sys
import tempfile

import pytest

from tests.fixtures import backends
from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures import process as process_mod
from tests.integration import conftest as guests
from tests.integration.conftest import BOOT_TIMEOUT, MARKER

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
USER = 'nova-lite-it'
SUDOERS = '/etc/sudoers.d/nova-lite-it'
BRIDGE = 'nlunpbr0'
CIDR = '198.51.101.0/24'
HOST = 'unpriv-cpu'
NAME_TEMPLATE = 'unpriv-%08x'
# capability bits (linux/capability.h) each daemon keeps
CAPS = {'net_admin_pctxt': {12, 13},                 # NET_ADMIN, NET_RAW
        'dhcp_pctxt': {1, 5, 6, 7, 10, 12, 13},      # + DAC_OVERRIDE, KILL,
                                                     # SETGID/UID, BIND
        'file_pctxt': {0, 2, 3}}                     # CHOWN, DAC_READ, FOWNER


def _run(argv, **kwargs):
    return subprocess.run(argv, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, timeout=60,
                          check=True, **kwargs).stdout


@pytest.fixture(scope='module')
def service_user():
    """The unprivileged user, in the libvirt group, with nova-lite's
    sudoers lines; both removed after the module."""
    if os.geteuid() != 0:
        pytest.skip('making the service user and its sudoers file needs '
                    'root (CI runs the integration tests as root)')
    try:
        pwd.getpwnam(USER)
        made = False
    except KeyError:
        _run(['useradd', '--system', '--user-group', '--no-create-home',
              '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin',
              USER])
        made = True
    groups = [g for g in ('libvirt', 'kvm') if _group_exists(g)]
    if groups:
        _run(['usermod', '--append', '--groups', ','.join(groups), USER])
    rules = subprocess.run(
        process_mod.command_line('nova-lite-manage', [], 'privsep',
                                 'sudoers', '--user', USER),
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=process_mod.child_env(), timeout=60, check=True).stdout
    with tempfile.NamedTemporaryFile('w', suffix='.sudoers',
                                     delete=False) as f:
        f.write(rules)
    try:
        _run(['visudo', '-cf', f.name])
        _run(['install', '-m', '0440', '-o', 'root', '-g', 'root', f.name,
              SUDOERS])
    finally:
        os.unlink(f.name)
    opened = _let_reach(USER)
    yield USER
    for path, mode in opened:
        os.chmod(path, mode)
    os.unlink(SUDOERS)
    if made:
        subprocess.run(['userdel', USER], timeout=60)


def _can_import(user):
    argv = process_mod.as_user(user) + [
        sys.executable, '-c', 'import nova_lite.privsep, oslo_privsep']
    return subprocess.run(argv, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL, cwd='/',
                          timeout=60).returncode == 0


def _let_reach(user):
    """Let ``user`` reach this checkout and its interpreter, as an
    installation's would be (a clone under a 0700 home is not): others get
    search permission on the directories above them until the module
    ends. :returns: [(directory, its old mode)]."""
    if _can_import(user):
        return []
    opened = []
    for start in (REPO, sys.prefix, os.path.realpath(sys.executable)):
        path = os.path.dirname(start) if os.path.isfile(start) else start
        while path != '/':
            mode = os.stat(path).st_mode & 0o7777
            if not mode & 0o001:
                os.chmod(path, mode | 0o001)
                opened.append((path, mode))
            path = os.path.dirname(path)
    assert _can_import(user), '%s cannot import nova-lite from %s' % (
        user, REPO)
    return opened


def _group_exists(name):
    try:
        grp.getgrnam(name)
        return True
    except KeyError:
        return False


@pytest.fixture(scope='module')
def cloud(libvirtd, test_guest, service_user):
    base = tempfile.mkdtemp(prefix='nova-lite-unpriv-', dir='/var/tmp')
    os.chmod(base, 0o755)
    metadata_port = backends.free_port()
    compute = {'DEFAULT': {'compute_driver': 'libvirt.LibvirtDriver',
                           'instance_name_template': NAME_TEMPLATE},
               'libvirt': {'virt_type': 'qemu', 'connection_uri': libvirtd}}
    fixture = cloud_mod.MultiProcessCloud(
        base, computes={HOST: compute}, user=service_user,
        services=('nova-lite-metadata', 'nova-lite-network'),
        conf={'DEFAULT': {'metadata_listen': '127.0.0.1',
                          'metadata_listen_port': metadata_port,
                          'shutdown_timeout': 5},
              'metadata': {'metadata_proxy_shared_secret': 'unpriv',
                           'nova_metadata_host': '127.0.0.1',
                           'nova_metadata_port': metadata_port}})
    try:
        fixture.setUp()
        out = fixture.manage('image', 'import-test-guest', '--dir',
                             os.path.dirname(test_guest['kernel']))
        fixture.guest_image = out.strip().splitlines()[-1]
        fixture.manage('network', 'create', '--name', 'unpriv-net',
                       '--cidr', CIDR, '--bridge', BRIDGE)
        yield fixture
    finally:
        guests._delete_all(fixture)
        fixture.cleanUp()
        # NOTE: the network host's bridge, dnsmasq and rules outlive it.
        process_mod.run_manage([fixture.common_conf, fixture.db_conf],
                               'network', 'teardown-host')
        guests._undefine_left_over(libvirtd, base)
        shutil.rmtree(base, ignore_errors=True)


def _status(pid):
    with open('/proc/%d/status' % pid) as f:
        return dict(line.rstrip('\n').split(':\t', 1) for line in f
                    if ':\t' in line)


def _caps(mask):
    value = int(mask, 16)
    return {bit for bit in range(64) if value >> bit & 1}


def _privsep_daemons():
    """{context name: pid} of the running privsep daemons of nova-lite."""
    found = {}
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open('/proc/%s/cmdline' % entry, 'rb') as f:
                argv = f.read().decode(errors='replace').split('\0')
        except OSError:
            continue
        # NOTE: not the sudo that started one.
        if os.path.basename(argv[0]) != 'sudo' \
                and any(a.endswith('privsep-helper') for a in argv[:2]) \
                and '--privsep_context' in argv:
            context = argv[argv.index('--privsep_context') + 1]
            if context.startswith('nova_lite.privsep.'):
                found.setdefault(context.rsplit('.', 1)[1], []).append(
                    int(entry))
    return found


def test_every_service_runs_unprivileged_and_boots_a_guest(
        cloud, ping_command):
    uid = pwd.getpwnam(USER).pw_uid
    for name, proc in cloud.processes.items():
        real, effective = _status(proc.pid)['Uid'].split()[:2]
        assert (int(real), int(effective)) == (uid, uid), name

    api = cloud.client
    user_data = b'#!/bin/sh\necho unprivileged\n'
    # os-networks is one of the proxy APIs gone at 2.36.
    admin_21 = client_mod.ApiClient(cloud.endpoint, 'admin', 'admin',
                                    microversion='2.1')
    network = next(n for n in admin_21.get('/os-networks').json()['networks']
                   if n['label'] == 'unpriv-net')
    server_id = api.create_server(
        'unpriv', image=cloud.guest_image,
        user_data=base64.b64encode(user_data).decode(),
        networks=[{'uuid': network['id']}])['server']['id']
    server = api.wait_for_status(server_id, timeout=BOOT_TIMEOUT)
    (entry,) = server['addresses']['unpriv-net']
    address = entry['addr']

    # DHCP from the dnsmasq started through privsep, user data from the
    # metadata service through the redirect and proxy, and the console
    # log that virtlogd wrote as root, read by the unprivileged compute.
    console = guests.wait_for_console(
        api, server_id, '%s uuid=%s' % (MARKER, server_id))
    assert 'source=metadata' in console
    assert '%s uuid=%s user_data=%s' % (
        MARKER, server_id, base64.b64encode(user_data).decode()) in console
    assert 'addr=%s ' % address in console
    client_mod.wait_for(
        lambda: subprocess.run(ping_command + ['-c', '1', '-W', '1',
                                               address],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL).returncode == 0,
        60, interval=0.5, message='%s answering ping' % address)

    # The root work was done by daemons that keep only their context's
    # capabilities.
    daemons = _privsep_daemons()
    assert {'net_admin_pctxt', 'dhcp_pctxt'} <= set(daemons), daemons
    for context, pids in daemons.items():
        for pid in pids:
            status = _status(pid)
            assert status['Uid'].split()[0] == '0'
            assert _caps(status['CapEff']) == CAPS[context], context

    api.delete_server(server_id)
    api.wait_for_deleted(server_id, timeout=BOOT_TIMEOUT)
    assert not guests.domain_exists(server_id)
    assert not os.path.exists(
        os.path.join(cloud.state_path, 'instances', server_id))
    assert subprocess.run(['ip', 'link', 'show', 'tap' + server_id[:11]],
                          stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL).returncode != 0

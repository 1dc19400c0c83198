"""devstack/plugin.sh, every phase, for a controller and for compute nodes.

The plugin and its settings run in bash as devstack runs them (the
settings first, then ``source plugin.sh stack install``, ``post-config``,
``extra``, ``test-config`` in one shell under errexit; ``unstack`` and
``clean`` each in a shell of their own) against ``functions.sh``, a
stand-in for devstack's function library written for the test, and
stand-ins for the system's commands (sudo, virsh, ip, visudo, ...). The
real ``nova-lite-manage`` writes the config and, on a sqlite database,
syncs it, adds the flavors and creates the network; the test then reads
what was written, started, registered and removed.
"""

import configparser
import os
import sqlite3
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
PLUGIN = os.path.join(REPO, 'devstack', 'plugin.sh')
SETTINGS = os.path.join(REPO, 'devstack', 'settings')
FUNCTIONS = os.path.join(HERE, 'functions.sh')
REAL_MANAGE = os.path.join(os.path.dirname(sys.executable),
                           'nova-lite-manage')
RUN_TIMEOUT = 180

CONTROLLER_IP = '192.0.2.10'
COMPUTE_IP = '192.0.2.21'
CONTROLLER_SERVICES = ('nl-api', 'nl-cond', 'nl-sch', 'nl-img', 'nl-meta',
                       'nl-net')
SCRIPTS = {'nl-api': 'nova-lite-api', 'nl-cond': 'nova-lite-conductor',
           'nl-sch': 'nova-lite-scheduler', 'nl-img': 'nova-lite-image',
           'nl-meta': 'nova-lite-metadata', 'nl-net': 'nova-lite-network',
           'nl-cpu': 'nova-lite-compute'}
DOMAINS = ('instance-0000000a', 'other-vm', 'instance-000000ff',
           'instance-xyz')
ADMIN_TOKEN = 'gAAAAA-admin-token'

pytestmark = pytest.mark.skipif(
    not os.access(REAL_MANAGE, os.X_OK),
    reason='nova-lite-manage is not installed beside %s' % sys.executable)

# Stand-ins for the system's commands, in $STUB_BIN. Each records its
# call; what would list something answers with fixed lines.
_RECORD = '''#!/bin/bash
record() { local IFS=$'\\x1f'; echo "$*" >> "$STUB_LOG"; }
'''
COMMANDS = {
    'nova-lite-manage': _RECORD + r'''
record nova-lite-manage "OS_AUTH_TOKEN=${OS_AUTH_TOKEN-}" "$@"
case " $* " in
    # NOTE: the image service is not running; this host's networks are
    # the machine's.
    *" image import-test-guest "*|*" network teardown-host "*)
        exit 0 ;;
    *" privsep sudoers "*)
        # NOTE: until nova-lite-manage has the command, the rule it will
        # print.
        if ! "$REAL_MANAGE" privsep sudoers --help > /dev/null 2>&1; then
            echo "$STACK_USER ALL = (root) NOPASSWD:" \
                "$STUB_BIN/privsep-helper *"
            exit 0
        fi ;;
esac
exec "$REAL_MANAGE" "$@"
''',
    'virsh': _RECORD + '''
record virsh "$@"
case " $* " in
    *" list "*) printf '%s\\n' ''' + ' '.join(DOMAINS) + ''' ;;
esac
''',
    'ip': _RECORD + '''
record ip "$@"
case "$*" in
    "-o link show type bridge")
        echo "5: brq1234abcd567: <BROADCAST,UP> mtu 1450 qdisc noqueue"
        echo "6: virbr0: <BROADCAST,UP> mtu 1500 qdisc noqueue"
        ;;
    "-o link show master brq1234abcd567")
        echo "8: vxlan-1001: <BROADCAST,UP> mtu 1450 master brq1234abcd567"
        echo "9: tap0a1b2c3d-4e: <BROADCAST,UP> mtu 1450 master brq1234abcd567"
        echo "10: eth1.101@eth1: <BROADCAST,UP> mtu 1500 master brq1234abcd567"
        ;;
esac
''',
    'visudo': _RECORD + '''
record visudo "$@"
cp "${@: -1}" "$STUB_ROOT/visudo-checked"
grep -q NOPASSWD "${@: -1}"
''',
    'openstack': _RECORD + '''
record openstack "$@"
echo ''' + ADMIN_TOKEN + '''
''',
    'modprobe': _RECORD + 'record modprobe "$@"\n',
    'mysql': _RECORD + 'record mysql "$@"\n',
    'psql': _RECORD + 'record psql "$@"\n',
}
# The checkout's tools the plugin runs, in a stand-in $NOVA_LITE_DIR.
TOOLS = {
    'build-test-guest.sh': _RECORD + '''
record build-test-guest.sh "$@"
echo kernel=$STUB_ROOT/guest/vmlinuz
echo initramfs=$STUB_ROOT/guest/initramfs.img
''',
    'probe-kvm.sh': _RECORD + '''
record probe-kvm.sh "$@"
echo "${STUB_KVM_VERDICT:-qemu}"
''',
}


def _write_executable(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write(text)
    os.chmod(path, 0o755)


class Node:
    """A devstack node in ``root``: its local.conf's localrc and what the
    plugin did there."""

    def __init__(self, root, localrc, env=None):
        self.root = str(root)
        self.bin = os.path.join(self.root, 'bin')
        self.log = os.path.join(self.root, 'calls.log')
        self.nova_lite_dir = os.path.join(self.root, 'nova-lite')
        self.conf_dir = os.path.join(self.root, 'etc', 'nova-lite')
        self.conf_path = os.path.join(self.conf_dir, 'nova-lite.conf')
        self.state_path = os.path.join(self.root, 'state')
        for name, text in COMMANDS.items():
            _write_executable(os.path.join(self.bin, name), text)
        for name, text in TOOLS.items():
            _write_executable(os.path.join(self.nova_lite_dir, 'tools',
                                           name), text)
        for sub in ('home', 'tmp'):
            os.makedirs(os.path.join(self.root, sub), exist_ok=True)
        self.localrc = os.path.join(self.root, 'localrc')
        with open(self.localrc, 'w') as f:
            f.write('NOVA_LITE_DIR=%s\nNOVA_LITE_CONF_DIR=%s\n'
                    'NOVA_LITE_STATE_PATH=%s\n%s\n' % (
                        self.nova_lite_dir, self.conf_dir, self.state_path,
                        localrc))
        self.env = dict(os.environ, PATH=self.bin + ':' + os.environ['PATH'],
                        HOME=os.path.join(self.root, 'home'),
                        TMPDIR=os.path.join(self.root, 'tmp'),
                        STUB_ROOT=self.root, STUB_BIN=self.bin,
                        STUB_LOG=self.log, STUB_PYTHON=sys.executable,
                        REAL_MANAGE=REAL_MANAGE, **(env or {}))
        self.env.pop('OS_AUTH_TOKEN', None)

    def run(self, mode, phases=('',), errexit=False):
        """Source the settings, then plugin.sh MODE PHASE for each phase,
        in one bash; :returns: the value of ENABLED_SERVICES after."""
        script = '\n'.join([
            'source %s' % FUNCTIONS,
            'source %s' % self.localrc,
            'stub_devstack_defaults',
            'source %s' % SETTINGS,
            'set -o errexit' if errexit else '',
            'for phase in %s; do' % ' '.join(p or '""' for p in phases),
            '    stub_record phase %s "$phase"' % mode,
            '    source %s %s $phase' % (PLUGIN, mode),
            'done',
            'echo "ENABLED_SERVICES=$ENABLED_SERVICES"',
        ])
        proc = subprocess.run(['bash', '-c', script], env=self.env,
                              cwd=self.root, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True,
                              timeout=RUN_TIMEOUT)
        assert proc.returncode == 0, proc.stdout[-6000:]
        return proc.stdout.strip().splitlines()[-1].split('=', 1)[1]

    def stack(self, phases=('pre-install', 'install', 'post-config',
                            'extra', 'test-config')):
        return self.run('stack', phases, errexit=True)

    def calls(self, name=None):
        """The recorded calls (``[name, arg, ...]``), of ``name`` only if
        given."""
        with open(self.log) as f:
            calls = [line.rstrip('\n').split('\x1f') for line in f]
        return [c for c in calls if name is None or c[0] == name]

    def calls_in(self, mode, phase):
        """The calls recorded while plugin.sh ran MODE PHASE."""
        inside, found = False, []
        for call in self.calls():
            if call[0] == 'phase':
                inside = call[1:] == [mode, phase]
            elif inside:
                found.append(call)
        return found

    def conf(self):
        parser = configparser.ConfigParser(interpolation=None)
        parser.optionxform = str
        with open(self.conf_path) as f:
            parser.read_file(f)
        return parser

    def manage_calls(self, *words):
        """The nova-lite-manage calls whose arguments hold ``words`` in
        order."""
        found = []
        for call in self.calls('nova-lite-manage'):
            args = call[2:]
            for start in range(len(args)):
                if tuple(args[start:start + len(words)]) == words:
                    found.append(call)
                    break
        return found


def _localrc(**values):
    return '\n'.join('%s=%s' % item for item in values.items())


def _user():
    # NOTE: STACK_USER, as functions.sh defaults it.
    return subprocess.run(['id', '-un'], stdout=subprocess.PIPE, text=True,
                          check=True).stdout.strip()


def _packages(node):
    return [p for call in node.calls('install_package') for p in call[1:]]


# ---- a controller, with Keystone --------------------------------------------

@pytest.fixture(scope='module')
def controller(tmp_path_factory):
    node = Node(tmp_path_factory.mktemp('controller'), _localrc(
        HOST_IP=CONTROLLER_IP, NOVA_LITE_HOST='controller',
        ENABLED_SERVICES='key,mysql,rabbit', RABBIT_PASSWORD='rabbitpw',
        SERVICE_PASSWORD='servicepw', DATABASE_PASSWORD='dbpw',
        NOVA_LITE_NETWORK_CIDR='10.20.0.0/24',
        NOVA_LITE_CONF_SET='"DEFAULT.report_interval=7"'))
    node.enabled = node.stack()
    node.conf_after_stack = node.conf()
    node.run('unstack')
    node.run('clean')
    return node


def test_controller_enables_the_controller_services(controller):
    enabled = controller.enabled.split(',')
    assert set(CONTROLLER_SERVICES) <= set(enabled)
    assert 'nl-cpu' not in enabled


def test_controller_packages_before_setup_develop(controller):
    install = controller.calls_in('stack', 'install')
    names = [call[0] for call in install]
    assert names.index('install_package') < names.index('setup_develop')
    assert ['setup_develop', controller.nova_lite_dir, 'libvirt'] in install
    packages = _packages(controller)
    # libvirt-python builds everywhere; the network host's tools.
    for package in ('libvirt-dev', 'pkg-config', 'dnsmasq-base', 'iptables',
                    'iproute2'):
        assert package in packages
    # No hypervisor without nl-cpu.
    assert 'libvirt-daemon-system' not in packages
    assert 'qemu-system-x86' not in packages
    assert not controller.calls('add_user_to_group')


def test_controller_sudoers_rule_checked_and_installed(controller):
    user = _user()
    sudo = [call[1:] for call in controller.calls('sudo')]
    checked = [c for c in sudo if c[:2] == ['visudo', '-cf']]
    assert checked
    installed = [c for c in sudo if c[0] == 'install' and
                 c[-1] == '/etc/sudoers.d/nova-lite']
    assert installed == [['install', '-m', '0440', '-o', 'root', '-g',
                          'root', checked[0][2], '/etc/sudoers.d/nova-lite']]
    with open(os.path.join(controller.root, 'visudo-checked')) as f:
        rules = f.read()
    assert 'privsep-helper' in rules
    assert user in rules
    assert controller.manage_calls('privsep', 'sudoers', '--user', user)


def test_controller_config(controller):
    conf = controller.conf_after_stack
    assert conf['DEFAULT']['host'] == 'controller'
    assert conf['DEFAULT']['my_ip'] == CONTROLLER_IP
    assert conf['DEFAULT']['transport_url'] == (
        'rabbit://stackrabbit:rabbitpw@%s:5672/' % CONTROLLER_IP)
    assert conf['DEFAULT']['state_path'] == controller.state_path
    assert conf['DEFAULT']['report_interval'] == '7'
    assert conf['database']['connection'] == (
        'sqlite:///%s/db/nova_lite.sqlite' % controller.root)
    # The image service's own database.
    assert conf['image_service']['database_connection'] == (
        'sqlite:///%s/db/nova_lite_image.sqlite' % controller.root)
    # Keystone: the APIs on every address, tokens checked.
    assert conf['api']['auth_strategy'] == 'keystone'
    assert conf['keystone_authtoken']['username'] == 'nova'
    assert conf['keystone_authtoken']['password'] == 'servicepw'
    assert conf['DEFAULT']['osapi_compute_listen'] == '0.0.0.0'
    assert conf['DEFAULT']['osapi_compute_listen_port'] == '8774'
    assert conf['DEFAULT']['metadata_listen'] == '0.0.0.0'
    assert conf['image_service']['bind_port'] == '9292'
    assert conf['glance']['api_servers'] == 'http://%s:9292' % CONTROLLER_IP
    assert conf['metadata']['metadata_proxy_shared_secret'] == 'servicepw'
    assert conf['metadata']['nova_metadata_host'] == CONTROLLER_IP
    assert conf['network']['local_ip'] == CONTROLLER_IP
    assert conf['network']['default_network_type'] == 'vxlan'
    # No hypervisor here.
    assert not conf.has_section('libvirt')
    assert 'compute_driver' not in conf['DEFAULT']


def test_controller_keystone_registrations(controller):
    assert controller.calls('create_service_user') == [
        ['create_service_user', 'nova', 'admin']]
    services = [c[1:3] for c in controller.calls('get_or_create_service')]
    assert services == [['nova', 'compute'], ['glance', 'image']]
    endpoints = [c[1:] for c in controller.calls('get_or_create_endpoint')]
    assert endpoints == [
        ['compute', 'RegionOne', 'http://%s:8774/v2.1' % CONTROLLER_IP],
        ['image', 'RegionOne', 'http://%s:9292' % CONTROLLER_IP]]


def test_controller_database_synced_with_flavors_and_network(controller):
    assert controller.calls('recreate_database') == [
        ['recreate_database', 'nova_lite'],
        ['recreate_database', 'nova_lite_image']]
    # The image database first: its first sync copies the images of an
    # older nova-lite database, which migration 0014 then drops.
    manage = controller.calls('nova-lite-manage')
    image_sync = manage.index(controller.manage_calls('image_db', 'sync')[0])
    assert image_sync < manage.index(controller.manage_calls('db', 'sync')[0])
    assert controller.manage_calls('bootstrap')
    create = controller.manage_calls('network', 'create')
    assert len(create) == 1
    args = create[0][2:]
    for pair in (('--name', 'private'), ('--cidr', '10.20.0.0/24'),
                 ('--provider-network-type', 'vxlan')):
        index = args.index(pair[0])
        assert args[index + 1] == pair[1]
    assert '--snat' in args
    assert '--provider-physical-network' not in args


def test_controller_database_is_real(controller):
    # NOTE: the plugin's commands ran on a real (sqlite) database;
    # clean removed nothing of it (the drop is MySQL's), so look.
    db = sqlite3.connect(os.path.join(controller.root, 'db',
                                      'nova_lite.sqlite'))
    try:
        flavors = {r[0] for r in db.execute('SELECT name FROM flavors')}
        networks = list(db.execute('SELECT label, cidr FROM networks'))
        tables = {r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        db.close()
    assert 'm1.tiny' in flavors
    assert networks == [('private', '10.20.0.0/24')]
    # The image tables are in the image service's database only.
    image_db = sqlite3.connect(os.path.join(controller.root, 'db',
                                            'nova_lite_image.sqlite'))
    try:
        image_tables = {r[0] for r in image_db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        image_db.close()
    assert {'images', 'image_properties', 'image_tags'} <= image_tables
    assert 'images' not in tables


def test_controller_services_started(controller):
    started = {c[1]: c[2:] for c in controller.calls('run_process')}
    assert set(started) == set(CONTROLLER_SERVICES)
    for service in CONTROLLER_SERVICES:
        command, group = started[service]
        # NOTE: unprivileged: root operations go through privsep.
        assert command == '%s/%s --config-file %s' % (
            controller.bin, SCRIPTS[service], controller.conf_path)
        assert group == ''


def test_controller_imports_the_test_guest_with_an_admin_token(controller):
    assert ['wait_for_service', '60', 'http://%s:9292' % CONTROLLER_IP] in \
        controller.calls('wait_for_service')
    imports = controller.manage_calls('image', 'import-test-guest')
    assert [c[1] for c in imports] == ['OS_AUTH_TOKEN=%s' % ADMIN_TOKEN]


def test_controller_runs_no_broker_of_its_own(controller):
    # devstack's rabbit is the broker; the plugin adds none.
    for name in ('rpc_backend_add_vhost', 'install_rpc_backend',
                 'restart_rpc_backend', 'die'):
        assert not controller.calls(name)


def test_controller_unstack_stops_every_service(controller):
    stopped = [c[1] for c in controller.calls_in('unstack', '')
               if c[0] == 'stop_process']
    assert set(CONTROLLER_SERVICES) <= set(stopped)
    # No hypervisor, no guests to destroy.
    assert not controller.calls('virsh')


def test_controller_clean(controller):
    clean = controller.calls_in('clean', '')
    assert ['sudo', '%s/nova-lite-manage' % controller.bin, '--config-file',
            controller.conf_path, 'network', 'teardown-host'] in clean
    drops = [c for c in clean if c[0] == 'mysql']
    assert len(drops) == 2
    assert 'DROP DATABASE IF EXISTS nova_lite;' in drops[0]
    assert 'DROP DATABASE IF EXISTS nova_lite_image;' in drops[1]
    assert ['sudo', 'rm', '-f', '/etc/sudoers.d/nova-lite'] in clean
    assert not os.path.exists(controller.conf_dir)
    assert not os.path.exists(controller.state_path)


# ---- a compute node ---------------------------------------------------------

@pytest.fixture(scope='module')
def compute(tmp_path_factory):
    node = Node(tmp_path_factory.mktemp('compute'), _localrc(
        HOST_IP=COMPUTE_IP, SERVICE_HOST=CONTROLLER_IP,
        NOVA_LITE_HOST='cpu1', ENABLED_SERVICES='nl-cpu',
        RABBIT_HOST=CONTROLLER_IP, RABBIT_PASSWORD='rabbitpw',
        SERVICE_PASSWORD='servicepw', LIBVIRT_TYPE='kvm',
        NOVA_LITE_PHYSICAL_INTERFACE_MAPPINGS='physnet1:eth1'),
        env={'STUB_KVM_VERDICT': 'qemu'})
    node.enabled = node.stack()
    node.conf_after_stack = node.conf()
    node.run('unstack')
    node.run('clean')
    return node


def test_compute_runs_nl_cpu_only(compute):
    assert compute.enabled == 'nl-cpu'
    started = compute.calls('run_process')
    assert started == [['run_process', 'nl-cpu', '%s/nova-lite-compute '
                        '--config-file %s' % (compute.bin,
                                              compute.conf_path),
                        'libvirt']]


def test_compute_asks_for_no_local_broker_or_database(compute):
    assert 'rabbit' not in compute.enabled.split(',')
    for name in ('rpc_backend_add_vhost', 'install_rpc_backend',
                 'restart_rpc_backend', 'recreate_database',
                 'database_connection_url', 'create_service_user',
                 'get_or_create_service', 'get_or_create_endpoint', 'die'):
        assert not compute.calls(name), name
    assert not compute.manage_calls('db', 'sync')
    assert not compute.manage_calls('network', 'create')
    assert 'rabbitmq-server' not in _packages(compute)


def test_compute_packages_and_libvirt_group(compute):
    install = compute.calls_in('stack', 'install')
    names = [call[0] for call in install]
    assert names.index('install_package') < names.index('setup_develop')
    packages = _packages(compute)
    for package in ('libvirt-daemon-system', 'libvirt-dev', 'pkg-config',
                    'qemu-system-x86', 'qemu-utils', 'genisoimage'):
        assert package in packages
    assert 'dnsmasq-base' not in packages
    user = _user()
    assert compute.calls('add_user_to_group') == [
        ['add_user_to_group', user, 'libvirt']]
    assert ['start_service', 'libvirtd'] in compute.calls('start_service')


def test_compute_config(compute):
    conf = compute.conf_after_stack
    assert conf['DEFAULT']['host'] == 'cpu1'
    assert conf['DEFAULT']['my_ip'] == COMPUTE_IP
    # The controller's broker, no database.
    assert conf['DEFAULT']['transport_url'] == (
        'rabbit://stackrabbit:rabbitpw@%s:5672/' % CONTROLLER_IP)
    assert not conf.has_section('database')
    assert conf['DEFAULT']['compute_driver'] == 'libvirt.LibvirtDriver'
    # kvm asked, the probe says KVM boots nothing here.
    assert conf['libvirt']['virt_type'] == 'qemu'
    assert conf['libvirt']['connection_uri'] == 'qemu:///system'
    assert conf['glance']['api_servers'] == 'http://%s:9292' % CONTROLLER_IP
    assert conf['network']['local_ip'] == COMPUTE_IP
    assert conf['network']['physical_interface_mappings'] == 'physnet1:eth1'
    # The APIs' settings are the controller's.
    for section in ('api', 'keystone_authtoken', 'image_service',
                    'metadata'):
        assert not conf.has_section(section), section
    assert 'osapi_compute_listen' not in conf['DEFAULT']


def test_compute_unstack_destroys_the_guests(compute):
    unstack = compute.calls_in('unstack', '')
    assert ['stop_process', 'nl-cpu'] in unstack
    virsh = [c[1:] for c in unstack if c[0] == 'virsh']
    uri = ['-c', 'qemu:///system']
    assert uri + ['list', '--all', '--name'] in virsh
    acted_on = {c[-1] for c in virsh if c[2] in ('destroy', 'undefine')}
    assert acted_on == {'instance-0000000a', 'instance-000000ff'}
    for domain in acted_on:
        assert uri + ['destroy', domain] in virsh
        assert uri + ['undefine', '--managed-save', '--nvram',
                      domain] in virsh


def test_compute_clean_removes_bridges_state_and_sudoers(compute):
    clean = compute.calls_in('clean', '')
    assert ['sudo', '%s/nova-lite-manage' % compute.bin, '--config-file',
            compute.conf_path, 'network', 'teardown-host'] in clean
    deleted = [c[-1] for c in clean
               if c[:4] == ['sudo', 'ip', 'link', 'delete']]
    assert deleted == ['vxlan-1001', 'eth1.101', 'brq1234abcd567']
    assert not [c for c in clean if c[0] in ('mysql', 'psql')]
    assert ['sudo', 'rm', '-f', '/etc/sudoers.d/nova-lite'] in clean
    assert not os.path.exists(compute.conf_dir)
    assert not os.path.exists(compute.state_path)


# ---- virt_type follows LIBVIRT_TYPE -----------------------------------------

@pytest.mark.parametrize('libvirt_type,verdict,expected', [
    ('qemu', 'kvm', 'qemu'),
    ('kvm', 'qemu', 'qemu'),
    # NOTE: devstack's rule first: no /dev/kvm, no kvm.
    ('kvm', 'kvm', 'kvm' if os.path.exists('/dev/kvm') else 'qemu'),
])
def test_virt_type(tmp_path, libvirt_type, verdict, expected):
    node = Node(tmp_path, _localrc(
        HOST_IP=COMPUTE_IP, SERVICE_HOST=CONTROLLER_IP,
        ENABLED_SERVICES='nl-cpu', RABBIT_HOST=CONTROLLER_IP,
        RABBIT_PASSWORD='pw', LIBVIRT_TYPE=libvirt_type),
        env={'STUB_KVM_VERDICT': verdict})
    node.stack(phases=('post-config',))
    assert node.conf()['libvirt']['virt_type'] == expected
    probed = node.calls('probe-kvm.sh')
    if libvirt_type == 'qemu':
        assert not probed
        assert not node.calls('modprobe')
    else:
        assert node.calls('modprobe') == [['modprobe', 'kvm']]
        if os.path.exists('/dev/kvm'):
            assert probed == [['probe-kvm.sh',
                               '%s/guest/vmlinuz' % node.root,
                               '%s/guest/initramfs.img' % node.root]]


# ---- all in one node, without Keystone --------------------------------------

def test_all_in_one_without_keystone(tmp_path):
    node = Node(tmp_path, _localrc(
        HOST_IP=CONTROLLER_IP, ENABLED_SERVICES='mysql,rabbit',
        RABBIT_PASSWORD='pw', SERVICE_PASSWORD='servicepw',
        LIBVIRT_TYPE='qemu', FORCE_CONFIG_DRIVE='True') +
        '\nenable_service nl-cpu\ndisable_service nl-meta')
    enabled = node.stack(phases=('post-config',)).split(',')
    assert set(enabled) >= {'nl-api', 'nl-cond', 'nl-sch', 'nl-img',
                            'nl-net', 'nl-cpu'}
    assert 'nl-meta' not in enabled
    conf = node.conf()
    # Both roles.
    assert conf.has_section('database')
    assert conf['libvirt']['virt_type'] == 'qemu'
    assert conf['DEFAULT']['force_config_drive'] == 'True'
    # noauth trusts any token: only the controller's address is served.
    assert conf['api']['auth_strategy'] == 'noauth'
    assert not conf.has_section('keystone_authtoken')
    for option in ('osapi_compute_listen', 'metadata_listen'):
        assert conf['DEFAULT'][option] == CONTROLLER_IP
    assert conf['image_service']['bind_host'] == CONTROLLER_IP
    assert not node.calls('create_service_user')
    assert not node.calls('configure_keystone_authtoken_middleware')

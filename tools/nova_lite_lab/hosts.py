"""The lab's hosts: their config, directories, processes and services."""

import contextlib
import json
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.request
import uuid

from nova_lite.deploy import config as deploy_config
from nova_lite_lab import consts
from nova_lite_lab import net
from nova_lite_lab import system
from nova_lite_lab.system import LabError


# The holder of a compute host's mount and UTS namespaces: it makes the
# host's private view of the file system, says so, and sleeps. Every
# other process of the host enters its namespaces (nsenter --target).
HOLDER_SCRIPT = r'''
set -eu
host=$1 dir=$2 state_path=$3
hostname "$host"
# NOTE: libvirtd and virtlogd keep pid files and sockets in /run.
mount -t tmpfs -o mode=0755,size=64m nova-lite-lab-run /run
mkdir -p /run/libvirt /run/lock
mount --bind "$dir/libvirt/lib" /var/lib/libvirt
mount --bind "$dir/libvirt/log" /var/log/libvirt
mount --bind "$dir/libvirt/cache" /var/cache/libvirt
mount --bind "$dir/libvirt/etc" /etc/libvirt
mount --bind "$dir/hosts" /etc/hosts
mount --bind "$dir/state" "$state_path"
echo "$$" > "$dir/pids/holder.ready"
exec sleep infinity
'''


def controller_conf(lab):
    """The controller's options: every service of the root namespace.

    NOTE: written by nova_lite.deploy.config, as the devstack plugin and
    ``nova-lite-manage config write`` write a real controller's.
    """
    ip_ = lab.controller_ip
    s = lab.settings
    facts = deploy_config.NodeFacts(
        host=consts.CONTROLLER, my_ip=ip_, debug=s.get('debug', False),
        state_path=lab.host_dir(consts.CONTROLLER),
        transport_url=lab.transport_url(consts.CONTROLLER),
        database_connection=system.db_url(s['db']),
        api_port=consts.API_PORT, metadata_port=consts.METADATA_PORT,
        image_port=consts.IMAGE_PORT,
        auth_strategy='keystone' if s.get('keystone') else 'noauth',
        keystone_authtoken=(s.get('keystone') or {}).get('authtoken'),
        metadata_secret=s['metadata_secret'],
        physical_interface_mappings='physnet1:%s' % consts.CTL_PHYS,
        default_network_type='vxlan', network_vlan_ranges='physnet1:100:199',
        bridge_prefix=consts.BRIDGE_PREFIX)
    return deploy_config.node_config(deploy_config.CONTROLLER, facts,
                                     s.get('conf'))


def compute_conf(lab, host):
    """A compute's options: no database, RabbitMQ through the DNAT."""
    ip_ = lab.host_ip(host)
    s = lab.settings
    facts = deploy_config.NodeFacts(
        host=host, my_ip=ip_, controller_ip=lab.controller_ip,
        debug=s.get('debug', False), state_path=consts.COMPUTE_STATE_PATH,
        transport_url=lab.transport_url(host), image_port=consts.IMAGE_PORT,
        virt_type=s['virt_type'], connection_uri=consts.URI,
        physical_interface_mappings='physnet1:eth1',
        bridge_prefix=consts.BRIDGE_PREFIX)
    return deploy_config.node_config(deploy_config.COMPUTE, facts,
                                     s.get('conf'))


def write_host_conf(lab, host):
    conf = (controller_conf(lab) if host == consts.CONTROLLER
            else compute_conf(lab, host))
    host_dir = lab.host_dir(host)
    for sub in ('logs', 'pids', 'nova-lite.conf.d'):
        os.makedirs(os.path.join(host_dir, sub), exist_ok=True)
    os.chmod(host_dir, 0o755)
    deploy_config.write_config(os.path.join(host_dir, 'nova-lite.conf'),
                               conf, header=['Written by tools/lab.'])


def copy_skeleton(src, dst, depth):
    """The directories of ``src`` (owners and modes, no files) in ``dst``.

    NOTE: libvirtd expects its directories with the package's owners
    (libvirt-qemu must reach some of them); a running domain's own
    directories (``domain-*``) are left out.
    """
    os.makedirs(dst, exist_ok=True)
    with contextlib.suppress(OSError):
        st = os.stat(src)
        os.chown(dst, st.st_uid, st.st_gid)
        os.chmod(dst, st.st_mode & 0o7777)
    if depth <= 0:
        return
    with contextlib.suppress(OSError):
        for entry in os.scandir(src):
            if (entry.is_dir(follow_symlinks=False)
                    and not entry.name.startswith('domain-')):
                copy_skeleton(entry.path, os.path.join(dst, entry.name),
                              depth - 1)


def prepare_host_dirs(lab, host):
    """A compute host's private /var/lib/libvirt, /var/log/libvirt,
    /var/cache/libvirt, /etc/libvirt, /etc/hosts and state_path."""
    host_dir = lab.host_dir(host)
    base = os.path.join(host_dir, 'libvirt')
    for name, real in consts.LIBVIRT_DIRS[:3]:
        copy_skeleton(real, os.path.join(base, name), depth=2)
    etc = os.path.join(base, 'etc')
    shutil.copytree('/etc/libvirt', etc, symlinks=True)
    # NOTE: no networks, domains or autostart of the machine's libvirtd:
    # a lab host starts empty (the default network would add a virbr0
    # and a dnsmasq in every host).
    for sub in ('qemu/networks/autostart', 'qemu/autostart'):
        shutil.rmtree(os.path.join(etc, sub), ignore_errors=True)
    qemu_dir = os.path.join(etc, 'qemu')
    if os.path.isdir(qemu_dir):
        for name in os.listdir(qemu_dir):
            if name.endswith('.xml'):
                os.unlink(os.path.join(qemu_dir, name))
    with open(os.path.join(etc, 'libvirtd.conf'), 'a') as f:
        # NOTE: a host UUID of its own (libvirt refuses to migrate a guest
        # to "the same host"), and plain TCP on the lab network for
        # migrations between lab hosts (qemu+tcp://cpuN/system).
        f.write('\n# tools/lab: host %s\nhost_uuid = "%s"\n'
                'listen_tls = 0\nlisten_tcp = 1\nlisten_addr = "%s"\n'
                'auth_tcp = "none"\n'
                % (host, uuid.uuid4(), lab.host_ip(host)))
    with open(os.path.join(etc, 'qemu.conf'), 'a') as f:
        # NOTE: every lab libvirtd shares the machine's cgroup tree and
        # numbers its domains from 1: two hosts would name the cgroup of
        # a guest alike (during a migration, say). Lab guests go without.
        f.write('\n# tools/lab\ncgroup_controllers = [ ]\n')
    with open('/etc/hosts') as f:
        hosts = f.read()
    lines = ['%s %s' % (lab.controller_ip, consts.CONTROLLER)] + [
        '%s %s' % (lab.host_ip(h), h) for h in lab.settings['computes']]
    with open(os.path.join(host_dir, 'hosts'), 'w') as f:
        f.write(hosts.rstrip('\n') + '\n# tools/lab\n' + '\n'.join(lines)
                + '\n')
    os.makedirs(os.path.join(host_dir, 'state'), mode=0o755, exist_ok=True)
    os.chmod(os.path.join(host_dir, 'state'), 0o755)


def copy_qemu_capabilities(lab, source, host):
    """Give ``host``'s libvirtd the QEMU capabilities ``source``'s probed.

    NOTE: libvirtd checks a cached entry against the QEMU binary, itself
    and the kernel, all shared by the lab's hosts, and probes again if it
    is stale.
    """
    rel = os.path.join('libvirt', 'cache', 'qemu', 'capabilities')
    src = os.path.join(lab.host_dir(source), rel)
    dst = os.path.join(lab.host_dir(host), rel)
    if os.path.isdir(src):
        shutil.copytree(src, dst, dirs_exist_ok=True)


def spawn(lab, host, name, argv):
    """Start ``argv`` as ``name`` of ``host``, in a session of its own,
    output to its log; records its pid. Returns the pid."""
    log_path = lab.log_path(host, name)
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    with open(log_path, 'ab') as log:
        shown = ' '.join(a if len(a) < 100 else '<script>' for a in argv)
        log.write(('---- %s: %s\n' % (time.strftime('%F %T'),
                                      shown)).encode())
        log.flush()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT,
                                env=system.child_env(),
                                cwd=lab.host_dir(host),
                                start_new_session=True)
    system.write_pid(lab.pid_path(host, name), proc.pid)
    # NOTE: the lab outlives this command; nobody waits for the child.
    proc.returncode = 0
    return proc.pid


def enter_argv(lab, host):
    """argv prefix that runs a command inside compute host ``host``."""
    target = None
    for name in ('holder', 'libvirtd', 'virtlogd', 'compute'):
        record = lab.pid(host, name)
        if system.alive(record):
            target = record[0]
            break
    if target is None:
        raise LabError('host %s is not running (no holder process)'
                       % host)
    return ['nsenter', '--target', str(target), '--mount', '--uts',
            '--net', '--']


def start_holder(lab, host):
    host_dir = lab.host_dir(host)
    ready = os.path.join(host_dir, 'pids', 'holder.ready')
    with contextlib.suppress(FileNotFoundError):
        os.unlink(ready)
    argv = ['ip', 'netns', 'exec', net.netns(host), 'unshare', '--mount',
            '--uts', '--propagation', 'private', 'sh', '-c', HOLDER_SCRIPT,
            'holder', host, host_dir, consts.COMPUTE_STATE_PATH]
    spawn(lab, host, 'holder', argv)
    record = lab.pid(host, 'holder')
    log = lab.log_path(host, 'holder')

    def check():
        if not system.alive(record):
            raise LabError('the namespace holder of %s exited' % host,
                           log=log)
    system.wait_for(lambda: os.path.exists(ready), 30,
                    'the namespaces of %s' % host, check=check, log=log)


def service_argv(lab, host, service):
    if service.name == 'virtlogd':
        return system.script_argv('virtlogd')
    if service.name == 'libvirtd':
        return system.script_argv('libvirtd') + ['--listen']
    argv = system.script_argv(service.script)
    return argv + lab.conf_files(host) if argv else None


def start_service(lab, host, service):
    """Start ``service`` of ``host``; returns its log offset or None when
    an optional service has no console script yet."""
    argv = service_argv(lab, host, service)
    if argv is None:
        if service.optional:
            return None
        raise LabError('%s is not installed (pip install -e %s)'
                       % (service.script, consts.REPO))
    if host != consts.CONTROLLER:
        argv = enter_argv(lab, host) + argv
    try:
        since = os.path.getsize(lab.log_path(host, service.name))
    except OSError:
        since = 0
    spawn(lab, host, service.name, argv)
    return since


def virsh(lab, host, *args, check=True, timeout=30):
    """``virsh -c qemu:///system ARGS`` inside compute host ``host``."""
    argv = enter_argv(lab, host) + ['virsh', '-c', consts.URI] + list(args)
    return system.run(argv, check=check, timeout=timeout)


def is_ready(lab, host, service, since):
    kind = service.ready[0]
    if kind in ('rpc', 'log'):
        pattern = service.ready[-1]
        if kind == 'rpc':
            pattern = r'%s started on host %s\b' % (
                re.escape(service.script), re.escape(host))
        try:
            with open(lab.log_path(host, service.name), 'rb') as f:
                f.seek(since)
                text = f.read().decode('utf-8', 'replace')
        except OSError:
            return False
        return re.search(pattern, text) is not None
    if kind == 'port':
        return system.port_open(lab.host_ip(host), service.ready[1])
    if kind == 'libvirt':
        return virsh(lab, host, 'uri', check=False,
                     timeout=15).returncode == 0
    holder = lab.pid(host, 'holder')
    return system.alive(holder) and os.path.exists(
        '/proc/%d/root%s' % (holder[0], service.ready[1]))


def wait_ready(lab, host, service, since, timeout=consts.START_TIMEOUT):
    record = lab.pid(host, service.name)
    log = lab.log_path(host, service.name)

    def check():
        if not system.alive(record):
            raise LabError('%s of %s exited' % (service.script, host),
                           log=log)
    system.wait_for(lambda: is_ready(lab, host, service, since), timeout,
                    '%s on %s' % (service.script, host), check=check,
                    log=log)


def find_service(host, name):
    services = (consts.CONTROLLER_SERVICES if host == consts.CONTROLLER
                else consts.COMPUTE_SERVICES)
    for service in services:
        if name in (service.name, service.script):
            return service
    raise LabError('%s has no service %r (it has: %s)' % (
        host, name, ', '.join(s.name for s in services)))


# What ``tools/lab up --keystone`` needs of the admin it authenticates as.
KEYSTONE_ADMIN_KEYS = ('auth_url', 'username', 'password', 'project_name',
                       'user_domain_id', 'project_domain_id')
_TOKENS = {}


def admin_token(lab, timeout=30):
    """An administrator's token for the lab's API and image service:
    noauth's ``admin:admin``, or with Keystone a project-scoped token of
    the ``--keystone`` admin (one per process: a lab command is short).

    :raises LabError: Keystone refused or did not answer.
    """
    keystone = lab.settings.get('keystone')
    if not keystone:
        return consts.ADMIN_TOKEN
    admin = keystone['admin']
    if admin['auth_url'] in _TOKENS:
        return _TOKENS[admin['auth_url']]
    body = {'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': admin['username'], 'password': admin['password'],
            'domain': {'id': admin['user_domain_id']}}}},
        'scope': {'project': {'name': admin['project_name'], 'domain': {
            'id': admin['project_domain_id']}}}}}
    request = urllib.request.Request(
        admin['auth_url'].rstrip('/') + '/auth/tokens',
        data=json.dumps(body).encode(), method='POST',
        headers={'Content-Type': 'application/json'})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            token = response.headers['X-Subject-Token']
    except (OSError, urllib.error.URLError) as e:
        raise LabError('Keystone %s gave no token for %s: %s'
                       % (admin['auth_url'], admin['username'], e))
    _TOKENS[admin['auth_url']] = token
    return token


def api_get(lab, path, timeout=10):
    request = urllib.request.Request(
        lab.api_endpoint + path,
        headers={'X-Auth-Token': admin_token(lab),
                 'Accept': 'application/json',
                 'OpenStack-API-Version': 'compute 2.1'})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read().decode('utf-8'))


def compute_services(lab):
    """{host: os-services entry} of the compute services, or None when
    the API does not answer."""
    try:
        services = api_get(lab, '/os-services')['services']
    except (OSError, ValueError, KeyError, urllib.error.URLError,
            LabError):
        return None
    return {s['host']: s for s in services
            if s['binary'] == 'nova-compute'}


def manage(lab, *args, timeout=consts.CMD_TIMEOUT):
    """Run nova-lite-manage with the controller's config (its image
    commands with an administrator's token: :func:`admin_token`)."""
    argv = system.script_argv('nova-lite-manage')
    if argv is None:
        raise LabError('nova-lite-manage is not installed')
    argv = argv + lab.conf_files(consts.CONTROLLER) + list(args)
    env = {'OS_AUTH_TOKEN': admin_token(lab)} if args[0] == 'image' else None
    return system.run(argv, timeout=timeout, env=env)

"""The real ``openstack`` CLI and openstacksdk, unchanged, against nova-lite.

Each client runs as a user would run it: the CLI is a subprocess reading a
``clouds.yaml``. Two deployments:

- noauth: one nova-lite-all process. No Keystone means no catalog, so the
  ``clouds.yaml`` names every endpoint (``<service>_endpoint_override``).
  The cloud README.md documents, ``anonymous`` here, uses keystoneauth's
  ``none`` plugin, which sends the token ``notused``: noauth's user
  ``notused`` in project ``notused``; the project clouds send the noauth
  token ``user:project`` with the ``admin_token`` plugin. Without a
  catalog the CLI assumes a Neutron and looks ``--network`` names up under
  ``network_endpoint_override`` + ``/v2.0``: nova-lite's read-only
  ``/networking`` view. The CLI's ``keypair create`` insists on an
  identity v3 proxy, which ``identity_api_version: 3`` plus an
  ``identity_endpoint_override`` that answers version discovery (the
  compute endpoint) give it; it sends no identity request unless
  ``--user`` is given.
- keystone: the services as processes on RabbitMQ and MariaDB behind the
  real Keystone, password auth through the catalog (compute and image, no
  network service), so the CLI finds ``--network`` in the compute API's
  ``os-networks``.
"""

import os
import re
import subprocess
import uuid

from keystoneauth1 import session as ks_session
from keystoneauth1 import token_endpoint
import novaclient
from novaclient import api_versions
from novaclient import client as nova_client
import openstack
import pytest
import requests
import yaml

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures import images as images_mod
from tests.fixtures import keystone as keystone_mod
from tests.fixtures import process as process_mod
from tests.fixtures.pytest_support import use_fixture

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
OPENSTACK = os.path.join(REPO, '.venv', 'bin', 'openstack')
CLI_TIMEOUT = 180
BOOT_TIMEOUT = 90
NETWORK = 'private'
USER_DATA = b'#!/bin/sh\necho hello from the openstack CLI\n'


def _noauth_cloud(cloud, token=None):
    """The clouds.yaml entry for a noauth nova-lite; without ``token``
    the one README.md gives (``auth_type: none``)."""
    entry = {
        'auth_type': 'none',
        'compute_endpoint_override': cloud.endpoint,
        'image_endpoint_override': cloud.image_endpoint,
        'network_endpoint_override': cloud.endpoint.rsplit(
            '/v2.1', 1)[0] + '/networking',
        'identity_endpoint_override': cloud.endpoint,
        'identity_api_version': '3',
        'region_name': keystone_mod.REGION,
    }
    if token is not None:
        entry['auth_type'] = 'admin_token'
        entry['auth'] = {'endpoint': cloud.endpoint, 'token': token}
    return entry


def _keystone_cloud(keystone, user):
    info = keystone.users[user]
    return {
        'auth_type': 'password',
        'auth': {'auth_url': keystone.auth_url, 'username': user,
                 'password': info['password'],
                 'project_name': info['project'],
                 'user_domain_id': keystone_mod.DOMAIN,
                 'project_domain_id': keystone_mod.DOMAIN},
        'identity_api_version': '3',
        'region_name': keystone_mod.REGION,
    }


class Cli:
    """``openstack`` runs against the clouds ``member``, ``other`` (a
    member of another project), ``admin`` and, with Keystone, ``garbage``
    and ``garbage-direct`` (a bad token through Keystone or straight to
    the compute endpoint).
    """

    def __init__(self, base_dir, clouds, cloud, network_args,
                 keystone=False):
        os.makedirs(base_dir, exist_ok=True)
        self.base_dir = base_dir
        self.cloud = cloud
        self.keystone = keystone
        self.network_args = network_args
        self.clouds_yaml = os.path.join(base_dir, 'clouds.yaml')
        with open(self.clouds_yaml, 'w') as f:
            yaml.safe_dump({'clouds': clouds}, f, default_flow_style=False)

    def env(self):
        env = {k: v for k, v in os.environ.items()
               if not k.startswith('OS_')}
        env['OS_CLIENT_CONFIG_FILE'] = self.clouds_yaml
        return env

    def run(self, *args, cloud='member', expect_ok=True):
        """Run ``openstack --os-cloud <cloud> <args>``.

        :returns: the ``CompletedProcess`` (text output).
        :raises AssertionError: when its exit code is not what was
            expected, with its output.
        """
        argv = [OPENSTACK, '--os-cloud', cloud] + list(args)
        result = subprocess.run(argv, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True,
                                env=self.env(), cwd=self.base_dir,
                                timeout=CLI_TIMEOUT)
        if (result.returncode == 0) != expect_ok:
            raise AssertionError('openstack %s exited %d\nstdout: %s\n'
                                 'stderr: %s' % (' '.join(args),
                                                 result.returncode,
                                                 result.stdout[-3000:],
                                                 result.stderr[-3000:]))
        return result

    def value(self, *args, cloud='member'):
        """The ``-f value`` output of a show-like command, stripped."""
        return self.run(*args, '-f', 'value', cloud=cloud).stdout.strip()

    def connect(self, cloud='member'):
        """An openstacksdk connection reading the same clouds.yaml."""
        config = openstack.config.OpenStackConfig(
            config_files=[self.clouds_yaml], load_envvars=False)
        return openstack.connection.Connection(
            config=config.get_one(cloud=cloud))


def _create_network(cloud, conf_files):
    out = process_mod.run_manage(conf_files, 'network', 'create', '--name',
                                 NETWORK, '--cidr', '10.20.0.0/24')
    return re.search(r'Created network ([0-9a-f-]{36})', out).group(1)


@pytest.fixture(scope='module')
def noauth_cli(base_tmp):
    base = str(base_tmp / 'cli-noauth')
    with use_fixture(cloud_mod.AllInOneCloud(base)) as cloud:
        _create_network(cloud, [cloud.conf_file])
        yield Cli(base, {
            'member': _noauth_cloud(cloud, 'demo:demo'),
            'other': _noauth_cloud(cloud, 'demo-b:project-b'),
            'admin': _noauth_cloud(cloud, 'admin:admin'),
            'anonymous': _noauth_cloud(cloud),
        }, cloud, ['--network', NETWORK])


@pytest.fixture(scope='module')
def keystone_cli(base_tmp, keystone):
    base = str(base_tmp / 'cli-keystone')
    with use_fixture(cloud_mod.MultiProcessCloud(
            base, computes={'host-a': {}}, keystone=keystone,
            conf={'DEFAULT': {'allow_resize_to_same_host': True}})) as cloud:
        _create_network(cloud, [cloud.common_conf, cloud.db_conf])
        garbage = _keystone_cloud(keystone, keystone_mod.MEMBER_A)
        garbage['auth_type'] = 'token'
        del garbage['auth']['username'], garbage['auth']['password']
        del garbage['auth']['user_domain_id']
        garbage_token = 'gAAAAA' + uuid.uuid4().hex
        garbage['auth']['token'] = garbage_token
        cli = Cli(base, {
            'member': _keystone_cloud(keystone, keystone_mod.MEMBER_A),
            'other': _keystone_cloud(keystone, keystone_mod.MEMBER_B),
            'admin': _keystone_cloud(keystone, keystone_mod.ADMIN),
            'garbage': garbage,
            'garbage-direct': _noauth_cloud(cloud, garbage_token),
        }, cloud, ['--network', NETWORK], keystone=True)
        cli.garbage_token = garbage_token
        yield cli


@pytest.fixture(params=['noauth', pytest.param('keystone', marks=[
    pytest.mark.rabbitmq, pytest.mark.mysql])])
def cli(request):
    return request.getfixturevalue('%s_cli' % request.param)


def _server_create(cli, name):
    user_data = os.path.join(cli.base_dir, 'user-data-%s' % name)
    with open(user_data, 'wb') as f:
        f.write(USER_DATA)
    key_name = 'key-%s' % name
    private_key = cli.run('keypair', 'create', key_name).stdout
    assert 'PRIVATE KEY' in private_key
    cli.run('server', 'create', '--image', images_mod.TEST_IMAGE_NAME,
            '--flavor', 'm1.tiny', *cli.network_args,
            '--key-name', key_name, '--user-data', user_data,
            '--wait', name)
    return key_name


def test_server_lifecycle(cli):
    name = 'cli-%s' % uuid.uuid4().hex[:8]
    key_name = _server_create(cli, name)
    server_id = cli.value('server', 'show', name, '-c', 'id')
    try:
        assert key_name in cli.value('keypair', 'list', '-c', 'Name')
        listed = cli.value('server', 'list', '-c', 'Name', '-c', 'Status',
                           '-c', 'Networks')
        assert re.search(r'^%s ACTIVE .*%s.*10\.20\.0\.' % (name, NETWORK),
                         listed, re.M), listed
        shown = cli.value('server', 'show', name, '-c', 'status', '-c',
                          'progress', '-c', 'key_name')
        assert shown.split() == [key_name, '100', 'ACTIVE']

        cli.run('server', 'reboot', '--wait', name)
        cli.run('server', 'stop', name)
        _wait_status(cli, name, 'SHUTOFF')
        cli.run('server', 'start', name)
        _wait_status(cli, name, 'ACTIVE')
        console = cli.run('console', 'log', 'show', name).stdout
        assert 'NOVA-LITE-GUEST-READY uuid=%s' % server_id in console
    finally:
        cli.run('server', 'delete', '--wait', server_id)
    listed = cli.value('server', 'list', '-c', 'ID')
    assert server_id not in listed


def _wait_status(cli, name, status):
    client_mod.wait_for(
        lambda: cli.value('server', 'show', name, '-c', 'status') == status,
        BOOT_TIMEOUT, 0.5, 'server %s to be %s' % (name, status))


def test_other_project_cannot_see_or_act(cli):
    name = 'cli-private-%s' % uuid.uuid4().hex[:8]
    _server_create(cli, name)
    server_id = cli.value('server', 'show', name, '-c', 'id')
    try:
        for args in (('server', 'show', server_id),
                     ('server', 'stop', server_id),
                     ('server', 'delete', server_id)):
            result = cli.run(*args, cloud='other', expect_ok=False)
            assert 'No Server found for %s' % server_id in result.stderr, (
                result.stderr)
        assert server_id not in cli.value('server', 'list', '-c', 'ID',
                                          cloud='other')
        assert cli.value('server', 'show', server_id, '-c',
                         'status') == 'ACTIVE'
    finally:
        cli.run('server', 'delete', '--wait', server_id)


def test_flavors_and_services(cli):
    listed = cli.value('flavor', 'list', '-c', 'Name')
    assert 'm1.tiny' in listed.split()
    name = 'cli-flavor-%s' % uuid.uuid4().hex[:8]
    cli.run('flavor', 'create', '--ram', '256', '--disk', '1', '--vcpus',
            '1', name, cloud='admin')
    assert cli.value('flavor', 'show', name, '-c', 'ram', '-c',
                     'vcpus').split() == ['256', '1']
    # NOTE: a member may not create flavors (policy), as in Nova.
    refused = cli.run('flavor', 'create', '--ram', '256', '--disk', '1',
                      '--vcpus', '1', name + '-x', expect_ok=False)
    assert '403' in refused.stderr, refused.stderr
    services = cli.value('compute', 'service', 'list', '-c', 'Binary',
                         '-c', 'State', cloud='admin')
    for binary in ('nova-conductor', 'nova-scheduler',
                   'nova-compute'):
        assert re.search(r'^%s up$' % binary, services, re.M), services


def test_image_create_and_list(cli):
    name = 'cli-image-%s' % uuid.uuid4().hex[:8]
    path = os.path.join(cli.base_dir, name + '.img')
    with open(path, 'wb') as f:
        f.write(os.urandom(4096))
    image_id = cli.value('image', 'create', '--file', path, '--disk-format',
                         'raw', '--container-format', 'bare', name, '-c',
                         'id')
    try:
        assert cli.value('image', 'show', image_id, '-c', 'status',
                         '-c', 'size').split() == ['4096', 'active']
        listed = cli.value('image', 'list', '-c', 'Name')
        assert name in listed.split()
        assert images_mod.TEST_IMAGE_NAME in listed.split()
    finally:
        cli.run('image', 'delete', image_id)


def test_anonymous_noauth_cloud(noauth_cli):
    """README's noauth clouds.yaml (``auth_type: none``) boots by network
    name, as project ``notused``."""
    cli = noauth_cli
    name = 'cli-anon-%s' % uuid.uuid4().hex[:8]
    cli.run('server', 'create', '--image', images_mod.TEST_IMAGE_NAME,
            '--flavor', 'm1.tiny', '--network', NETWORK, '--wait', name,
            cloud='anonymous')
    server_id = cli.value('server', 'show', name, '-c', 'id',
                          cloud='anonymous')
    try:
        assert cli.value('server', 'show', name, '-c', 'project_id',
                         cloud='anonymous') == 'notused'
        refused = cli.run('server', 'create', '--image',
                          images_mod.TEST_IMAGE_NAME, '--flavor', 'm1.tiny',
                          '--network', 'no-such-net', name + '-x',
                          cloud='anonymous', expect_ok=False)
        assert 'no-such-net' in refused.stderr, refused.stderr
    finally:
        cli.run('server', 'delete', '--wait', server_id, cloud='anonymous')


def test_everyday_commands(cli):
    """The commands of a normal week, each against what nova-lite serves."""
    name = 'cli-week-%s' % uuid.uuid4().hex[:8]
    _server_create(cli, name)
    server_id = cli.value('server', 'show', name, '-c', 'id')
    try:
        cli.run('server', 'pause', name)
        _wait_status(cli, name, 'PAUSED')
        cli.run('server', 'unpause', name)
        _wait_status(cli, name, 'ACTIVE')

        cli.run('server', 'resize', '--flavor', 'm1.small', '--wait', name)
        assert cli.value('server', 'show', name, '-c', 'status') == (
            'VERIFY_RESIZE')
        cli.run('server', 'resize', 'confirm', name)
        _wait_status(cli, name, 'ACTIVE')
        assert "'original_name': 'm1.small'" in cli.value(
            'server', 'show', name, '-c', 'flavor')

        image_name = name + '-snap'
        cli.run('server', 'image', 'create', '--name', image_name, '--wait',
                name)
        image_id = cli.value('image', 'show', image_name, '-c', 'id')
        try:
            assert cli.value('image', 'show', image_id, '-c',
                             'status') == 'active'
        finally:
            cli.run('image', 'delete', image_id)

        events = cli.value('server', 'event', 'list', name, '-c', 'Action')
        assert events.split() == ['createImage', 'confirmResize', 'resize',
                                  'unpause', 'pause', 'create'], events

        group = cli.value('server', 'group', 'create', '--policy',
                          'anti-affinity', name + '-group', '-c', 'id')
        try:
            assert cli.value('server', 'group', 'show', group, '-c',
                             'policy') == 'anti-affinity'
        finally:
            cli.run('server', 'group', 'delete', group)

        zones = cli.value('availability', 'zone', 'list', '--compute',
                          '-c', 'Zone Name', '-c', 'Zone Status')
        assert re.search(r'^nova available$', zones, re.M), zones
        hypervisors = cli.value('hypervisor', 'list', '-c',
                                'Hypervisor Hostname', '-c', 'State',
                                cloud='admin')
        assert re.search(r' up$', hypervisors, re.M), hypervisors
        refused = cli.run('hypervisor', 'list', expect_ok=False)
        assert '403' in refused.stderr, refused.stderr

        limits = cli.value('limits', 'show', '--absolute', '-c', 'Name',
                           '-c', 'Value')
        assert re.search(r'^instances_used [1-9]', limits, re.M), limits
        if cli.keystone:
            # NOTE: `quota show` finds the project through Keystone (the
            # token's project, or an identity lookup of the one named):
            # with noauth there is no identity service to ask.
            quotas = cli.value('quota', 'show', '--compute', '-c',
                               'Resource', '-c', 'Limit')
            assert re.search(r'^instances -?\d+$', quotas, re.M), quotas
    finally:
        cli.run('server', 'delete', '--wait', server_id)


@pytest.mark.rabbitmq
@pytest.mark.mysql
def test_garbage_token_is_refused(keystone_cli):
    """A garbage token gets the CLI nowhere.

    NOTE: with ``auth_type: token`` the CLI first asks Keystone to scope
    it, and Keystone refuses (its answer is a 404, "Could not recognize
    Fernet token"). Sent straight to the compute endpoint (``admin_token``)
    the CLI reads the version document, which needs no token (as tempest
    expects of Nova's), and its first API call gets the 401. nova-lite's
    401 on the API itself is in test_keystone_auth.py.
    """
    result = keystone_cli.run('server', 'list', cloud='garbage',
                              expect_ok=False)
    assert 'Could not recognize Fernet token' in result.stderr, (
        result.stderr)

    result = keystone_cli.run('server', 'list', cloud='garbage-direct',
                              expect_ok=False)
    assert '401' in result.stderr and (
        'requires authentication' in result.stderr), result.stderr
    endpoint = keystone_cli.cloud.endpoint
    response = requests.get(endpoint + '/servers', timeout=30, headers={
        'X-Auth-Token': keystone_cli.garbage_token})
    assert response.status_code == 401, response.text


def test_openstacksdk(cli):
    conn = cli.connect()
    try:
        name = 'sdk-%s' % uuid.uuid4().hex[:8]
        # NOTE: auto_ip=False: with a catalog but no network service,
        # the cloud layer's default auto_ip looks for a floating IP the
        # nova-network way (GET /v2.1/os-floating-ip-pools); nova-lite's
        # flat networks have no pool, and create_server would fail with
        # "unable to find a floating ip pool".
        server = conn.create_server(
            name, image=images_mod.TEST_IMAGE_NAME, flavor='m1.tiny',
            auto_ip=False, wait=True, timeout=BOOT_TIMEOUT)
        assert (server.status, server.progress) == ('ACTIVE', 100)
        assert server.id in {s.id for s in conn.compute.servers()}
        assert conn.delete_server(server.id, wait=True,
                                  timeout=BOOT_TIMEOUT)
        assert server.id not in {s.id for s in conn.compute.servers()}

        image = conn.image.create_image(
            name=name, data=b'sdk image data', disk_format='raw',
            container_format='bare')
        try:
            image = conn.image.get_image(image)
            assert (image.status, image.size) == ('active', 14)
        finally:
            conn.image.delete_image(image)
    finally:
        conn.close()


def test_novaclient_negotiates_the_latest_version(noauth_cli):
    """``2.latest`` settles on nova-lite's maximum microversion (novaclient
    knows up to 2.96) and works at it.

    NOTE: ``Client('2.latest')`` itself raises UnsupportedVersion ("should
    be explicit"); novaclient's shell, like this test, first asks
    ``discover_version`` and then makes the client at the answer.
    """
    endpoint = noauth_cli.cloud.endpoint
    session = ks_session.Session(auth=token_endpoint.Token(endpoint,
                                                           'demo:demo'))
    version = session.get(endpoint, authenticated=False).json()['version']
    probe = nova_client.Client('2.1', session=session,
                               endpoint_override=endpoint)
    negotiated = api_versions.discover_version(
        probe, api_versions.APIVersion('2.latest'))
    # NOTE: nova-lite (2.100) is newer than novaclient: the client's own
    # maximum wins.
    assert version['version'] == '2.100'
    assert negotiated == novaclient.API_MAX_VERSION
    nova = nova_client.Client(negotiated, session=session,
                              endpoint_override=endpoint)
    assert 'm1.tiny' in {flavor.name for flavor in nova.flavors.list()}
    assert isinstance(nova.servers.list(), list)


@pytest.mark.parametrize('version', ['2.1', '2.96'])
def test_novaclient_as_a_library(cli, version):
    """novaclient on the CLI's own keystoneauth session, at 2.1 and at its
    maximum: boot, show, list, delete."""
    conn = cli.connect()
    try:
        # NOTE: with Keystone the catalog names the compute endpoint;
        # without one it is given, as the clouds.yaml does.
        kwargs = ({} if cli.keystone else
                  {'endpoint_override': cli.cloud.endpoint})
        nova = nova_client.Client(version, session=conn.session, **kwargs)
        image = conn.image.find_image(images_mod.TEST_IMAGE_NAME,
                                      ignore_missing=False)
        flavor = nova.flavors.find(name='m1.tiny')
        create_kwargs = {'nics': 'auto'} if version != '2.1' else {}
        server = nova.servers.create('novaclient-%s' % version.replace(
            '.', '-'), image.id, flavor.id, **create_kwargs)
        try:
            client_mod.wait_for(
                lambda: nova.servers.get(server.id).status == 'ACTIVE',
                BOOT_TIMEOUT, 0.5, 'server %s to be ACTIVE' % server.id)
            shown = nova.servers.get(server.id).to_dict()
            assert ('pinned_availability_zone' in shown) == (
                version == '2.96')
            assert ('original_name' in shown['flavor']) == (
                version == '2.96')
            assert server.id in {s.id for s in nova.servers.list()}
        finally:
            nova.servers.delete(server.id)
        client_mod.wait_for(
            lambda: server.id not in {s.id for s in nova.servers.list()},
            BOOT_TIMEOUT, 0.5, 'server %s to go' % server.id)
    finally:
        conn.close()

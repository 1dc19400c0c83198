"""nova_lite.deploy.config: a node's options per role, the samples in
etc/nova-lite/, ``nova-lite-manage config write`` and the lab, which
writes its hosts' configs with the same code."""

import argparse
import configparser
import os
import stat
import sys
import types
from unittest import mock

import pytest

from nova_lite.cmd import manage_config
from nova_lite.deploy import config
from nova_lite import exception

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
ETC = os.path.join(REPO, 'etc', 'nova-lite')

FACTS = dict(host='node1', my_ip='192.0.2.21', controller_ip='192.0.2.10',
             transport_url='rabbit://u:p@192.0.2.10:5672/',
             database_connection='mysql+pymysql://u:p@192.0.2.10/nova_lite',
             image_database_connection='mysql+pymysql://u:p@192.0.2.10/'
                                       'nova_lite_image',
             state_path='/var/lib/nova-lite', metadata_secret='s3cret')


def _config(role, **facts):
    return config.node_config(role, config.NodeFacts(**dict(FACTS, **facts)))


# ---- what each role gets ----------------------------------------------------

@pytest.mark.parametrize('role, present, absent', [
    (config.CONTROLLER,
     [('database', 'connection'), ('api', 'auth_strategy'),
      ('image_service', 'database_connection'),
      ('DEFAULT', 'osapi_compute_listen'), ('DEFAULT', 'metadata_listen'),
      ('image_service', 'bind_host'),
      ('metadata', 'metadata_proxy_shared_secret'),
      ('glance', 'api_servers'), ('network', 'local_ip')],
     [('libvirt', 'virt_type'), ('DEFAULT', 'compute_driver')]),
    (config.COMPUTE,
     [('libvirt', 'virt_type'), ('libvirt', 'connection_uri'),
      ('DEFAULT', 'compute_driver'), ('glance', 'api_servers'),
      ('DEFAULT', 'transport_url'), ('network', 'local_ip')],
     # NOTE: a compute host reaches the database only through the
     # conductor, and serves no API.
     [('database', 'connection'), ('api', 'auth_strategy'),
      ('image_service', 'database_connection'),
      ('DEFAULT', 'osapi_compute_listen'), ('image_service', 'bind_host'),
      ('metadata', 'metadata_proxy_shared_secret')]),
    (config.ALL,
     [('database', 'connection'), ('libvirt', 'virt_type'),
      ('api', 'auth_strategy'), ('DEFAULT', 'compute_driver')], []),
])
def test_roles(role, present, absent):
    sections = _config(role)
    for section, option in present:
        assert option in sections.get(section, {}), (section, option)
    for section, option in absent:
        assert option not in sections.get(section, {}), (section, option)


def test_defaults_follow_the_node_and_the_controller():
    sections = _config(config.ALL)
    assert sections['DEFAULT']['osapi_compute_listen'] == '192.0.2.21'
    assert sections['image_service']['bind_host'] == '192.0.2.21'
    assert sections['glance']['api_servers'] == 'http://192.0.2.10:9292'
    assert sections['metadata']['nova_metadata_host'] == '192.0.2.10'
    assert sections['network']['local_ip'] == '192.0.2.21'
    assert sections['libvirt'] == {'virt_type': 'kvm',
                                   'connection_uri': 'qemu:///system'}


def test_facts_that_are_none_or_empty_are_not_written():
    sections = _config(config.COMPUTE, local_ip='', state_path=None)
    assert 'local_ip' not in sections.get('network', {})
    assert 'state_path' not in sections['DEFAULT']
    assert 'force_config_drive' not in sections['DEFAULT']
    sections = _config(config.COMPUTE, force_config_drive=True)
    assert sections['DEFAULT']['force_config_drive'] is True
    # Unset, the image service keeps its database beside, in state_path.
    sections = _config(config.CONTROLLER, image_database_connection=None)
    assert 'database_connection' not in sections['image_service']


def test_an_ipv6_controller_is_bracketed():
    sections = _config(config.COMPUTE, controller_ip='2001:db8::1')
    assert sections['glance']['api_servers'] == 'http://[2001:db8::1]:9292'


def test_keystone_section_on_api_nodes_only():
    authtoken = {'auth_url': 'http://192.0.2.10/identity',
                 'username': 'nova'}
    controller = _config(config.CONTROLLER, auth_strategy='keystone',
                         keystone_authtoken=authtoken)
    assert controller['api']['auth_strategy'] == 'keystone'
    assert controller['keystone_authtoken'] == authtoken
    noauth = _config(config.CONTROLLER, keystone_authtoken=authtoken)
    assert noauth['api']['auth_strategy'] == 'noauth'
    assert 'keystone_authtoken' not in noauth
    compute = _config(config.COMPUTE, auth_strategy='keystone',
                      keystone_authtoken=authtoken)
    assert 'keystone_authtoken' not in compute


def test_overrides_win_and_add():
    sections = config.node_config(
        config.COMPUTE, config.NodeFacts(**FACTS),
        {'libvirt': {'virt_type': 'qemu'}, 'compute': {'x': '1'}})
    assert sections['libvirt']['virt_type'] == 'qemu'
    assert sections['compute'] == {'x': '1'}


@pytest.mark.parametrize('role, facts, message', [
    ('hypervisor', {}, "role 'hypervisor' is none of"),
    (config.COMPUTE, {'transport_url': None}, 'needs transport_url'),
    (config.CONTROLLER, {'my_ip': ''}, 'needs my_ip'),
    (config.ALL, {'host': None}, 'needs host'),
])
def test_refused(role, facts, message):
    with pytest.raises(exception.InvalidInput) as error:
        _config(role, **facts)
    assert message in error.value.format_message()


def test_all_needs_no_broker():
    # NOTE: nova-lite-all's in-process transport.
    sections = _config(config.ALL, transport_url=None)
    assert 'transport_url' not in sections['DEFAULT']


# ---- --set, text and file ---------------------------------------------------

def test_parse_sets():
    assert config.parse_sets([
        'DEFAULT.debug=True', 'keystone_authtoken.auth_url=http://k/v3?a=b',
        'libvirt.cpu_mode=']) == {
        'DEFAULT': {'debug': 'True'},
        'keystone_authtoken': {'auth_url': 'http://k/v3?a=b'},
        'libvirt': {'cpu_mode': ''}}
    assert config.parse_sets(None) == {}


@pytest.mark.parametrize('item', ['debug=True', 'DEFAULT.debug', '.x=1',
                                  'DEFAULT.=1'])
def test_parse_sets_refuses(item):
    with pytest.raises(exception.InvalidInput):
        config.parse_sets([item])


def test_format_config():
    text = config.format_config(
        {'network': {'local_ip': None, 'bridge_prefix': 'nll'},
         'DEFAULT': {'debug': False, 'hosts': ['a', 'b']},
         'api': {'auth_strategy': 'noauth'}},
        header=['Written by a test.', ''])
    assert text == ('# Written by a test.\n#\n'
                    '[DEFAULT]\ndebug = False\nhosts = a,b\n\n'
                    '[api]\nauth_strategy = noauth\n\n'
                    '[network]\nbridge_prefix = nll\n')


def test_write_config(tmp_path):
    path = str(tmp_path / 'etc' / 'nova-lite.conf')
    sections = _config(config.COMPUTE)
    assert config.write_config(path, sections) == path
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path)
    assert parser['libvirt']['virt_type'] == 'kvm'
    config.write_config(path, sections, mode=0o640)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    # NOTE: replaced at once: no temporary file is left beside it.
    assert os.listdir(os.path.dirname(path)) == ['nova-lite.conf']


@pytest.mark.parametrize('role', [config.CONTROLLER, config.COMPUTE])
def test_samples_are_up_to_date(role):
    """``tox -e genconfig`` writes them again."""
    expected = config.format_config(
        config.node_config(role, config.sample_facts(role)),
        config.sample_header(role))
    with open(os.path.join(ETC, 'nova-lite-%s.conf.sample' % role)) as f:
        assert f.read() == expected


# ---- nova-lite-manage config write ------------------------------------------

def _manage(*argv):
    parser = argparse.ArgumentParser()
    manage_config.add_parsers(parser.add_subparsers(dest='category'))
    args = parser.parse_args(argv)
    with mock.patch.object(manage_config, 'CONF',
                           types.SimpleNamespace(category=args)):
        return manage_config.COMMANDS[(args.category, args.action)]()


def test_manage_config_write(tmp_path, capsys):
    path = str(tmp_path / 'nova-lite.conf')
    assert _manage('config', 'write', '--role', 'compute', '--host', 'cpu1',
                   '--my-ip', '192.0.2.21', '--controller-ip', '192.0.2.10',
                   '--transport-url', 'rabbit://u:p@192.0.2.10:5672/',
                   '--virt-type', 'qemu', '--force-config-drive',
                   '--local-ip', '', '--image-port', '9393',
                   '--set', 'DEFAULT.debug=True', '--output', path,
                   '--mode', '0640') == 0
    assert 'Wrote the compute config' in capsys.readouterr().err
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path)
    assert parser['libvirt']['virt_type'] == 'qemu'
    assert parser['DEFAULT']['force_config_drive'] == 'True'
    assert parser['DEFAULT']['debug'] == 'True'
    assert parser['glance']['api_servers'] == 'http://192.0.2.10:9393'
    assert not parser.has_section('network')
    assert not parser.has_section('database')


def test_manage_config_write_to_stdout_with_the_hostname(capsys):
    with mock.patch('socket.gethostname', return_value='thishost'):
        assert _manage('config', 'write', '--role', 'all',
                       '--my-ip', '192.0.2.5') == 0
    out = capsys.readouterr().out
    assert out.startswith('# Written by "nova-lite-manage config write')
    assert '\nhost = thishost\n' in out


def test_manage_config_write_sample_is_the_file(capsys):
    assert _manage('config', 'write', '--role', 'controller',
                   '--sample') == 0
    with open(os.path.join(ETC, 'nova-lite-controller.conf.sample')) as f:
        assert capsys.readouterr().out == f.read()


@pytest.mark.parametrize('argv, message', [
    (('--role', 'compute', '--my-ip', '192.0.2.5'), 'needs transport_url'),
    (('--role', 'all', '--my-ip', '192.0.2.5', '--set', 'nodot=1'),
     'SECTION.OPTION=VALUE'),
])
def test_manage_config_write_refuses(capsys, argv, message):
    assert _manage('config', 'write', *argv) == 2
    assert message in capsys.readouterr().err


# ---- the lab in a box writes its hosts' configs with this code --------------

@pytest.fixture
def lab_modules():
    sys.path.insert(0, os.path.join(REPO, 'tools'))
    try:
        from nova_lite_lab import hosts
        from nova_lite_lab import layout
        yield hosts, layout
    finally:
        sys.path.remove(os.path.join(REPO, 'tools'))


def test_lab_hosts_keep_their_options(lab_modules, tmp_path):
    """What the lab's hosts had before the lab used this module."""
    hosts, layout = lab_modules
    lab = layout.Lab(str(tmp_path))
    lab.settings = {'computes': ['cpu1', 'cpu2'], 'subnet': '10.233.0.0/24',
                    'db': 'mysql', 'virt_type': 'qemu', 'debug': True,
                    'metadata_secret': 'sekrit',
                    'conf': {'DEFAULT': {'report_interval': '2'}}}
    assert hosts.controller_conf(lab) == {
        'DEFAULT': {
            'host': 'controller', 'my_ip': '10.233.0.1', 'debug': True,
            'state_path': os.path.join(str(tmp_path), 'controller'),
            'transport_url':
                'rabbit://guest:guest@127.0.0.1:5672/nova-lite-lab',
            'osapi_compute_listen': '10.233.0.1',
            'osapi_compute_listen_port': 8774,
            'metadata_listen': '10.233.0.1', 'metadata_listen_port': 8775,
            'report_interval': '2'},
        'api': {'auth_strategy': 'noauth'},
        'database': {'connection': 'mysql+pymysql://root@127.0.0.1:3306/'
                                   'nova_lite_lab?charset=utf8mb4'},
        'image_service': {'bind_host': '10.233.0.1', 'bind_port': 9292},
        'glance': {'api_servers': 'http://10.233.0.1:9292'},
        'network': {'local_ip': '10.233.0.1',
                    'physical_interface_mappings': 'physnet1:nlphys-ctl',
                    'default_network_type': 'vxlan',
                    'network_vlan_ranges': 'physnet1:100:199',
                    'bridge_prefix': 'nll'},
        'metadata': {'metadata_proxy_shared_secret': 'sekrit',
                     'nova_metadata_host': '10.233.0.1',
                     'nova_metadata_port': 8775},
    }
    assert hosts.compute_conf(lab, 'cpu2') == {
        'DEFAULT': {
            'host': 'cpu2', 'my_ip': '10.233.0.12', 'debug': True,
            'state_path': '/var/lib/nova-lite',
            'transport_url':
                'rabbit://guest:guest@10.233.0.1:5672/nova-lite-lab',
            'compute_driver': 'libvirt.LibvirtDriver',
            'report_interval': '2'},
        'libvirt': {'virt_type': 'qemu', 'connection_uri': 'qemu:///system'},
        'glance': {'api_servers': 'http://10.233.0.1:9292'},
        'network': {'local_ip': '10.233.0.12',
                    'physical_interface_mappings': 'physnet1:eth1',
                    'bridge_prefix': 'nll'},
    }
    hosts.write_host_conf(lab, 'cpu1')
    path = os.path.join(str(tmp_path), 'cpu1', 'nova-lite.conf')
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path) as f:
        text = f.read()
    assert text.startswith('# Written by tools/lab.\n[DEFAULT]\nhost = cpu1\n')

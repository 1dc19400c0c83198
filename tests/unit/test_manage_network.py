"""nova-lite-manage network create/list/delete against a sqlite database;
the parsed command line stands in for oslo.config's."""

import argparse
import types
from unittest import mock

import pytest

from nova_lite.cmd import manage
from nova_lite import context as nova_context
from nova_lite import objects


def _parse(*argv):
    parser = argparse.ArgumentParser()
    manage._add_network_parsers(parser.add_subparsers(dest='category'))
    return parser.parse_args(argv)


def _run(*argv):
    args = _parse(*argv)
    conf = types.SimpleNamespace(category=args,
                                 network=types.SimpleNamespace(
                                     default_mtu=1500))
    command = manage.COMMANDS[(args.category, args.action)]
    with mock.patch.object(manage, 'CONF', conf):
        return command()


def test_create_list_delete(database, capsys):
    assert _run('network', 'create', '--name', 'private', '--cidr',
                '192.0.2.0/24', '--dns', '192.0.2.53', '--dns',
                '192.0.2.54', '--bridge', 'br100', '--mtu', '1400') == 0
    assert _run('network', 'create', '--name', 'mine', '--cidr',
                '198.51.100.0/28', '--project-id', 'p1') == 0
    out = capsys.readouterr().out
    assert 'Created network' in out and '(shared)' in out
    networks = objects.NetworkList.get_all(
        nova_context.get_admin_context())
    private, mine = networks
    assert (private.bridge, private.dns1, private.dns2, private.mtu) == (
        'br100', '192.0.2.53', '192.0.2.54', 1400)
    assert (mine.project_id, mine.gateway) == ('p1', '198.51.100.1')

    assert _run('network', 'list') == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ['UUID', 'Label', 'CIDR']
    assert private.uuid in lines[1] and '0/253' in lines[1]
    assert mine.uuid in lines[2] and '0/13' in lines[2]

    assert _run('network', 'delete', 'private') == 0
    assert _run('network', 'delete', mine.uuid) == 0
    assert objects.NetworkList.get_all(
        nova_context.get_admin_context()).objects == []


@pytest.mark.parametrize('argv, message', [
    (('network', 'create', '--name', 'x', '--cidr', '192.0.2.0/33'),
     'invalid CIDR'),
    (('network', 'delete', 'nothing'), 'could not be found'),
])
def test_errors_exit_non_zero(database, capsys, argv, message):
    assert _run(*argv) == 1
    assert message in capsys.readouterr().err


def test_delete_refused_while_in_use(database, capsys):
    _run('network', 'create', '--name', 'private', '--cidr',
         '192.0.2.0/24')
    context = nova_context.get_admin_context()
    network = objects.NetworkList.get_all(context)[0]
    objects.VirtualInterface.allocate(
        context, '00000000-0000-0000-0000-000000000001', network.id)
    assert _run('network', 'delete', 'private') == 1
    assert 'still in use' in capsys.readouterr().err
    assert _run('network', 'create', '--name', 'private', '--cidr',
                '10.0.0.0/24') == 1
    assert 'already exists' in capsys.readouterr().err

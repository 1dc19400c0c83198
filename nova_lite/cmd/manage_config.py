"""nova-lite-manage config: write the nova-lite.conf of a node's role.

    nova-lite-manage config write --role controller|compute|all
        --my-ip IP [--host H] [--transport-url URL] [FACT OPTIONS]...
        [--set SECTION.OPTION=VALUE]... [--output FILE] [--mode 0640]
    nova-lite-manage config write --role R --sample   # etc/ samples

The options come from ``nova_lite.deploy.config``, the code the devstack
plugin and the lab in a box write their configs with.
"""

import dataclasses
import socket
import sys

from nova_lite import conf
from nova_lite.deploy import config as node_config
from nova_lite import exception

CONF = conf.CONF

# NOTE: every argument has a dest of its own, as in manage.py: all of
# them share CONF.category's namespace with ``name`` and ``action``.
_DEST = 'fact_%s'


def _flag(name):
    return '--' + name.replace('_', '-')


def _cli_facts():
    return [field for field in dataclasses.fields(node_config.NodeFacts)
            if field.metadata.get('cli', True)]


def _given_facts(args):
    given = {}
    for field in _cli_facts():
        value = getattr(args, _DEST % field.name)
        if value is not None:
            given[field.name] = value
    return given


def _config_write():
    args = CONF.category
    given = _given_facts(args)
    try:
        overrides = node_config.parse_sets(args.config_sets)
        if args.config_sample:
            facts = node_config.sample_facts(args.config_role, **given)
            header = node_config.sample_header(args.config_role)
        else:
            given.setdefault('host', socket.gethostname())
            facts = node_config.NodeFacts(**given)
            header = ['Written by "nova-lite-manage config write --role %s",'
                      % args.config_role,
                      'which writes it again whole: give changes as --set '
                      'options', 'or put them in a file of --config-dir.']
        sections = node_config.node_config(args.config_role, facts,
                                           overrides)
    except exception.InvalidInput as error:
        print('Error: %s' % error.format_message(), file=sys.stderr)
        return 2
    if args.config_output in (None, '-'):
        sys.stdout.write(node_config.format_config(sections, header))
        return 0
    try:
        node_config.write_config(args.config_output, sections,
                                 mode=args.config_mode, header=header)
    except OSError as error:
        print('Error: %s' % error, file=sys.stderr)
        return 1
    print('Wrote the %s config to %s'
          % (args.config_role, args.config_output), file=sys.stderr)
    return 0


def _mode(text):
    return int(text, 8)


def add_parsers(subparsers):
    """The ``config`` command group of nova-lite-manage."""
    group = subparsers.add_parser(
        'config', help="a node's nova-lite.conf")
    group_sub = group.add_subparsers(dest='action')
    write = group_sub.add_parser(
        'write', help="write the config of a node's role from its facts "
                      '(to stdout unless --output)')
    write.add_argument('--role', dest='config_role', required=True,
                       choices=node_config.ROLES,
                       help='controller (api, conductor, scheduler, image, '
                            'metadata, network), compute, or all of them')
    for field in _cli_facts():
        kwargs = {'dest': _DEST % field.name, 'default': None,
                  'help': field.metadata['help']}
        if field.type is bool:
            kwargs.update(action='store_const', const=True)
        elif field.type is int:
            kwargs.update(type=int, metavar='N')
        else:
            kwargs.update(metavar=field.metadata['metavar'] or
                          field.name.split('_')[-1].upper())
        if field.default is not None and field.type is not bool:
            kwargs['help'] += ' (default: %s)' % field.default
        write.add_argument(_flag(field.name), **kwargs)
    write.add_argument('--set', dest='config_sets', action='append',
                       metavar='SECTION.OPTION=VALUE',
                       help='any option, set on top (repeatable)')
    write.add_argument('--output', dest='config_output', metavar='FILE',
                       help='the file to write (replaced whole)')
    write.add_argument('--mode', dest='config_mode', type=_mode,
                       default=0o600, metavar='MODE',
                       help="the file's permissions, octal (default: 0600: "
                            'it holds passwords)')
    write.add_argument('--sample', dest='config_sample', action='store_true',
                       help='placeholder facts for those not given: the '
                            "role's sample in etc/nova-lite/")


COMMANDS = {
    ('config', 'write'): _config_write,
}

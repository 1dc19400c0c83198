"""nova-lite-manage placement audit: what no live instance owns.

    nova-lite-manage placement audit [--verbose] [--delete]
        [--resource_provider <compute node uuid>]

Nova's ``nova-manage placement audit``, widened to what a compute host
keeps: allocations whose consumer is neither a live instance nor a
migration under way (read from the database here), and each compute
host's guests and instance directories that no live instance owns (asked
of the host over RPC, which looks and deletes under its instances' locks;
a host that is down is reported and only its allocations are audited).
See ``nova_lite/compute/audit.py`` for what counts as an orphan.

Exit codes, as Nova's: 0 nothing found, 1 an unexpected error, 3 orphans
found (and left, or not all deleted), 4 all found orphans deleted, 127
invalid input.
"""

import sys

import oslo_messaging as messaging
from oslo_utils import uuidutils

from nova_lite.compute import audit
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite import conf
from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite import objects
from nova_lite.objects import service as service_obj
from nova_lite import rpc

CONF = conf.CONF

NOTHING_FOUND = 0
ERROR = 1
FOUND = 3
ALL_DELETED = 4
INVALID_INPUT = 127


def _node_host(context, provider):
    """The host of the compute node (resource provider) ``provider``."""
    for node in objects.ComputeNodeList.get_all(context):
        if node.uuid == provider:
            return node.host
    return None


def _audit_hosts(context, hosts, delete, verbose):
    """Ask each compute host of ``hosts`` (None: all) for its orphaned
    guests and directories.

    :returns: ``(orphans, hosts not audited)``.
    """
    orphans, skipped = [], []
    client = None
    services = objects.ServiceList.get_all(
        context, binary=service_obj.COMPUTE_BINARY)
    for service in sorted(services, key=lambda s: s.host):
        if hosts is not None and service.host not in hosts:
            continue
        if not service.is_up():
            print('Host %s is down: its guests and instance directories '
                  'were not audited (only its allocations)' % service.host)
            skipped.append(service.host)
            continue
        if verbose:
            print('Auditing the guests and instance directories of host %s'
                  % service.host)
        client = client or compute_rpcapi.ComputeAPI()
        try:
            found = client.audit_orphans(context, service.host,
                                         delete=delete)
        except (messaging.MessagingTimeout,
                exception.RPCVersionCapped) as error:
            print('Host %s did not answer the audit (%s): its guests and '
                  'instance directories were not audited'
                  % (service.host, error))
            skipped.append(service.host)
            continue
        orphans += [audit.Orphan.from_primitive(item) for item in found]
    return orphans, skipped


def _placement_audit():
    args = CONF.category
    context = nova_context.get_admin_context()
    hosts = None
    if args.resource_provider:
        if not uuidutils.is_uuid_like(args.resource_provider):
            print('Error: --resource_provider takes the uuid of a compute '
                  'node, not %r' % args.resource_provider, file=sys.stderr)
            return INVALID_INPUT
        host = _node_host(context, args.resource_provider)
        if host is None:
            print('Error: no compute node (resource provider) has uuid %s'
                  % args.resource_provider, file=sys.stderr)
            return INVALID_INPUT
        hosts = {host}
    if args.verbose:
        print('Auditing allocations%s' % (
            ' of host %s' % ', '.join(hosts) if hosts else ''))
    orphans = []
    for host in sorted(hosts) if hosts else [None]:
        orphans += audit.find_orphan_allocations(context, host=host)
    if args.delete:
        audit.delete_allocations(context, orphans)
    rpc.init()
    host_orphans, skipped = _audit_hosts(context, hosts, args.delete,
                                         args.verbose)
    orphans += host_orphans
    for orphan in orphans:
        print(orphan)
    counts = {kind: sum(1 for o in orphans if o.kind == kind)
              for kind in (audit.ALLOCATION, audit.GUEST, audit.DIRECTORY)}
    deleted = sum(1 for o in orphans if o.deleted)
    print('Found %d orphan(s): %d allocation(s), %d guest(s), %d instance '
          'directory(ies)%s%s' % (
              len(orphans), counts[audit.ALLOCATION], counts[audit.GUEST],
              counts[audit.DIRECTORY],
              '; deleted %d' % deleted if args.delete else '',
              '; hosts not audited: %s' % ', '.join(skipped)
              if skipped else ''))
    if not orphans:
        return NOTHING_FOUND
    if args.delete and deleted == len(orphans):
        return ALL_DELETED
    return FOUND


def _guarded(command):
    def run():
        try:
            return command()
        except Exception as error:
            # NOTE: Nova's code for "an unexpected error occurred".
            print('Error: the audit failed: %s' % error, file=sys.stderr)
            return ERROR
    return run


def add_parsers(subparsers):
    """The ``placement`` command group of nova-lite-manage."""
    group = subparsers.add_parser(
        'placement', help='allocations and what the hosts keep for them')
    group_sub = group.add_subparsers(dest='action')
    audit_parser = group_sub.add_parser(
        'audit', help='find (and with --delete remove) allocations, guests '
                      'and instance directories no live instance owns')
    audit_parser.add_argument('--verbose', action='store_true',
                              help='say what is audited as it goes')
    audit_parser.add_argument('--delete', action='store_true',
                              help='remove the orphans found')
    audit_parser.add_argument('--resource_provider', metavar='UUID',
                              help='audit only the compute node with this '
                                   'uuid (and its host)')


COMMANDS = {
    ('placement', 'audit'): _guarded(_placement_audit),
}

# The commands that read the tables.
NEEDS_SCHEMA = frozenset(COMMANDS)

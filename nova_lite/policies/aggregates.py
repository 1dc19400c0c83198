"""Policy defaults of /os-aggregates: all for administrators."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:os-aggregates:%s'
PATH = '/os-aggregates'
ACTION = PATH + '/{aggregate_id}/action (%s)'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'index', base.ADMIN, 'List all aggregates',
        [{'method': 'GET', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'create', base.ADMIN, 'Create an aggregate',
        [{'method': 'POST', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'show', base.ADMIN, 'Show details for an aggregate',
        [{'method': 'GET', 'path': PATH + '/{aggregate_id}'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'update', base.ADMIN, 'Update name and/or availability '
        'zone of an aggregate',
        [{'method': 'PUT', 'path': PATH + '/{aggregate_id}'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'delete', base.ADMIN, 'Delete an aggregate',
        [{'method': 'DELETE', 'path': PATH + '/{aggregate_id}'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'add_host', base.ADMIN, 'Add a host to an aggregate',
        [{'method': 'POST', 'path': ACTION % 'add_host'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'remove_host', base.ADMIN,
        'Remove a host from an aggregate',
        [{'method': 'POST', 'path': ACTION % 'remove_host'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'set_metadata', base.ADMIN, 'Create or replace metadata '
        'for an aggregate',
        [{'method': 'POST', 'path': ACTION % 'set_metadata'}]),
]


def list_rules():
    return rules

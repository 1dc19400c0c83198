"""Policy defaults of a server's in-progress live migrations
(/servers/{server_id}/migrations)."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:servers:migrations:%s'

rules = [
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'show', base.ADMIN,
        'Show details for an in-progress live migration for a given server '
        '(2.23+)',
        [{'method': 'GET',
          'path': '/servers/{server_id}/migrations/{migration_id}'}]),
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'force_complete', base.ADMIN,
        'Force an in-progress live migration for a given server to complete '
        '(2.22+)',
        [{'method': 'POST',
          'path': '/servers/{server_id}/migrations/{migration_id}/action '
                  '(force_complete)'}]),
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'delete', base.ADMIN,
        'Delete (abort) an in-progress live migration (2.24+)',
        [{'method': 'DELETE',
          'path': '/servers/{server_id}/migrations/{migration_id}'}]),
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'index', base.ADMIN,
        'List the in-progress live migrations of a server (2.23+)',
        [{'method': 'GET', 'path': '/servers/{server_id}/migrations'}]),
]


def list_rules():
    return rules

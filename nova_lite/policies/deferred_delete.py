"""Policy defaults of the restore and forceDelete actions."""

from oslo_policy import policy

from nova_lite.policies import base

BASE_POLICY_NAME = 'os_compute_api:os-deferred-delete:%s'

rules = [
    policy.DocumentedRuleDefault(
        BASE_POLICY_NAME % 'restore', base.PROJECT_MEMBER_OR_ADMIN,
        'Restore a soft deleted server',
        [{'method': 'POST',
          'path': '/servers/{server_id}/action (restore)'}]),
    policy.DocumentedRuleDefault(
        BASE_POLICY_NAME % 'force', base.PROJECT_MEMBER_OR_ADMIN,
        'Force delete a server before deferred cleanup',
        [{'method': 'POST',
          'path': '/servers/{server_id}/action (forceDelete)'}]),
]


def list_rules():
    return rules

"""Policy defaults of the createBackup server action."""

from oslo_policy import policy

from nova_lite.policies import base

BASE_POLICY_NAME = 'os_compute_api:os-create-backup'

rules = [
    policy.DocumentedRuleDefault(
        BASE_POLICY_NAME, base.PROJECT_MEMBER_OR_ADMIN,
        'Create a back up of a server',
        [{'method': 'POST',
          'path': '/servers/{server_id}/action (createBackup)'}]),
]


def list_rules():
    return rules

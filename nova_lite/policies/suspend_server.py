"""Policy defaults of the suspend and resume server actions."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-suspend-server:%s'

rules = [
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'resume', base.PROJECT_MEMBER_OR_ADMIN,
        'Resume a suspended server',
        [{'method': 'POST', 'path': '/servers/{server_id}/action (resume)'}]),
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'suspend', base.PROJECT_MEMBER_OR_ADMIN,
        'Suspend a server',
        [{'method': 'POST',
          'path': '/servers/{server_id}/action (suspend)'}]),
]


def list_rules():
    return rules

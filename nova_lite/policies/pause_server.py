"""Policy defaults of the pause and unpause server actions."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-pause-server:%s'

rules = [
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'pause', base.PROJECT_MEMBER_OR_ADMIN,
        'Pause a server',
        [{'method': 'POST', 'path': '/servers/{server_id}/action (pause)'}]),
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'unpause', base.PROJECT_MEMBER_OR_ADMIN,
        'Unpause a paused server',
        [{'method': 'POST',
          'path': '/servers/{server_id}/action (unpause)'}]),
]


def list_rules():
    return rules

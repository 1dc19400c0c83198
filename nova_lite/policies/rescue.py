"""Policy defaults of the rescue and unrescue actions."""

from oslo_policy import policy

from nova_lite.policies import base

BASE_POLICY_NAME = 'os_compute_api:os-rescue'
UNRESCUE_POLICY_NAME = 'os_compute_api:os-unrescue'

rules = [
    policy.DocumentedRuleDefault(
        BASE_POLICY_NAME, base.PROJECT_MEMBER_OR_ADMIN,
        'Rescue a server',
        [{'method': 'POST', 'path': '/servers/{server_id}/action (rescue)'}]),
    policy.DocumentedRuleDefault(
        UNRESCUE_POLICY_NAME, base.PROJECT_MEMBER_OR_ADMIN,
        'Unrescue a server',
        [{'method': 'POST',
          'path': '/servers/{server_id}/action (unrescue)'}]),
]


def list_rules():
    return rules

"""Policy defaults of the os-getConsoleOutput server action."""

from oslo_policy import policy

from nova_lite.policies import base

BASE_POLICY_NAME = 'os_compute_api:os-console-output'

rules = [
    policy.DocumentedRuleDefault(
        BASE_POLICY_NAME, base.PROJECT_MEMBER_OR_ADMIN,
        'Show the console output of a server',
        [{'method': 'POST',
          'path': '/servers/{server_id}/action (os-getConsoleOutput)'}]),
]


def list_rules():
    return rules

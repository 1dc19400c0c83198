"""Policy defaults of GET /servers/{server_id}/diagnostics."""

from oslo_policy import policy

from nova_lite.policies import base

BASE_POLICY_NAME = 'os_compute_api:os-server-diagnostics'

rules = [
    policy.DocumentedRuleDefault(
        BASE_POLICY_NAME, base.ADMIN,
        'Show the usage data for a server',
        [{'method': 'GET', 'path': '/servers/{server_id}/diagnostics'}]),
]


def list_rules():
    return rules

"""Policy defaults of the administrators' server actions (os-resetState)."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-admin-actions:%s'

rules = [
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'reset_state', base.ADMIN,
        'Reset the state of a server',
        [{'method': 'POST',
          'path': '/servers/{server_id}/action (os-resetState)'}]),
]


def list_rules():
    return rules

"""Policy defaults of /os-floating-ip-pools (a nova-network proxy API)."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_NAME = 'os_compute_api:os-floating-ip-pools'

rules = [
    policy.DocumentedRuleDefault(
        POLICY_NAME, base.RULE_ANY,
        'List the floating IP pools (always none in nova-lite)',
        [{'method': 'GET', 'path': '/os-floating-ip-pools'}]),
]


def list_rules():
    return rules

"""Policy defaults of /limits."""

from oslo_policy import policy

from nova_lite.policies import base

BASE_POLICY_NAME = 'os_compute_api:limits'
OTHER_PROJECT_LIMIT_POLICY_NAME = 'os_compute_api:limits:other_project'

rules = [
    policy.DocumentedRuleDefault(
        BASE_POLICY_NAME, base.RULE_ANY,
        'Show rate and absolute limits for the current user project',
        [{'method': 'GET', 'path': '/limits'}]),
    policy.DocumentedRuleDefault(
        OTHER_PROJECT_LIMIT_POLICY_NAME, base.ADMIN,
        'Show rate and absolute limits of another project',
        [{'method': 'GET', 'path': '/limits'}]),
]


def list_rules():
    return rules

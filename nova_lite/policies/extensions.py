"""Policy defaults of /extensions (the legacy list of API extensions)."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY = 'os_compute_api:extensions'

rules = [
    policy.DocumentedRuleDefault(
        POLICY, base.RULE_ANY, 'List the available extensions',
        [{'method': 'GET', 'path': '/extensions'},
         {'method': 'GET', 'path': '/extensions/{alias}'}]),
]


def list_rules():
    return rules

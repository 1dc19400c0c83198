"""Policy defaults of /os-availability-zone."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:os-availability-zone:%s'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'list', base.RULE_ANY,
        'List availability zone information without host information',
        [{'method': 'GET', 'path': '/os-availability-zone'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'detail', base.ADMIN,
        'List detailed availability zone information with host information',
        [{'method': 'GET', 'path': '/os-availability-zone/detail'}]),
]


def list_rules():
    return rules

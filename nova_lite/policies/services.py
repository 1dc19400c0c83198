"""Policy defaults of /os-services."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:os-services:%s'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'list', base.ADMIN, 'List compute services',
        [{'method': 'GET', 'path': '/os-services'}]),
]


def list_rules():
    return rules

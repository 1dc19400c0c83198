"""Policy defaults of /os-quota-class-sets."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:os-quota-class-sets:%s'
PATH = '/os-quota-class-sets/{quota_class}'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'show', base.ADMIN, 'Show the quotas of a quota class',
        [{'method': 'GET', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'update', base.ADMIN,
        'Update the quotas of a quota class',
        [{'method': 'PUT', 'path': PATH}]),
]


def list_rules():
    return rules

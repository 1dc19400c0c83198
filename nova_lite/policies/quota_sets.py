"""Policy defaults of /os-quota-sets."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:os-quota-sets:%s'
PATH = '/os-quota-sets/{tenant_id}'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'update', base.ADMIN, 'Update the quotas',
        [{'method': 'PUT', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'defaults', base.RULE_ANY, 'List default quotas',
        [{'method': 'GET', 'path': PATH + '/defaults'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'show', base.PROJECT_READER_OR_ADMIN, 'Show a quota',
        [{'method': 'GET', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'delete', base.ADMIN, 'Revert quotas to defaults',
        [{'method': 'DELETE', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'detail', base.PROJECT_READER_OR_ADMIN,
        'Show the detail of quota',
        [{'method': 'GET', 'path': PATH + '/detail'}]),
]


def list_rules():
    return rules

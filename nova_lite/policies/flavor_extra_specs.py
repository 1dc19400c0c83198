"""Policy defaults of flavor extra specs."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:os-flavor-extra-specs:%s'
PATH = '/flavors/{flavor_id}/os-extra_specs'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'index', base.PROJECT_READER_OR_ADMIN,
        'List extra specs of a flavor',
        [{'method': 'GET', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'show', base.PROJECT_READER_OR_ADMIN,
        'Show an extra spec of a flavor',
        [{'method': 'GET', 'path': PATH + '/{key}'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'create', base.ADMIN, 'Create extra specs',
        [{'method': 'POST', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'update', base.ADMIN, 'Update an extra spec',
        [{'method': 'PUT', 'path': PATH + '/{key}'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'delete', base.ADMIN, 'Delete an extra spec',
        [{'method': 'DELETE', 'path': PATH + '/{key}'}]),
]


def list_rules():
    return rules

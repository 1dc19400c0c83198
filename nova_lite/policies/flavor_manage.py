"""Policy defaults of flavor management."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:os-flavor-manage:%s'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'create', base.ADMIN, 'Create a flavor',
        [{'method': 'POST', 'path': '/flavors'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'update', base.ADMIN, 'Update a flavor',
        [{'method': 'PUT', 'path': '/flavors/{flavor_id}'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'delete', base.ADMIN, 'Delete a flavor',
        [{'method': 'DELETE', 'path': '/flavors/{flavor_id}'}]),
]


def list_rules():
    return rules

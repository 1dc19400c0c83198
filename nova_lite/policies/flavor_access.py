"""Policy defaults of flavor access (who may use a private flavor)."""

from oslo_policy import policy

from nova_lite.policies import base

BASE_POLICY_NAME = 'os_compute_api:os-flavor-access'
PREFIX = BASE_POLICY_NAME + ':%s'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'add_tenant_access', base.ADMIN,
        'Add flavor access to a tenant',
        [{'method': 'POST', 'path': '/flavors/{flavor_id}/action '
                                    '(addTenantAccess)'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'remove_tenant_access', base.ADMIN,
        'Remove flavor access from a tenant',
        [{'method': 'POST', 'path': '/flavors/{flavor_id}/action '
                                    '(removeTenantAccess)'}]),
    policy.DocumentedRuleDefault(
        BASE_POLICY_NAME, base.ADMIN,
        'List flavor access information: the projects that may use a '
        'private flavor.',
        [{'method': 'GET', 'path': '/flavors/{flavor_id}/os-flavor-access'}]),
]


def list_rules():
    return rules

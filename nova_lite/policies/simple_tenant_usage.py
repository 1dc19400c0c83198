"""Policy defaults of /os-simple-tenant-usage."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:os-simple-tenant-usage:%s'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'show', base.PROJECT_READER_OR_ADMIN,
        'Show usage statistics for a specific tenant',
        [{'method': 'GET', 'path': '/os-simple-tenant-usage/{tenant_id}'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'list', base.ADMIN,
        'List per tenant usage statistics for all tenants',
        [{'method': 'GET', 'path': '/os-simple-tenant-usage'}]),
]


def list_rules():
    return rules

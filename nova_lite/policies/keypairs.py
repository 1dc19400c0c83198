"""Policy defaults of /os-keypairs."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:os-keypairs:%s'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'index', base.ADMIN_OR_OWNER_USER, 'List key pairs',
        [{'method': 'GET', 'path': '/os-keypairs'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'create', base.ADMIN_OR_OWNER_USER, 'Create a key pair',
        [{'method': 'POST', 'path': '/os-keypairs'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'show', base.ADMIN_OR_OWNER_USER, 'Show a key pair',
        [{'method': 'GET', 'path': '/os-keypairs/{keypair_name}'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'delete', base.ADMIN_OR_OWNER_USER, 'Delete a key pair',
        [{'method': 'DELETE', 'path': '/os-keypairs/{keypair_name}'}]),
]


def list_rules():
    return rules

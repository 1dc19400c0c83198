"""Policy defaults of a server's security groups (Nova's names)."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_NAME = 'os_compute_api:os-security-groups:%s'

rules = [
    policy.DocumentedRuleDefault(
        POLICY_NAME % 'list', base.PROJECT_READER_OR_ADMIN,
        'List the security groups of a server',
        [{'method': 'GET',
          'path': '/servers/{server_id}/os-security-groups'}]),
    policy.DocumentedRuleDefault(
        POLICY_NAME % 'add', base.PROJECT_MEMBER_OR_ADMIN,
        'Add a security group to a server',
        [{'method': 'POST',
          'path': '/servers/{server_id}/action (addSecurityGroup)'}]),
    policy.DocumentedRuleDefault(
        POLICY_NAME % 'remove', base.PROJECT_MEMBER_OR_ADMIN,
        'Remove a security group from a server',
        [{'method': 'POST',
          'path': '/servers/{server_id}/action (removeSecurityGroup)'}]),
]


def list_rules():
    return rules

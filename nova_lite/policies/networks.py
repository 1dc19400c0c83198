"""Policy defaults of /os-networks (the nova-network proxy API)."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:os-networks:%s'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'list', base.PROJECT_READER_OR_ADMIN,
        'List the networks the project may use (all of them for admins)',
        [{'method': 'GET', 'path': '/os-networks'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'show', base.PROJECT_READER_OR_ADMIN,
        'Show a network the project may use',
        [{'method': 'GET', 'path': '/os-networks/{network_id}'}]),
]


def list_rules():
    return rules

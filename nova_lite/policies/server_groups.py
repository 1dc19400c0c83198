"""Policy defaults of /os-server-groups."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:os-server-groups:%s'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'create', base.PROJECT_MEMBER, 'Create a new server group',
        [{'method': 'POST', 'path': '/os-server-groups'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'delete', base.PROJECT_MEMBER_OR_ADMIN,
        'Delete a server group',
        [{'method': 'DELETE', 'path': '/os-server-groups/{server_group_id}'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'index', base.PROJECT_READER_OR_ADMIN,
        'List all server groups',
        [{'method': 'GET', 'path': '/os-server-groups'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'index:all_projects', base.ADMIN,
        'List all server groups for all projects',
        [{'method': 'GET', 'path': '/os-server-groups'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'show', base.PROJECT_READER_OR_ADMIN,
        'Show details of a server group',
        [{'method': 'GET', 'path': '/os-server-groups/{server_group_id}'}]),
]


def list_rules():
    return rules

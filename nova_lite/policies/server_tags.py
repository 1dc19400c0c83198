"""Policy defaults of /servers/{server_id}/tags (microversion 2.26)."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:os-server-tags:%s'
PATH = '/servers/{server_id}/tags'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'delete_all', base.PROJECT_MEMBER_OR_ADMIN,
        'Delete all the server tags',
        [{'method': 'DELETE', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'index', base.PROJECT_READER_OR_ADMIN,
        'List all tags for given server',
        [{'method': 'GET', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'update_all', base.PROJECT_MEMBER_OR_ADMIN,
        'Replace all tags on specified server with the new set of tags.',
        [{'method': 'PUT', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'delete', base.PROJECT_MEMBER_OR_ADMIN,
        'Delete a single tag from the specified server',
        [{'method': 'DELETE', 'path': PATH + '/{tag}'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'update', base.PROJECT_MEMBER_OR_ADMIN,
        'Add a single tag to the server if server has no specified tag',
        [{'method': 'PUT', 'path': PATH + '/{tag}'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'show', base.PROJECT_READER_OR_ADMIN,
        'Check tag existence on the server.',
        [{'method': 'GET', 'path': PATH + '/{tag}'}]),
]


def list_rules():
    return rules

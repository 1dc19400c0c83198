"""Policy defaults of /servers/{server_id}/metadata."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:server-metadata:%s'
PATH = '/servers/{server_id}/metadata'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'index', base.PROJECT_READER_OR_ADMIN,
        'List all metadata of a server',
        [{'method': 'GET', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'show', base.PROJECT_READER_OR_ADMIN,
        'Show metadata for a server',
        [{'method': 'GET', 'path': PATH + '/{key}'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'create', base.PROJECT_MEMBER_OR_ADMIN,
        'Create metadata for a server',
        [{'method': 'POST', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'update_all', base.PROJECT_MEMBER_OR_ADMIN,
        'Replace metadata for a server',
        [{'method': 'PUT', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'update', base.PROJECT_MEMBER_OR_ADMIN,
        'Update metadata from a server',
        [{'method': 'PUT', 'path': PATH + '/{key}'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'delete', base.PROJECT_MEMBER_OR_ADMIN,
        'Delete metadata from a server',
        [{'method': 'DELETE', 'path': PATH + '/{key}'}]),
]


def list_rules():
    return rules

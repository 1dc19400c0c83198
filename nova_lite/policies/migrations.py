"""Policy defaults of os-migrations and of a server's migrations."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-migrations:%s'
SERVER_MIGRATIONS = 'os_compute_api:servers:migrations:%s'

rules = [
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'index', base.ADMIN,
        'List migrations (resizes) of every server',
        [{'method': 'GET', 'path': '/os-migrations'}]),
    policy.DocumentedRuleDefault(
        SERVER_MIGRATIONS % 'index', base.ADMIN,
        'List the in-progress live migrations of a server (2.23+)',
        [{'method': 'GET', 'path': '/servers/{server_id}/migrations'}]),
]


def list_rules():
    return rules

"""Policy default of os-migrations (a server's own migrations are in
servers_migrations.py)."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-migrations:%s'

rules = [
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'index', base.ADMIN,
        'List migrations (resizes, cold and live migrations, evacuations) '
        'of every server',
        [{'method': 'GET', 'path': '/os-migrations'}]),
]


def list_rules():
    return rules

"""Policy defaults of the migrate and os-migrateLive server actions."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-migrate-server:%s'

rules = [
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'migrate', base.ADMIN,
        'Cold migrate a server without specifying a host',
        [{'method': 'POST', 'path': '/servers/{server_id}/action (migrate)'}]),
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'migrate:host', base.ADMIN,
        'Cold migrate a server to a specified host (2.56+)',
        [{'method': 'POST', 'path': '/servers/{server_id}/action (migrate)'}]),
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'migrate_live', base.ADMIN,
        'Live migrate a server to a new host without a reboot',
        [{'method': 'POST',
          'path': '/servers/{server_id}/action (os-migrateLive)'}]),
]


def list_rules():
    return rules

"""Policy defaults of the lock and unlock server actions."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-lock-server:%s'

rules = [
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'lock', base.PROJECT_MEMBER_OR_ADMIN,
        'Lock a server',
        [{'method': 'POST', 'path': '/servers/{server_id}/action (lock)'}]),
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'unlock', base.PROJECT_MEMBER_OR_ADMIN,
        'Unlock a server',
        [{'method': 'POST', 'path': '/servers/{server_id}/action (unlock)'}]),
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'unlock:unlock_override', base.ADMIN,
        'Unlock a server locked by someone else (the owner\'s lock seen '
        'by an admin, or an admin\'s lock seen by the owner)',
        [{'method': 'POST', 'path': '/servers/{server_id}/action (unlock)'}]),
]


def list_rules():
    return rules

"""Policy defaults of the shelve, shelveOffload and unshelve actions."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-shelve:%s'

rules = [
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'shelve', base.PROJECT_MEMBER_OR_ADMIN,
        'Shelve a server',
        [{'method': 'POST', 'path': '/servers/{server_id}/action (shelve)'}]),
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'shelve_offload', base.ADMIN,
        'Shelf-offload (remove) a server',
        [{'method': 'POST',
          'path': '/servers/{server_id}/action (shelveOffload)'}]),
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'unshelve', base.PROJECT_MEMBER_OR_ADMIN,
        'Unshelve (restore) a shelved server',
        [{'method': 'POST',
          'path': '/servers/{server_id}/action (unshelve)'}]),
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'unshelve_to_host', base.ADMIN,
        'Unshelve (restore) a shelve offloaded server to a specific host',
        [{'method': 'POST',
          'path': '/servers/{server_id}/action (unshelve)'}]),
]


def list_rules():
    return rules

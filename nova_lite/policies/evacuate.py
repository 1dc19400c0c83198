"""Policy default of the evacuate server action."""

from oslo_policy import policy

from nova_lite.policies import base

BASE_POLICY_NAME = 'os_compute_api:os-evacuate'

rules = [
    policy.DocumentedRuleDefault(
        BASE_POLICY_NAME, base.ADMIN,
        'Evacuate a server from a failed host to a new host',
        [{'method': 'POST',
          'path': '/servers/{server_id}/action (evacuate)'}]),
]


def list_rules():
    return rules

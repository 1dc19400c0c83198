"""Policy defaults of os-instance-actions: a server's action history."""

from oslo_policy import policy

from nova_lite.policies import base

ROOT_POLICY = 'os_compute_api:os-instance-actions'
BASE_POLICY_NAME = 'os_compute_api:os-instance-actions:%s'

rules = [
    policy.DocumentedRuleDefault(
        BASE_POLICY_NAME % 'events:details', base.ADMIN,
        'Add the "details" key to the action events of a server '
        '(microversion 2.84)',
        [{'method': 'GET',
          'path': '/servers/{server_id}/os-instance-actions/{request_id}'}]),
    policy.DocumentedRuleDefault(
        BASE_POLICY_NAME % 'events', base.ADMIN,
        'Add the events of an action to its answer (before 2.51) or their '
        'tracebacks (from 2.51)',
        [{'method': 'GET',
          'path': '/servers/{server_id}/os-instance-actions/{request_id}'}]),
    policy.DocumentedRuleDefault(
        BASE_POLICY_NAME % 'list', base.PROJECT_READER_OR_ADMIN,
        'List the actions performed on a server',
        [{'method': 'GET',
          'path': '/servers/{server_id}/os-instance-actions'}]),
    policy.DocumentedRuleDefault(
        BASE_POLICY_NAME % 'show', base.PROJECT_READER_OR_ADMIN,
        'Show one action performed on a server',
        [{'method': 'GET',
          'path': '/servers/{server_id}/os-instance-actions/{request_id}'}]),
]


def list_rules():
    return rules

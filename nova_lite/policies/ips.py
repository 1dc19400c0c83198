"""Policy defaults of /servers/{server_id}/ips."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:ips:%s'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'index', base.PROJECT_READER_OR_ADMIN,
        'List the addresses of a server, by network',
        [{'method': 'GET', 'path': '/servers/{server_id}/ips'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'show', base.PROJECT_READER_OR_ADMIN,
        'Show the addresses of a server on one network',
        [{'method': 'GET',
          'path': '/servers/{server_id}/ips/{network_label}'}]),
]


def list_rules():
    return rules

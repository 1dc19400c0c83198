"""Policy defaults of /os-hypervisors: all for administrators."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:os-hypervisors:%s'
PATH = '/os-hypervisors'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'list', base.ADMIN, 'List all hypervisors.',
        [{'method': 'GET', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'list-detail', base.ADMIN,
        'List all hypervisors with details',
        [{'method': 'GET', 'path': PATH + '/detail'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'statistics', base.ADMIN,
        'Show summary statistics for all hypervisors over all compute '
        'nodes.',
        [{'method': 'GET', 'path': PATH + '/statistics'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'show', base.ADMIN, 'Show details for a hypervisor.',
        [{'method': 'GET', 'path': PATH + '/{hypervisor_id}'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'uptime', base.ADMIN,
        'Show the uptime of a hypervisor (removed in 2.88: show has it).',
        [{'method': 'GET', 'path': PATH + '/{hypervisor_id}/uptime'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'search', base.ADMIN,
        'Search hypervisor by hypervisor_hostname pattern.',
        [{'method': 'GET',
          'path': PATH + '/{hypervisor_hostname_pattern}/search'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'servers', base.ADMIN,
        'List all servers on hypervisors that can match the provided '
        'hypervisor_hostname pattern.',
        [{'method': 'GET',
          'path': PATH + '/{hypervisor_hostname_pattern}/servers'}]),
]


def list_rules():
    return rules

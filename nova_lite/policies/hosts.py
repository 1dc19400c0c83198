"""Policy defaults of /os-hosts (deprecated: below microversion 2.43)."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:os-hosts:%s'
PATH = '/os-hosts/{host_name}'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'list', base.ADMIN, 'List physical hosts',
        [{'method': 'GET', 'path': '/os-hosts'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'show', base.ADMIN,
        'Show the resources of a physical host, per project',
        [{'method': 'GET', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'update', base.ADMIN,
        'Enable or disable a physical host, or put it in maintenance mode',
        [{'method': 'PUT', 'path': PATH}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'reboot', base.ADMIN, 'Reboot a physical host',
        [{'method': 'GET', 'path': PATH + '/reboot'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'shutdown', base.ADMIN, 'Shut down a physical host',
        [{'method': 'GET', 'path': PATH + '/shutdown'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'start', base.ADMIN, 'Start a physical host',
        [{'method': 'GET', 'path': PATH + '/startup'}]),
]


def list_rules():
    return rules

"""Policy defaults of /os-instance_usage_audit_log."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:os-instance-usage-audit-log:%s'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'list', base.ADMIN,
        'List all usage audits',
        [{'method': 'GET', 'path': '/os-instance_usage_audit_log'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'show', base.ADMIN,
        'List all usage audits that occurred before a specified time for '
        'all servers on all compute hosts where usage auditing is '
        'configured',
        [{'method': 'GET',
          'path': '/os-instance_usage_audit_log/{before_timestamp}'}]),
]


def list_rules():
    return rules

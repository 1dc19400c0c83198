"""Policy defaults of /os-services."""

from oslo_policy import policy

from nova_lite.policies import base

PREFIX = 'os_compute_api:os-services:%s'

rules = [
    policy.DocumentedRuleDefault(
        PREFIX % 'list', base.ADMIN, 'List compute services',
        [{'method': 'GET', 'path': '/os-services'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'update', base.ADMIN,
        'Update a compute service: enable or disable it (with a reason), '
        'force it down',
        [{'method': 'PUT', 'path': '/os-services/enable'},
         {'method': 'PUT', 'path': '/os-services/disable'},
         {'method': 'PUT', 'path': '/os-services/disable-log-reason'},
         {'method': 'PUT', 'path': '/os-services/force-down'},
         {'method': 'PUT', 'path': '/os-services/{service_id}'}]),
    policy.DocumentedRuleDefault(
        PREFIX % 'delete', base.ADMIN, 'Delete a compute service',
        [{'method': 'DELETE', 'path': '/os-services/{service_id}'}]),
]


def list_rules():
    return rules

"""Policy defaults of POST /os-server-external-events."""

from oslo_policy import policy

from nova_lite.policies import base

POLICY_ROOT = 'os_compute_api:os-server-external-events:%s'

# NOTE: the other services (Neutron, Cinder, Ironic) send these events
# with a token of the ``service`` role (Nova's default); an admin may too,
# as Nova's deprecated default allowed and tempest's admin tests do.
SERVICE_OR_ADMIN = 'role:service or %s' % base.ADMIN

rules = [
    policy.DocumentedRuleDefault(
        POLICY_ROOT % 'create', SERVICE_OR_ADMIN,
        'Create one or more external events',
        [{'method': 'POST', 'path': '/os-server-external-events'}]),
]


def list_rules():
    return rules

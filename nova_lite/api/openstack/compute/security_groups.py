"""A server's security groups: addSecurityGroup, removeSecurityGroup and
GET /servers/{server_id}/os-security-groups.

nova-lite serves one group, ``default`` (nova_lite/compute/
security_group_api.py says why); each project's has a stable id, as a
Neutron project's own default group has.
"""

import uuid

from nova_lite.api.openstack.compute.schemas import security_groups as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite.compute import security_group_api
from nova_lite.policies import security_groups as sg_policies

# NOTE: any fixed namespace will do: it only makes the per-project id
# stable across requests and services.
_ID_NAMESPACE = uuid.UUID('5b7f1c1e-7d0e-4b7a-9a55-1f3c2f8e6d40')


def group_dict(name, project_id):
    return {'id': str(uuid.uuid5(_ID_NAMESPACE, '%s/%s' % (project_id,
                                                           name))),
            'name': name,
            'description': 'Default security group',
            'tenant_id': project_id,
            'rules': []}


class SecurityGroupActionController(wsgi.Controller):
    """The server actions that change its security groups."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    def _change(self, req, id, name, policy, change):
        context = req.environ['nova.context']
        instance = self.compute_api.get(context, id)
        context.can(sg_policies.POLICY_NAME % policy,
                    target={'project_id': instance.project_id})
        change(instance, name)

    @wsgi.response(202)
    @wsgi.expected_errors((400, 404))
    @wsgi.action('addSecurityGroup')
    @validation.schema(schema.add_security_group)
    @validation.response_body_schema(schema.add_security_group_response)
    def _add_security_group(self, req, id, body):
        self._change(req, id, body['addSecurityGroup']['name'], 'add',
                     security_group_api.add)

    @wsgi.response(202)
    @wsgi.expected_errors((400, 404))
    @wsgi.action('removeSecurityGroup')
    @validation.schema(schema.remove_security_group)
    @validation.response_body_schema(schema.remove_security_group_response)
    def _remove_security_group(self, req, id, body):
        self._change(req, id, body['removeSecurityGroup']['name'], 'remove',
                     security_group_api.remove)


class ServerSecurityGroupController(wsgi.Controller):
    """GET /servers/{server_id}/os-security-groups."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    @wsgi.expected_errors(404)
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response)
    def index(self, req, server_id):
        context = req.environ['nova.context']
        instance = self.compute_api.get(context, server_id)
        context.can(sg_policies.POLICY_NAME % 'list',
                    target={'project_id': instance.project_id})
        return {'security_groups': [
            group_dict(name, instance.project_id)
            for name in security_group_api.names(instance)]}

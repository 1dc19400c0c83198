"""The /os-server-groups controller: list, show, create, delete.

A group's shape follows the microversion: ``project_id`` and ``user_id``
at 2.13, the soft policies at 2.15, and at 2.64 one ``policy`` with its
``rules`` (``max_server_per_host`` of anti-affinity) instead of the
``policies`` list and the always empty ``metadata``.
"""

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack.compute.schemas import server_groups as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import server_group_api
from nova_lite import exception
from nova_lite.policies import server_groups as sg_policies

POLICY = sg_policies.PREFIX


def _view(req, group):
    view = {'id': group.uuid, 'name': group.name}
    if api_version_request.is_supported(req, '2.64'):
        view['policy'] = group.policy
        view['rules'] = dict(group.rules)
    else:
        view['policies'] = group.policies
        # NOTE: Nova showed an always empty metadata until 2.64.
        view['metadata'] = {}
    view['members'] = list(group.members)
    if api_version_request.is_supported(req, '2.13'):
        view['project_id'] = group.project_id
        view['user_id'] = group.user_id
    return view


class ServerGroupController(wsgi.Controller):

    def __init__(self):
        super().__init__()
        self.api = server_group_api.ServerGroupAPI()

    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response, '2.1', '2.12')
    @validation.response_body_schema(schema.show_response_v213, '2.13',
                                     '2.63')
    @validation.response_body_schema(schema.show_response_v264, '2.64')
    def show(self, req, id):
        """One server group of the caller's project (any, for admins)."""
        context = req.environ['nova.context']
        group = self.api.get(context, id)
        context.can(POLICY % 'show',
                    target={'project_id': group.project_id})
        return {'server_group': _view(req, group)}

    @wsgi.response(204)
    @wsgi.expected_errors(404)
    @validation.response_body_schema(schema.delete_response)
    def delete(self, req, id):
        """Delete a server group; its members go on running."""
        context = req.environ['nova.context']
        group = self.api.get(context, id)
        context.can(POLICY % 'delete',
                    target={'project_id': group.project_id})
        self.api.delete(context, group)

    @wsgi.expected_errors(())
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response, '2.1', '2.12')
    @validation.response_body_schema(schema.index_response_v213, '2.13',
                                     '2.63')
    @validation.response_body_schema(schema.index_response_v264, '2.64')
    def index(self, req):
        """A page (``limit``, ``offset``) of the project's server groups;
        with ``all_projects``, every project's for admins."""
        context = req.environ['nova.context']
        context.can(POLICY % 'index',
                    target={'project_id': context.project_id})
        all_projects = ('all_projects' in req.GET and context.can(
            POLICY % 'index:all_projects',
            target={'project_id': context.project_id}, fatal=False))
        groups = self.api.get_all(
            context, all_projects=all_projects,
            limit=_int_param(req, 'limit'), offset=_int_param(req, 'offset'))
        return {'server_groups': [_view(req, group) for group in groups]}

    @wsgi.api_version('2.64')
    @wsgi.expected_errors((400, 403, 409))
    @validation.schema(schema.create_v264)
    @validation.response_body_schema(schema.create_response_v264)
    def create(self, req, body):
        """Create a server group with one policy and its rules."""
        params = body['server_group']
        policy = params['policy']
        rules = params.get('rules', {})
        if policy != 'anti-affinity' and rules:
            raise exception.InvalidServerGroupRules(
                reason='Only anti-affinity policy supports rules.')
        rules = {key: int(value) for key, value in rules.items()}
        return self._create(req, params['name'], policy, rules)

    @wsgi.api_version('2.15', '2.63')
    @wsgi.expected_errors((400, 403, 409))
    @validation.schema(schema.create_v215)
    @validation.response_body_schema(schema.create_response_v213)
    def create(self, req, body):  # noqa: F811
        params = body['server_group']
        return self._create(req, params['name'], params['policies'][0], {})

    @wsgi.api_version('2.1', '2.14')
    @wsgi.expected_errors((400, 403, 409))
    @validation.schema(schema.create)
    @validation.response_body_schema(schema.create_response, '2.1', '2.12')
    @validation.response_body_schema(schema.create_response_v213, '2.13',
                                     '2.14')
    def create(self, req, body):  # noqa: F811
        params = body['server_group']
        return self._create(req, params['name'], params['policies'][0], {})

    def _create(self, req, name, policy, rules):
        context = req.environ['nova.context']
        context.can(POLICY % 'create',
                    target={'project_id': context.project_id,
                            'user_id': context.user_id})
        group = self.api.create(context, name, policy, rules)
        return {'server_group': _view(req, group)}


def _int_param(req, name):
    # NOTE: the query schema has checked that it is a non-negative integer.
    values = req.GET.getall(name)
    return int(values[0]) if values else None

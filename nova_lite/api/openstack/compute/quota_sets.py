"""The /os-quota-sets controller: a project's limits (with usage in the
detail), the defaults, and the admin's update and revert."""

from oslo_utils import strutils
import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack.compute.schemas import quota_sets as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.policies import quota_sets as qs_policies
from nova_lite import quota

POLICY = qs_policies.PREFIX

# NOTE: what each microversion took away from the answers.
_REMOVED = (
    ('2.36', quota.NETWORK_RESOURCES),
    ('2.57', ('injected_files', 'injected_file_content_bytes',
              'injected_file_path_bytes')),
)


def _visible(req):
    """The resources a quota set shows at the request's microversion."""
    names = list(quota.RESOURCES) + list(quota.NETWORK_RESOURCES)
    for version, removed in _REMOVED:
        if api_version_request.is_supported(req, version):
            names = [name for name in names if name not in removed]
    return names


def _view(req, quotas, project_id=None, used=None):
    """``{"quota_set": ...}``: limits, or {limit, in_use, reserved}."""
    view = {}
    for name in _visible(req):
        limit = quotas.get(name, -1)
        if used is None:
            view[name] = limit
        else:
            view[name] = {'limit': limit, 'in_use': used.get(name, 0),
                          'reserved': 0}
    if project_id is not None:
        view['id'] = project_id
    return {'quota_set': view}


class QuotaSetsController(wsgi.Controller):

    @wsgi.expected_errors(())
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response, '2.1', '2.35')
    @validation.response_body_schema(schema.show_response_v236, '2.36',
                                     '2.56')
    @validation.response_body_schema(schema.show_response_v257, '2.57')
    def show(self, req, id):
        """The limits of project ``id``."""
        context = req.environ['nova.context']
        context.can(POLICY % 'show', target={'project_id': id})
        return _view(req, quota.get_project_quotas(id), id)

    @wsgi.expected_errors(())
    @validation.query_schema(schema.detail_query)
    @validation.response_body_schema(schema.detail_response, '2.1', '2.35')
    @validation.response_body_schema(schema.detail_response_v236, '2.36',
                                     '2.56')
    @validation.response_body_schema(schema.detail_response_v257, '2.57')
    def detail(self, req, id):
        """The limits of project ``id`` with what it uses."""
        context = req.environ['nova.context']
        context.can(POLICY % 'detail', target={'project_id': id})
        return _view(req, quota.get_project_quotas(id), id,
                     used=quota.project_usage(id, context.user_id))

    @wsgi.expected_errors(())
    @validation.query_schema(schema.defaults_query)
    @validation.response_body_schema(schema.defaults_response, '2.1', '2.35')
    @validation.response_body_schema(schema.defaults_response_v236, '2.36',
                                     '2.56')
    @validation.response_body_schema(schema.defaults_response_v257, '2.57')
    def defaults(self, req, id):
        """The ``[quota]`` defaults, whatever project ``id`` has set."""
        context = req.environ['nova.context']
        context.can(POLICY % 'defaults', target={})
        return _view(req, quota.defaults(), id)

    @wsgi.expected_errors(400)
    @validation.schema(schema.update_v257, '2.57')
    @validation.schema(schema.update_v236, '2.36', '2.56')
    @validation.schema(schema.update, '2.1', '2.35')
    @validation.response_body_schema(schema.update_response, '2.1', '2.35')
    @validation.response_body_schema(schema.update_response_v236, '2.36',
                                     '2.56')
    @validation.response_body_schema(schema.update_response_v257, '2.57')
    def update(self, req, id, body):
        """Set limits of project ``id``; answers with all its limits.

        Unless ``force``, a limit below what the project already uses is
        refused (400) and nothing is changed.
        """
        context = req.environ['nova.context']
        context.can(POLICY % 'update', target={'project_id': id})
        values = dict(body['quota_set'])
        force = strutils.bool_from_string(values.pop('force', False))
        values = {name: int(value) for name, value in values.items()
                  if name in quota.RESOURCES}
        if not force:
            used = quota.project_usage(id, context.user_id)
            for name, value in values.items():
                if value != -1 and value < used.get(name, 0):
                    raise webob.exc.HTTPBadRequest(
                        explanation='Quota limit %s for %s must be greater '
                                    'than or equal to already used and '
                                    'reserved %s.'
                                    % (value, name, used[name]))
        quota.set_project_quotas(id, values)
        return _view(req, quota.get_project_quotas(id))

    @wsgi.expected_errors(())
    @wsgi.response(202)
    @validation.response_body_schema(schema.delete_response)
    def delete(self, req, id):
        """Revert project ``id`` to the default limits."""
        context = req.environ['nova.context']
        context.can(POLICY % 'delete', target={'project_id': id})
        quota.destroy_project_quotas(id)

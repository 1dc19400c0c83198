"""os-migrations: every migration (resize, cold or live migration,
evacuation) an admin may look at; a server's own in-progress live
migrations are server_migrations.py.

The answer grows with the microversion:

* 2.23: ``migration_type`` (``resize``, ``migration``, ``live-migration``,
  ``evacuation``), and ``links`` to /servers/{id}/migrations/{id} for a
  live migration in progress.
* 2.59: ``uuid``; ``limit``/``marker`` (a migration uuid)/``changes-since``,
  newest first, with ``migrations_links`` when the page is full.
* 2.66: ``changes-before``.
* 2.80: ``user_id``/``project_id``, shown and as filters.
"""

from oslo_utils import timeutils
import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import migrations as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite import exception
from nova_lite.objects import migration as migration_obj
from nova_lite.policies import migrations as migrations_policies

KEYS = ('created_at', 'dest_compute', 'dest_host', 'dest_node', 'id',
        'instance_uuid', 'new_instance_type_id', 'old_instance_type_id',
        'source_compute', 'source_node', 'status', 'updated_at')
FILTERS = ('host', 'instance_uuid', 'source_compute', 'status',
           'migration_type')


def format_value(value):
    """A datetime as Nova shows it here: ISO 8601, no zone suffix."""
    if hasattr(value, 'isoformat'):
        return value.replace(tzinfo=None).isoformat()
    return value


class MigrationsController(wsgi.Controller):
    """Lists migrations for admins."""

    _view_builder_class = common.ViewBuilder

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    @wsgi.expected_errors((400, 403))
    @validation.query_schema(schema.index_query, '2.1', '2.58')
    @validation.query_schema(schema.index_query_v259, '2.59', '2.65')
    @validation.query_schema(schema.index_query_v266, '2.66', '2.79')
    @validation.query_schema(schema.index_query_v280, '2.80')
    @validation.response_body_schema(schema.index_response, '2.1', '2.22')
    @validation.response_body_schema(schema.index_response_v223,
                                     '2.23', '2.58')
    @validation.response_body_schema(schema.index_response_v259,
                                     '2.59', '2.79')
    @validation.response_body_schema(schema.index_response_v280, '2.80')
    def index(self, req):
        """``{"migrations": [...]}``, newest first."""
        context = req.environ['nova.context']
        context.can(migrations_policies.POLICY_ROOT % 'index', target={})
        filters = {key: req.GET[key] for key in FILTERS if key in req.GET}
        limit = marker = None
        paged = api_version_request.is_supported(req, '2.59')
        if paged:
            limit, marker = common.get_limit_and_marker(req)
            filters.update(_changes_filters(req))
        if api_version_request.is_supported(req, '2.80'):
            for key in ('user_id', 'project_id'):
                if key in req.GET:
                    filters[key] = req.GET[key]
        try:
            migrations = self.compute_api.get_migrations(
                context, filters, limit=limit, marker=marker)
        except exception.MarkerNotFound as error:
            raise webob.exc.HTTPBadRequest(
                explanation=error.format_message())
        body = {'migrations': [self._format(req, migration)
                               for migration in migrations]}
        if paged:
            links = self._view_builder._get_collection_links(
                req, migrations, 'os-migrations', 'uuid')
            if links:
                body['migrations_links'] = links
        return body

    def _format(self, req, migration):
        body = {key: format_value(getattr(migration, key, None))
                for key in KEYS}
        if api_version_request.is_supported(req, '2.23'):
            body['migration_type'] = migration.migration_type
            if (migration.migration_type == migration_obj.LIVE and
                    migration.status in migration_obj.LIVE_IN_PROGRESS):
                body['links'] = self._view_builder._get_links(
                    req, migration.id,
                    'servers/%s/migrations' % migration.instance_uuid)
        if api_version_request.is_supported(req, '2.59'):
            body['uuid'] = migration.uuid
        if api_version_request.is_supported(req, '2.80'):
            body['user_id'] = migration.user_id
            body['project_id'] = migration.project_id
        return body


def _changes_filters(req):
    """``changes-since`` (2.59) and ``changes-before`` (2.66).

    :raises: HTTPBadRequest when changes-before is earlier than
        changes-since.
    """
    filters = {}
    for name in ('changes-since', 'changes-before'):
        if name in req.GET:
            filters[name] = timeutils.normalize_time(
                timeutils.parse_isotime(req.GET[name]))
    if ('changes-since' in filters and 'changes-before' in filters and
            filters['changes-before'] < filters['changes-since']):
        raise webob.exc.HTTPBadRequest(
            explanation='The value of changes-since must be less than or '
                        'equal to changes-before.')
    return filters

"""/servers/{server_id}/migrations: a server's in-progress live migrations.

* 2.22: ``POST .../migrations/{id}/action {"force_complete": null}``.
* 2.23: list them and show one (with the memory and disk copy progress).
* 2.24: ``DELETE .../migrations/{id}`` aborts one; from 2.65 also one
  still queued or preparing.
* 2.59: ``uuid``; 2.80: ``user_id`` and ``project_id``.
"""

import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute import migrations
from nova_lite.api.openstack.compute.schemas import server_migrations \
    as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite import exception
from nova_lite.objects import migration as migration_obj
from nova_lite.policies import servers_migrations as sm_policies


# NOTE: ids are database integers; a bigger number cannot name one (and
# the database driver refuses to bind it).
_MAX_ID = 2 ** 31 - 1


def _migration_id(migration_id, server_id):
    """The migration id of the URL as an integer.

    :raises: MigrationNotFoundForInstance for one that is no integer, or
        none a migration can have.
    """
    try:
        value = int(migration_id)
    except ValueError:
        value = None
    if value is None or not 0 <= value <= _MAX_ID:
        raise exception.MigrationNotFoundForInstance(
            migration_id=migration_id, instance_id=server_id)
    return value


def output(migration, include_uuid=False, include_user_project=False):
    """A migration as these answers show it, Nova's keys and names."""
    value = migrations.format_value
    body = {
        'created_at': value(migration.created_at),
        'dest_compute': migration.dest_compute,
        'dest_host': migration.dest_host,
        'dest_node': migration.dest_node,
        'disk_processed_bytes': migration.disk_processed,
        'disk_remaining_bytes': migration.disk_remaining,
        'disk_total_bytes': migration.disk_total,
        'id': migration.id,
        'memory_processed_bytes': migration.memory_processed,
        'memory_remaining_bytes': migration.memory_remaining,
        'memory_total_bytes': migration.memory_total,
        'server_uuid': migration.instance_uuid,
        'source_compute': migration.source_compute,
        'source_node': migration.source_node,
        'status': migration.status,
        'updated_at': value(migration.updated_at),
    }
    if include_uuid:
        body['uuid'] = migration.uuid
    if include_user_project:
        body['user_id'] = migration.user_id
        body['project_id'] = migration.project_id
    return body


class ServerMigrationsController(wsgi.Controller):
    """Watch, hurry and abort a server's live migrations."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    def _instance(self, req, server_id, rule):
        """The server, once ``rule`` allows the caller on it."""
        context = req.environ['nova.context']
        instance = self.compute_api.get(context, server_id)
        context.can(sm_policies.POLICY_ROOT % rule,
                    target={'project_id': instance.project_id})
        return context, instance

    @wsgi.api_version('2.22')
    @wsgi.response(202)
    @wsgi.expected_errors((400, 403, 404, 409))
    @wsgi.action('force_complete')
    @validation.schema(schema.force_complete)
    @validation.response_body_schema(schema.force_complete_response)
    def _force_complete(self, req, id, server_id, body):
        """Pause the guest so that a running live migration completes.

        NOTE: an unknown migration is 400 here (404 for abort and show),
        as in Nova.
        """
        context, instance = self._instance(req, server_id, 'force_complete')
        try:
            common.act_on_instance(
                'force_complete', server_id,
                lambda: self.compute_api.live_migrate_force_complete(
                    context, instance, _migration_id(id, server_id)))
        except (exception.MigrationNotFoundByStatus,
                exception.InvalidMigrationState,
                exception.MigrationNotFoundForInstance) as error:
            raise webob.exc.HTTPBadRequest(explanation=error.format_message())

    @wsgi.api_version('2.23')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response, '2.23', '2.58')
    @validation.response_body_schema(schema.index_response_v259,
                                     '2.59', '2.79')
    @validation.response_body_schema(schema.index_response_v280, '2.80')
    def index(self, req, server_id):
        """``{"migrations": [...]}``: the server's live migrations in
        progress."""
        context, _instance = self._instance(req, server_id, 'index')
        found = self.compute_api.get_migrations_in_progress_by_instance(
            context, server_id, migration_obj.LIVE)
        include_uuid = api_version_request.is_supported(req, '2.59')
        include_user_project = api_version_request.is_supported(req, '2.80')
        return {'migrations': [
            output(migration, include_uuid, include_user_project)
            for migration in found]}

    @wsgi.api_version('2.23')
    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response, '2.23', '2.58')
    @validation.response_body_schema(schema.show_response_v259,
                                     '2.59', '2.79')
    @validation.response_body_schema(schema.show_response_v280, '2.80')
    def show(self, req, server_id, id):
        """``{"migration": {...}}``, when it is a live migration of this
        server still in progress; 404 otherwise."""
        context, _instance = self._instance(req, server_id, 'show')
        try:
            migration = self.compute_api.get_migration_by_id_and_instance(
                context, _migration_id(id, server_id), server_id)
        except exception.MigrationNotFoundForInstance:
            raise webob.exc.HTTPNotFound(
                explanation='In-progress live migration %(id)s is not found '
                            'for server %(uuid)s.'
                            % {'id': id, 'uuid': server_id})
        if migration.migration_type != migration_obj.LIVE:
            raise webob.exc.HTTPNotFound(
                explanation='Migration %(id)s for server %(uuid)s is not '
                            'live-migration.' % {'id': id, 'uuid': server_id})
        if migration.status not in migration_obj.LIVE_IN_PROGRESS:
            raise webob.exc.HTTPNotFound(
                explanation='Live migration %(id)s for server %(uuid)s is '
                            'not in progress.'
                            % {'id': id, 'uuid': server_id})
        return {'migration': output(
            migration, api_version_request.is_supported(req, '2.59'),
            api_version_request.is_supported(req, '2.80'))}

    @wsgi.api_version('2.24')
    @wsgi.response(202)
    @wsgi.expected_errors((400, 403, 404, 409))
    @validation.response_body_schema(schema.delete_response)
    def delete(self, req, server_id, id):
        """Abort a running live migration; from 2.65 also one queued or
        preparing. The server stays (or goes back) where it was."""
        context, instance = self._instance(req, server_id, 'delete')
        support_abort_in_queue = api_version_request.is_supported(req,
                                                                  '2.65')
        try:
            common.act_on_instance(
                'abort live migration', server_id,
                lambda: self.compute_api.live_migrate_abort(
                    context, instance, _migration_id(id, server_id),
                    support_abort_in_queue=support_abort_in_queue))
        except exception.MigrationNotFoundForInstance as error:
            raise webob.exc.HTTPNotFound(explanation=error.format_message())
        except exception.InvalidMigrationState as error:
            raise webob.exc.HTTPBadRequest(explanation=error.format_message())

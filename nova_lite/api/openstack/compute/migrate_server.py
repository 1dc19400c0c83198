"""The migrate (cold) and os-migrateLive server actions: move a server to
another host, admins only by default."""

from oslo_utils import strutils
import webob.exc

from nova_lite.api.openstack import api_version_request
from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute.schemas import migrate_server as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite import exception
from nova_lite.policies import migrate_server as ms_policies

# NOTE: what the conductor's pre-checks (and the scheduler) answer when the
# server cannot go live to a host: all the caller's to fix, so 400. Nova
# answers these synchronously only before 2.34 (later it records a fault);
# nova-lite always does, so the caller learns why at every microversion.
_LIVE_PRE_CHECK_ERRORS = (
    exception.NoValidHost,
    exception.ComputeServiceUnavailable,
    exception.InvalidCPUInfo,
    exception.UnableToMigrateToSelf,
    exception.InvalidLocalStorage,
    exception.InvalidSharedStorage,
    exception.HypervisorUnavailable,
    exception.MigrationPreCheckError,
    exception.ComputeHostNotFound,
)


class MigrateServerController(wsgi.Controller):
    """Cold and live migration of a server."""

    def __init__(self):
        super().__init__()
        self.compute_api = compute.API()

    @wsgi.response(202)
    @wsgi.expected_errors((400, 403, 404, 409))
    @wsgi.action('migrate')
    @validation.schema(schema.migrate, '2.1', '2.55')
    @validation.schema(schema.migrate_v256, '2.56')
    @validation.response_body_schema(schema.migrate_response)
    def _migrate(self, req, id, body):
        """Cold migrate a server: it goes through RESIZE to VERIFY_RESIZE
        on another host (confirmResize/revertResize as for a resize). From
        2.56 an optional ``host``, which the scheduler still checks, and
        which needs ``migrate:host``.
        """
        context = req.environ['nova.context']
        instance = self.compute_api.get(context, id)
        host_name = None
        if (api_version_request.is_supported(req, '2.56') and
                body['migrate'] is not None):
            host_name = body['migrate'].get('host')
        rule = 'migrate:host' if host_name else 'migrate'
        context.can(ms_policies.POLICY_ROOT % rule,
                    target={'project_id': instance.project_id})
        try:
            common.act_on_instance(
                'migrate', id,
                lambda: self.compute_api.migrate(context, instance,
                                                 host_name=host_name))
        except (exception.NoValidHost,
                exception.ComputeHostNotFound,
                exception.CannotMigrateToSameHost) as error:
            raise webob.exc.HTTPBadRequest(explanation=error.format_message())

    @wsgi.response(202)
    @wsgi.expected_errors((400, 403, 404, 409))
    @wsgi.action('os-migrateLive')
    @validation.schema(schema.migrate_live, '2.1', '2.24')
    @validation.schema(schema.migrate_live_v225, '2.25', '2.29')
    @validation.schema(schema.migrate_live_v230, '2.30', '2.67')
    @validation.schema(schema.migrate_live_v268, '2.68')
    @validation.response_body_schema(schema.migrate_live_response)
    def _migrate_live(self, req, id, body):
        """Live migrate a server: MIGRATING, then ACTIVE on the new host.

        ``block_migration`` (and before 2.25 ``disk_over_commit``) as
        booleans; from 2.25 ``block_migration: "auto"`` lets the hosts
        decide. From 2.30 to 2.67 ``force`` skips the scheduler's checks
        of the given ``host`` (and needs one).
        """
        context = req.environ['nova.context']
        instance = self.compute_api.get(context, id)
        context.can(ms_policies.POLICY_ROOT % 'migrate_live',
                    target={'project_id': instance.project_id})
        options = body['os-migrateLive']
        host = options['host']
        block_migration = options['block_migration']
        force = None
        if api_version_request.is_supported(req, '2.30'):
            force = common.forced_destination(options, host)
        if api_version_request.is_supported(req, '2.25'):
            disk_over_commit = None
            if block_migration == 'auto':
                block_migration = None
            else:
                block_migration = strutils.bool_from_string(
                    block_migration, strict=True)
        else:
            block_migration = strutils.bool_from_string(block_migration,
                                                        strict=True)
            disk_over_commit = strutils.bool_from_string(
                options['disk_over_commit'], strict=True)
        try:
            common.act_on_instance(
                'os-migrateLive', id,
                lambda: self.compute_api.live_migrate(
                    context, instance, block_migration, disk_over_commit,
                    host, force=force))
        except _LIVE_PRE_CHECK_ERRORS as error:
            raise webob.exc.HTTPBadRequest(explanation=error.format_message())

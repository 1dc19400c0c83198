"""The route table of /v2.1/: every path, its methods and controllers.

Each path is also served under ``/{project_id}/`` (optional since 2.18);
links in answers keep whichever shape the request used. A known path asked
with another method answers 405 with ``Allow``; an unknown path 404.
"""

import webob.dec

from nova_lite.api.openstack import common
from nova_lite.api.openstack.compute import admin_actions
from nova_lite.api.openstack.compute import aggregates
from nova_lite.api.openstack.compute import availability_zone
from nova_lite.api.openstack.compute import console_output
from nova_lite.api.openstack.compute import create_backup
from nova_lite.api.openstack.compute import deferred_delete
from nova_lite.api.openstack.compute import evacuate
from nova_lite.api.openstack.compute import extension_info
from nova_lite.api.openstack.compute import flavor_access
from nova_lite.api.openstack.compute import flavor_manage
from nova_lite.api.openstack.compute import flavors
from nova_lite.api.openstack.compute import flavors_extraspecs
from nova_lite.api.openstack.compute import floating_ip_pools
from nova_lite.api.openstack.compute import hosts
from nova_lite.api.openstack.compute import hypervisors
from nova_lite.api.openstack.compute import image_metadata
from nova_lite.api.openstack.compute import images
from nova_lite.api.openstack.compute import instance_actions
from nova_lite.api.openstack.compute import instance_usage_audit_log
from nova_lite.api.openstack.compute import ips
from nova_lite.api.openstack.compute import keypairs
from nova_lite.api.openstack.compute import limits
from nova_lite.api.openstack.compute import lock_server
from nova_lite.api.openstack.compute import migrate_server
from nova_lite.api.openstack.compute import migrations
from nova_lite.api.openstack.compute import networks
from nova_lite.api.openstack.compute import quota_classes
from nova_lite.api.openstack.compute import quota_sets
from nova_lite.api.openstack.compute import rescue
from nova_lite.api.openstack.compute import security_groups
from nova_lite.api.openstack.compute import pause_server
from nova_lite.api.openstack.compute import server_diagnostics
from nova_lite.api.openstack.compute import server_external_events
from nova_lite.api.openstack.compute import server_groups
from nova_lite.api.openstack.compute import server_metadata
from nova_lite.api.openstack.compute import server_migrations
from nova_lite.api.openstack.compute import server_tags
from nova_lite.api.openstack.compute import servers
from nova_lite.api.openstack.compute import services
from nova_lite.api.openstack.compute import shelve
from nova_lite.api.openstack.compute import simple_tenant_usage
from nova_lite.api.openstack.compute import suspend_server
from nova_lite.api.openstack.compute import versions
from nova_lite.api.openstack import wsgi
from nova_lite import routing

# NOTE: Nova's default: hex and dashes only, which keeps /{project_id}/...
# from shadowing literal first segments such as "servers" or "flavors".
PROJECT_ID_REGEX = r'[0-9a-f\-]+'

# NOTE: POST /servers/{id}/action dispatches on the body's only key to the
# server actions (``wsgi.action`` methods) of all these controllers, as
# Nova merges its action controllers into one resource; a new family of
# actions is a new controller module added here.
SERVER_ACTION_CONTROLLERS = (
    servers.ServersController,
    console_output.ConsoleOutputController,
    pause_server.PauseServerController,
    suspend_server.SuspendServerController,
    lock_server.LockServerController,
    admin_actions.AdminActionsController,
    shelve.ShelveController,
    rescue.RescueController,
    deferred_delete.DeferredDeleteController,
    migrate_server.MigrateServerController,
    evacuate.EvacuateController,
    create_backup.CreateBackupController,
    security_groups.SecurityGroupActionController,
)

ROUTE_LIST = (
    ('/', {
        'GET': (versions.VersionsController, 'show'),
    }),
    ('/extensions', {
        'GET': (extension_info.ExtensionInfoController, 'index'),
    }),
    ('/extensions/{id}', {
        'GET': (extension_info.ExtensionInfoController, 'show'),
    }),
    ('/flavors', {
        'GET': (flavors.FlavorsController, 'index'),
        'POST': (flavor_manage.FlavorManageController, 'create'),
    }),
    ('/flavors/detail', {
        'GET': (flavors.FlavorsController, 'detail'),
    }),
    ('/flavors/{id}', {
        'GET': (flavors.FlavorsController, 'show'),
        'PUT': (flavor_manage.FlavorManageController, 'update'),
        'DELETE': (flavor_manage.FlavorManageController, 'delete'),
    }),
    ('/flavors/{flavor_id}/os-flavor-access', {
        'GET': (flavor_access.FlavorAccessController, 'index'),
    }),
    # NOTE: the body's only key picks the flavor action, as for servers.
    ('/flavors/{id}/action', {
        'POST': (flavor_access.FlavorActionController, 'action'),
    }),
    ('/flavors/{flavor_id}/os-extra_specs', {
        'GET': (flavors_extraspecs.FlavorExtraSpecsController, 'index'),
        'POST': (flavors_extraspecs.FlavorExtraSpecsController, 'create'),
    }),
    ('/flavors/{flavor_id}/os-extra_specs/{id}', {
        'GET': (flavors_extraspecs.FlavorExtraSpecsController, 'show'),
        'PUT': (flavors_extraspecs.FlavorExtraSpecsController, 'update'),
        'DELETE': (flavors_extraspecs.FlavorExtraSpecsController, 'delete'),
    }),
    ('/os-aggregates', {
        'GET': (aggregates.AggregateController, 'index'),
        'POST': (aggregates.AggregateController, 'create'),
    }),
    ('/os-aggregates/{id}', {
        'GET': (aggregates.AggregateController, 'show'),
        'PUT': (aggregates.AggregateController, 'update'),
        'DELETE': (aggregates.AggregateController, 'delete'),
    }),
    ('/os-aggregates/{id}/action', {
        'POST': (aggregates.AggregateController, 'action'),
    }),
    ('/os-availability-zone', {
        'GET': (availability_zone.AvailabilityZoneController, 'index'),
    }),
    ('/os-availability-zone/detail', {
        'GET': (availability_zone.AvailabilityZoneController, 'detail'),
    }),
    ('/images', {
        'GET': (images.ImagesController, 'index'),
    }),
    ('/images/detail', {
        'GET': (images.ImagesController, 'detail'),
    }),
    ('/images/{id}', {
        'GET': (images.ImagesController, 'show'),
        'DELETE': (images.ImagesController, 'delete'),
    }),
    ('/images/{image_id}/metadata', {
        'GET': (image_metadata.ImageMetadataController, 'index'),
        'POST': (image_metadata.ImageMetadataController, 'create'),
        'PUT': (image_metadata.ImageMetadataController, 'update_all'),
    }),
    ('/images/{image_id}/metadata/{id}', {
        'GET': (image_metadata.ImageMetadataController, 'show'),
        'PUT': (image_metadata.ImageMetadataController, 'update'),
        'DELETE': (image_metadata.ImageMetadataController, 'delete'),
    }),
    ('/limits', {
        'GET': (limits.LimitsController, 'index'),
    }),
    ('/os-hosts', {
        'GET': (hosts.HostController, 'index'),
    }),
    ('/os-hosts/{id}', {
        'GET': (hosts.HostController, 'show'),
        'PUT': (hosts.HostController, 'update'),
    }),
    ('/os-hosts/{id}/startup', {
        'GET': (hosts.HostController, 'startup'),
    }),
    ('/os-hosts/{id}/shutdown', {
        'GET': (hosts.HostController, 'shutdown'),
    }),
    ('/os-hosts/{id}/reboot', {
        'GET': (hosts.HostController, 'reboot'),
    }),
    ('/os-hypervisors', {
        'GET': (hypervisors.HypervisorsController, 'index'),
    }),
    ('/os-hypervisors/detail', {
        'GET': (hypervisors.HypervisorsController, 'detail'),
    }),
    ('/os-hypervisors/statistics', {
        'GET': (hypervisors.HypervisorsController, 'statistics'),
    }),
    ('/os-hypervisors/{id}', {
        'GET': (hypervisors.HypervisorsController, 'show'),
    }),
    ('/os-hypervisors/{id}/uptime', {
        'GET': (hypervisors.HypervisorsController, 'uptime'),
    }),
    ('/os-hypervisors/{id}/search', {
        'GET': (hypervisors.HypervisorsController, 'search'),
    }),
    ('/os-hypervisors/{id}/servers', {
        'GET': (hypervisors.HypervisorsController, 'servers'),
    }),
    ('/os-keypairs', {
        'GET': (keypairs.KeypairController, 'index'),
        'POST': (keypairs.KeypairController, 'create'),
    }),
    ('/os-keypairs/{id}', {
        'GET': (keypairs.KeypairController, 'show'),
        'DELETE': (keypairs.KeypairController, 'delete'),
    }),
    ('/os-floating-ip-pools', {
        'GET': (floating_ip_pools.FloatingIPPoolsController, 'index'),
    }),
    ('/os-networks', {
        'GET': (networks.NetworkController, 'index'),
        'POST': (networks.NetworkController, 'create'),
    }),
    ('/os-networks/add', {
        'POST': (networks.NetworkController, 'add'),
    }),
    ('/os-networks/{id}', {
        'GET': (networks.NetworkController, 'show'),
        'DELETE': (networks.NetworkController, 'delete'),
    }),
    ('/os-networks/{id}/action', {
        'POST': (networks.NetworkController, 'action'),
    }),
    ('/os-quota-class-sets/{id}', {
        'GET': (quota_classes.QuotaClassSetsController, 'show'),
        'PUT': (quota_classes.QuotaClassSetsController, 'update'),
    }),
    ('/os-quota-sets/{id}', {
        'GET': (quota_sets.QuotaSetsController, 'show'),
        'PUT': (quota_sets.QuotaSetsController, 'update'),
        'DELETE': (quota_sets.QuotaSetsController, 'delete'),
    }),
    ('/os-quota-sets/{id}/defaults', {
        'GET': (quota_sets.QuotaSetsController, 'defaults'),
    }),
    ('/os-quota-sets/{id}/detail', {
        'GET': (quota_sets.QuotaSetsController, 'detail'),
    }),
    ('/os-instance_usage_audit_log', {
        'GET': (instance_usage_audit_log.InstanceUsageAuditLogController,
                'index'),
    }),
    ('/os-instance_usage_audit_log/{id}', {
        'GET': (instance_usage_audit_log.InstanceUsageAuditLogController,
                'show'),
    }),
    ('/os-server-external-events', {
        'POST': (server_external_events.ServerExternalEventsController,
                 'create'),
    }),
    ('/os-server-groups', {
        'GET': (server_groups.ServerGroupController, 'index'),
        'POST': (server_groups.ServerGroupController, 'create'),
    }),
    ('/os-server-groups/{id}', {
        'GET': (server_groups.ServerGroupController, 'show'),
        'DELETE': (server_groups.ServerGroupController, 'delete'),
    }),
    ('/os-services', {
        'GET': (services.ServiceController, 'index'),
    }),
    ('/os-services/{id}', {
        'PUT': (services.ServiceController, 'update'),
        'DELETE': (services.ServiceController, 'delete'),
    }),
    ('/os-simple-tenant-usage', {
        'GET': (simple_tenant_usage.SimpleTenantUsageController, 'index'),
    }),
    ('/os-simple-tenant-usage/{id}', {
        'GET': (simple_tenant_usage.SimpleTenantUsageController, 'show'),
    }),
    ('/servers', {
        'GET': (servers.ServersController, 'index'),
        'POST': (servers.ServersController, 'create'),
    }),
    ('/servers/detail', {
        'GET': (servers.ServersController, 'detail'),
    }),
    ('/servers/{id}', {
        'GET': (servers.ServersController, 'show'),
        'PUT': (servers.ServersController, 'update'),
        'DELETE': (servers.ServersController, 'delete'),
    }),
    ('/servers/{server_id}/metadata', {
        'GET': (server_metadata.ServerMetadataController, 'index'),
        'POST': (server_metadata.ServerMetadataController, 'create'),
        'PUT': (server_metadata.ServerMetadataController, 'update_all'),
    }),
    ('/servers/{server_id}/metadata/{id}', {
        'GET': (server_metadata.ServerMetadataController, 'show'),
        'PUT': (server_metadata.ServerMetadataController, 'update'),
        'DELETE': (server_metadata.ServerMetadataController, 'delete'),
    }),
    ('/servers/{server_id}/tags', {
        'GET': (server_tags.ServerTagsController, 'index'),
        'PUT': (server_tags.ServerTagsController, 'update_all'),
        'DELETE': (server_tags.ServerTagsController, 'delete_all'),
    }),
    ('/servers/{server_id}/tags/{id}', {
        'GET': (server_tags.ServerTagsController, 'show'),
        'PUT': (server_tags.ServerTagsController, 'update'),
        'DELETE': (server_tags.ServerTagsController, 'delete'),
    }),
    ('/servers/{server_id}/ips', {
        'GET': (ips.IPsController, 'index'),
    }),
    ('/servers/{server_id}/ips/{id}', {
        'GET': (ips.IPsController, 'show'),
    }),
    ('/os-migrations', {
        'GET': (migrations.MigrationsController, 'index'),
    }),
    ('/servers/{server_id}/migrations', {
        'GET': (server_migrations.ServerMigrationsController, 'index'),
    }),
    ('/servers/{server_id}/migrations/{id}', {
        'GET': (server_migrations.ServerMigrationsController, 'show'),
        'DELETE': (server_migrations.ServerMigrationsController, 'delete'),
    }),
    # NOTE: the body's only key picks the action: force_complete (2.22).
    ('/servers/{server_id}/migrations/{id}/action', {
        'POST': (server_migrations.ServerMigrationsController, 'action'),
    }),
    ('/servers/{server_id}/diagnostics', {
        'GET': (server_diagnostics.ServerDiagnosticsController, 'index'),
    }),
    ('/servers/{server_id}/os-instance-actions', {
        'GET': (instance_actions.InstanceActionsController, 'index'),
    }),
    ('/servers/{server_id}/os-security-groups', {
        'GET': (security_groups.ServerSecurityGroupController, 'index'),
    }),
    ('/servers/{server_id}/os-instance-actions/{id}', {
        'GET': (instance_actions.InstanceActionsController, 'show'),
    }),
    ('/servers/{id}/action', {
        'POST': (SERVER_ACTION_CONTROLLERS, 'action'),
    }),
)


class APIRouter(object):
    """Route a request to the ``Resource`` of its controller.

    :param route_list: (path, {method: (controller class, action)}) pairs;
        one controller instance serves all of its routes. A tuple of
        classes serves server actions from all of them.
    """

    def __init__(self, route_list=ROUTE_LIST):
        self.table = routing.RouteTable(
            route_list, wsgi.Resource,
            prefixes=['/{project_id:%s}' % PROJECT_ID_REGEX])

    @webob.dec.wsgify(RequestClass=wsgi.Request)
    def __call__(self, req):
        handlers, match = self.table.match(req.path_info)
        if handlers is None:
            return wsgi.fault(404)
        if req.method not in handlers:
            return wsgi.fault(
                405, 'The method %s is not allowed for this resource.'
                % req.method, headers={'Allow': ', '.join(sorted(handlers))})
        resource, action = handlers[req.method]
        match['action'] = action
        if match.get('project_id'):
            req.environ[common.ENV_URL_PROJECT_ID] = match['project_id']
        req.environ['wsgiorg.routing_args'] = ((), match)
        return req.get_response(resource)

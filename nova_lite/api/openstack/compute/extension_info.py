"""The /extensions controller: the legacy list of API extensions.

Since v2.1 Nova's API has no extensions, but it still lists the v2.0
extension aliases for clients that look features up by them (tempest's
``api_extensions``, old novaclient). nova-lite lists the aliases of what
it serves (and ``os-consoles``, which tempest asks for by name), each
with the same fixed namespace and date as Nova's.
"""

import webob.exc

from nova_lite.api.openstack.compute.schemas import extension_info as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.policies import extensions as ext_policies

NAMESPACE = 'http://docs.openstack.org/compute/ext/fake_xml'
UPDATED = '2014-12-03T00:00:00Z'

# NOTE: (alias, name, description) of every v2.0 extension whose API or
# attributes nova-lite serves; one missing here is one it does not.
EXTENSIONS = (
    ('OS-DCF', 'DiskConfig', 'Disk management of servers (always MANUAL).'),
    ('OS-EXT-AZ', 'ExtendedAvailabilityZone',
     'The availability zone of a server.'),
    ('OS-EXT-IMG-SIZE', 'ImageSize', 'The size of an image.'),
    ('OS-EXT-IPS', 'ExtendedIps', 'The type (fixed) of server addresses.'),
    ('OS-EXT-IPS-MAC', 'ExtendedIpsMac', 'The MAC of server addresses.'),
    ('OS-EXT-SRV-ATTR', 'ExtendedServerAttributes',
     'Host, instance name and other attributes of a server for admins.'),
    ('OS-EXT-STS', 'ExtendedStatus',
     'The vm, task and power states of a server.'),
    ('OS-FLV-DISABLED', 'FlavorDisabled', 'Whether a flavor is disabled.'),
    ('OS-FLV-EXT-DATA', 'FlavorExtraData', 'The ephemeral disk of a flavor.'),
    ('OS-SCH-HNT', 'SchedulerHints', 'Scheduler hints at server create.'),
    ('OS-SRV-USG', 'ServerUsage', 'When a server was launched and ended.'),
    ('os-access-ips', 'AccessIPs', 'Access IPv4 and IPv6 of a server.'),
    ('os-admin-actions', 'AdminActions',
     'Reset the state of a server and other admin actions.'),
    ('os-aggregates', 'Aggregates', 'Host aggregates.'),
    ('os-availability-zone', 'AvailabilityZone', 'Availability zones.'),
    ('os-config-drive', 'ConfigDrive', 'Config drive of a server.'),
    ('os-console-output', 'ConsoleOutput', 'The console log of a server.'),
    # NOTE: the one alias of something nova-lite does not serve: tempest's
    # test_get_extension asks for it by name, as every Nova lists it.
    ('os-consoles', 'Consoles', 'Interactive consoles.'),
    ('os-create-backup', 'CreateBackup',
     'Backups of a server, rotated by type.'),
    ('os-deferred-delete', 'DeferredDelete',
     'Restore or force the deletion of a soft-deleted server.'),
    ('os-evacuate', 'Evacuate', 'Rebuild a server of a failed host.'),
    ('os-extended-evacuate-find-host', 'ExtendedEvacuateFindHost',
     'Evacuate without naming the destination host.'),
    ('os-extended-hypervisors', 'ExtendedHypervisors',
     'More attributes of hypervisors.'),
    ('os-extended-quotas', 'ExtendedQuotas',
     'Delete quotas and force their update.'),
    ('os-extended-rescue-with-image', 'ExtendedRescueWithImage',
     'Rescue a server from a given image.'),
    ('os-extended-services', 'ExtendedServices',
     'Disable a service with a reason.'),
    ('os-extended-services-delete', 'ExtendedServicesDelete',
     'Delete a service.'),
    ('os-extended-status', 'ExtendedStatus',
     'The vm, task and power states of a server.'),
    ('os-extended-volumes', 'ExtendedVolumes',
     'The volumes attached to a server.'),
    ('os-flavor-access', 'FlavorAccess', 'Access lists of private flavors.'),
    ('os-flavor-extra-specs', 'FlavorExtraSpecs', 'Extra specs of flavors.'),
    ('os-flavor-manage', 'FlavorManage', 'Create and delete flavors.'),
    ('os-flavor-rxtx', 'FlavorRxtx', 'The rxtx factor of a flavor.'),
    ('os-flavor-swap', 'FlavorSwap', 'The swap disk of a flavor.'),
    ('os-floating-ip-pools', 'FloatingIpPools', 'Floating IP pools.'),
    ('os-hosts', 'Hosts', 'Physical hosts and their resources.'),
    ('os-hypervisor-status', 'HypervisorStatus',
     'The state and status of hypervisors.'),
    ('os-hypervisors', 'Hypervisors', 'Hypervisors and their resources.'),
    ('os-instance-actions', 'InstanceActions',
     'The actions taken on a server.'),
    ('os-instance_usage_audit_log', 'OSInstanceUsageAuditLog',
     'The periodic audit of instance usage.'),
    ('os-keypairs', 'Keypairs', 'Key pairs.'),
    ('os-lock-server', 'LockServer', 'Lock and unlock a server.'),
    ('os-migrate-server', 'MigrateServer',
     'Cold and live migration of a server.'),
    ('os-migrations', 'Migrations', 'Migrations of servers.'),
    ('os-multiple-create', 'MultipleCreate',
     'Create several servers at once.'),
    ('os-networks', 'Networks', 'Networks.'),
    ('os-pause-server', 'PauseServer', 'Pause and unpause a server.'),
    ('os-personality', 'Personality',
     'Personality files at create and rebuild, within quota.'),
    ('os-preserve-ephemeral-rebuild', 'PreserveEphemeralOnRebuild',
     'Keep the ephemeral disk on a rebuild.'),
    ('os-quota-class-sets', 'QuotaClasses', 'Quota classes.'),
    ('os-quota-sets', 'Quotas', 'Quotas of projects.'),
    ('os-rescue', 'Rescue', 'Rescue and unrescue a server.'),
    ('os-server-diagnostics', 'ServerDiagnostics',
     'Diagnostics of a server from its hypervisor.'),
    ('os-server-external-events', 'ServerExternalEvents',
     'Events about servers from other services.'),
    ('os-server-group-quotas', 'ServerGroupQuotas',
     'Quotas of server groups.'),
    ('os-server-groups', 'ServerGroups', 'Server groups.'),
    ('os-server-list-multi-status', 'ServerListMultiStatus',
     'List servers of several statuses.'),
    ('os-server-sort-keys', 'ServerSortKeys', 'Sort server lists.'),
    ('os-server-start-stop', 'ServerStartStop', 'Start and stop a server.'),
    ('os-services', 'Services', 'Compute services.'),
    ('os-shelve', 'Shelve', 'Shelve and unshelve a server.'),
    ('os-simple-tenant-usage', 'SimpleTenantUsage',
     'Usage of projects.'),
    ('os-suspend-server', 'SuspendServer', 'Suspend and resume a server.'),
    ('os-used-limits', 'UsedLimits', 'What a project uses of its limits.'),
    ('os-user-data', 'UserData', 'User data at server create.'),
)


def _extension(alias, name, description):
    return {'alias': alias, 'name': name, 'description': description,
            'links': [], 'namespace': NAMESPACE, 'updated': UPDATED}


class ExtensionInfoController(wsgi.Controller):

    @wsgi.expected_errors(())
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response)
    def index(self, req):
        """Every extension nova-lite serves, by alias."""
        req.environ['nova.context'].can(ext_policies.POLICY, target={})
        return {'extensions': [_extension(*ext) for ext in EXTENSIONS]}

    @wsgi.expected_errors(404)
    @validation.query_schema(schema.show_query)
    @validation.response_body_schema(schema.show_response)
    def show(self, req, id):
        """One extension by its alias.

        :raises: HTTPNotFound for an alias nova-lite does not serve.
        """
        req.environ['nova.context'].can(ext_policies.POLICY, target={})
        for ext in EXTENSIONS:
            if ext[0] == id:
                return {'extension': _extension(*ext)}
        raise webob.exc.HTTPNotFound(
            explanation='Extension %s could not be found.' % id)

"""Default policy rules, one module per API resource."""

import itertools

from nova_lite.policies import admin_actions
from nova_lite.policies import aggregates
from nova_lite.policies import availability_zone
from nova_lite.policies import base
from nova_lite.policies import console_output
from nova_lite.policies import create_backup
from nova_lite.policies import deferred_delete
from nova_lite.policies import evacuate
from nova_lite.policies import extensions
from nova_lite.policies import flavor_access
from nova_lite.policies import flavor_extra_specs
from nova_lite.policies import flavor_manage
from nova_lite.policies import floating_ip_pools
from nova_lite.policies import hosts
from nova_lite.policies import hypervisors
from nova_lite.policies import instance_actions
from nova_lite.policies import instance_usage_audit_log
from nova_lite.policies import ips
from nova_lite.policies import keypairs
from nova_lite.policies import limits
from nova_lite.policies import lock_server
from nova_lite.policies import migrate_server
from nova_lite.policies import migrations
from nova_lite.policies import networks
from nova_lite.policies import pause_server
from nova_lite.policies import quota_class_sets
from nova_lite.policies import quota_sets
from nova_lite.policies import rescue
from nova_lite.policies import server_diagnostics
from nova_lite.policies import server_external_events
from nova_lite.policies import server_groups
from nova_lite.policies import server_metadata
from nova_lite.policies import security_groups
from nova_lite.policies import server_tags
from nova_lite.policies import servers
from nova_lite.policies import servers_migrations
from nova_lite.policies import services
from nova_lite.policies import shelve
from nova_lite.policies import simple_tenant_usage
from nova_lite.policies import suspend_server


def list_rules():
    return list(itertools.chain(
        base.list_rules(),
        availability_zone.list_rules(),
        servers.list_rules(),
        server_metadata.list_rules(),
        server_groups.list_rules(),
        server_tags.list_rules(),
        security_groups.list_rules(),
        console_output.list_rules(),
        flavor_manage.list_rules(),
        flavor_extra_specs.list_rules(),
        flavor_access.list_rules(),
        keypairs.list_rules(),
        limits.list_rules(),
        hypervisors.list_rules(),
        quota_sets.list_rules(),
        quota_class_sets.list_rules(),
        hosts.list_rules(),
        extensions.list_rules(),
        instance_actions.list_rules(),
        ips.list_rules(),
        floating_ip_pools.list_rules(),
        networks.list_rules(),
        pause_server.list_rules(),
        suspend_server.list_rules(),
        lock_server.list_rules(),
        migrations.list_rules(),
        servers_migrations.list_rules(),
        migrate_server.list_rules(),
        evacuate.list_rules(),
        admin_actions.list_rules(),
        shelve.list_rules(),
        rescue.list_rules(),
        deferred_delete.list_rules(),
        services.list_rules(),
        aggregates.list_rules(),
        simple_tenant_usage.list_rules(),
        server_diagnostics.list_rules(),
        create_backup.list_rules(),
        server_external_events.list_rules(),
        instance_usage_audit_log.list_rules(),
    ))

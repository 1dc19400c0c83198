"""The /os-availability-zone controller: zones, and (for admins) the
hosts and services in each.

A compute host's zone is the one its host aggregate names, else
``[DEFAULT] default_availability_zone``; other services are in the
internal zone (see compute/aggregates.py).
"""

from nova_lite.api.openstack.compute.schemas import availability_zone \
    as schema
from nova_lite.api.openstack import wsgi
from nova_lite.api import validation
from nova_lite.compute import api as compute
from nova_lite.compute import hosts as compute_hosts
from nova_lite.policies import availability_zone as az_policies

POLICY = az_policies.PREFIX


def _timestamp(service):
    updated = service.last_seen_up or service.updated_at
    return updated.replace(tzinfo=None).isoformat() if updated else None


class AvailabilityZoneController(wsgi.Controller):
    """A zone is available while one of its services is enabled."""

    def __init__(self):
        super().__init__()
        self.host_api = compute_hosts.HostAPI()

    @wsgi.expected_errors(())
    @validation.query_schema(schema.index_query)
    @validation.response_body_schema(schema.index_response)
    def index(self, req):
        """Zones servers can ask for (the internal zone is left out)."""
        context = req.environ['nova.context']
        context.can(POLICY % 'list', target={})
        available, not_available = self.host_api.get_availability_zones(
            context.elevated())
        return {'availabilityZoneInfo': [
            {'zoneName': zone, 'zoneState': {'available': is_available},
             'hosts': None}
            for zones, is_available in ((available, True),
                                        (not_available, False))
            for zone in zones if zone != compute.INTERNAL_ZONE]}

    @wsgi.expected_errors(())
    @validation.query_schema(schema.detail_query)
    @validation.response_body_schema(schema.detail_response)
    def detail(self, req):
        """Every zone; available ones with their enabled services by host."""
        context = req.environ['nova.context']
        context.can(POLICY % 'detail', target={})
        elevated = context.elevated()
        services = self.host_api.service_get_all(elevated)
        zones = self.host_api.host_zones(elevated)
        available, not_available = self.host_api.get_availability_zones(
            elevated)
        zone_hosts = {}
        for service in services:
            if service.disabled:
                continue
            zone = self.host_api.service_zone(service, zones)
            host = zone_hosts.setdefault(zone, {}).setdefault(
                service.host, {})
            host[service.binary] = {
                'available': service.is_up(),
                'active': True,
                'updated_at': _timestamp(service),
            }
        result = [{'zoneName': zone, 'zoneState': {'available': True},
                   'hosts': zone_hosts.get(zone, {})}
                  for zone in available]
        result += [{'zoneName': zone, 'zoneState': {'available': False},
                    'hosts': None}
                   for zone in not_available]
        return {'availabilityZoneInfo': result}

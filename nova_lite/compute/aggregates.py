"""Host aggregates and the availability zones they define.

Nova keeps its ``AggregateAPI`` in ``compute/api.py``; here it has a module
of its own because ``compute/api.py`` is already near the size limit and
the zone lookups below are shared by the compute API (server create, the
zone and service lists) and the scheduler's host manager, neither of which
should import the other.

A compute host is in the zone its aggregate's ``availability_zone``
metadata names, else in ``[DEFAULT] default_availability_zone``; every
other service is in the internal zone. A host in two aggregates with a
zone must see the same zone in both: the checks below refuse any change
that would break that.
"""

from nova_lite import conf
from nova_lite import exception
from nova_lite import objects
from nova_lite.objects import service as service_obj

CONF = conf.CONF

AZ_KEY = 'availability_zone'
# NOTE: Nova's [DEFAULT] internal_service_availability_zone default: the
# zone of every service but nova-compute.
INTERNAL_ZONE = 'internal'

_ADD, _UPDATE, _UPDATE_META = 'add', 'update', 'update_meta'
_INVALID = {
    _ADD: exception.InvalidAggregateActionAdd,
    _UPDATE: exception.InvalidAggregateActionUpdate,
    _UPDATE_META: exception.InvalidAggregateActionUpdateMeta,
}


# ---- availability zones -----------------------------------------------------

def host_zones(context):
    """``{host: zone}`` for the hosts aggregates put in a zone (one query);
    a host missing from it is in the default zone."""
    return objects.AggregateList.get_host_availability_zones(context)


def host_zone(zones, host):
    """The zone of compute ``host`` given :func:`host_zones`."""
    return zones.get(host) or CONF.default_availability_zone


def service_zone(service, zones):
    """The zone of a service: its host's for a compute, else internal."""
    if service.binary == service_obj.COMPUTE_BINARY:
        return host_zone(zones, service.host)
    return INTERNAL_ZONE


def get_availability_zones(context, services):
    """Zones with an enabled service, and zones with only disabled ones.

    :returns: (available, not_available), each a list of zone names in the
        order their services were first seen.
    """
    zones = host_zones(context)
    available, not_available = [], []
    for service in services:
        zone = service_zone(service, zones)
        if not service.disabled and zone not in available:
            available.append(zone)
    for service in services:
        zone = service_zone(service, zones)
        if (service.disabled and zone not in available and
                zone not in not_available):
            not_available.append(zone)
    return available, not_available


# ---- aggregates -------------------------------------------------------------

class AggregateAPI:
    """Create, change and delete aggregates, keeping zones consistent."""

    def create_aggregate(self, context, name, availability_zone=None):
        """:raises: AggregateNameExists"""
        aggregate = objects.Aggregate(context=context, name=name)
        aggregate.metadata = ({AZ_KEY: availability_zone}
                              if availability_zone else {})
        aggregate.create()
        return aggregate

    def get_aggregate(self, context, aggregate_id):
        """:raises: AggregateNotFound"""
        return objects.Aggregate.get_by_id(context, aggregate_id)

    def get_aggregate_list(self, context):
        return objects.AggregateList.get_all(context)

    def update_aggregate(self, context, aggregate_id, values):
        """Rename and/or move to another zone.

        :raises: AggregateNotFound, AggregateNameExists,
            InvalidAggregateActionUpdate (a zone its hosts cannot take)
        """
        aggregate = self.get_aggregate(context, aggregate_id)
        values = dict(values)
        if AZ_KEY in values:
            self._check_zone(context, {AZ_KEY: values[AZ_KEY]}, aggregate,
                             action=_UPDATE)
        if 'name' in values:
            aggregate.name = values['name']
            aggregate.save()
        if AZ_KEY in values:
            aggregate.update_metadata({AZ_KEY: values[AZ_KEY]})
        return aggregate

    def update_aggregate_metadata(self, context, aggregate_id, metadata):
        """Merge ``metadata`` (None removes a key).

        :raises: AggregateNotFound, InvalidAggregateActionUpdateMeta
        """
        aggregate = self.get_aggregate(context, aggregate_id)
        self._check_zone(context, metadata, aggregate, action=_UPDATE_META)
        aggregate.update_metadata(metadata)
        return aggregate

    def delete_aggregate(self, context, aggregate_id):
        """:raises: AggregateNotFound, InvalidAggregateActionDelete (it
        still has hosts)"""
        aggregate = self.get_aggregate(context, aggregate_id)
        if aggregate.hosts:
            raise exception.InvalidAggregateActionDelete(
                aggregate_id=aggregate_id,
                reason='Host aggregate is not empty')
        aggregate.destroy()

    def add_host_to_aggregate(self, context, aggregate_id, host):
        """:raises: ComputeHostNotFound, AggregateNotFound,
            AggregateHostExists, InvalidAggregateActionAdd (the host is
            already in another zone)"""
        self._check_compute_host(context, host)
        aggregate = self.get_aggregate(context, aggregate_id)
        self._check_zone(context, aggregate.metadata, aggregate,
                         hosts=[host], action=_ADD)
        aggregate.add_host(host)
        return aggregate

    def remove_host_from_aggregate(self, context, aggregate_id, host):
        """:raises: ComputeHostNotFound, AggregateNotFound,
            AggregateHostNotFound"""
        self._check_compute_host(context, host)
        aggregate = self.get_aggregate(context, aggregate_id)
        aggregate.delete_host(host)
        return aggregate

    @staticmethod
    def _check_compute_host(context, host):
        if not objects.ServiceList.get_all(context,
                                           binary=service_obj.COMPUTE_BINARY,
                                           host=host):
            raise exception.ComputeHostNotFound(host=host)

    @staticmethod
    def _check_zone(context, metadata, aggregate, hosts=None, action=_ADD):
        """Refuse an empty zone name, or a zone its hosts (or ``hosts``)
        cannot take because another aggregate already puts them in
        another zone, as Nova's ``is_safe_to_update_az`` does."""
        if AZ_KEY not in metadata:
            return
        zone = metadata[AZ_KEY]
        invalid = _INVALID[action]
        if not zone:
            raise invalid(aggregate_id=aggregate.id,
                          reason='Aggregate %s does not support empty '
                                 'named availability zone' % aggregate.name)
        conflicting = []
        for host in (hosts or aggregate.hosts):
            for other in objects.AggregateList.get_by_host(context, host,
                                                           key=AZ_KEY):
                if (other.id != aggregate.id and
                        other.availability_zone != zone and
                        other.availability_zone not in conflicting):
                    conflicting.append(other.availability_zone)
        if conflicting:
            raise invalid(aggregate_id=aggregate.id,
                          reason='One or more hosts already in '
                                 'availability zone(s) %s' % conflicting)

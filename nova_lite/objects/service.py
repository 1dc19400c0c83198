"""Service: one running nova-lite service (binary on a host) and its
heartbeat; the binaries its records name."""

from oslo_utils import timeutils
from oslo_utils import uuidutils
from oslo_versionedobjects import fields

from nova_lite import conf
from nova_lite.db import service_api
from nova_lite.objects import base

CONF = conf.CONF

# NOTE: a service record names its binary as Nova does, because that is
# what os-services shows and what tempest, the CLI and operators' scripts
# filter by (GET /os-services?binary=nova-compute); the console scripts
# that run them keep nova-lite's names (nova-lite-compute, ...). Migration
# 0012 renamed the records written before.
COMPUTE_BINARY = 'nova-compute'
CONDUCTOR_BINARY = 'nova-conductor'
SCHEDULER_BINARY = 'nova-scheduler'
# NOTE: Nova has no network host any more (nova-network was removed in
# Ussuri; Neutron's agents show in Neutron's API, not in os-services), so
# the network host keeps nova-lite's name rather than pose as
# nova-network, which tools read as "this cloud has no Neutron".
NETWORK_BINARY = 'nova-lite-network'

# NOTE: bumped when a service learns something its peers must know about
# during a rolling upgrade.
SERVICE_VERSION = 1


@base.NovaObjectRegistry.register
class Service(base.NovaObject, base.TimestampedObject):
    VERSION = '1.0'

    fields = dict(base.TimestampedObject.fields, **{
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'host': fields.StringField(),
        'binary': fields.StringField(),
        'topic': fields.StringField(nullable=True),
        'report_count': fields.IntegerField(default=0),
        'disabled': fields.BooleanField(default=False),
        'disabled_reason': fields.StringField(nullable=True),
        'forced_down': fields.BooleanField(default=False),
        'last_seen_up': fields.DateTimeField(nullable=True),
        'version': fields.IntegerField(default=SERVICE_VERSION),
    })

    @base.remotable_classmethod
    def get_by_host_and_binary(cls, context, host, binary):
        row = service_api.service_get_by_host_and_binary(host, binary)
        return cls._from_row(context, row) if row is not None else None

    @base.remotable_classmethod
    def get_by_id(cls, context, service_id):
        return cls._from_row(context, service_api.service_get(service_id))

    @base.remotable
    def create(self):
        row = service_api.service_create({
            'uuid': uuidutils.generate_uuid(), 'host': self.host,
            'binary': self.binary, 'topic': self.topic,
            'version': SERVICE_VERSION})
        self._from_row(self._context, row, self)

    @base.remotable
    def save(self):
        values = base.db_values(self, ('disabled', 'disabled_reason',
                                       'forced_down', 'version', 'topic'))
        if values:
            self._from_row(self._context,
                           service_api.service_update(self.id, values), self)

    @base.remotable
    def heartbeat(self):
        self._from_row(self._context,
                       service_api.service_heartbeat(self.id), self)

    @base.remotable
    def destroy(self):
        service_api.service_destroy(self.id)

    # ---- os-services management ----

    @base.remotable_classmethod
    def get_by_uuid(cls, context, service_uuid):
        """:raises: ServiceNotFound"""
        return cls._from_row(context,
                             service_api.service_get_by_uuid(service_uuid))

    @base.remotable
    def destroy_with_host(self, compute_binary):
        """Delete the service and, if it is ``compute_binary``, its
        compute nodes and aggregate membership.

        :raises: ComputeServiceInUse while instances are on the host
        """
        service_api.service_destroy_with_host(self.id, compute_binary)

    def is_up(self):
        """Whether the last heartbeat is recent enough, and not forced down."""
        if self.forced_down:
            return False
        last = self.last_seen_up or self.updated_at or self.created_at
        if last is None:
            return False
        elapsed = timeutils.delta_seconds(last, timeutils.utcnow(True))
        return abs(elapsed) <= CONF.service_down_time


@base.NovaObjectRegistry.register
class ServiceList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('Service')}

    @base.remotable_classmethod
    def get_all(cls, context, binary=None, host=None):
        rows = service_api.service_get_all(binary=binary, host=host)
        return cls._from_rows(context, Service, rows)

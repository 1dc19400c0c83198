"""Network, VirtualInterface and FixedIP: nova-lite's networks and the
addresses servers hold on them.

Compute hosts allocate and release addresses through the remotable
methods here, so those run in the conductor, as every database write of a
compute host does.
"""

from oslo_utils import versionutils
from oslo_versionedobjects import fields

from nova_lite.db import network_api as db
from nova_lite import exception
from nova_lite.objects import base
from nova_lite.objects import network_info as network_model


class NetworkModel(fields.FieldType):
    """A :class:`NetworkInfo`, carried over RPC as its JSON text."""

    @staticmethod
    def coerce(obj, attr, value):
        if isinstance(value, network_model.NetworkInfo):
            return value
        if isinstance(value, (list, str)):
            return network_model.NetworkInfo.hydrate(value)
        raise ValueError('A NetworkInfo is required in field %s, not a %s'
                         % (attr, type(value).__name__))

    @staticmethod
    def from_primitive(obj, attr, value):
        return network_model.NetworkInfo.hydrate(value)

    @staticmethod
    def to_primitive(obj, attr, value):
        return value.json()

    def stringify(self, value):
        return 'NetworkModel(%s)' % ','.join(
            ip['address'] for ip in value.fixed_ips())


class NetworkModelField(fields.AutoTypedField):
    AUTO_TYPE = NetworkModel()


def _visible_project(context):
    """The project whose networks ``context`` may see; None = all."""
    return None if context.is_admin else context.project_id


@base.NovaObjectRegistry.register
class Network(base.NovaObject, base.TimestampedObject):
    # Version 1.0: initial
    # Version 1.1: network_type, physical_network, segmentation_id,
    #              segment, enable_snat
    VERSION = '1.1'

    fields = dict(base.TimestampedObject.fields, **{
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'label': fields.StringField(),
        'cidr': fields.StringField(),
        'gateway': fields.StringField(nullable=True),
        'bridge': fields.StringField(),
        'dns1': fields.StringField(nullable=True),
        'dns2': fields.StringField(nullable=True),
        'mtu': fields.IntegerField(nullable=True),
        'project_id': fields.StringField(nullable=True),
        'network_type': fields.StringField(default='vxlan'),
        'physical_network': fields.StringField(nullable=True),
        'segmentation_id': fields.IntegerField(nullable=True),
        'segment': fields.StringField(nullable=True),
        'enable_snat': fields.BooleanField(default=False),
        'deleted': fields.BooleanField(default=False),
        'deleted_at': fields.DateTimeField(nullable=True),
    })

    SKIP_COLUMNS = ('deleted',)
    COLUMNS = ('uuid', 'label', 'cidr', 'gateway', 'bridge', 'dns1', 'dns2',
               'mtu', 'project_id', 'network_type', 'physical_network',
               'segmentation_id', 'segment', 'enable_snat')

    @classmethod
    def _from_row(cls, context, row, obj=None):
        obj = super()._from_row(context, row, obj)
        obj.deleted = bool(row.deleted)
        obj.obj_reset_changes()
        return obj

    @property
    def shared(self):
        """Whether every project may use it."""
        return self.project_id is None

    def check_fixed_ip(self, address):
        """``address`` in canonical form, if a server may have it here.

        :raises: FixedIpInvalid, FixedIpNotFoundForNetwork, FixedIpReserved
        """
        return db.check_fixed_ip(self.cidr, self.gateway, self.uuid, address)

    @base.remotable_classmethod
    def get_by_uuid(cls, context, uuid):
        """The network ``uuid``, if the context's project may use it.

        :raises: NetworkNotFound
        """
        row = db.network_get_by_uuid(uuid, _visible_project(context))
        return cls._from_row(context, row)

    @base.remotable_classmethod
    def get_by_label(cls, context, label):
        """:raises: NetworkNotFound"""
        row = db.network_get_by_label(label, _visible_project(context))
        return cls._from_row(context, row)

    @base.remotable
    def create(self, segments=None):
        """:param segments: candidate ``[segmentation_id, segment]``
            pairs when the segment is to be allocated; see
            :func:`nova_lite.db.network_api.network_create`."""
        if self.obj_attr_is_set('id'):
            raise exception.ObjectActionError(action='create',
                                              reason='already created')
        values = {name: getattr(self, name) for name in self.COLUMNS
                  if self.obj_attr_is_set(name)}
        self._from_row(self._context,
                       db.network_create(values, segments=segments), self)

    @base.remotable
    def destroy(self):
        """Delete the network; refused while addresses are allocated.

        :raises: NetworkInUse, NetworkNotFound
        """
        db.network_destroy(self.uuid)
        self.deleted = True
        self.obj_reset_changes(['deleted'])

    @base.remotable
    def allocated_count(self):
        """How many of its addresses servers hold."""
        return db.network_allocated_counts([self.id]).get(self.id, 0)

    @base.remotable
    def dhcp_hosts(self):
        """``[[MAC, fixed IP, hostname]]`` of the addresses held on it."""
        return [list(row) for row in db.network_dhcp_hosts(self.id)]

    def usable_count(self):
        """How many of its addresses servers may hold at most."""
        return db.usable_address_count(self.cidr, self.gateway)


@base.NovaObjectRegistry.register
class NetworkList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('Network')}

    @base.remotable_classmethod
    def get_all(cls, context):
        """Every network the context may see, oldest first: all of them
        for an administrator, else the shared ones and its project's."""
        rows = db.network_get_all(_visible_project(context))
        return cls._from_rows(context, Network, rows)

    @base.remotable_classmethod
    def get_by_project(cls, context, project_id):
        """The networks servers of ``project_id`` may use (shared and its
        own), oldest first, whoever asks."""
        return cls._from_rows(context, Network,
                              db.network_get_all(project_id))


@base.NovaObjectRegistry.register
class VirtualInterface(base.NovaObject, base.TimestampedObject):
    """A NIC of an instance, with its network and fixed IPs."""

    # Version 1.1: held_by_host
    VERSION = '1.1'

    fields = dict(base.TimestampedObject.fields, **{
        'id': fields.IntegerField(),
        'uuid': fields.UUIDField(),
        'address': fields.StringField(),
        'network_id': fields.IntegerField(),
        'instance_uuid': fields.UUIDField(),
        # NOTE: the compute host this NIC is kept for, after its instance
        # was deleted while that host was down (see db/network_api.py).
        'held_by_host': fields.StringField(nullable=True),
        'network': fields.ObjectField('Network'),
        'fixed_ips': fields.ListOfStringsField(default=[]),
    })

    SKIP_COLUMNS = ('network', 'fixed_ips')

    def obj_make_compatible(self, primitive, target_version):
        super().obj_make_compatible(primitive, target_version)
        if versionutils.convert_version_to_tuple(target_version) < (1, 1):
            primitive.pop('held_by_host', None)

    @classmethod
    def _from_row(cls, context, row, obj=None):
        obj = super()._from_row(context, row, obj)
        obj.network = Network._from_row(context, row.network)
        obj.fixed_ips = [fixed.address for fixed in row.fixed_ips]
        obj.obj_reset_changes()
        return obj

    @base.remotable_classmethod
    def allocate(cls, context, instance_uuid, network_id, address=None):
        """A new VIF of ``instance_uuid`` on a network, with an address.

        :param address: the fixed IP wanted; None for the lowest free one.
        :raises: see :func:`nova_lite.db.network_api.
            virtual_interface_allocate`.
        """
        row = db.virtual_interface_allocate(instance_uuid, network_id,
                                            address=address)
        return cls._from_row(context, row)


@base.NovaObjectRegistry.register
class VirtualInterfaceList(base.ObjectListBase, base.NovaObject):
    # Version 1.1: hold_by_instance_uuid, get_held_by_host, release_held
    VERSION = '1.1'

    fields = {'objects': fields.ListOfObjectsField('VirtualInterface')}

    @base.remotable_classmethod
    def get_by_instance_uuid(cls, context, instance_uuid):
        rows = db.virtual_interface_get_by_instance(instance_uuid)
        return cls._from_rows(context, VirtualInterface, rows)

    @base.remotable_classmethod
    def delete_by_instance_uuid(cls, context, instance_uuid):
        """Release every VIF and address of an instance; returns how many
        VIFs there were."""
        return db.virtual_interface_delete_by_instance(instance_uuid)

    @base.remotable_classmethod
    def hold_by_instance_uuid(cls, context, instance_uuid, host):
        """Keep every VIF and address of an instance for ``host`` (its
        guest may still run there); returns how many VIFs."""
        return db.virtual_interface_hold_by_instance(instance_uuid, host)

    @base.remotable_classmethod
    def get_held_by_host(cls, context, host):
        return cls._from_rows(context, VirtualInterface,
                              db.virtual_interface_get_held_by_host(host))

    @base.remotable_classmethod
    def release_held(cls, context, host, instance_uuid=None):
        """Release what is held for ``host`` (of ``instance_uuid`` only,
        when given); returns how many VIFs."""
        return db.virtual_interface_release_held(host, instance_uuid)


@base.NovaObjectRegistry.register
class FixedIP(base.NovaObject, base.TimestampedObject):
    """An allocated address of a network."""

    VERSION = '1.0'

    fields = dict(base.TimestampedObject.fields, **{
        'id': fields.IntegerField(),
        'address': fields.StringField(),
        'network_id': fields.IntegerField(),
        'virtual_interface_id': fields.IntegerField(),
        'instance_uuid': fields.UUIDField(),
    })

    @base.remotable_classmethod
    def get_by_address(cls, context, network_id, address):
        """:raises: FixedIpNotFoundForAddress when nobody holds it."""
        return cls._from_row(context,
                             db.fixed_ip_get_by_address(network_id, address))


@base.NovaObjectRegistry.register
class FixedIPList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('FixedIP')}

    @base.remotable_classmethod
    def get_by_network(cls, context, network_id):
        return cls._from_rows(context, FixedIP,
                              db.fixed_ip_get_by_network(network_id))


@base.NovaObjectRegistry.register
class TunnelEndpoint(base.NovaObject, base.TimestampedObject):
    """A host's VXLAN tunnel address."""

    VERSION = '1.0'

    fields = dict(base.TimestampedObject.fields, **{
        'id': fields.IntegerField(),
        'host': fields.StringField(),
        'ip_address': fields.StringField(),
    })

    @base.remotable_classmethod
    def register(cls, context, host, ip_address):
        """Record ``ip_address`` as the tunnel address of ``host``."""
        return cls._from_row(context,
                             db.tunnel_endpoint_set(host, ip_address))

    @base.remotable_classmethod
    def delete_by_host(cls, context, host):
        return db.tunnel_endpoint_delete(host)


@base.NovaObjectRegistry.register
class TunnelEndpointList(base.ObjectListBase, base.NovaObject):
    VERSION = '1.0'

    fields = {'objects': fields.ListOfObjectsField('TunnelEndpoint')}

    @base.remotable_classmethod
    def get_all(cls, context):
        return cls._from_rows(context, TunnelEndpoint,
                              db.tunnel_endpoint_get_all())

"""SQLAlchemy models of every table nova-lite keeps.

Instances are soft-deleted (``deleted`` = their id) so that
``changes-since`` can report deletions; everything else is removed for good.
"""

import sqlalchemy as sa
from sqlalchemy import orm

from nova_lite import sql


class Base(orm.DeclarativeBase):
    pass


class Service(Base, sql.TimestampMixin):
    __tablename__ = 'services'
    __table_args__ = (
        sa.UniqueConstraint('host', 'binary',
                            name='uniq_services0host0binary'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False, unique=True)
    host = sa.Column(sa.String(255), nullable=False)
    binary = sa.Column(sa.String(255), nullable=False)
    topic = sa.Column(sa.String(255))
    report_count = sa.Column(sa.Integer, nullable=False, default=0)
    disabled = sa.Column(sa.Boolean, nullable=False, default=False)
    disabled_reason = sa.Column(sa.String(255))
    forced_down = sa.Column(sa.Boolean, nullable=False, default=False)
    last_seen_up = sa.Column(sa.DateTime)
    version = sa.Column(sa.Integer, nullable=False, default=0)


class ComputeNode(Base, sql.TimestampMixin):
    __tablename__ = 'compute_nodes'
    __table_args__ = (
        sa.UniqueConstraint('host', 'hypervisor_hostname',
                            name='uniq_compute_nodes0host0hypervisor_'
                                 'hostname'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False, unique=True)
    host = sa.Column(sa.String(255), nullable=False)
    hypervisor_hostname = sa.Column(sa.String(255), nullable=False)
    hypervisor_type = sa.Column(sa.String(255), nullable=False)
    hypervisor_version = sa.Column(sa.Integer, nullable=False, default=0)
    host_ip = sa.Column(sa.String(64))
    vcpus = sa.Column(sa.Integer, nullable=False)
    memory_mb = sa.Column(sa.Integer, nullable=False)
    local_gb = sa.Column(sa.Integer, nullable=False)
    reserved_vcpus = sa.Column(sa.Integer, nullable=False, default=0)
    reserved_memory_mb = sa.Column(sa.Integer, nullable=False, default=0)
    reserved_disk_gb = sa.Column(sa.Integer, nullable=False, default=0)
    cpu_allocation_ratio = sa.Column(sa.Float, nullable=False)
    ram_allocation_ratio = sa.Column(sa.Float, nullable=False)
    disk_allocation_ratio = sa.Column(sa.Float, nullable=False)
    # NOTE: bumped by every claim; a claim whose generation moved under it
    # lost a race and is retried, so concurrent schedulers never over-commit.
    generation = sa.Column(sa.Integer, nullable=False, default=0)
    cpu_info = sa.Column(sa.Text)


class Allocation(Base):
    __tablename__ = 'allocations'
    __table_args__ = (
        sa.Index('allocations_consumer_idx', 'consumer_id'),
        sa.Index('allocations_node_class_idx', 'compute_node_id',
                 'resource_class'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    compute_node_id = sa.Column(sa.Integer,
                                sa.ForeignKey('compute_nodes.id'),
                                nullable=False)
    consumer_id = sa.Column(sa.String(36), nullable=False)
    resource_class = sa.Column(sa.String(64), nullable=False)
    used = sa.Column(sa.Integer, nullable=False)
    created_at = sa.Column(sa.DateTime, default=sql.now, nullable=False)


class Flavor(Base, sql.TimestampMixin):
    __tablename__ = 'flavors'
    id = sa.Column(sa.Integer, primary_key=True)
    flavorid = sa.Column(sa.String(255), nullable=False, unique=True)
    name = sa.Column(sa.String(255), nullable=False, unique=True)
    memory_mb = sa.Column(sa.Integer, nullable=False)
    vcpus = sa.Column(sa.Integer, nullable=False)
    root_gb = sa.Column(sa.Integer, nullable=False)
    ephemeral_gb = sa.Column(sa.Integer, nullable=False, default=0)
    swap = sa.Column(sa.Integer, nullable=False, default=0)
    rxtx_factor = sa.Column(sa.Float, nullable=False, default=1.0)
    vcpu_weight = sa.Column(sa.Integer)
    disabled = sa.Column(sa.Boolean, nullable=False, default=False)
    is_public = sa.Column(sa.Boolean, nullable=False, default=True)
    description = sa.Column(sa.Text)
    extra_specs = orm.relationship(
        'FlavorExtraSpec', cascade='all, delete-orphan', lazy='selectin')
    projects = orm.relationship(
        'FlavorProject', cascade='all, delete-orphan', lazy='selectin')


class FlavorExtraSpec(Base, sql.TimestampMixin):
    __tablename__ = 'flavor_extra_specs'
    __table_args__ = (
        sa.UniqueConstraint('flavor_id', 'key',
                            name='uniq_flavor_extra_specs0flavor_id0key'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    flavor_id = sa.Column(sa.Integer, sa.ForeignKey('flavors.id'),
                          nullable=False)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255))


class FlavorProject(Base, sql.TimestampMixin):
    __tablename__ = 'flavor_projects'
    __table_args__ = (
        sa.UniqueConstraint('flavor_id', 'project_id',
                            name='uniq_flavor_projects0flavor_id0project_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    flavor_id = sa.Column(sa.Integer, sa.ForeignKey('flavors.id'),
                          nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)


class KeyPair(Base, sql.TimestampMixin):
    __tablename__ = 'key_pairs'
    __table_args__ = (
        sa.UniqueConstraint('user_id', 'name',
                            name='uniq_key_pairs0user_id0name'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(255), nullable=False)
    user_id = sa.Column(sa.String(255), nullable=False)
    fingerprint = sa.Column(sa.String(255))
    public_key = sa.Column(sa.Text)
    type = sa.Column(sa.String(16), nullable=False, default='ssh')


class Instance(Base, sql.TimestampMixin):
    __tablename__ = 'instances'
    __table_args__ = (
        sa.Index('instances_project_id_deleted_idx', 'project_id', 'deleted'),
        sa.Index('instances_host_deleted_idx', 'host', 'deleted'),
        sa.Index('instances_updated_at_idx', 'updated_at'),
        sa.Index('instances_created_at_idx', 'created_at'),
        sa.Index('instances_reservation_id_idx', 'reservation_id'),
        # The server list (migration 0010): default sort, changes-since.
        sa.Index('instances_deleted_created_at_id_idx',
                 'deleted', 'created_at', 'id'),
        sa.Index('instances_project_id_deleted_created_at_id_idx',
                 'project_id', 'deleted', 'created_at', 'id'),
        sa.Index('instances_project_id_updated_at_idx',
                 'project_id', 'updated_at'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False, unique=True)
    user_id = sa.Column(sa.String(255), nullable=False)
    project_id = sa.Column(sa.String(255), nullable=False)
    display_name = sa.Column(sa.String(255))
    display_description = sa.Column(sa.Text)
    hostname = sa.Column(sa.String(255))
    image_ref = sa.Column(sa.String(255))
    instance_type_id = sa.Column(sa.Integer)
    # NOTE: the flavor is copied, not referenced: a server keeps the sizes
    # it was built with even if its flavor is later deleted.
    flavor = sa.Column(sa.Text)
    vcpus = sa.Column(sa.Integer, nullable=False, default=0)
    memory_mb = sa.Column(sa.Integer, nullable=False, default=0)
    root_gb = sa.Column(sa.Integer, nullable=False, default=0)
    ephemeral_gb = sa.Column(sa.Integer, nullable=False, default=0)
    vm_state = sa.Column(sa.String(255))
    task_state = sa.Column(sa.String(255))
    power_state = sa.Column(sa.Integer, nullable=False, default=0)
    host = sa.Column(sa.String(255))
    node = sa.Column(sa.String(255))
    launched_on = sa.Column(sa.String(255))
    launched_at = sa.Column(sa.DateTime)
    terminated_at = sa.Column(sa.DateTime)
    availability_zone = sa.Column(sa.String(255))
    key_name = sa.Column(sa.String(255))
    key_data = sa.Column(sa.Text)
    user_data = sa.Column(sa.Text)
    reservation_id = sa.Column(sa.String(255))
    launch_index = sa.Column(sa.Integer, nullable=False, default=0)
    config_drive = sa.Column(sa.String(255))
    access_ip_v4 = sa.Column(sa.String(39))
    access_ip_v6 = sa.Column(sa.String(39))
    locked = sa.Column(sa.Boolean, nullable=False, default=False)
    locked_by = sa.Column(sa.String(16))
    progress = sa.Column(sa.Integer, nullable=False, default=0)
    system_metadata = sa.Column(sa.Text)
    # NOTE: the instance's VIFs as Nova's network model in JSON (what Nova
    # keeps in instance_info_caches), so that a server list shows addresses
    # without one query per server.
    network_info = sa.Column(sa.Text)
    deleted = sa.Column(sa.Integer, nullable=False, default=0)
    deleted_at = sa.Column(sa.DateTime)
    metadata_items = orm.relationship(
        'InstanceMetadata', cascade='all, delete-orphan', lazy='selectin',
        primaryjoin='Instance.uuid == InstanceMetadata.instance_uuid',
        foreign_keys='InstanceMetadata.instance_uuid')
    # NOTE: loaded with the instance (one query per list, not per server);
    # written only through the tag functions of db/api.py.
    tags = orm.relationship(
        'Tag', lazy='selectin', viewonly=True,
        primaryjoin='Instance.uuid == Tag.resource_id',
        foreign_keys='Tag.resource_id', order_by='Tag.tag')


class InstanceMetadata(Base, sql.TimestampMixin):
    __tablename__ = 'instance_metadata'
    __table_args__ = (
        sa.UniqueConstraint('instance_uuid', 'key',
                            name='uniq_instance_metadata0instance_uuid0key'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255))


class InstanceFault(Base):
    __tablename__ = 'instance_faults'
    __table_args__ = (
        sa.Index('instance_faults_instance_uuid_idx', 'instance_uuid'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    code = sa.Column(sa.Integer, nullable=False)
    message = sa.Column(sa.String(255))
    details = sa.Column(sa.Text)
    host = sa.Column(sa.String(255))
    created_at = sa.Column(sa.DateTime, default=sql.now, nullable=False)


class InstanceAction(Base, sql.TimestampMixin):
    __tablename__ = 'instance_actions'
    __table_args__ = (
        sa.Index('instance_actions_instance_uuid_idx', 'instance_uuid'),
        sa.Index('instance_actions_request_id_idx', 'request_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    action = sa.Column(sa.String(255))
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    request_id = sa.Column(sa.String(255))
    user_id = sa.Column(sa.String(255))
    project_id = sa.Column(sa.String(255))
    start_time = sa.Column(sa.DateTime, default=sql.now)
    finish_time = sa.Column(sa.DateTime)
    message = sa.Column(sa.String(255))


class InstanceActionEvent(Base, sql.TimestampMixin):
    __tablename__ = 'instance_actions_events'
    id = sa.Column(sa.Integer, primary_key=True)
    action_id = sa.Column(sa.Integer, sa.ForeignKey('instance_actions.id'),
                          nullable=False, index=True)
    event = sa.Column(sa.String(255))
    start_time = sa.Column(sa.DateTime, default=sql.now)
    finish_time = sa.Column(sa.DateTime)
    result = sa.Column(sa.String(255))
    traceback = sa.Column(sa.Text)
    host = sa.Column(sa.String(255))
    details = sa.Column(sa.Text)


class RequestSpec(Base, sql.TimestampMixin):
    __tablename__ = 'request_specs'
    id = sa.Column(sa.Integer, primary_key=True)
    instance_uuid = sa.Column(sa.String(36), nullable=False, unique=True)
    spec = sa.Column(sa.Text, nullable=False)


# ---- networks and their addresses (nova-lite's nova-network) ---------------

class Network(Base, sql.TimestampMixin):
    """An IPv4 network: one L2 segment across every host, a Linux bridge
    on each.

    Soft-deleted (``deleted`` = its id) like nova-network's networks, so a
    label can be used again after a delete. ``project_id`` NULL means
    shared: every project may attach servers to it. ``segment`` names the
    segment (``vxlan:VNI``, ``vlan:PHYSNET:VID``, ``flat:PHYSNET``) so
    that the unique key gives one segment to one live network, whoever
    races for it.
    """
    __tablename__ = 'networks'
    __table_args__ = (
        sa.UniqueConstraint('label', 'deleted',
                            name='uniq_networks0label0deleted'),
        sa.UniqueConstraint('segment', 'deleted',
                            name='uniq_networks0segment0deleted'),
        sa.Index('networks_project_id_deleted_idx', 'project_id',
                 'deleted'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False, unique=True)
    label = sa.Column(sa.String(255), nullable=False)
    cidr = sa.Column(sa.String(43), nullable=False)
    gateway = sa.Column(sa.String(39))
    bridge = sa.Column(sa.String(15), nullable=False)
    dns1 = sa.Column(sa.String(39))
    dns2 = sa.Column(sa.String(39))
    mtu = sa.Column(sa.Integer)
    project_id = sa.Column(sa.String(255))
    network_type = sa.Column(sa.String(16), nullable=False,
                             default='vxlan', server_default='vxlan')
    physical_network = sa.Column(sa.String(64))
    segmentation_id = sa.Column(sa.Integer)
    segment = sa.Column(sa.String(96))
    enable_snat = sa.Column(sa.Boolean, nullable=False, default=False,
                            server_default=sa.false())
    deleted = sa.Column(sa.Integer, nullable=False, default=0)
    deleted_at = sa.Column(sa.DateTime)


class TunnelEndpoint(Base, sql.TimestampMixin):
    """A host's VXLAN tunnel address (Neutron's ``ml2_vxlan_endpoints``)."""
    __tablename__ = 'tunnel_endpoints'
    __table_args__ = (
        sa.UniqueConstraint('host', name='uniq_tunnel_endpoints0host'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    host = sa.Column(sa.String(255), nullable=False)
    ip_address = sa.Column(sa.String(64), nullable=False)


class VirtualInterface(Base, sql.TimestampMixin):
    """One NIC of an instance on a network; ``address`` is its MAC.

    ``held_by_host`` is set when the instance was deleted while its
    compute host was down: its guest may still run there, so the MAC and
    fixed IPs stay taken until that host confirms the guest is gone or
    its compute service is deleted.
    """
    __tablename__ = 'virtual_interfaces'
    __table_args__ = (
        sa.UniqueConstraint('address',
                            name='uniq_virtual_interfaces0address'),
        sa.Index('virtual_interfaces_instance_uuid_idx', 'instance_uuid'),
        sa.Index('virtual_interfaces_held_by_host_idx', 'held_by_host'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False, unique=True)
    address = sa.Column(sa.String(17), nullable=False)
    network_id = sa.Column(sa.Integer, sa.ForeignKey('networks.id'),
                           nullable=False)
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    held_by_host = sa.Column(sa.String(255))
    network = orm.relationship('Network', lazy='joined')
    fixed_ips = orm.relationship('FixedIp', lazy='selectin',
                                 order_by='FixedIp.id')


class FixedIp(Base, sql.TimestampMixin):
    """An IPv4 address of a network held by one VIF.

    A row exists only while the address is allocated: the unique key on
    (network_id, address) is what makes two allocators racing for one
    address (threads, processes, any database) end with one winner.
    """
    __tablename__ = 'fixed_ips'
    __table_args__ = (
        sa.UniqueConstraint('network_id', 'address',
                            name='uniq_fixed_ips0network_id0address'),
        sa.Index('fixed_ips_instance_uuid_idx', 'instance_uuid'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    address = sa.Column(sa.String(39), nullable=False)
    network_id = sa.Column(sa.Integer, sa.ForeignKey('networks.id'),
                           nullable=False)
    virtual_interface_id = sa.Column(
        sa.Integer, sa.ForeignKey('virtual_interfaces.id'), nullable=False)
    instance_uuid = sa.Column(sa.String(36), nullable=False)


class Tag(Base):
    """A tag of a server (Nova's ``tags`` table: ``resource_id`` is the
    instance uuid)."""
    __tablename__ = 'tags'
    __table_args__ = (
        sa.Index('tags_tag_idx', 'tag'),
    )
    resource_id = sa.Column(sa.String(36), primary_key=True)
    tag = sa.Column(sa.String(80), primary_key=True)


class Quota(Base, sql.TimestampMixin):
    """A project's limit of one resource, set by an admin; without a row
    the ``[quota]`` default applies."""
    __tablename__ = 'quotas'
    __table_args__ = (
        sa.UniqueConstraint('project_id', 'resource',
                            name='uniq_quotas0project_id0resource'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    project_id = sa.Column(sa.String(255), nullable=False)
    resource = sa.Column(sa.String(255), nullable=False)
    hard_limit = sa.Column(sa.Integer, nullable=False)


class QuotaClass(Base, sql.TimestampMixin):
    """A quota class's limit of one resource (os-quota-class-sets); the
    ``default`` class's rows are the defaults of every project, over
    ``[quota]``."""
    __tablename__ = 'quota_classes'
    __table_args__ = (
        sa.UniqueConstraint('class_name', 'resource',
                            name='uniq_quota_classes0class_name0resource'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    class_name = sa.Column(sa.String(255), nullable=False)
    resource = sa.Column(sa.String(255), nullable=False)
    hard_limit = sa.Column(sa.Integer, nullable=False)


# ---- resize: migrations -----------------------------------------------------

class Migration(Base, sql.TimestampMixin):
    """One move of an instance between hosts (a resize, a cold or live
    migration, an evacuation), Nova's
    ``migrations`` table; ``deleted`` is the row's id once deleted."""
    __tablename__ = 'migrations'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_migrations0uuid'),
        sa.Index('migrations_instance_uuid_and_status_idx', 'deleted',
                 'instance_uuid', 'status'),
        sa.Index('migrations_by_host_nodes_and_status_idx', 'deleted',
                 'source_compute', 'dest_compute', 'status'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    source_compute = sa.Column(sa.String(255))
    dest_compute = sa.Column(sa.String(255))
    source_node = sa.Column(sa.String(255))
    dest_node = sa.Column(sa.String(255))
    dest_host = sa.Column(sa.String(255))
    old_instance_type_id = sa.Column(sa.Integer)
    new_instance_type_id = sa.Column(sa.Integer)
    instance_uuid = sa.Column(sa.String(36), nullable=False)
    status = sa.Column(sa.String(255), nullable=False)
    migration_type = sa.Column(sa.String(32), nullable=False)
    user_id = sa.Column(sa.String(255))
    project_id = sa.Column(sa.String(255))
    # NOTE: a live migration's progress, in bytes, as libvirt reports it.
    memory_total = sa.Column(sa.BigInteger)
    memory_processed = sa.Column(sa.BigInteger)
    memory_remaining = sa.Column(sa.BigInteger)
    disk_total = sa.Column(sa.BigInteger)
    disk_processed = sa.Column(sa.BigInteger)
    disk_remaining = sa.Column(sa.BigInteger)
    deleted_at = sa.Column(sa.DateTime)
    deleted = sa.Column(sa.Integer, nullable=False, default=0,
                        server_default='0')


# ---- host aggregates (and through them, availability zones) ----------------

class Aggregate(Base, sql.TimestampMixin):
    """A named group of compute hosts with metadata, for admins only.

    Removed for good on delete (Nova refuses to delete one with hosts, so
    nothing points at a deleted aggregate). The ``availability_zone`` key of
    its metadata puts its hosts in that zone.
    """
    __tablename__ = 'aggregates'
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False, unique=True)
    name = sa.Column(sa.String(255), nullable=False, unique=True)
    hosts = orm.relationship(
        'AggregateHost', cascade='all, delete-orphan', lazy='selectin',
        order_by='AggregateHost.id')
    metadata_items = orm.relationship(
        'AggregateMetadata', cascade='all, delete-orphan', lazy='selectin',
        order_by='AggregateMetadata.key')


class AggregateHost(Base, sql.TimestampMixin):
    """A compute host (a service's host name) in an aggregate."""
    __tablename__ = 'aggregate_hosts'
    __table_args__ = (
        sa.UniqueConstraint('aggregate_id', 'host',
                            name='uniq_aggregate_hosts0aggregate_id0host'),
        sa.Index('aggregate_hosts_host_idx', 'host'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    aggregate_id = sa.Column(
        sa.Integer, sa.ForeignKey('aggregates.id', ondelete='CASCADE'),
        nullable=False)
    host = sa.Column(sa.String(255), nullable=False)


class AggregateMetadata(Base, sql.TimestampMixin):
    """One key of an aggregate's metadata."""
    __tablename__ = 'aggregate_metadata'
    __table_args__ = (
        sa.UniqueConstraint('aggregate_id', 'key',
                            name='uniq_aggregate_metadata0aggregate_id0key'),
        sa.Index('aggregate_metadata_key_idx', 'key'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    aggregate_id = sa.Column(
        sa.Integer, sa.ForeignKey('aggregates.id', ondelete='CASCADE'),
        nullable=False)
    key = sa.Column(sa.String(255), nullable=False)
    value = sa.Column(sa.String(255), nullable=False)


# ---- server groups ---------------------------------------------------------

class InstanceGroup(Base, sql.TimestampMixin):
    """A server group: one policy (and its rules) over its members."""

    __tablename__ = 'instance_groups'
    __table_args__ = (
        sa.UniqueConstraint('uuid', name='uniq_instance_groups0uuid'),
        sa.Index('instance_groups_project_id_idx', 'project_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    uuid = sa.Column(sa.String(36), nullable=False)
    name = sa.Column(sa.String(255))
    user_id = sa.Column(sa.String(255))
    project_id = sa.Column(sa.String(255))
    policy = sa.Column(sa.String(255), nullable=False)
    # NOTE: JSON, e.g. {"max_server_per_host": 3} (2.64).
    rules = sa.Column(sa.Text)
    # NOTE: bumped by every claim for a member: the first write of the
    # claim transaction, so claims into one group queue up on this row
    # (sqlite has no row locks: there it takes the database write lock).
    generation = sa.Column(sa.Integer, nullable=False, default=0)
    members = orm.relationship(
        'InstanceGroupMember', lazy='selectin', viewonly=True,
        order_by='InstanceGroupMember.id')


class InstanceGroupMember(Base, sql.TimestampMixin):
    __tablename__ = 'instance_group_member'
    __table_args__ = (
        sa.UniqueConstraint('instance_uuid',
                            name='uniq_instance_group_member0instance_uuid'),
        sa.Index('instance_group_member_group_idx', 'group_id'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    group_id = sa.Column(
        sa.Integer, sa.ForeignKey('instance_groups.id', ondelete='CASCADE'),
        nullable=False)
    instance_uuid = sa.Column(sa.String(36), nullable=False)


class TaskLog(Base, sql.TimestampMixin):
    """One run of a periodic task on one host for one period (Nova's
    task_log: the instance usage audit writes it)."""

    __tablename__ = 'task_log'
    __table_args__ = (
        sa.UniqueConstraint(
            'task_name', 'host', 'period_beginning', 'period_ending',
            name='uniq_task_log0task_name0host0period_beginning0'
                 'period_ending'),
        sa.Index('ix_task_log_period_beginning', 'period_beginning'),
        sa.Index('ix_task_log_period_ending', 'period_ending'),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    task_name = sa.Column(sa.String(255), nullable=False)
    # NOTE: RUNNING, then DONE (Nova's words).
    state = sa.Column(sa.String(255), nullable=False)
    host = sa.Column(sa.String(255), nullable=False)
    period_beginning = sa.Column(sa.DateTime, nullable=False)
    period_ending = sa.Column(sa.DateTime, nullable=False)
    message = sa.Column(sa.String(255), nullable=False)
    task_items = sa.Column(sa.Integer(), default=0)
    errors = sa.Column(sa.Integer(), default=0)

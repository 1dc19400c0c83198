"""Host states: what the scheduler knows of each compute node per request."""

from oslo_log import log as logging
from oslo_serialization import jsonutils

from nova_lite import conf
from nova_lite.db import compute_node_api as node_db
from nova_lite.db import server_group_api as group_db
from nova_lite import objects
from nova_lite.objects import service as service_obj
from nova_lite.scheduler import utils

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# NOTE: libvirt names its QEMU driver "QEMU" whether guests run under KVM
# or plain emulation, so a QEMU host is taken to run both; the compute can
# say exactly what it runs by putting ``supported_instances`` (a list of
# [arch, hv_type, vm_mode]) into its cpu_info.
_HV_TYPES = {'qemu': ('qemu', 'kvm'), 'kvm': ('kvm', 'qemu')}


def availability_zone_of(host, aggregates=()):
    """The availability zone a compute host is in: the one the first of
    its ``aggregates`` with a zone names (the aggregate API keeps them in
    agreement), else ``[DEFAULT] default_availability_zone``."""
    for aggregate in aggregates:
        if aggregate.availability_zone:
            return aggregate.availability_zone
    return CONF.default_availability_zone


def aggregates_by_host(context):
    """``{host: [Aggregate]}`` from one read of every aggregate."""
    by_host = {}
    for aggregate in objects.AggregateList.get_all(context):
        for host in aggregate.hosts:
            by_host.setdefault(host, []).append(aggregate)
    return by_host


def _load_cpu_info(text):
    if not text:
        return {}
    try:
        info = jsonutils.loads(text)
    except ValueError:
        return {}
    return info if isinstance(info, dict) else {}


def _supported_instances(hypervisor_type, cpu_info):
    """``[(arch, hv_type, vm_mode)]`` a host can run; [] when unknown."""
    reported = cpu_info.get('supported_instances')
    if isinstance(reported, list):
        return [tuple(str(part).lower() if part else None
                      for part in (list(entry) + [None] * 3)[:3])
                for entry in reported if isinstance(entry, (list, tuple))]
    arch = cpu_info.get('arch')
    if not arch or not hypervisor_type:
        return []
    hv_type = hypervisor_type.lower()
    # NOTE: every hypervisor nova-lite drives (libvirt QEMU/KVM and the fake
    # one) runs fully virtualised guests: vm_mode "hvm".
    return [(arch.lower(), hv, 'hvm')
            for hv in _HV_TYPES.get(hv_type, (hv_type,))]


class HostState:
    """One compute node as the scheduler sees it while placing a request.

    Built from the node's inventory, its compute service and the sum of the
    allocations against it. ``free`` is what filters and weighers use;
    :meth:`consume` moves it after a claim so that later instances of the
    same request see the space as taken.
    """

    def __init__(self, compute_node, service, usage, availability_zone):
        self.host = compute_node.host
        self.nodename = compute_node.hypervisor_hostname
        self.compute_node_id = compute_node.id
        self.compute_node_uuid = compute_node.uuid
        self.hypervisor_type = compute_node.hypervisor_type
        self.hypervisor_version = compute_node.hypervisor_version
        self.vcpus = compute_node.vcpus
        self.memory_mb = compute_node.memory_mb
        self.local_gb = compute_node.local_gb
        self.reserved = {'VCPU': compute_node.reserved_vcpus,
                         'MEMORY_MB': compute_node.reserved_memory_mb,
                         'DISK_GB': compute_node.reserved_disk_gb}
        self.allocation_ratios = {
            'VCPU': compute_node.cpu_allocation_ratio,
            'MEMORY_MB': compute_node.ram_allocation_ratio,
            'DISK_GB': compute_node.disk_allocation_ratio}
        # NOTE: the same arithmetic the claim uses in the database, so a
        # host the filters pass is a host the claim can fit.
        self.capacity = dict(node_db.capacity_of(compute_node))
        self.used = {rc: int((usage or {}).get(rc, 0))
                     for rc in utils.RESOURCE_CLASSES}
        self.cpu_info = _load_cpu_info(compute_node.cpu_info)
        self.supported_instances = _supported_instances(
            self.hypervisor_type, self.cpu_info)
        self.availability_zone = availability_zone
        # NOTE: uuids of the request's server group's members that hold a
        # claim here; set by set_group_members.
        self.group_members = set()
        # NOTE: the host aggregates the host is in, set by HostManager.
        self.aggregates = []
        self.service = service
        if service is None:
            self.service_up = False
            self.service_disabled = False
            self.disabled_reason = None
        else:
            self.service_up = service.is_up()
            self.service_disabled = service.disabled
            self.disabled_reason = service.disabled_reason

    @property
    def name(self):
        """How explanations name the host: ``host`` or ``host/node``."""
        if self.nodename in (None, self.host):
            return self.host
        return '%s/%s' % (self.host, self.nodename)

    @property
    def free(self):
        """``{resource_class: amount}`` still claimable; may be negative
        when a node shrank below what is allocated on it."""
        return {rc: self.capacity.get(rc, 0) - self.used.get(rc, 0)
                for rc in utils.RESOURCE_CLASSES}

    @property
    def free_ram_mb(self):
        return self.free['MEMORY_MB']

    @property
    def free_vcpus(self):
        return self.free['VCPU']

    @property
    def free_disk_gb(self):
        return self.free['DISK_GB']

    def consume(self, resources):
        """Count a claim made on this host for the rest of the request."""
        for rc, amount in resources.items():
            self.used[rc] = self.used.get(rc, 0) + amount

    def __repr__(self):
        return ('<HostState %s free=%s up=%s disabled=%s az=%s>' %
                (self.name, self.free, self.service_up,
                 self.service_disabled, self.availability_zone))


class HostManager:
    """Reads the state of every compute node in a fixed number of queries."""

    def get_host_states(self, context):
        """One :class:`HostState` per compute node, ordered by node id.

        A fixed number of queries whatever the number of hosts: compute
        nodes, compute services, allocation usages, aggregates (with their
        hosts and metadata). A node without a compute service
        record is kept (as down) so an explanation can name it.

        :returns: a list of HostState.
        """
        nodes = objects.ComputeNodeList.get_all(context)
        services = {service.host: service for service in
                    objects.ServiceList.get_all(
                        context, binary=service_obj.COMPUTE_BINARY)}
        usages = node_db.allocation_usages()
        host_aggregates = aggregates_by_host(context)
        states = []
        for node in nodes:
            service = services.get(node.host)
            if service is None:
                LOG.warning('Compute node %s has no %s service record',
                            node.hypervisor_hostname,
                            service_obj.COMPUTE_BINARY)
            aggregates = host_aggregates.get(node.host, [])
            state = HostState(node, service, usages.get(node.id),
                              availability_zone_of(node.host, aggregates))
            state.aggregates = aggregates
            states.append(state)
        return states


def set_group_members(host_states, spec_obj):
    """Tell each host state which members of the request's server group
    hold a claim on it, and the group where it runs (one query).

    Sets ``HostState.group_members`` and ``spec_obj.instance_group.hosts``;
    nothing when the request joins no group.
    """
    group = spec_obj.get_default('instance_group')
    if group is None:
        return
    by_node = group_db.instance_group_members_by_node(group.uuid)
    hosts = set()
    for host_state in host_states:
        members = by_node.get(host_state.compute_node_id, set())
        host_state.group_members = set(members)
        if members:
            hosts.add(host_state.host)
    group.hosts = sorted(hosts)

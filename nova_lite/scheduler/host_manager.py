"""Host states: what the scheduler knows of each compute node per request."""

import datetime
import functools
import threading
import time

from oslo_log import log as logging
from oslo_serialization import jsonutils
from oslo_utils import timeutils

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


@functools.lru_cache(maxsize=256)
def _host_capabilities(hypervisor_type, cpu_info_text):
    """``(cpu_info dict, supported instances)`` of a node.

    NOTE: memoised: a thousand hosts report a handful of distinct
    cpu_info texts, and parsing them per host per request was a tenth of
    a decision. The dict is shared between host states: read it only.
    """
    cpu_info = _load_cpu_info(cpu_info_text)
    return cpu_info, _supported_instances(hypervisor_type, cpu_info)


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
        self.cpu_info, self.supported_instances = _host_capabilities(
            self.hypervisor_type, compute_node.cpu_info)
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

    # NOTE: the weighers read these once per host per request; no dict.
    @property
    def free_ram_mb(self):
        return self.capacity['MEMORY_MB'] - self.used['MEMORY_MB']

    @property
    def free_vcpus(self):
        return self.capacity['VCPU'] - self.used['VCPU']

    @property
    def free_disk_gb(self):
        return self.capacity['DISK_GB'] - self.used['DISK_GB']

    def copy(self):
        """A copy for one request: it shares ``used`` with this state, so
        a claim counted on it is seen by the requests that reuse this
        state, but has its own group members and attributes."""
        clone = object.__new__(HostState)
        clone.__dict__.update(self.__dict__)
        return clone

    def consume(self, resources):
        """Count a claim made on this host for the rest of the request."""
        for rc, amount in resources.items():
            self.used[rc] = self.used.get(rc, 0) + amount

    def __repr__(self):
        return ('<HostState %s free=%s up=%s disabled=%s az=%s>' %
                (self.name, self.free, self.service_up,
                 self.service_disabled, self.availability_zone))


class HostManager:
    """Reads the state of every compute node in a fixed number of queries,
    or reuses a recent read (``[filter_scheduler] host_state_max_age``)."""

    def __init__(self):
        # NOTE: (monotonic time of the read, [HostState]); requests get
        # copies, so one request's group members never reach another.
        self._snapshot = None
        self._lock = threading.Lock()

    def get_host_states(self, context):
        """One :class:`HostState` per compute node, ordered by node id,
        for one request: read now, or copied from a read younger than
        ``[filter_scheduler] host_state_max_age``.

        :returns: a list of HostState.
        """
        max_age = CONF.filter_scheduler.host_state_max_age
        if not max_age:
            return self.read_host_states(context)
        snapshot = self._snapshot
        if snapshot is None or time.monotonic() - snapshot[0] >= max_age:
            # NOTE: one reader at a time; the requests that waited for it
            # use what it read.
            with self._lock:
                snapshot = self._snapshot
                if (snapshot is None or
                        time.monotonic() - snapshot[0] >= max_age):
                    started = time.monotonic()
                    snapshot = (started, self.read_host_states(context))
                    self._snapshot = snapshot
        return [state.copy() for state in snapshot[1]]

    def read_host_states(self, context):
        """One :class:`HostState` per compute node, ordered by node id.

        Two queries whatever the number of hosts: compute nodes with
        their compute service and allocation sums (one query, plain rows:
        ``compute_node_api.host_state_rows``), and the aggregates (with
        their hosts and metadata). A node without a compute service
        record is kept (as down) so an explanation can name it.

        :returns: a list of HostState.
        """
        now = timeutils.utcnow()
        down_time = datetime.timedelta(seconds=CONF.service_down_time)
        rows = node_db.host_state_rows(service_obj.COMPUTE_BINARY,
                                       now - down_time, now + down_time)
        host_aggregates = aggregates_by_host(context)
        states = []
        for row in rows:
            service = None
            if row.service_id is None:
                LOG.warning('Compute node %s has no %s service record',
                            row.hypervisor_hostname,
                            service_obj.COMPUTE_BINARY)
            else:
                service = ServiceView(row)
            aggregates = host_aggregates.get(row.host, [])
            state = HostState(row, service, {
                'VCPU': row.VCPU_used, 'MEMORY_MB': row.MEMORY_MB_used,
                'DISK_GB': row.DISK_GB_used},
                availability_zone_of(row.host, aggregates))
            state.aggregates = aggregates
            states.append(state)
        return states


class ServiceView:
    """The compute service of a host as the filters need it, from a row
    of ``host_state_rows``; up by ``objects.Service.is_up``'s rule (a
    recent enough sign of life, not forced down) when the rows were
    read."""

    __slots__ = ('id', 'disabled', 'disabled_reason', 'forced_down',
                 '_up')

    def __init__(self, row):
        self.id = row.service_id
        self.disabled = bool(row.service_disabled)
        self.disabled_reason = row.service_disabled_reason
        self.forced_down = bool(row.service_forced_down)
        self._up = bool(row.service_seen) and not self.forced_down

    def is_up(self):
        return self._up


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

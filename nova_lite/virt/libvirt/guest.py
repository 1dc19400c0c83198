"""Guest: one libvirt domain, with errors and states in nova-lite's terms."""

from nova_lite import exception
from nova_lite.states import power_state

# NOTE: values of libvirt's virDomainState and virDomainShutoffReason. They
# are part of libvirt's stable ABI, so spelling them here keeps this module
# importable (and testable) without libvirt-python.
VIR_DOMAIN_NOSTATE = 0
VIR_DOMAIN_RUNNING = 1
VIR_DOMAIN_BLOCKED = 2
VIR_DOMAIN_PAUSED = 3
VIR_DOMAIN_SHUTDOWN = 4
VIR_DOMAIN_SHUTOFF = 5
VIR_DOMAIN_CRASHED = 6
VIR_DOMAIN_PMSUSPENDED = 7
VIR_DOMAIN_SHUTOFF_SAVED = 5

VIR_ERR_OPERATION_INVALID = 55
VIR_ERR_NO_DOMAIN = 42
VIR_DOMAIN_UNDEFINE_MANAGED_SAVE = 1
VIR_DOMAIN_XML_MIGRATABLE = 8
# virDomainJobType
VIR_DOMAIN_JOB_NONE = 0
VIR_DOMAIN_JOB_BOUNDED = 1
VIR_DOMAIN_JOB_UNBOUNDED = 2
VIR_DOMAIN_JOB_COMPLETED = 3
VIR_DOMAIN_JOB_FAILED = 4
VIR_DOMAIN_JOB_CANCELLED = 5

LIBVIRT_POWER_STATE = {
    VIR_DOMAIN_NOSTATE: power_state.NOSTATE,
    VIR_DOMAIN_RUNNING: power_state.RUNNING,
    # NOTE: BLOCKED is a running guest waiting on I/O, not a stopped one.
    VIR_DOMAIN_BLOCKED: power_state.RUNNING,
    VIR_DOMAIN_PAUSED: power_state.PAUSED,
    # NOTE: SHUTDOWN means "being shut down"; Nova reports it as SHUTDOWN.
    VIR_DOMAIN_SHUTDOWN: power_state.SHUTDOWN,
    VIR_DOMAIN_SHUTOFF: power_state.SHUTDOWN,
    VIR_DOMAIN_CRASHED: power_state.CRASHED,
    VIR_DOMAIN_PMSUSPENDED: power_state.SUSPENDED,
}


def power_state_of(state, reason):
    """Map a libvirt (state, reason) pair to a power_state value.

    NOTE: a guest stopped by a managed save is reported SUSPENDED, not
    SHUTDOWN: its memory is kept and starting it resumes it, which is what
    the fake driver and the compute manager mean by suspended.
    """
    if state == VIR_DOMAIN_SHUTOFF and reason == VIR_DOMAIN_SHUTOFF_SAVED:
        return power_state.SUSPENDED
    return LIBVIRT_POWER_STATE.get(state, power_state.NOSTATE)


class Guest:
    """A virDomain wrapper; libvirt errors come out as nova-lite exceptions."""

    def __init__(self, domain, libvirt_module):
        self._domain = domain
        self._libvirt = libvirt_module

    @property
    def uuid(self):
        return self._domain.UUIDString()

    @property
    def name(self):
        return self._domain.name()

    @property
    def id(self):
        return self._domain.ID()

    def _call(self, method, *args, ignore=()):
        """Run a virDomain method, translating libvirt's errors.

        :param ignore: libvirt error codes that mean "already done" here.
        """
        try:
            return getattr(self._domain, method)(*args)
        except self._libvirt.libvirtError as e:
            code = e.get_error_code()
            if code in ignore:
                return None
            if code == VIR_ERR_NO_DOMAIN:
                raise exception.InstanceNotFoundOnHypervisor(
                    instance_id=self._safe_name()) from e
            raise exception.InternalError(
                err='libvirt %s of domain %s failed: %s'
                    % (method, self._safe_name(), e)) from e

    def _safe_name(self):
        try:
            return self._domain.name()
        except self._libvirt.libvirtError:
            return '<unknown>'

    def get_power_state(self):
        """:returns: the guest's power_state value."""
        state, reason = self._call('state', 0)
        return power_state_of(state, reason)

    def is_active(self):
        return bool(self._call('isActive'))

    def launch(self):
        """Start the guest (from its managed save image if it has one)."""
        self._call('createWithFlags', 0)

    def poweroff(self):
        """Stop the guest at once; a stopped guest is left as it is."""
        self._call('destroy', ignore=(VIR_ERR_OPERATION_INVALID,))

    def shutdown(self):
        """Ask the guest OS to shut down (ACPI); returns without waiting."""
        self._call('shutdown', ignore=(VIR_ERR_OPERATION_INVALID,))

    def pause(self):
        self._call('suspend')

    def resume(self):
        """Undo :meth:`pause`."""
        self._call('resume')

    def save_memory_state(self):
        """Write the guest's memory to libvirt's managed save and stop it."""
        self._call('managedSave', 0)

    def discard_saved_state(self):
        """Drop the memory image of :meth:`save_memory_state`, if any, so
        that the next :meth:`launch` boots afresh."""
        if self._call('hasManagedSaveImage', 0):
            self._call('managedSaveRemove', 0)

    def delete_configuration(self):
        """Undefine the guest, dropping its managed save image with it."""
        self._call('undefineFlags', VIR_DOMAIN_UNDEFINE_MANAGED_SAVE,
                   ignore=(VIR_ERR_NO_DOMAIN,))

    def get_xml_desc(self, flags=0):
        """:param flags: e.g. ``VIR_DOMAIN_XML_MIGRATABLE``."""
        return self._call('XMLDesc', flags)

    def is_persistent(self):
        """:returns: whether the domain is defined (survives a stop)."""
        return bool(self._call('isPersistent'))

    # ---- live migration -----------------------------------------------------

    def migrate(self, uri, params, flags):
        """Move the running guest to the libvirtd at ``uri``
        (virDomainMigrateToURI3); blocks until the migration ends.

        :raises InternalError: the migration failed or was aborted; the
            guest still runs here.
        """
        self._call('migrateToURI3', uri, params, flags)

    def get_job_stats(self):
        """:returns: virDomainGetJobStats of the guest's current job (a
            dict with ``type``, ``memory_*``, ``disk_*``, ...); a guest
            that is gone or stopped has a job of type NONE."""
        try:
            return self._domain.jobStats(0)
        except self._libvirt.libvirtError as e:
            if e.get_error_code() in (VIR_ERR_NO_DOMAIN,
                                      VIR_ERR_OPERATION_INVALID):
                return {'type': VIR_DOMAIN_JOB_NONE}
            raise exception.InternalError(
                err='libvirt jobStats of domain %s failed: %s'
                    % (self._safe_name(), e)) from e

    def abort_job(self):
        """Abort the guest's current job (virDomainAbortJob).

        :raises InternalError: no job runs, or libvirt refused.
        """
        self._call('abortJob')

    def get_info(self):
        """:returns: (state, max memory KiB, memory KiB, vcpus, cpu time)."""
        return self._call('info')

    # ---- statistics (diagnostics) -------------------------------------------

    def get_vcpus_info(self):
        """:returns: [(vCPU number, state, CPU time in ns, host CPU)] of
            a running guest (virDomainGetVcpus)."""
        vcpus, _cpu_maps = self._call('vcpus')
        return vcpus

    def block_stats(self, device):
        """:returns: (read requests, read bytes, write requests, write
            bytes, errors) of the disk ``device`` (its target, e.g. vda);
            errors is -1 where the hypervisor does not count them."""
        return self._call('blockStats', device)

    def interface_stats(self, device):
        """:returns: (rx bytes, rx packets, rx errors, rx drop, tx bytes,
            tx packets, tx errors, tx drop) of the host side ``device``
            (a tap) of a NIC."""
        return self._call('interfaceStats', device)

    def memory_stats(self):
        """:returns: virDomainMemoryStats, a dict of KiB figures
            (``actual``, ``rss``, and with a balloon driver in the guest
            ``available``, ``unused``...)."""
        return self._call('memoryStats')

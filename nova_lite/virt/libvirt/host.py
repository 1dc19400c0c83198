"""Host: the libvirt connection, opened lazily and reopened when it breaks."""

import importlib
import threading

from oslo_log import log as logging

from nova_lite import exception
from nova_lite import utils
from nova_lite.virt.libvirt import config as vconfig
from nova_lite.virt.libvirt import guest as libvirt_guest

LOG = logging.getLogger(__name__)

DEFAULT_URI = 'qemu:///system'

_libvirt = None


def import_libvirt():
    """Import libvirt-python on first use.

    NOTE: lazily, so that nova_lite.virt imports (and the fake driver runs)
    on machines without libvirt-python.

    :raises HypervisorUnavailable: libvirt-python is not installed.
    """
    global _libvirt
    if _libvirt is None:
        try:
            module = importlib.import_module('libvirt')
        except ImportError as e:
            raise exception.HypervisorUnavailable(
                host='(libvirt-python is not installed)') from e
        # NOTE: by default libvirt prints every error to stderr, even those
        # we expect and handle (a lookup of a guest that is gone).
        module.registerErrorHandler(lambda ctx, err: None, None)
        _libvirt = module
    return _libvirt


class Host:
    """One libvirt connection shared by a driver's calls."""

    def __init__(self, uri, host_name=None):
        self._uri = uri or DEFAULT_URI
        self._host_name = host_name
        self._conn = None
        self._lock = threading.Lock()

    @property
    def uri(self):
        return self._uri

    @property
    def libvirt(self):
        return import_libvirt()

    def _unavailable(self, error):
        return exception.HypervisorUnavailable(
            host='%s (%s: %s)' % (self._host_name or self._uri, self._uri,
                                  error))

    def _is_alive(self, conn):
        try:
            return bool(conn.isAlive())
        except self.libvirt.libvirtError:
            return False

    def get_connection(self):
        """:returns: an open virConnect, opening or reopening it if needed.

        NOTE: a reopened ``test:///`` connection starts from libvirt's
        fresh in-memory state; that only happens if the old one broke.

        :raises HypervisorUnavailable: the connection cannot be opened.
        """
        libvirt = self.libvirt
        with self._lock:
            if self._conn is not None and self._is_alive(self._conn):
                return self._conn
            if self._conn is not None:
                LOG.warning('Connection to libvirt %s broke; reconnecting',
                            self._uri)
            try:
                self._conn = utils.tpool_proxy(
                    utils.tpool_execute(libvirt.open, self._uri),
                    self._proxied_types())
            except libvirt.libvirtError as e:
                self._conn = None
                raise self._unavailable(e) from e
            LOG.info('Connected to libvirt at %s', self._uri)
            return self._conn

    def _proxied_types(self):
        # NOTE: what a connection's calls return that is proxied too; a
        # stand-in for libvirt-python in unit tests may have neither.
        return tuple(getattr(self.libvirt, name)
                     for name in ('virDomain', 'virConnect')
                     if hasattr(self.libvirt, name))

    def close(self):
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except self.libvirt.libvirtError:
                LOG.debug('Ignoring error closing %s', self._uri)

    def _conn_call(self, method, *args):
        conn = self.get_connection()
        try:
            return getattr(conn, method)(*args)
        except self.libvirt.libvirtError as e:
            raise exception.InternalError(
                err='libvirt %s on %s failed: %s' % (method, self._uri, e)
            ) from e

    # ---- facts about the host ----------------------------------------------

    def get_hostname(self):
        return self._conn_call('getHostname')

    def get_driver_type(self):
        """:returns: libvirt's hypervisor name, e.g. ``QEMU`` or ``TEST``."""
        return self._conn_call('getType')

    def get_version(self):
        """:returns: the hypervisor version as one int.

        libvirt encodes it as major * 1,000,000 + minor * 1,000 + micro.
        """
        return self._conn_call('getVersion')

    def get_info(self):
        """:returns: virNodeGetInfo: [arch, memory MB, cpus, MHz, nodes,
        sockets, cores, threads]."""
        return self._conn_call('getInfo')

    def compare_cpu(self, cpu_xml):
        """:returns: virConnectCompareCPU of ``cpu_xml`` (a ``<cpu>``)
            with this host's CPU: 0 incompatible, 1 identical, 2 this
            host's is a superset.

        :raises InternalError: libvirt could not compare them.
        """
        return self._conn_call('compareCPU', cpu_xml, 0)

    def get_capabilities(self):
        """:returns: a :class:`LibvirtConfigCaps` of the host."""
        caps = vconfig.LibvirtConfigCaps()
        return caps.parse_str(self._conn_call('getCapabilities'))

    # ---- guests -------------------------------------------------------------

    def _wrap(self, domain):
        # NOTE: a list of domains (listAllDomains) comes back unproxied.
        return libvirt_guest.Guest(
            utils.tpool_proxy(domain, self._proxied_types()), self.libvirt)

    def list_guests(self):
        """:returns: a :class:`Guest` for every domain, running or not."""
        return [self._wrap(d) for d in self._conn_call('listAllDomains', 0)]

    def get_guest(self, instance):
        """:returns: the :class:`Guest` of ``instance``, found by uuid.

        :raises InstanceNotFoundOnHypervisor: no such domain.
        """
        conn = self.get_connection()
        libvirt = self.libvirt
        try:
            return self._wrap(conn.lookupByUUIDString(instance.uuid))
        except libvirt.libvirtError as e:
            if e.get_error_code() == libvirt.VIR_ERR_NO_DOMAIN:
                raise exception.InstanceNotFoundOnHypervisor(
                    instance_id=instance.uuid) from e
            raise exception.InternalError(
                err='libvirt lookup of %s failed: %s' % (instance.uuid, e)
            ) from e

    def write_instance_config(self, xml):
        """Define (or redefine) a domain from ``xml``.

        :returns: the :class:`Guest` defined.
        :raises InternalError: libvirt refused the definition.
        """
        return self._wrap(self._conn_call('defineXML', xml))

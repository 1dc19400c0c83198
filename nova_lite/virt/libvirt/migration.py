"""Live migration mechanics: flags, parameters, destination XML, monitor."""

import json
import os
import time
import xml.etree.ElementTree as etree

from oslo_log import log as logging

from nova_lite import exception
from nova_lite import utils
from nova_lite.virt.libvirt import config as vconfig
from nova_lite.virt.libvirt import guest as libvirt_guest
from nova_lite.virt.libvirt import imagebackend

LOG = logging.getLogger(__name__)

# NOTE: values of libvirt's virDomainMigrateFlags and the names of its
# typed parameters: its stable ABI, spelled here so that this module is
# importable (and testable) without libvirt-python.
VIR_MIGRATE_LIVE = 1
VIR_MIGRATE_PEER2PEER = 2
VIR_MIGRATE_TUNNELLED = 4
VIR_MIGRATE_PERSIST_DEST = 8
VIR_MIGRATE_UNDEFINE_SOURCE = 16
VIR_MIGRATE_PAUSED = 32
VIR_MIGRATE_NON_SHARED_DISK = 64
VIR_MIGRATE_NON_SHARED_INC = 128
PARAM_URI = 'migrate_uri'
PARAM_DEST_XML = 'destination_xml'
PARAM_PERSIST_XML = 'persistent_xml'
PARAM_BANDWIDTH = 'bandwidth'
PARAM_MIGRATE_DISKS = 'migrate_disks'

# How often the monitor reads the job's progress, and how often at most
# it saves it (each save is an RPC to the conductor).
POLL_INTERVAL = 0.5
SAVE_INTERVAL = 2.0
# NOTE: Nova counts at least 2 GiB of memory when it sizes the completion
# timeout: a small guest's dirty pages still take a while to converge.
MIN_MEMORY_GB = 2
GiB = 1024 ** 3
PROGRESS_FIELDS = ('memory_total', 'memory_processed', 'memory_remaining',
                   'disk_total', 'disk_processed', 'disk_remaining')


def migration_uri(dest_addr, scheme='tcp', uri_template=None):
    """The libvirt URI of the destination's hypervisor.

    :param uri_template: ``[libvirt] live_migration_uri``; ``%s`` in it
        is the destination's address. It wins over ``scheme``.
    """
    if uri_template:
        return uri_template % dest_addr if '%s' in uri_template \
            else uri_template
    return 'qemu+%s://%s/system' % (scheme, _uri_host(dest_addr))


def _uri_host(addr):
    return '[%s]' % addr if ':' in addr and not addr.startswith('[') \
        else addr


def migration_flags(block_migration):
    """virDomainMigrateFlags of a nova-lite live migration.

    NOTE: PEER2PEER: the source libvirtd talks to the destination's
    itself, so the migration goes on if this client's connection drops.
    PERSIST_DEST + UNDEFINE_SOURCE: the definition moves with the guest.
    A block migration adds NON_SHARED_INC: the writable disks are mirrored
    to the destination's, which pre_live_migration made over the same
    backing files, so only the guest's own blocks travel.
    """
    flags = (VIR_MIGRATE_LIVE | VIR_MIGRATE_PEER2PEER |
             VIR_MIGRATE_PERSIST_DEST | VIR_MIGRATE_UNDEFINE_SOURCE)
    if block_migration:
        flags |= VIR_MIGRATE_NON_SHARED_INC
    return flags


def migration_params(dest_addr, migrate_disks=None, bandwidth=0,
                     dest_xml=None):
    """virDomainMigrateToURI3's typed parameters.

    :param dest_addr: where QEMU's migration stream goes
        (``tcp://<dest_addr>``; otherwise the destination's hostname as
        its libvirtd knows it, which other hosts may not resolve).
    :param migrate_disks: target devices (``vda``) of the disks to copy in
        a block migration; the read-only config drive is not one of them
        (QEMU cannot mirror it; pre_live_migration copies it).
    :param bandwidth: MiB/s; 0 leaves libvirt's default (unlimited).
    :param dest_xml: the domain XML for the destination, when its paths
        differ from the source's.
    """
    params = {PARAM_URI: 'tcp://%s' % _uri_host(dest_addr)}
    if migrate_disks:
        params[PARAM_MIGRATE_DISKS] = list(migrate_disks)
    if bandwidth:
        params[PARAM_BANDWIDTH] = int(bandwidth)
    if dest_xml:
        params[PARAM_DEST_XML] = dest_xml
        params[PARAM_PERSIST_XML] = dest_xml
    return params


def writable_disks(domain_xml):
    """:returns: the target devices of the domain's writable file disks,
    in order (the disks a block migration copies)."""
    root = etree.fromstring(domain_xml)
    targets = []
    for disk in root.findall('./devices/disk'):
        if disk.get('device', 'disk') != 'disk':
            continue
        if disk.find('readonly') is not None or disk.find('shareable') \
                is not None:
            continue
        source = disk.find('source')
        target = disk.find('target')
        if source is None or target is None or not source.get('file'):
            continue
        targets.append(target.get('dev'))
    return targets


def updated_guest_xml(domain_xml, path_map):
    """The domain XML with each path prefix of ``path_map`` replaced
    (file disks, serial/console files, kernel and initrd).

    NOTE: edited as an element tree rather than through the
    ``LibvirtConfig*`` classes: those parse only what nova-lite writes,
    and a migratable XML carries everything libvirt filled in (PCI
    addresses, the CPU model), which a round trip through them would drop.

    :param path_map: {source prefix: destination prefix}, e.g. the two
        hosts' instance directories.
    :returns: the new XML, or None when no path changes.
    """
    if not path_map or all(k == v for k, v in path_map.items()):
        return None
    root = etree.fromstring(domain_xml)

    def mapped(path):
        for old, new in path_map.items():
            if path == old or path.startswith(old.rstrip('/') + '/'):
                return new + path[len(old):]
        return path

    changed = False
    for el in root.findall('./devices/disk/source'):
        if el.get('file'):
            new = mapped(el.get('file'))
            changed |= new != el.get('file')
            el.set('file', new)
    for tag in ('serial', 'console'):
        for el in root.findall('./devices/%s/source' % tag):
            if el.get('path'):
                new = mapped(el.get('path'))
                changed |= new != el.get('path')
                el.set('path', new)
    for tag in ('kernel', 'initrd'):
        el = root.find('./os/%s' % tag)
        if el is not None and el.text:
            new = mapped(el.text)
            changed |= new != el.text
            el.text = new
    if not changed:
        return None
    return etree.tostring(root, encoding='unicode')


def cpu_config(cpu_info):
    """The ``<cpu>`` of a host's ``cpu_info`` (the JSON string or dict of
    get_available_resource), for virConnectCompareCPU."""
    info = json.loads(cpu_info) if isinstance(cpu_info, str) \
        else dict(cpu_info or {})
    cpu = vconfig.LibvirtConfigCapsHostCPU()
    cpu.arch = info.get('arch')
    cpu.model = info.get('model')
    cpu.vendor = info.get('vendor')
    topology = info.get('topology') or {}
    cpu.sockets = topology.get('sockets')
    cpu.cores = topology.get('cores')
    cpu.threads = topology.get('threads')
    cpu.features = list(info.get('features') or ())
    return cpu


def file_disks(domain_xml):
    """The file disks of a domain, as get_instance_disk_info tells them:
    ``path``, ``target``, ``type`` (the format the domain reads it as,
    never probed), ``readonly``, ``virt_disk_size``, ``disk_size``,
    ``backing_file`` (its file name), ``backing_format``,
    ``over_committed_disk_size``."""
    conf = vconfig.LibvirtConfigGuest().parse_str(domain_xml)
    disks = []
    for dev in conf.devices:
        if not (isinstance(dev, vconfig.LibvirtConfigGuestDisk) and
                dev.source_type == 'file' and dev.source_path):
            continue
        fmt = dev.driver_format or 'raw'
        path = dev.source_path
        info = (imagebackend.qemu_img_info(path, fmt, force_share=True)
                if os.path.exists(path) else {})
        virt_size = info.get('virtual-size', 0)
        disk_size = info.get('actual-size', 0)
        backing = info.get('backing-filename')
        disks.append({
            'path': path,
            'target': dev.target_dev,
            'type': fmt,
            'readonly': dev.readonly or dev.source_device == 'cdrom',
            'virt_disk_size': virt_size,
            'disk_size': disk_size,
            'backing_file': os.path.basename(backing) if backing else '',
            'backing_format': info.get('backing-filename-format'),
            'over_committed_disk_size': max(0, virt_size - disk_size),
        })
    return disks


def completion_timeout(seconds_per_gb, memory_mb, disk_bytes=0):
    """Seconds a migration of this much data may take; 0 for none.

    :param seconds_per_gb: ``[libvirt] live_migration_completion_timeout``.
    :param disk_bytes: the bytes of the disks a block migration copies.
    """
    if not seconds_per_gb:
        return 0
    data_gb = max(memory_mb / 1024, MIN_MEMORY_GB) + disk_bytes / GiB
    return int(seconds_per_gb * data_gb)


def save_progress(migration, stats):
    """Copy the job's memory_* / disk_* counters into ``migration`` and
    save it. :returns: whether anything changed (and was saved)."""
    changed = False
    for field in PROGRESS_FIELDS:
        value = stats.get(field)
        if value is None:
            continue
        if getattr(migration, field, None) != value:
            setattr(migration, field, value)
            changed = True
    if changed:
        migration.save()
    return changed


class LiveMigrationJob:
    """One running live migration of a guest, from this host.

    :meth:`run` moves the guest; :meth:`abort` and :meth:`force_complete`
    may be called meanwhile, from other green threads.
    """

    def __init__(self, guest, instance_uuid, uri, flags, params,
                 migration=None, timeout=0, clock=time.monotonic,
                 sleep=utils.sleep, poll_interval=None, save_interval=None):
        self.guest = guest
        self.instance_uuid = instance_uuid
        self.uri = uri
        self.flags = flags
        self.params = params
        self.migration = migration
        self.timeout = timeout
        self._clock = clock
        self._sleep = sleep
        self._poll_interval = poll_interval or POLL_INTERVAL
        self._save_interval = save_interval or SAVE_INTERVAL
        self.aborted = None
        self.done = False
        self.error = None
        self.last_stats = {}

    # ---- control ------------------------------------------------------------

    def abort(self, reason='aborted on request'):
        """Abort the migration; the guest goes on running here.

        :raises MigrationError: the migration has ended or cannot be
            aborted.
        """
        if self.done:
            raise exception.MigrationError(
                reason='the live migration of %s has ended'
                       % self.instance_uuid)
        try:
            self.guest.abort_job()
        except exception.NovaException as e:
            raise exception.MigrationError(
                reason='cannot abort the live migration of %s: %s'
                       % (self.instance_uuid, e.format_message())) from e
        self.aborted = reason
        LOG.warning('Live migration of %s %s', self.instance_uuid, reason)

    def force_complete(self):
        """Pause the guest so its memory stops changing and the
        migration converges; it runs again on the destination.

        :raises MigrationError: the migration has ended.
        """
        if self.done:
            raise exception.MigrationError(
                reason='the live migration of %s has ended'
                       % self.instance_uuid)
        try:
            self.guest.pause()
        except exception.NovaException as e:
            raise exception.MigrationError(
                reason='cannot pause %s: %s'
                       % (self.instance_uuid, e.format_message())) from e
        LOG.info('Live migration of %s forced to complete (guest paused)',
                 self.instance_uuid)

    # ---- running ------------------------------------------------------------

    def _operation(self):
        """The blocking libvirt call, in a native thread."""
        try:
            utils.tpool_execute(self.guest.migrate, self.uri, self.params,
                                self.flags)
        except Exception as e:
            self.error = e
        finally:
            self.done = True

    def run(self):
        """Move the guest; blocks (this green thread) until it ends.

        :raises LiveMigrationError: it failed or was aborted (by request
            or on the completion timeout); the guest runs here.
        """
        LOG.info('Live migrating %s to %s (flags %#x, params %s, timeout '
                 '%s s)', self.instance_uuid, self.uri, self.flags,
                 {k: v for k, v in self.params.items()
                  if k not in (PARAM_DEST_XML, PARAM_PERSIST_XML)},
                 self.timeout or 'none')
        started = self._clock()
        utils.spawn(self._operation)
        self.monitor()
        if self.error is not None or self.aborted:
            reason = self.aborted or 'unknown error'
            if self.error is not None:
                detail = (self.error.format_message()
                          if isinstance(self.error, exception.NovaException)
                          else str(self.error))
                reason = ('%s (%s)' % (self.aborted, detail) if self.aborted
                          else detail)
            raise exception.LiveMigrationError(
                instance_uuid=self.instance_uuid, reason=reason)
        self._save_final()
        LOG.info('Live migration of %s completed in %.1f s',
                 self.instance_uuid, self._clock() - started)

    def monitor(self):
        """Until the migration ends: read its progress every
        ``poll_interval`` seconds, save it into the Migration at most every
        ``save_interval`` seconds, abort it after ``timeout`` seconds."""
        started = self._clock()
        last_save = None
        while not self.done:
            stats = self._stats()
            if stats.get('type') in (libvirt_guest.VIR_DOMAIN_JOB_BOUNDED,
                                     libvirt_guest.VIR_DOMAIN_JOB_UNBOUNDED):
                self.last_stats = stats
                now = self._clock()
                if self.migration is not None and (
                        last_save is None or
                        now - last_save >= self._save_interval):
                    self._save(stats)
                    last_save = now
            elapsed = self._clock() - started
            if (self.timeout and elapsed > self.timeout and
                    not self.aborted and not self.done):
                try:
                    self.abort('aborted after the completion timeout '
                               '(%d s)' % self.timeout)
                except exception.MigrationError as e:
                    LOG.warning('%s', e.format_message())
            if self.done:
                break
            self._sleep(self._poll_interval)

    def _stats(self):
        try:
            return self.guest.get_job_stats() or {}
        except exception.NovaException as e:
            LOG.debug('No job stats of %s: %s', self.instance_uuid, e)
            return {}

    def _save(self, stats):
        try:
            save_progress(self.migration, stats)
        except Exception:
            # NOTE: progress is for show; a failed save must not end the
            # migration.
            LOG.exception('Saving the progress of the live migration of '
                          '%s failed', self.instance_uuid)

    def _save_final(self):
        if self.migration is None or not self.last_stats:
            return
        final = dict(self.last_stats)
        for kind in ('memory', 'disk'):
            total = final.get('%s_total' % kind)
            if total is not None:
                final['%s_processed' % kind] = total
                final['%s_remaining' % kind] = 0
        self._save(final)

"""The orphan audit: allocations, guests and instance directories that no
live instance owns (Nova's ``nova-manage placement audit``, widened to
what a host keeps).

Three kinds of leftovers, each found by asking who owns it:

* an **allocation** whose consumer is neither a live instance nor a
  migration under way (a move holds the source's resources under the
  migration's uuid) — any service that reaches objects can audit these;
* a **guest** on this host's hypervisor whose instance is gone, deleted,
  or lives on another host with nothing under way;
* a **directory** under the driver's instances path named after an
  instance that is gone or deleted (one of an instance living elsewhere
  is left alone: the path may be shared between hosts).

Never an orphan: anything of an instance with a task under way
(building, moving, deleting), of an instance migrating to or from this
host, or younger than ``[compute] orphan_audit_grace_period``; nor a
guest with no instance record whose name is not one nova-lite gives
(``instance_name_template``): the hypervisor may run guests nova-lite
never made.

Every database access goes through objects, so on a compute host it
runs in the conductor.
"""

import datetime
import os
import re
import shutil

from oslo_log import log as logging
from oslo_utils import timeutils
from oslo_utils import uuidutils

from nova_lite import conf
from nova_lite import exception
from nova_lite import objects
from nova_lite.objects import migration as migration_obj
from nova_lite import utils

CONF = conf.CONF
LOG = logging.getLogger(__name__)

ALLOCATION = 'allocation'
GUEST = 'guest'
DIRECTORY = 'directory'

# NOTE: a resize keeps the source's disks beside the instance's directory
# under this suffix until it is confirmed or reverted.
_DIR_SUFFIXES = ('_resize',)


class Orphan:
    """One leftover the audit found.

    :ivar kind: ALLOCATION, GUEST or DIRECTORY.
    :ivar host: the host it is on.
    :ivar ident: the consumer uuid, the guest's instance uuid, or the
        directory's path.
    :ivar reason: why no live instance owns it, in words.
    :ivar deleted: whether the audit removed it.
    """

    __slots__ = ('kind', 'host', 'ident', 'reason', 'deleted')

    def __init__(self, kind, host, ident, reason, deleted=False):
        self.kind = kind
        self.host = host
        self.ident = ident
        self.reason = reason
        self.deleted = deleted

    def to_primitive(self):
        """A dict for an RPC answer."""
        return {name: getattr(self, name) for name in self.__slots__}

    @classmethod
    def from_primitive(cls, primitive):
        return cls(**{name: primitive.get(name) for name in cls.__slots__})

    def __str__(self):
        return '%s %s on host %s: %s%s' % (
            self.kind.capitalize(), self.ident, self.host, self.reason,
            ' (deleted)' if self.deleted else '')

    def __repr__(self):
        return '<Orphan %s>' % self


def _older_than(moment, seconds):
    if moment is None or seconds <= 0:
        return True
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return (timeutils.utcnow(True) - moment).total_seconds() >= seconds


def _grace():
    return CONF.compute.orphan_audit_grace_period


def _instances_by_uuid(context, uuids):
    """``{uuid: Instance}`` of ``uuids``, deleted ones included."""
    if not uuids:
        return {}
    instances = objects.InstanceList.get_by_filters(
        context, {'uuid': sorted(uuids)}, read_deleted='yes')
    return {instance.uuid: instance for instance in instances}


def _migration_in_progress(context, uuid):
    """Whether ``uuid`` is a migration under way (one that still holds
    resources under its own uuid)."""
    # NOTE: a filter rather than get_by_uuid: most consumers are no
    # migration, and on a compute host a NotFound would cross the
    # conductor as a logged error each time.
    migrations = objects.MigrationList.get_by_filters(context,
                                                      {'uuid': uuid})
    if not migrations:
        return False
    migration = migrations[0]
    host = migration.source_compute or migration.dest_compute
    return any(m.uuid == uuid for m in
               objects.MigrationList.get_in_progress_by_host(context, host))


# ---- allocations -----------------------------------------------------------

def find_orphan_allocations(context, host=None):
    """Allocations (of ``host``'s nodes, or all) whose consumer is neither
    a live instance nor a migration under way, older than the grace
    period; one :class:`Orphan` per consumer and host."""
    by_consumer = {}
    for allocation in objects.AllocationList.get_all(context, host=host):
        by_consumer.setdefault(allocation.consumer_id, []).append(allocation)
    instances = _instances_by_uuid(context, by_consumer)
    orphans = []
    for consumer, allocations in sorted(by_consumer.items()):
        instance = instances.get(consumer)
        if instance is not None and not instance.deleted:
            continue
        if instance is None and _migration_in_progress(context, consumer):
            continue
        # NOTE: the newest row counts: a claim refreshed a moment ago is
        # a build or move that may not have written its record yet.
        if not all(_older_than(a.created_at, _grace())
                   for a in allocations):
            continue
        if instance is not None and not _older_than(instance.deleted_at,
                                                    _grace()):
            continue
        reason = ('its instance was deleted' if instance is not None
                  else 'no instance or migration has this uuid')
        for node_host in sorted({a.host for a in allocations}):
            used = ', '.join('%s=%d' % (a.resource_class, a.used)
                             for a in allocations if a.host == node_host)
            orphans.append(Orphan(ALLOCATION, node_host, consumer,
                                  '%s; holds %s' % (reason, used)))
    return orphans


def delete_allocations(context, orphans):
    """Free the allocations of ``orphans`` (marked deleted)."""
    for consumer in sorted({o.ident for o in orphans
                            if o.kind == ALLOCATION}):
        # NOTE: looked at again at the last moment: an instance that
        # appeared since (a consumer uuid reused by a new build) keeps it.
        if _consumer_is_orphaned(context, consumer):
            objects.Allocation.delete_by_consumer(context, consumer)
            for orphan in orphans:
                if orphan.kind == ALLOCATION and orphan.ident == consumer:
                    orphan.deleted = True


def _consumer_is_orphaned(context, consumer):
    instance = _instances_by_uuid(context, [consumer]).get(consumer)
    if instance is not None:
        return instance.deleted
    return not _migration_in_progress(context, consumer)


# ---- guests and directories of a host --------------------------------------

def _name_pattern():
    """A regex of the guest names ``instance_name_template`` makes."""
    template = re.escape(CONF.instance_name_template)
    # NOTE: re.escape leaves % alone; a conversion becomes "anything".
    return re.compile('^%s$' % re.sub(r'%(\\\([^)]*\\\))?[-#0 +]*\d*[a-zA-Z]',
                                      '.+', template))


def _busy_uuids(context, host):
    """Instances migrating to or from ``host``: their leftovers here are
    the migration's business."""
    busy = {migration.instance_uuid for migration in
            objects.MigrationList.get_in_progress_by_host(context, host)}
    # NOTE: an evacuation's source host destroys the old guest itself
    # when it comes back (compute/host_cleanup.py).
    busy.update(migration.instance_uuid for migration in
                objects.MigrationList.get_by_filters(
                    context, {'source_compute': host,
                              'migration_type': migration_obj.EVACUATION})
                if migration.status in migration_obj.EVACUATION_NOT_CLEANED)
    return busy


def _why_not_owned(instance, host, shared_path=False):
    """Why ``instance`` (or None: no record) does not own its leftover on
    ``host``; None when it does, or may (a task under way, too young)."""
    if instance is None:
        return 'no instance has this uuid'
    if instance.deleted:
        if not _older_than(instance.deleted_at, _grace()):
            return None
        return 'its instance was deleted'
    if instance.task_state is not None:
        return None
    if instance.host == host or shared_path:
        return None
    if not _older_than(instance.updated_at, _grace()):
        return None
    return ('its instance lives on %s' % instance.host if instance.host
            else 'its instance lives on no host')


def _guest_names(driver):
    try:
        return driver.list_guest_names()
    except NotImplementedError:
        LOG.debug('Driver %s cannot list its guests', type(driver).__name__)
        return {}


def _dir_entries(path):
    """``{instance uuid: [directory path, ...]}`` under ``path``."""
    entries = {}
    try:
        names = os.listdir(path)
    except FileNotFoundError:
        return entries
    for name in names:
        full = os.path.join(path, name)
        base = name
        for suffix in _DIR_SUFFIXES:
            if base.endswith(suffix):
                base = base[:-len(suffix)]
        if uuidutils.is_uuid_like(base) and os.path.isdir(full):
            entries.setdefault(base, []).append(full)
    return entries


def _dir_age_ok(path):
    try:
        mtime = os.stat(path).st_mtime
    except FileNotFoundError:
        return False
    moment = datetime.datetime.fromtimestamp(mtime, datetime.timezone.utc)
    return _older_than(moment, _grace())


def find_host_orphans(context, host, driver):
    """The guests of ``driver`` and the directories under its instances
    path that no live instance of ``host`` owns."""
    live = {i.uuid for i in objects.InstanceList.get_by_host(context, host)}
    busy = _busy_uuids(context, host) | live
    guests = {uuid: name for uuid, name in _guest_names(driver).items()
              if uuid not in busy}
    dirs = {uuid: paths for uuid, paths in
            _dir_entries(driver.instances_path()).items()
            if uuid not in busy}
    instances = _instances_by_uuid(context, set(guests) | set(dirs))
    ours = _name_pattern()
    orphans = []
    for uuid, name in sorted(guests.items()):
        instance = instances.get(uuid)
        if instance is None and not ours.match(name or ''):
            LOG.debug('Guest %s (%s) has no instance record and a name '
                      'nova-lite does not give: not ours', uuid, name)
            continue
        reason = _why_not_owned(instance, host)
        if reason:
            orphans.append(Orphan(GUEST, host, uuid,
                                  '%s (guest %s)' % (reason, name)))
    for uuid, paths in sorted(dirs.items()):
        reason = _why_not_owned(instances.get(uuid), host, shared_path=True)
        if not reason:
            continue
        for path in sorted(paths):
            if _dir_age_ok(path):
                orphans.append(Orphan(DIRECTORY, host, path,
                                      '%s (instance %s)' % (reason, uuid)))
    return orphans


def _uuid_of_dir(path):
    name = os.path.basename(path)
    for suffix in _DIR_SUFFIXES:
        if name.endswith(suffix):
            name = name[:-len(suffix)]
    return name


def delete_host_orphans(context, host, driver, orphans):
    """Destroy the guests and remove the directories of ``orphans``
    (marked deleted), each under its instance's lock and only if it is
    still an orphan then."""
    for orphan in orphans:
        if orphan.kind not in (GUEST, DIRECTORY):
            continue
        uuid = orphan.ident if orphan.kind == GUEST else _uuid_of_dir(
            orphan.ident)
        with utils.named_lock(uuid):
            # NOTE: looked at again under the lock a build or move of the
            # instance takes: it may have started since the audit.
            if uuid in _busy_uuids(context, host) or uuid in {
                    i.uuid for i in objects.InstanceList.get_by_host(
                        context, host)}:
                continue
            instance = _instances_by_uuid(context, [uuid]).get(uuid)
            if not _why_not_owned(instance, host,
                                  shared_path=orphan.kind == DIRECTORY):
                continue
            try:
                if orphan.kind == GUEST:
                    driver.destroy(context,
                                   instance or objects.Instance(
                                       context=context, uuid=uuid),
                                   destroy_disks=instance is None or
                                   instance.deleted)
                else:
                    try:
                        shutil.rmtree(orphan.ident)
                    except FileNotFoundError:
                        # NOTE: a host sharing the path removed it first.
                        pass
            except (exception.NovaException, OSError) as error:
                LOG.error('Could not delete orphaned %s %s: %s',
                          orphan.kind, orphan.ident, error)
                continue
            orphan.deleted = True
            LOG.info('Deleted orphaned %s', orphan)


def audit_host(manager, context, delete=False, allocations=True):
    """Audit ``manager``'s host: its node's allocations (unless
    ``allocations`` is False), guests and instance directories; with
    ``delete``, remove what it finds.

    :returns: the :class:`Orphan` list, each marked deleted or not.
    """
    orphans = find_orphan_allocations(context, host=manager.host) \
        if allocations else []
    orphans += find_host_orphans(context, manager.host, manager.driver)
    for orphan in orphans:
        LOG.warning('Orphaned %s', orphan)
    if delete:
        delete_allocations(context, orphans)
        delete_host_orphans(context, manager.host, manager.driver, orphans)
    return orphans

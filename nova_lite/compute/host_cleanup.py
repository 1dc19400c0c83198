"""A compute host back from the dead: the guests it must not run any more.

While a compute host is down the rest of the cloud goes on without it. A
server deleted meanwhile is deleted by the API at once, but its guest may
still run on the host (a network partition, a hung service: a host that
is "down" is not always off); a server evacuated meanwhile runs again on
another host, and its old guest may still run on this one. Either leftover
answers ARP for an address that is, or will be, someone else's. So:

* the API does not release the fixed IPs and MACs of a server deleted
  while its host was down: they stay *held* for that host (see
  ``network/api.py``), so no other server gets them;
* at start-up, before anything else touches instances, the host destroys
  the guests of servers evacuated away from it
  (:func:`destroy_evacuated_instances`, Nova's
  ``_destroy_evacuated_instances``);
* at start-up and every ``[DEFAULT]
  running_deleted_instance_poll_interval`` seconds, the host acts on the
  guests of deleted servers, and of servers that live on another host,
  as ``running_deleted_instance_action`` says
  (:func:`cleanup_running_deleted_instances`, Nova's
  ``_cleanup_running_deleted_instances``); a reaped guest's held
  addresses are released, and so are those of a guest found gone.

A guest whose instance is migrating to or from this host is never
touched, nor a guest nova-lite has no record of (it may not be ours: the
hypervisor may run guests nova-lite never made).

Every database access goes through objects and the network API, so it
runs in the conductor: a compute host has no database access.
"""

import datetime

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_lite.compute import power
from nova_lite import conf
from nova_lite import exception
from nova_lite import objects
from nova_lite.objects import migration as migration_obj
from nova_lite import utils

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# The status an evacuation gets once its source host has cleaned up.
COMPLETED = 'completed'

REAP = 'reap'
LOG_ONLY = 'log'
SHUTDOWN = 'shutdown'
NOOP = 'noop'


def _guest_uuids(manager):
    """The uuids of the guests on the hypervisor, or None when the driver
    cannot list them."""
    try:
        return set(manager.driver.list_instance_uuids())
    except NotImplementedError:
        LOG.debug('Driver %s cannot list its guests by uuid',
                  type(manager.driver).__name__)
        return None


def _instances_by_uuid(context, uuids):
    """``{uuid: Instance}`` of ``uuids``, deleted ones included."""
    if not uuids:
        return {}
    instances = objects.InstanceList.get_by_filters(
        context, {'uuid': sorted(uuids)}, read_deleted='yes')
    return {instance.uuid: instance for instance in instances}


# ---- guests of servers evacuated away (start-up) ---------------------------

def destroy_evacuated_instances(manager, context):
    """Destroy the guests of the servers evacuated away from this host
    while it was down, drop what the evacuations hold here, and complete
    them.

    The evacuations are those with this host as source in
    :data:`~nova_lite.objects.migration.EVACUATION_NOT_CLEANED`. A guest
    whose instance is still hosted here is left alone (the evacuation has
    not moved it), and so is its evacuation. Run at start-up, before
    anything else touches instances.
    """
    evacuations = {}
    for migration in objects.MigrationList.get_by_filters(
            context, {'source_compute': manager.host,
                      'migration_type': migration_obj.EVACUATION}):
        # NOTE: newest first: an instance's newest evacuation wins.
        if migration.status in migration_obj.EVACUATION_NOT_CLEANED:
            evacuations.setdefault(migration.instance_uuid, migration)
    if not evacuations:
        return
    guests = _guest_uuids(manager)
    if guests is None:
        return
    instances = _instances_by_uuid(context, evacuations)
    for uuid, migration in evacuations.items():
        instance = instances.get(uuid)
        if (instance is not None and not instance.deleted and
                instance.host == manager.host):
            LOG.info('Instance %s is still hosted here: leaving its guest '
                     'and evacuation %s (%s) alone', uuid, migration.uuid,
                     migration.status)
            continue
        try:
            with utils.named_lock(uuid):
                _destroy_evacuated(manager, context, uuid, instance,
                                   migration, uuid in guests)
        except Exception:
            # NOTE: one broken guest does not keep the host from starting;
            # the evacuation stays as it is and is looked at again at the
            # next start.
            LOG.exception('Could not clean up after evacuation %s of '
                          'instance %s', migration.uuid, uuid)


def _destroy_evacuated(manager, context, uuid, instance, migration,
                       on_hypervisor):
    if on_hypervisor:
        LOG.info('Destroying the guest of instance %s: it was evacuated '
                 'from this host (migration %s, %s) but still exists on '
                 'the hypervisor', uuid, migration.uuid, migration.status)
        guest = instance or objects.Instance(context=context, uuid=uuid)
        manager.driver.destroy(context, guest,
                               network_info=(power._network_info(instance)
                                             if instance else None),
                               destroy_disks=True)
    if instance is None or instance.deleted:
        # NOTE: deleted while this host was down: what was held for its
        # guest here is free now.
        manager.network_api.release_held(context, manager.host,
                                         instance_uuid=uuid)
    objects.Allocation.delete_by_consumer(context, migration.uuid)
    migration.status = COMPLETED
    migration.save()


# ---- guests of deleted servers (start-up and periodic) ---------------------

def _busy_instance_uuids(manager, context):
    """Instances whose guests here are someone else's business: migrating
    from or to this host, or evacuated away from it (their guests are
    :func:`destroy_evacuated_instances`' at the next start; a failed
    evacuation's guest may be the only good copy)."""
    busy = {migration.instance_uuid for migration in
            objects.MigrationList.get_in_progress_by_host(context,
                                                          manager.host)}
    busy.update(migration.instance_uuid for migration in
                objects.MigrationList.get_by_filters(
                    context, {'source_compute': manager.host,
                              'migration_type': migration_obj.EVACUATION})
                if migration.status != COMPLETED)
    return busy


def _deleted_long_enough(instance, timeout):
    deleted_at = instance.deleted_at
    if not deleted_at or timeout <= 0:
        return True
    if deleted_at.tzinfo is None:
        deleted_at = deleted_at.replace(tzinfo=datetime.timezone.utc)
    return (timeutils.utcnow(True) - deleted_at).total_seconds() >= timeout


def cleanup_running_deleted_instances(manager, context):
    """Act on the guests here that should not run any more, as ``[DEFAULT]
    running_deleted_instance_action`` says, and release the addresses
    held for guests that are gone.

    A guest is acted on when its instance is deleted (for at least
    ``running_deleted_instance_timeout`` seconds), or lives on another
    host (or on none) with no migration under way. A guest whose
    instance is migrating from or to this host, or was evacuated away
    from it, is left alone, and one with no instance record is only
    logged.
    """
    action = CONF.running_deleted_instance_action
    guests = _guest_uuids(manager)
    if guests is None:
        return
    busy = _busy_instance_uuids(manager, context)
    gone = (manager.network_api.get_held_instance_uuids(context,
                                                        manager.host) -
            guests - busy)
    for uuid in sorted(gone):
        LOG.info('The guest of deleted instance %s is gone from this host: '
                 'releasing its addresses', uuid)
        manager.network_api.release_held(context, manager.host,
                                         instance_uuid=uuid)
    if action == NOOP:
        return
    candidates = guests - busy
    instances = _instances_by_uuid(context, candidates)
    timeout = CONF.running_deleted_instance_timeout
    for uuid in sorted(candidates):
        instance = instances.get(uuid)
        if instance is None:
            LOG.warning('Guest %s on the hypervisor has no instance record; '
                        'leaving it alone (it may not be a nova-lite guest)',
                        uuid)
            continue
        if instance.deleted:
            if not _deleted_long_enough(instance, timeout):
                continue
            why = 'deleted'
        elif instance.host != manager.host:
            why = ('hosted on %s' % instance.host if instance.host
                   else 'hosted nowhere')
        else:
            continue
        try:
            with utils.named_lock(uuid):
                _act(manager, context, instance, action, why)
        except Exception:
            LOG.exception('Could not %s the guest of instance %s', action,
                          uuid)


def _act(manager, context, instance, action, why):
    if action == LOG_ONLY:
        LOG.warning('The guest of instance %s, which is %s, still exists on '
                    'this host', instance.uuid, why)
    elif action == SHUTDOWN:
        LOG.info('Powering off the guest of instance %s, which is %s',
                 instance.uuid, why)
        try:
            manager.driver.power_off(instance)
        except exception.InstanceNotFoundOnHypervisor:
            pass
    elif action == REAP:
        LOG.info('Destroying the guest of instance %s, which is %s',
                 instance.uuid, why)
        # NOTE: the disks of a deleted server are garbage; those of a
        # server that lives elsewhere may be the ones it runs from (an
        # instance path shared between hosts), so they are kept.
        manager.driver.destroy(context, instance,
                               network_info=power._network_info(instance),
                               destroy_disks=instance.deleted)
        if instance.deleted:
            manager.network_api.release_held(context, manager.host,
                                             instance_uuid=instance.uuid)

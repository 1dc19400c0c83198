"""The compute API: checks a request against flavors, images and quota,
writes the records, and hands the work to the conductor or a compute host.

The REST layer calls this; it never calls a manager directly.
"""

import base64
import functools
import hashlib
import secrets
import string

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import serialization
from cryptography import x509
from oslo_log import log as logging
from oslo_utils import units
from oslo_utils import uuidutils

from nova_lite.compute import instance_actions
from nova_lite.compute import power_state
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import task_states
from nova_lite.compute import vm_states
from nova_lite.conductor import api as conductor_api
from nova_lite import conf
from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite.image import glance
from nova_lite.network import api as network_api
from nova_lite import objects
from nova_lite import quota

CONF = conf.CONF
LOG = logging.getLogger(__name__)

COMPUTE_BINARY = 'nova-lite-compute'
# NOTE: Nova's [DEFAULT] internal_service_availability_zone default: the
# zone of every service but nova-compute.
INTERNAL_ZONE = 'internal'


def _reservation_id():
    alphabet = string.ascii_lowercase + string.digits
    return 'r-' + ''.join(secrets.choice(alphabet) for _ in range(8))


# ---- preconditions of instance actions -------------------------------------
#
# Decorators of API methods taking ``(self, context, instance, ...)``; each
# raises before the method runs, so a refused request changes nothing.

def _as_set(states):
    if states is None or isinstance(states, (set, frozenset)):
        return states
    if isinstance(states, str):
        return {states}
    return set(states)


def check_instance_state(vm_state=None, task_state=(None,),
                         must_have_launched=True):
    """Allow the method only in the listed states, as Nova's decorator.

    :param vm_state: the vm_states allowed; None allows any.
    :param task_state: the task_states allowed (None in it means "no task
        under way"); None allows any. By default only an idle instance.
    :param must_have_launched: refuse an instance that never ran (a build
        that failed before its guest started).
    :raises: InstanceInvalidState (409) naming the attribute and its value.
    """
    vm_states_ok = _as_set(vm_state)
    task_states_ok = _as_set(task_state)

    def outer(func):
        @functools.wraps(func)
        def inner(self, context, instance, *args, **kwargs):
            refused = None
            if (vm_states_ok is not None and
                    instance.vm_state not in vm_states_ok):
                refused = ('vm_state', instance.vm_state)
            elif (task_states_ok is not None and
                    instance.task_state not in task_states_ok):
                refused = ('task_state', instance.task_state)
            elif must_have_launched and not instance.launched_at:
                refused = ('launched_at', instance.launched_at)
            if refused:
                raise exception.InstanceInvalidState(
                    attr=refused[0], state=refused[1],
                    instance_uuid=instance.uuid, method=func.__name__)
            return func(self, context, instance, *args, **kwargs)
        return inner
    return outer


def reject_instance_state(vm_state=None, task_state=None):
    """Refuse the method in any of the listed states (the reverse check).

    :raises: InstanceInvalidState (409).
    """
    vm_states_bad = _as_set(vm_state) or set()
    task_states_bad = _as_set(task_state) or set()

    def outer(func):
        @functools.wraps(func)
        def inner(self, context, instance, *args, **kwargs):
            for attr, bad in (('vm_state', vm_states_bad),
                              ('task_state', task_states_bad)):
                if getattr(instance, attr) in bad:
                    raise exception.InstanceInvalidState(
                        attr=attr, state=getattr(instance, attr),
                        instance_uuid=instance.uuid, method=func.__name__)
            return func(self, context, instance, *args, **kwargs)
        return inner
    return outer


def check_instance_host(func):
    """Refuse an instance placed on no host: nothing there to act on.

    :raises: InstanceNotReady (409).
    """
    @functools.wraps(func)
    def inner(self, context, instance, *args, **kwargs):
        if not instance.host:
            raise exception.InstanceNotReady(instance_id=instance.uuid)
        return func(self, context, instance, *args, **kwargs)
    return inner


def check_instance_lock(func):
    """Refuse a locked instance to anyone but an admin.

    :raises: InstanceIsLocked (409).
    """
    @functools.wraps(func)
    def inner(self, context, instance, *args, **kwargs):
        if instance.locked and not context.is_admin:
            raise exception.InstanceIsLocked(instance_uuid=instance.uuid)
        return func(self, context, instance, *args, **kwargs)
    return inner


class API:
    """Server operations as the REST layer asks for them."""

    def __init__(self):
        self.compute_task_api = conductor_api.ComputeTaskAPI()
        self.compute_rpcapi = compute_rpcapi.ComputeAPI()
        self.image_api = glance.API()
        self.network_api = network_api.API()

    # ---- lookups -----------------------------------------------------------

    def get_flavor_for_create(self, context, flavor_ref):
        """The flavor a create names, or 400 when it cannot be used."""
        try:
            flavor = objects.Flavor.get_by_flavor_id(context, str(flavor_ref))
        except exception.FlavorNotFound:
            raise exception.FlavorNotFoundForCreate(flavor_id=flavor_ref)
        if flavor.disabled:
            raise exception.FlavorNotFoundForCreate(flavor_id=flavor_ref)
        if (not flavor.is_public and not context.is_admin and
                context.project_id not in flavor.projects):
            raise exception.FlavorNotFoundForCreate(flavor_id=flavor_ref)
        return flavor

    def _get_image(self, context, image_href):
        image_id = str(image_href).rstrip('/').rsplit('/', 1)[-1]
        try:
            image = self.image_api.get(context, image_id)
        except exception.ImageNotFound:
            raise exception.ImageNotFoundForCreate()
        if image.get('status') != 'active':
            raise exception.ImageNotActive(image_id=image_id)
        return image

    def get(self, context, instance_id, expected_attrs=None,
            read_deleted='no'):
        """One instance the caller may see.

        :param read_deleted: 'yes' finds a deleted instance too.

        :raises: InstanceNotFound, also for another project's instance
            (unless the caller is an admin), so its existence is not told.
        """
        if not uuidutils.is_uuid_like(instance_id):
            raise exception.InstanceNotFound(instance_id=instance_id)
        instance = objects.Instance.get_by_uuid(
            context, instance_id, expected_attrs=expected_attrs,
            read_deleted=read_deleted)
        if not context.is_admin and instance.project_id != context.project_id:
            raise exception.InstanceNotFound(instance_id=instance_id)
        return instance

    def get_all(self, context, search_opts=None, limit=None, marker=None,
                sort_keys=None, sort_dirs=None):
        """Instances matching ``search_opts``, newest first by default.

        ``search_opts`` holds DB filters (project_id, name, vm_state,
        task_state, changes-since, ...); ``deleted`` set to True also
        returns deleted instances, as ``changes-since`` requires.
        """
        filters = dict(search_opts or {})
        read_deleted = 'yes' if filters.pop('deleted', False) else 'no'
        return objects.InstanceList.get_by_filters(
            context, filters, sort_keys=sort_keys, sort_dirs=sort_dirs,
            limit=limit, marker=marker, expected_attrs=['fault'],
            read_deleted=read_deleted)

    # ---- create ------------------------------------------------------------

    def create(self, context, flavor, image_href, name=None, description=None,
               key_name=None, user_data=None, metadata=None,
               availability_zone=None, min_count=1, max_count=1,
               access_ip_v4=None, access_ip_v6=None, config_drive=None,
               requested_networks=None, scheduler_hints=None,
               admin_password=None, return_reservation_id=False):
        """Record new instances and ask the conductor to build them.

        :returns: (instances, reservation_id)
        :raises: Invalid subclasses for bad references (400), OverQuota
            subclasses (403). On any error no row is left behind.
        """
        min_count = min_count or 1
        max_count = max_count or min_count
        if min_count > max_count:
            raise exception.InvalidInput(
                reason='min_count must be <= max_count')
        metadata = metadata or {}
        self._check_metadata(metadata, context.project_id)
        image = self._get_image(context, image_href)
        self._check_flavor_fits_image(flavor, image)
        key_data = None
        if key_name is not None:
            try:
                key_data = objects.KeyPair.get_by_name(
                    context, context.user_id, key_name).public_key
            except exception.KeypairNotFound:
                raise exception.KeypairNotFoundForCreate()
        zone, forced_host = self._parse_availability_zone(
            context, availability_zone)
        # NOTE: networks, fixed IPs and their use are checked against
        # max_count, as Nova does, before any row is written.
        self.network_api.validate_networks(context, requested_networks,
                                           max_count)

        per_instance = {'instances': 1, 'cores': flavor.vcpus,
                        'ram': flavor.memory_mb}
        count = quota.max_instances_allowed(context.project_id,
                                            per_instance, max_count)
        if count < min_count:
            quota.check_instances(context.project_id, {
                name: amount * min_count
                for name, amount in per_instance.items()})
        reservation_id = _reservation_id()
        image_meta = objects.ImageMeta.from_dict(image)
        instances = []
        try:
            for index in range(count):
                instances.append(self._create_instance_record(
                    context, flavor, image, name, description, key_name,
                    key_data, user_data, metadata, zone, access_ip_v4,
                    access_ip_v6, config_drive, reservation_id, index,
                    count))
            if CONF.quota.recheck_quota:
                quota.check_instances(
                    context.project_id,
                    {k: v * count for k, v in per_instance.items()},
                    already_counted=True)
        except Exception:
            with _reraise():
                for instance in instances:
                    instance.destroy()

        request_spec = None
        for instance in instances:
            spec = objects.RequestSpec(
                context=context, instance_uuid=instance.uuid,
                project_id=context.project_id, user_id=context.user_id,
                flavor=flavor, image=image_meta, num_instances=count,
                availability_zone=zone,
                scheduler_hints=_hints(scheduler_hints),
                force_hosts=[forced_host] if forced_host else [],
                ignore_hosts=[], force_nodes=[])
            spec.create()
            request_spec = request_spec or spec
            objects.InstanceAction.action_start(
                context, instance.uuid, instance_actions.CREATE)

        self.compute_task_api.build_instances(
            context, instances=instances, image=image_meta,
            request_spec=request_spec, admin_password=admin_password,
            requested_networks=requested_networks)
        return instances, reservation_id

    def _create_instance_record(self, context, flavor, image, name,
                                description, key_name, key_data, user_data,
                                metadata, zone, access_ip_v4, access_ip_v6,
                                config_drive, reservation_id, index, count):
        uuid = uuidutils.generate_uuid()
        display_name = name
        if count > 1 and name:
            # NOTE: Nova names each of a multi-create "<name>-<n>".
            display_name = '%s-%d' % (name, index + 1)
        system_metadata = {'image_%s' % key: str(value)
                           for key, value in image.items()
                           if key in ('min_ram', 'min_disk', 'disk_format',
                                      'container_format') and
                           value is not None}
        system_metadata['image_base_image_ref'] = image['id']
        instance = objects.Instance(
            context=context, uuid=uuid, user_id=context.user_id,
            project_id=context.project_id, display_name=display_name,
            display_description=description,
            hostname=_hostname(display_name, uuid),
            image_ref=image['id'], instance_type_id=flavor.id,
            flavor=flavor, vcpus=flavor.vcpus, memory_mb=flavor.memory_mb,
            root_gb=flavor.root_gb, ephemeral_gb=flavor.ephemeral_gb,
            vm_state=vm_states.BUILDING, task_state=task_states.SCHEDULING,
            power_state=power_state.NOSTATE, availability_zone=zone,
            key_name=key_name, key_data=key_data, user_data=user_data,
            reservation_id=reservation_id, launch_index=index,
            config_drive='True' if config_drive in (True, 'True', 'true')
            else '',
            access_ip_v4=access_ip_v4, access_ip_v6=access_ip_v6,
            locked=False, progress=0, metadata=dict(metadata),
            system_metadata=system_metadata)
        instance.create()
        return instance

    @staticmethod
    def _check_metadata(metadata, project_id):
        limit = quota.limit_of(project_id, 'metadata_items')
        if limit >= 0 and len(metadata) > limit:
            raise exception.MetadataLimitExceeded(allowed=limit)

    @staticmethod
    def _check_flavor_fits_image(flavor, image):
        """:raises: FlavorMemoryTooSmall (image ``min_ram``),
        FlavorDiskSmallerThanImage (image ``size``),
        FlavorDiskSmallerThanMinDisk (image ``min_disk``), as Nova does,
        comparing bytes."""
        if flavor.memory_mb < int(image.get('min_ram') or 0):
            raise exception.FlavorMemoryTooSmall()
        # NOTE: a flavor with a 0 GB root disk takes the image's size, as
        # in Nova, so only a sized root disk is checked.
        root_bytes = flavor.root_gb * units.Gi
        if root_bytes:
            image_size = int(image.get('size') or 0)
            if image_size > root_bytes:
                raise exception.FlavorDiskSmallerThanImage(
                    flavor_size=root_bytes, image_size=image_size)
            min_disk = int(image.get('min_disk') or 0) * units.Gi
            if min_disk > root_bytes:
                raise exception.FlavorDiskSmallerThanMinDisk(
                    flavor_size=root_bytes, image_min_disk=min_disk)

    def _parse_availability_zone(self, context, availability_zone):
        """Split ``zone[:host]``; a host may be forced by admins only."""
        if not availability_zone:
            return CONF.default_schedule_zone, None
        zone, _, host = availability_zone.partition(':')
        host, _, _node = host.partition(':')
        if host:
            context.can('os_compute_api:servers:create:forced_host',
                        {'project_id': context.project_id})
        zone = zone or CONF.default_availability_zone
        if zone not in self.availability_zones(context):
            raise exception.AvailabilityZoneNotFound()
        return zone, host or None

    @staticmethod
    def availability_zones(context):
        """Zones servers can be created in."""
        return {CONF.default_availability_zone}

    # ---- update and delete -------------------------------------------------

    def update_instance(self, context, instance, updates):
        for key, value in updates.items():
            setattr(instance, key, value)
        if 'display_name' in updates and updates['display_name']:
            instance.hostname = _hostname(updates['display_name'],
                                          instance.uuid)
        instance.save()
        return instance

    # ---- metadata ----------------------------------------------------------

    @check_instance_lock
    @check_instance_state(vm_state=[vm_states.ACTIVE, vm_states.PAUSED,
                                    vm_states.SUSPENDED, vm_states.STOPPED],
                          task_state=None)
    def update_instance_metadata(self, context, instance, metadata,
                                 delete=False):
        """Merge ``metadata`` into the instance's (or replace it all).

        :param delete: replace: keys absent from ``metadata`` go.
        :raises: InstanceIsLocked, InstanceInvalidState (409);
            MetadataLimitExceeded (403) past ``[quota] metadata_items``.
        :returns: the instance's whole metadata afterwards.
        """
        if delete:
            new = dict(metadata)
        else:
            new = dict(instance.metadata)
            new.update(metadata)
        self._check_metadata(new, instance.project_id)
        instance.metadata = new
        instance.save()
        return new

    @check_instance_lock
    @check_instance_state(vm_state=[vm_states.ACTIVE, vm_states.PAUSED,
                                    vm_states.SUSPENDED, vm_states.STOPPED],
                          task_state=None)
    def delete_instance_metadata(self, context, instance, key):
        """Remove the metadata item ``key`` (the caller checked it exists).

        :raises: InstanceIsLocked, InstanceInvalidState (409).
        """
        new = dict(instance.metadata)
        new.pop(key, None)
        instance.metadata = new
        instance.save()

    @check_instance_lock
    def delete(self, context, instance):
        """Delete ``instance`` whatever its state (unless it is locked).

        A server never placed on a host, or whose host is down, is deleted
        here; otherwise its host tears the guest down. A build in progress
        notices the delete at its next state change and gives up.
        """
        objects.InstanceAction.action_start(context, instance.uuid,
                                            instance_actions.DELETE)
        if not instance.host or not self._host_is_up(context, instance.host):
            self._local_delete(context, instance)
            return
        instance.task_state = task_states.DELETING
        try:
            instance.save()
        except exception.InstanceNotFound:
            return
        self.compute_rpcapi.terminate_instance(context, instance=instance,
                                               host=instance.host)

    def _local_delete(self, context, instance):
        # NOTE: no compute host will tear this one down: its addresses are
        # released here, before the record goes.
        self.network_api.deallocate_for_instance(context, instance)
        try:
            instance.destroy()
        except exception.InstanceNotFound:
            pass

    # ---- power actions and the console -------------------------------------

    @staticmethod
    def _start_task(context, instance, task_state, expected, action):
        """Claim ``instance`` for an action, then record the action.

        The claim is one conditional update: of two requests racing for
        one instance exactly one finds the expected task state; the other
        is refused as if the state check had caught it.

        :raises: InstanceInvalidState (409) when another request won,
            InstanceNotFound (404) when the instance was deleted.
        """
        instance.task_state = task_state
        try:
            instance.save(expected_task_state=expected)
        except exception.UnexpectedTaskStateError as error:
            raise exception.InstanceInvalidState(
                attr='task_state', state=error.kwargs.get('actual'),
                instance_uuid=instance.uuid, method=action)
        objects.InstanceAction.action_start(context, instance.uuid, action)

    @check_instance_lock
    @check_instance_host
    @check_instance_state(vm_state=[vm_states.ACTIVE, vm_states.ERROR])
    def stop(self, context, instance, clean_shutdown=True):
        """Power the guest off, keeping it; the server goes to SHUTOFF.

        :param clean_shutdown: ask the guest OS to shut down first (up to
            ``[DEFAULT] shutdown_timeout``) rather than cut the power.
        :raises: InstanceInvalidState, InstanceIsLocked, InstanceNotReady
            (409); InstanceNotFound (404).
        """
        instance.progress = 0
        self._start_task(context, instance, task_states.POWERING_OFF,
                         [None], instance_actions.STOP)
        self.compute_rpcapi.stop_instance(context, instance=instance,
                                          host=instance.host,
                                          clean_shutdown=clean_shutdown)

    @check_instance_lock
    @check_instance_host
    @check_instance_state(vm_state=[vm_states.STOPPED])
    def start(self, context, instance):
        """Power a stopped guest on; the server goes back to ACTIVE.

        :raises: as :meth:`stop`.
        """
        self._start_task(context, instance, task_states.POWERING_ON,
                         [None], instance_actions.START)
        self.compute_rpcapi.start_instance(context, instance=instance,
                                           host=instance.host)

    @check_instance_lock
    @check_instance_host
    def reboot(self, context, instance, reboot_type):
        """Reboot the guest; ``reboot_type`` is ``'SOFT'`` or ``'HARD'``.

        A soft reboot needs an idle ACTIVE server; a hard one is allowed
        from more states (STOPPED, PAUSED, SUSPENDED, ERROR) and may
        overtake a reboot, pause, resume or suspend in flight.

        :raises: as :meth:`stop`.
        """
        if reboot_type == 'SOFT':
            self._soft_reboot(context, instance)
        else:
            self._hard_reboot(context, instance)

    @check_instance_state(vm_state=vm_states.ALLOW_SOFT_REBOOT,
                          task_state=[None])
    def _soft_reboot(self, context, instance):
        self._start_task(context, instance, task_states.REBOOTING, [None],
                         instance_actions.REBOOT)
        self.compute_rpcapi.reboot_instance(context, instance=instance,
                                            host=instance.host,
                                            reboot_type='SOFT')

    @check_instance_state(vm_state=vm_states.ALLOW_HARD_REBOOT,
                          task_state=task_states.ALLOW_REBOOT)
    def _hard_reboot(self, context, instance):
        self._start_task(context, instance, task_states.REBOOTING_HARD,
                         task_states.ALLOW_REBOOT, instance_actions.REBOOT)
        self.compute_rpcapi.reboot_instance(context, instance=instance,
                                            host=instance.host,
                                            reboot_type='HARD')

    # ---- pause, unpause, suspend, resume -----------------------------------

    def _cast_state_change(self, context, instance, task_state, action,
                           rpc_method):
        self._start_task(context, instance, task_state, [None], action)
        getattr(self.compute_rpcapi, rpc_method)(context, instance=instance,
                                                 host=instance.host)

    @check_instance_lock
    @check_instance_host
    @check_instance_state(vm_state=[vm_states.ACTIVE])
    def pause(self, context, instance):
        """Freeze the guest in memory; the server goes to PAUSED.

        :raises: InstanceInvalidState, InstanceIsLocked, InstanceNotReady
            (409); InstanceNotFound (404).
        """
        self._cast_state_change(context, instance, task_states.PAUSING,
                                instance_actions.PAUSE, 'pause_instance')

    @check_instance_lock
    @check_instance_host
    @check_instance_state(vm_state=[vm_states.PAUSED])
    def unpause(self, context, instance):
        """Let a paused guest run again; the server goes back to ACTIVE.

        :raises: as :meth:`pause`.
        """
        self._cast_state_change(context, instance, task_states.UNPAUSING,
                                instance_actions.UNPAUSE, 'unpause_instance')

    @check_instance_lock
    @check_instance_host
    @check_instance_state(vm_state=[vm_states.ACTIVE])
    def suspend(self, context, instance):
        """Save the guest's memory to disk and stop it; SUSPENDED.

        :raises: as :meth:`pause`.
        """
        self._cast_state_change(context, instance, task_states.SUSPENDING,
                                instance_actions.SUSPEND, 'suspend_instance')

    @check_instance_lock
    @check_instance_host
    @check_instance_state(vm_state=[vm_states.SUSPENDED])
    def resume(self, context, instance):
        """Restore a suspended guest; the server goes back to ACTIVE.

        :raises: as :meth:`pause`.
        """
        self._cast_state_change(context, instance, task_states.RESUMING,
                                instance_actions.RESUME, 'resume_instance')

    # ---- lock, unlock, reset state (database changes, no RPC) -------------

    @staticmethod
    def _record_api_action(context, instance, action, change):
        """Record ``action`` and its ``api_<action>`` event around
        ``change()``, as Nova's API-side actions do."""
        objects.InstanceAction.action_start(context, instance.uuid, action)
        event = 'api_%s' % action
        objects.InstanceActionEvent.event_start(context, instance.uuid,
                                                event, host=CONF.host)
        try:
            change()
        except Exception:
            objects.InstanceActionEvent.event_finish(
                context, instance.uuid, event, 'Error')
            raise
        objects.InstanceActionEvent.event_finish(context, instance.uuid,
                                                 event, 'Success')

    def lock(self, context, instance, reason=None):
        """Lock ``instance``: only admins may act on it until unlocked.

        An owner locking an instance already locked changes nothing (as in
        Nova); an admin's lock takes it over.

        :param reason: kept as ``locked_reason`` (microversion 2.73).
        """
        is_owner = instance.project_id == context.project_id
        if instance.locked and is_owner:
            return

        def change():
            LOG.debug('Locking instance %s', instance.uuid)
            instance.locked = True
            instance.locked_by = 'owner' if is_owner else 'admin'
            if reason:
                system_metadata = dict(instance.system_metadata)
                system_metadata['locked_reason'] = reason
                instance.system_metadata = system_metadata
            instance.save()

        self._record_api_action(context, instance, instance_actions.LOCK,
                                change)

    @staticmethod
    def is_expected_locked_by(context, instance):
        """False when the lock was set by the other side (an admin's lock
        seen by the owner, or the owner's seen by an admin)."""
        is_owner = instance.project_id == context.project_id
        expected = 'owner' if is_owner else 'admin'
        return not instance.locked_by or instance.locked_by == expected

    def unlock(self, context, instance):
        """Unlock ``instance`` and forget the lock's reason."""
        def change():
            LOG.debug('Unlocking instance %s', instance.uuid)
            instance.locked = False
            instance.locked_by = None
            system_metadata = dict(instance.system_metadata)
            system_metadata.pop('locked_reason', None)
            instance.system_metadata = system_metadata
            instance.save()

        self._record_api_action(context, instance, instance_actions.UNLOCK,
                                change)

    def reset_state(self, context, instance, vm_state):
        """Force ``vm_state`` and clear the task state (an admin's repair).

        NOTE: no state or lock check and no expected task state: this is
        the way out of any state, as Nova's os-resetState.
        """
        objects.InstanceAction.action_start(context, instance.uuid,
                                            instance_actions.RESET)
        instance.vm_state = vm_state
        instance.task_state = None
        instance.save()

    @check_instance_host
    @reject_instance_state(task_state=[task_states.DELETING,
                                       task_states.MIGRATING])
    def get_console_output(self, context, instance, tail_length=None):
        """The guest's serial console log, asked of its host (a call).

        :param tail_length: keep only the last this many lines; None keeps
            all (up to the driver's cap).
        :raises: InstanceNotReady (409) for an instance on no host,
            InstanceInvalidState (409) while it is deleted or migrated,
            ConsoleNotAvailable or InstanceNotFoundOnHypervisor (404) when
            the host has no console or no guest for it.
        """
        return self.compute_rpcapi.get_console_output(
            context, instance=instance, host=instance.host,
            tail_length=tail_length)

    def get_instance_host_status(self, instance):
        return self.get_instances_host_statuses([instance])[instance.uuid]

    def get_instances_host_statuses(self, instances):
        """``{uuid: UP|DOWN|MAINTENANCE|UNKNOWN|''}`` as Nova's host_status.

        One query for the services, whatever the number of instances.
        """
        context = nova_context.get_admin_context()
        services = {service.host: service for service in
                    objects.ServiceList.get_all(context,
                                                binary=COMPUTE_BINARY)}
        statuses = {}
        for instance in instances:
            service = services.get(instance.host)
            if not instance.host:
                status = ''
            elif service is None:
                status = 'UNKNOWN'
            elif service.forced_down or not service.is_up():
                status = 'DOWN'
            elif service.disabled:
                status = 'MAINTENANCE'
            else:
                status = 'UP'
            statuses[instance.uuid] = status
        return statuses

    @staticmethod
    def _host_is_up(context, host):
        services = objects.ServiceList.get_all(context, binary=COMPUTE_BINARY,
                                               host=host)
        return any(service.is_up() for service in services)


class InstanceActionAPI:
    """The recorded actions of instances and their events."""

    def actions_get(self, context, instance):
        """:returns: the actions on ``instance``, newest first."""
        return objects.InstanceActionList.get_by_instance_uuid(
            context, instance.uuid)

    def action_get_by_request_id(self, context, instance, request_id):
        """:returns: the action of ``request_id`` on ``instance``, or None."""
        return objects.InstanceAction.get_by_request_id(
            context, instance.uuid, request_id)

    def action_events_get(self, context, instance, action_id):
        """:returns: the events of action ``action_id``."""
        return objects.InstanceActionEventList.get_by_action(context,
                                                             action_id)


class HostAPI:
    """Services and hosts, as admins see them."""

    def service_get_all(self, context, host=None, binary=None):
        return objects.ServiceList.get_all(context, binary=binary, host=host)

    # ---- hypervisors ----

    @staticmethod
    def compute_node_get_all(context):
        """Every compute node, by id."""
        return list(objects.ComputeNodeList.get_all(context))

    def compute_node_get(self, context, compute_id):
        """:raises: ComputeHostNotFound"""
        for node in self.compute_node_get_all(context):
            if str(node.id) == str(compute_id):
                return node
        raise exception.ComputeHostNotFound(host=compute_id)

    def compute_node_search_by_hypervisor(self, context, pattern):
        """Nodes whose hypervisor_hostname contains ``pattern``."""
        return [node for node in self.compute_node_get_all(context)
                if pattern in node.hypervisor_hostname]

    @staticmethod
    def compute_node_usages(context):
        """(``{node id: {resource class: allocated}}``,
        ``{(host, node): live instances}``)."""
        return (objects.ComputeNodeList.get_usages(context),
                objects.ComputeNodeList.get_instance_counts(context))

    @staticmethod
    def instance_get_all_by_host_and_node(context, host, node):
        return objects.InstanceList.get_by_filters(
            context, {'host': host, 'node': node})

    @staticmethod
    def service_zone(service):
        """The availability zone of a service, as Nova sets it.

        NOTE: without host aggregates every compute host is in
        ``default_availability_zone``; other services are ``internal``.
        """
        if service.binary == COMPUTE_BINARY:
            return CONF.default_availability_zone
        return INTERNAL_ZONE

    def get_availability_zones(self, context):
        """Zones with an enabled service, and zones with only disabled
        ones.

        :returns: (available, not_available), each a list of zone names
            in the order their services were first seen.
        """
        available, not_available = [], []
        services = self.service_get_all(context)
        for service in services:
            zone = self.service_zone(service)
            if not service.disabled and zone not in available:
                available.append(zone)
        for service in services:
            zone = self.service_zone(service)
            if (service.disabled and zone not in available and
                    zone not in not_available):
                not_available.append(zone)
        return available, not_available


class KeypairAPI:
    """Key pairs: import a public key, or generate a pair (below 2.92)."""

    def get_key_pairs(self, context, user_id, limit=None, marker=None):
        return objects.KeyPairList.get_by_user(context, user_id, limit=limit,
                                               marker=marker)

    def get_key_pair(self, context, user_id, key_name):
        return objects.KeyPair.get_by_name(context, user_id, key_name)

    def import_key_pair(self, context, user_id, key_name, public_key,
                        key_type='ssh'):
        """Store a public key.

        :raises: InvalidKeypair (400), KeyPairExists (409),
            KeypairLimitExceeded (403).
        """
        self._check_quota(context, user_id)
        fingerprint = _fingerprint(public_key, key_type)
        keypair = objects.KeyPair(context=context, name=key_name,
                                  user_id=user_id, public_key=public_key,
                                  fingerprint=fingerprint, type=key_type)
        keypair.create()
        return keypair

    def create_key_pair(self, context, user_id, key_name, key_type='ssh'):
        """Generate a key pair; returns (keypair, private_key)."""
        self._check_quota(context, user_id)
        private_key, public_key = _generate_key_pair(key_type)
        keypair = objects.KeyPair(context=context, name=key_name,
                                  user_id=user_id, public_key=public_key,
                                  fingerprint=_fingerprint(public_key,
                                                           key_type),
                                  type=key_type)
        keypair.create()
        return keypair, private_key

    def delete_key_pair(self, context, user_id, key_name):
        objects.KeyPair.destroy_by_name(context, user_id, key_name)

    @staticmethod
    def _check_quota(context, user_id):
        limit = quota.limit_of(context.project_id, 'key_pairs')
        if limit >= 0 and objects.KeyPairList.get_count_by_user(
                context, user_id) >= limit:
            raise exception.KeypairLimitExceeded()


def _fingerprint(public_key, key_type):
    """Colon-separated hex digest Nova shows: md5 for ssh, sha1 for x509."""
    try:
        if key_type == 'x509':
            cert = x509.load_pem_x509_certificate(public_key.encode())
            digest = cert.fingerprint(hashes.SHA1()).hex()
        else:
            serialization.load_ssh_public_key(public_key.strip().encode())
            body = base64.b64decode(public_key.split()[1])
            digest = hashlib.md5(body, usedforsecurity=False).hexdigest()
    except (ValueError, IndexError, TypeError, AttributeError) as error:
        raise exception.InvalidKeypair(
            reason='Keypair data is invalid: %s' % error)
    return ':'.join(digest[i:i + 2] for i in range(0, len(digest), 2))


def _generate_key_pair(key_type):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    if key_type == 'x509':
        raise exception.InvalidKeypair(
            reason='generating x509 key pairs is not supported')
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH,
        serialization.PublicFormat.OpenSSH).decode() + ' Generated-by-Nova'
    return private, public


def _hostname(display_name, uuid):
    """A DNS label from the display name, as Nova sanitises it."""
    allowed = string.ascii_lowercase + string.digits + '-'
    label = ''.join(c if c in allowed else '-'
                    for c in (display_name or '').lower().replace(' ', '-'))
    label = label.strip('-.')[:63].strip('-')
    return label or 'server-%s' % uuid


def _hints(hints):
    result = {}
    for key, value in (hints or {}).items():
        values = value if isinstance(value, list) else [value]
        result[key] = [str(v) for v in values]
    return result


class _reraise:
    """Run cleanup in a ``with`` block, then re-raise the original error."""

    def __enter__(self):
        import sys
        self.exc_info = sys.exc_info()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            raise self.exc_info[1].with_traceback(self.exc_info[2])
        LOG.error('Cleanup after a failed create failed too',
                  exc_info=self.exc_info)
        return False

"""The compute API: checks a request against flavors, images and quota,
writes the records, and hands the work to the conductor or a compute host.

The REST layer calls this; it never calls a manager directly.
"""

import secrets
import string

from oslo_log import log as logging
from oslo_utils import timeutils
from oslo_utils import units
from oslo_utils import uuidutils

from nova_lite.compute import aggregates
from nova_lite.compute.checks import check_instance_host
from nova_lite.compute.checks import check_instance_lock
from nova_lite.compute.checks import check_instance_state
from nova_lite.compute.checks import reject_instance_state
from nova_lite.compute import external_events
from nova_lite.compute import instance_actions
from nova_lite.compute import moves
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.compute import server_group_api
from nova_lite.conductor import api as conductor_api
from nova_lite import conf
from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite.image import glance
from nova_lite.image import meta as image_body
from nova_lite.network import api as network_api
from nova_lite import objects
from nova_lite.objects import flavor as flavor_obj
from nova_lite.objects import service as service_obj
from nova_lite import quota
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite.states import vm_states

CONF = conf.CONF
LOG = logging.getLogger(__name__)

INTERNAL_ZONE = aggregates.INTERNAL_ZONE


class _Unset:
    def __repr__(self):
        return 'UNSET'


# NOTE: "not given", where None has a meaning of its own (unshelve's
# availability_zone: null unpins the server, 2.91).
UNSET = _Unset()
# The image properties a snapshot does not copy: those Nova sets afresh.
_NOT_SNAPSHOT_PROPERTIES = frozenset((
    'image_type', 'instance_uuid', 'user_id', 'image_location',
    'image_state', 'owner_id'))


# NOTE: Nova's instance action of createBackup; its place is
# compute/instance_actions.py, which another change is reworking.
BACKUP_ACTION = 'createBackup'


def _reservation_id():
    alphabet = string.ascii_lowercase + string.digits
    return 'r-' + ''.join(secrets.choice(alphabet) for _ in range(8))


class API(moves.MoveAPI):
    """Server operations as the REST layer asks for them."""

    def __init__(self):
        self.compute_task_api = conductor_api.ComputeTaskAPI()
        self.compute_rpcapi = compute_rpcapi.ComputeAPI()
        self.image_api = glance.API()
        self.network_api = network_api.API()

    # ---- lookups -----------------------------------------------------------

    def get_flavor_for_create(self, context, flavor_ref):
        """The flavor a create names, or 400 when it cannot be used."""
        return _usable_flavor(context, flavor_ref,
                              exception.FlavorNotFoundForCreate)

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

        ``search_opts`` holds the API's filters (project_id, name,
        vm_state, task_state, changes-since, ...); as in Nova, ``deleted``
        True lists only deleted instances, False only live ones, and
        without it (changes-since) both.
        """
        filters = dict(search_opts or {})
        return objects.InstanceList.get_by_filters(
            context, filters, sort_keys=sort_keys, sort_dirs=sort_dirs,
            limit=limit, marker=marker, expected_attrs=['fault'],
            read_deleted='yes')

    @staticmethod
    def get_request_specs(context, instance_uuids):
        """``{instance uuid: RequestSpec}`` of the instances that have
        one, in one query (the views of 2.96 and 2.100 read them)."""
        if not instance_uuids:
            return {}
        return objects.RequestSpec.get_by_instance_uuids(context,
                                                         instance_uuids)

    # ---- create ------------------------------------------------------------

    def create(self, context, flavor, image_href, name=None, description=None,
               key_name=None, user_data=None, metadata=None,
               availability_zone=None, min_count=1, max_count=1,
               access_ip_v4=None, access_ip_v6=None, config_drive=None,
               requested_networks=None, scheduler_hints=None,
               admin_password=None, return_reservation_id=False,
               tags=None, hostname=None, requested_host=None,
               requested_hypervisor_hostname=None):
        """Record new instances and ask the conductor to build them.

        :param tags: server tags to set at create (2.52).
        :param hostname: the guest hostname (2.90), instead of one made
            from the name; only for a single server.
        :param requested_host, requested_hypervisor_hostname: where the
            server must go (2.74); unlike a forced host the filters still
            run.
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
        if hostname and max_count > 1:
            raise exception.AmbiguousHostnameForMultipleInstances()
        requested_destination = self._requested_destination(
            context, requested_host, requested_hypervisor_hostname)
        group = server_group_api.ServerGroupAPI.get_for_create(
            context, scheduler_hints, max_count)
        # NOTE: networks, fixed IPs and their use are checked against
        # max_count, as Nova does, before any row is written.
        self.network_api.validate_networks(context, requested_networks,
                                           max_count)

        per_instance = {'instances': 1, 'cores': flavor.vcpus,
                        'ram': flavor.memory_mb}
        reservation_id = _reservation_id()
        image_meta = objects.ImageMeta.from_dict(image)
        instances = []
        try:
            # NOTE: concurrent creates of the project count and write one
            # after the other, so each is admitted while there is room.
            with quota.instance_creation_lock(context.project_id):
                count = quota.instances_to_admit(
                    context.project_id, per_instance, min_count, max_count)
                for index in range(count):
                    instances.append(self._create_instance_record(
                        context, flavor, image, name, description,
                        key_name, key_data, user_data, metadata, zone,
                        access_ip_v4, access_ip_v6, config_drive,
                        reservation_id, index, count, hostname))
                    if tags:
                        objects.TagList.create(
                            context, instances[-1].uuid, list(tags))
            if CONF.quota.recheck_quota:
                quota.check_instances(
                    context.project_id,
                    {k: v * count for k, v in per_instance.items()},
                    already_counted=True)
            if group is not None:
                group = objects.InstanceGroup.add_members(
                    context, group.uuid, [i.uuid for i in instances])
            # NOTE: inside the clean-up scope: an instance row without its
            # request spec, its action or the cast that builds it would
            # stay in BUILD with nothing to move it on.
            request_spec = None
            for instance in instances:
                spec = objects.RequestSpec(
                    context=context, instance_uuid=instance.uuid,
                    project_id=context.project_id, user_id=context.user_id,
                    flavor=flavor, image=image_meta, num_instances=count,
                    availability_zone=zone,
                    scheduler_hints=_hints(scheduler_hints),
                    force_hosts=[forced_host] if forced_host else [],
                    ignore_hosts=[], force_nodes=[], instance_group=group,
                    requested_destination=requested_destination)
                spec.create()
                request_spec = request_spec or spec
                objects.InstanceAction.action_start(
                    context, instance.uuid, instance_actions.CREATE)
            self.compute_task_api.build_instances(
                context, instances=instances, image=image_meta,
                request_spec=request_spec, admin_password=admin_password,
                requested_networks=requested_networks)
        except Exception:
            with _reraise():
                for instance in instances:
                    instance.destroy()
        return instances, reservation_id

    def _create_instance_record(self, context, flavor, image, name,
                                description, key_name, key_data, user_data,
                                metadata, zone, access_ip_v4, access_ip_v6,
                                config_drive, reservation_id, index, count,
                                hostname=None):
        uuid = uuidutils.generate_uuid()
        display_name = name
        if count > 1 and name:
            # NOTE: Nova names each of a multi-create "<name>-<n>".
            display_name = '%s-%d' % (name, index + 1)
        system_metadata = image_body.system_metadata(image)
        instance = objects.Instance(
            context=context, uuid=uuid, user_id=context.user_id,
            project_id=context.project_id, display_name=display_name,
            display_description=description,
            hostname=hostname or _hostname(display_name, uuid),
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
    def _requested_destination(context, host, node):
        """``{'host', 'node'}`` of a create that names its destination
        (2.74), checked against the compute nodes; None when none named.

        :raises: ComputeHostNotFound for a host or node nobody runs.
        """
        if not host and not node:
            return None
        matches = [cn for cn in objects.ComputeNodeList.get_all(context)
                   if (not host or cn.host == host) and
                   (not node or cn.hypervisor_hostname == node)]
        if not matches:
            raise exception.ComputeHostNotFound(host=host or node)
        return {'host': host, 'node': node}

    @staticmethod
    def availability_zones(context):
        """Zones servers can be created in: those with an enabled compute
        service (aggregates name them), as Nova checks at create."""
        services = objects.ServiceList.get_all(
            context, binary=service_obj.COMPUTE_BINARY)
        available, _ = aggregates.get_availability_zones(context, services)
        return set(available)

    # ---- update and delete -------------------------------------------------

    def update_instance(self, context, instance, updates):
        for key, value in updates.items():
            setattr(instance, key, value)
        # NOTE: a hostname given (2.90) wins over one made from the name.
        if updates.get('display_name') and 'hostname' not in updates:
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
        if instance.vm_state == vm_states.RESIZED:
            self._confirm_resize_on_deleting(context, instance)
        self.delete_shelved_image(context, instance)
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
        # NOTE: no compute host will tear this one down. A server never
        # placed has nothing running: its addresses are released here,
        # before the record goes. One whose host is down may still run
        # there: its addresses (and MACs) stay held for that host, so
        # no other server answers for them, until the host confirms the
        # guest is gone (compute/host_cleanup.py) or its compute service
        # is deleted.
        if instance.host:
            self.network_api.hold_for_instance(context, instance,
                                               instance.host)
        else:
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
        with instance_actions.EventReporter(context, 'api_%s' % action,
                                            CONF.host, instance.uuid):
            change()

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

    @check_instance_host
    def get_diagnostics(self, context, instance):
        """The running guest's counters in its driver's flat words (the
        answer before microversion 2.48), asked of its host (a call).

        :raises: InstanceNotReady (409) for an instance on no host,
            InstanceInvalidState (409) when the guest does not run,
            NotImplementedError when the driver has no diagnostics.
        """
        return self.compute_rpcapi.get_diagnostics(
            context, instance=instance, host=instance.host)

    @check_instance_host
    def get_instance_diagnostics(self, context, instance):
        """The running guest's figures in the standard shape (2.48).

        :raises: as :meth:`get_diagnostics`.
        """
        return self.compute_rpcapi.get_instance_diagnostics(
            context, instance=instance, host=instance.host)

    def external_instance_event(self, context, instances, events):
        """Hand ``events`` to the hosts of their instances, one cast per
        host, recording the instance actions Nova records for them.

        :param instances: the instances the events are about, each on a
            host.
        :param events: ``external_events.make_event`` dicts.
        """
        by_uuid = {instance.uuid: instance for instance in instances}
        hosts = {}
        for event in events:
            instance = by_uuid[event['instance_uuid']]
            if event['name'] == external_events.POWER_UPDATE:
                # NOTE: as Nova, a power-update is recorded as the start
                # or stop it stands for.
                action = (instance_actions.START
                          if event['tag'] == external_events.POWER_ON
                          else instance_actions.STOP)
                objects.InstanceAction.action_start(context, instance.uuid,
                                                    action)
            host_instances, host_events = hosts.setdefault(
                instance.host, ({}, []))
            host_instances[instance.uuid] = instance
            host_events.append(event)
        for host, (host_instances, host_events) in sorted(hosts.items()):
            self.compute_rpcapi.external_instance_event(
                context, instances=list(host_instances.values()),
                events=host_events, host=host)

    def get_instance_host_status(self, instance):
        return self.get_instances_host_statuses([instance])[instance.uuid]

    def get_instances_host_statuses(self, instances):
        """``{uuid: UP|DOWN|MAINTENANCE|UNKNOWN|''}`` as Nova's host_status.

        One query for the services, whatever the number of instances.
        """
        context = nova_context.get_admin_context()
        services = {service.host: service for service in
                    objects.ServiceList.get_all(
                        context, binary=service_obj.COMPUTE_BINARY)}
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
        services = objects.ServiceList.get_all(
            context, binary=service_obj.COMPUTE_BINARY, host=host)
        return any(service.is_up() for service in services)

    # ---- resize and rebuild ------------------------------------------------

    def _get_flavor_for_resize(self, context, flavor_id):
        """:raises: FlavorNotFoundForResize (400) for a flavor the caller
        cannot use, as Nova answers a missing one."""
        return _usable_flavor(context, flavor_id,
                              exception.FlavorNotFoundForResize)

    @check_instance_lock
    @check_instance_host
    @check_instance_state(vm_state=[vm_states.ACTIVE, vm_states.STOPPED],
                          task_state=[None])
    def resize(self, context, instance, flavor_id, clean_shutdown=True):
        """Resize ``instance`` to flavor ``flavor_id``; the scheduler picks
        the host (the current one only with ``[DEFAULT]
        allow_resize_to_same_host``). Returns once the host is chosen; the
        server then goes through RESIZE to VERIFY_RESIZE.

        :raises: FlavorNotFoundForResize, CannotResizeToSameFlavor (400);
            TooManyInstances (403) when a bigger flavor passes the quota;
            InstanceInvalidState, InstanceIsLocked, InstanceNotReady (409);
            NoValidHost when no host fits (the server is then as before,
            with a fault).
        """
        current = instance.flavor
        new_flavor = self._get_flavor_for_resize(context, flavor_id)
        if current is not None and new_flavor.flavorid == current.flavorid:
            raise exception.CannotResizeToSameFlavor()
        image_min = {
            'min_ram': instance.system_metadata.get('image_min_ram'),
            'min_disk': instance.system_metadata.get('image_min_disk')}
        self._check_flavor_fits_image(new_flavor, image_min)
        deltas = {'instances': 0,
                  'cores': max(0, new_flavor.vcpus - instance.vcpus),
                  'ram': max(0, new_flavor.memory_mb - instance.memory_mb)}
        if deltas['cores'] or deltas['ram']:
            quota.check_instances(instance.project_id, deltas)
        instance.progress = 0
        self._start_task(context, instance, task_states.RESIZE_PREP, [None],
                         instance_actions.RESIZE)
        migration = objects.Migration(
            context=context, instance_uuid=instance.uuid,
            source_compute=instance.host, source_node=instance.node,
            old_instance_type_id=instance.instance_type_id,
            new_instance_type_id=new_flavor.id, status='pre-migrating',
            migration_type='resize', user_id=context.user_id,
            project_id=instance.project_id)
        migration.create()
        LOG.info('Resizing instance %s to flavor %s (migration %s)',
                 instance.uuid, new_flavor.flavorid, migration.uuid)
        try:
            self.compute_task_api.resize_instance(
                context, instance=instance, flavor=new_flavor,
                migration=migration, clean_shutdown=clean_shutdown)
        except exception.ConductorTimeout:
            self._undo_resize_prep(instance, migration)
            raise

    @staticmethod
    def _undo_resize_prep(instance, migration):
        """Put an instance whose resize no conductor answered back as it
        was (no task, the migration in error) so it never stays in
        resize_prep.

        NOTE: the allocations stay with the conductor: one that still
        works on the move finds the task state gone before it casts to a
        host (conductor/tasks/migrate.py) and gives them back itself.
        """
        LOG.warning('No conductor answered the resize of %s; putting it '
                    'back', instance.uuid)
        instance.task_state = None
        try:
            instance.save(expected_task_state=[task_states.RESIZE_PREP])
        except (exception.InstanceNotFound,
                exception.UnexpectedTaskStateError):
            return
        migration.status = 'error'
        migration.save()

    @check_instance_lock
    @check_instance_state(vm_state=[vm_states.RESIZED], task_state=[None])
    def confirm_resize(self, context, instance):
        """Keep the resized server: its source host drops the old copy and
        the old allocation; the server goes back to ACTIVE (SHUTOFF when it
        was stopped).

        :raises: MigrationNotFoundByStatus when no resize waits;
            InstanceInvalidState, InstanceIsLocked (409).
        """
        migration = objects.Migration.get_by_instance_and_status(
            context, instance.uuid, 'finished')
        migration.status = 'confirming'
        migration.save()
        objects.InstanceAction.action_start(context, instance.uuid,
                                            instance_actions.CONFIRM_RESIZE)
        self.compute_rpcapi.confirm_resize(
            context, instance=instance, migration=migration,
            host=migration.source_compute)

    @check_instance_lock
    @check_instance_state(vm_state=[vm_states.RESIZED], task_state=[None])
    def revert_resize(self, context, instance):
        """Go back to the old flavor on the source host (REVERT_RESIZE,
        then ACTIVE, or SHUTOFF when it was stopped).

        :raises: as :meth:`confirm_resize`.
        """
        migration = objects.Migration.get_by_instance_and_status(
            context, instance.uuid, 'finished')
        self._start_task(context, instance, task_states.RESIZE_REVERTING,
                         [None], instance_actions.REVERT_RESIZE)
        migration.status = 'reverting'
        migration.save()
        self.compute_rpcapi.revert_resize(
            context, instance=instance, migration=migration,
            host=migration.dest_compute)

    @staticmethod
    def get_migrations(context, filters, limit=None, marker=None):
        """Migrations (resizes) newest first, filtered by ``filters``.

        :param marker: the uuid of the last one of the previous page.
        :raises: MarkerNotFound for an unknown marker.
        """
        return objects.MigrationList.get_by_filters(
            context, filters, limit=limit, marker=marker)

    def _confirm_resize_on_deleting(self, context, instance):
        """A RESIZED server being deleted: its source host must still drop
        the old copy and the allocation the migration holds (Nova does the
        same)."""
        try:
            migration = objects.Migration.get_by_instance_and_status(
                context, instance.uuid, 'finished')
        except exception.MigrationNotFound:
            return
        migration.status = 'confirming'
        migration.save()
        if self._host_is_up(context, migration.source_compute):
            self.compute_rpcapi.confirm_resize(
                context, instance=instance, migration=migration,
                host=migration.source_compute)
        else:
            objects.Allocation.delete_by_consumer(context, migration.uuid)
            migration.status = 'error'
            migration.save()

    @check_instance_lock
    @check_instance_host
    @check_instance_state(vm_state=[vm_states.ACTIVE, vm_states.STOPPED,
                                    vm_states.ERROR], task_state=[None])
    def rebuild(self, context, instance, image_href, admin_password,
                **kwargs):
        """Rebuild the server from ``image_href``: same uuid, addresses and
        flavor, a new root disk (REBUILD, then ACTIVE, or SHUTOFF when it
        was stopped).

        :param kwargs: what else changes, as the API allows per version:
            ``display_name``, ``display_description``, ``metadata``
            (replaces all), ``access_ip_v4``, ``access_ip_v6``,
            ``key_name`` (None removes the key), ``user_data`` (None
            removes it), ``hostname``, ``preserve_ephemeral``.
        :raises: ImageNotFoundForRebuild, ImageNotActive, FlavorDiskTooSmall
            and FlavorMemoryTooSmall, KeypairNotFoundForCreate (400);
            MetadataLimitExceeded (403); InstanceInvalidState,
            InstanceIsLocked, InstanceNotReady (409).
        """
        try:
            image = self._get_image(context, image_href)
        except exception.ImageNotFoundForCreate:
            raise exception.ImageNotFoundForRebuild()
        self._check_flavor_fits_image(instance.flavor, image)
        if 'metadata' in kwargs:
            self._check_metadata(kwargs['metadata'], instance.project_id)
        if 'key_name' in kwargs:
            key_name = kwargs['key_name']
            instance.key_name = key_name
            instance.key_data = None
            if key_name is not None:
                try:
                    instance.key_data = objects.KeyPair.get_by_name(
                        context, context.user_id, key_name).public_key
                except exception.KeypairNotFound:
                    raise exception.KeypairNotFoundForCreate()
        for field in ('display_name', 'display_description', 'access_ip_v4',
                      'access_ip_v6', 'user_data', 'hostname'):
            if field in kwargs:
                setattr(instance, field, kwargs[field])
        if 'metadata' in kwargs:
            instance.metadata = dict(kwargs['metadata'])
        system_metadata = {
            key: value for key, value in instance.system_metadata.items()
            if not key.startswith('image_')}
        # NOTE: the new image's properties replace the old one's, so that
        # 2.98's image properties and a later snapshot follow the rebuild.
        system_metadata.update(image_body.system_metadata(image))
        instance.system_metadata = system_metadata
        instance.image_ref = image['id']
        instance.progress = 0
        self._start_task(context, instance, task_states.REBUILDING, [None],
                         instance_actions.REBUILD)
        LOG.info('Rebuilding instance %s from image %s', instance.uuid,
                 image['id'])
        self.compute_rpcapi.rebuild_instance(
            context, instance=instance,
            image=objects.ImageMeta.from_dict(image), host=instance.host,
            admin_password=admin_password,
            preserve_ephemeral=kwargs.get('preserve_ephemeral', False))

    # ==== createImage, shelve, rescue, soft delete =========================
    #
    # NOTE: Nova's preconditions per action; each claims the instance with
    # a guarded save (``_start_task``) so of two racing requests one wins.

    def _create_image(self, context, instance, name, extra_properties=None,
                      image_type='snapshot'):
        """Record the queued image a snapshot of ``instance`` fills.

        Its properties are Nova's: those of the image the server was built
        from (as recorded at create, so a deleted image does not matter),
        ``extra_properties``, then ``image_type`` (``snapshot`` or
        ``backup``), ``instance_uuid``, ``user_id`` and ``base_image_ref``.

        :returns: the image body (``queued``).
        """
        system_metadata = instance.system_metadata
        image = {'name': name, 'visibility': 'private',
                 'disk_format': system_metadata.get('image_disk_format') or
                 'qcow2',
                 'container_format':
                 system_metadata.get('image_container_format') or 'bare'}
        for key in ('min_ram', 'min_disk'):
            value = system_metadata.get('image_%s' % key)
            if value is not None and str(value).isdigit():
                image[key] = int(value)
        image.update({
            key: value for key, value in
            image_body.properties_from_system_metadata(
                system_metadata).items()
            if value is not None and key not in _NOT_SNAPSHOT_PROPERTIES})
        image.update(extra_properties or {})
        image.update({
            'image_type': image_type,
            'instance_uuid': instance.uuid,
            'user_id': str(context.user_id),
            'base_image_ref': (system_metadata.get('image_base_image_ref') or
                               instance.image_ref or ''),
        })
        return self.image_api.create(context, image)

    def check_image_metadata_quota(self, context, metadata):
        """:raises: MetadataLimitExceeded (403) past ``[quota]
        metadata_items`` (Nova checks image metadata so before 2.39)."""
        self._check_metadata(metadata, context.project_id)

    def check_injected_file_quota(self, context, files):
        """Personality files (create and rebuild before 2.57) within the
        caller's injected file limits, as Nova checks them.

        :raises: OnsetFileLimitExceeded, OnsetFilePathLimitExceeded,
            OnsetFileContentLimitExceeded (403).
        """
        quota.check_injected_files(context.project_id, files)

    def _claim_or_drop_image(self, context, instance, task_state, action,
                             image_id):
        """:meth:`_start_task`, deleting the image made for it if the
        instance was taken by another request meanwhile."""
        try:
            self._start_task(context, instance, task_state, [None], action)
        except Exception:
            try:
                self.image_api.delete(context, image_id)
            except Exception:
                LOG.warning('Could not delete image %s', image_id,
                            exc_info=True)
            raise

    @check_instance_host
    @check_instance_state(vm_state=[vm_states.ACTIVE, vm_states.STOPPED,
                                    vm_states.PAUSED, vm_states.SUSPENDED])
    def snapshot(self, context, instance, name, extra_properties=None):
        """Snapshot the server into a new image of the image service.

        :param extra_properties: the request's ``metadata``, added to the
            image's properties.
        :returns: the image body (``queued``; it goes ``active`` once the
            host has uploaded the disk).
        :raises: InstanceInvalidState, InstanceNotReady (409).
        """
        image = self._create_image(context, instance, name, extra_properties)
        instance.progress = 0
        self._claim_or_drop_image(context, instance,
                                  task_states.IMAGE_SNAPSHOT_PENDING,
                                  instance_actions.CREATE_IMAGE, image['id'])
        self.compute_rpcapi.snapshot_instance(
            context, instance=instance, host=instance.host,
            image_id=image['id'])
        return image

    @check_instance_host
    @check_instance_state(vm_state=[vm_states.ACTIVE, vm_states.STOPPED,
                                    vm_states.PAUSED, vm_states.SUSPENDED])
    def backup(self, context, instance, name, backup_type, rotation,
               extra_properties=None):
        """Back the server up into a new image (``image_type=backup``,
        ``backup_type``), then keep only its newest ``rotation`` backups
        of that type (0 keeps none, this one included, as in Nova).

        :param extra_properties: the request's ``metadata``.
        :returns: the image body (``queued``).
        :raises: InstanceInvalidState, InstanceNotReady (409).
        """
        properties = dict(extra_properties or {}, backup_type=backup_type)
        image = self._create_image(context, instance, name, properties,
                                   image_type='backup')
        instance.progress = 0
        self._claim_or_drop_image(context, instance,
                                  task_states.IMAGE_BACKUP, BACKUP_ACTION,
                                  image['id'])
        self.compute_rpcapi.backup_instance(
            context, instance=instance, host=instance.host,
            image_id=image['id'], backup_type=backup_type, rotation=rotation)
        return image

    @check_instance_lock
    @check_instance_host
    @check_instance_state(vm_state=[vm_states.ACTIVE, vm_states.STOPPED,
                                    vm_states.PAUSED, vm_states.SUSPENDED])
    def shelve(self, context, instance, clean_shutdown=True):
        """Snapshot the server into ``<name>-shelved`` and power it off:
        SHELVED, then SHELVED_OFFLOADED as ``shelved_offload_time`` says.

        :raises: InstanceInvalidState, InstanceIsLocked, InstanceNotReady
            (409).
        """
        image = self._create_image(context, instance,
                                   '%s-shelved' % instance.display_name)
        self._claim_or_drop_image(context, instance, task_states.SHELVING,
                                  instance_actions.SHELVE, image['id'])
        self.compute_rpcapi.shelve_instance(
            context, instance=instance, host=instance.host,
            image_id=image['id'], clean_shutdown=clean_shutdown)

    @check_instance_lock
    @check_instance_host
    @check_instance_state(vm_state=[vm_states.SHELVED])
    def shelve_offload(self, context, instance, clean_shutdown=True):
        """Destroy a SHELVED server's guest, free its host's resources.

        :raises: as :meth:`shelve`.
        """
        self._start_task(context, instance, task_states.SHELVING_OFFLOADING,
                         [None], instance_actions.SHELVE_OFFLOAD)
        self.compute_rpcapi.shelve_offload_instance(
            context, instance=instance, host=instance.host,
            clean_shutdown=clean_shutdown)

    @check_instance_lock
    @check_instance_state(vm_state=[vm_states.SHELVED,
                                    vm_states.SHELVED_OFFLOADED])
    def unshelve(self, context, instance, new_az=UNSET, host=None):
        """Bring a shelved server back: ACTIVE.

        :param new_az: the zone to unshelve into (2.77; None unpins the
            server from its zone, 2.91); UNSET keeps it.
        :param host: the host to unshelve on (2.91, admins).
        :raises: InstanceInvalidState (409) for a zone or host asked of a
            server that is not offloaded; UnshelveHostNotInAZ (409) for a
            host outside the zone; AvailabilityZoneNotFound,
            ComputeHostNotFound (400); InstanceIsLocked (409).
        """
        az_passed = new_az is not UNSET
        if instance.vm_state == vm_states.SHELVED and (az_passed or host):
            raise exception.InstanceInvalidState(
                attr='vm_state', state=instance.vm_state,
                instance_uuid=instance.uuid, method='unshelve')
        request_spec = None
        if instance.vm_state == vm_states.SHELVED_OFFLOADED:
            request_spec = objects.RequestSpec.get_by_instance_uuid(
                context, instance.uuid)
            request_spec.force_hosts = []
            request_spec.force_nodes = []
            request_spec.ignore_hosts = []
            if az_passed:
                if new_az and new_az not in self.availability_zones(context):
                    raise exception.AvailabilityZoneNotFound()
                request_spec.availability_zone = new_az
                instance.availability_zone = new_az
            if host:
                services = objects.ServiceList.get_all(
                    context, binary=service_obj.COMPUTE_BINARY, host=host)
                if not services:
                    raise exception.ComputeHostNotFound(host=host)
                # NOTE: the host must lie in the zone asked for, or (when
                # none is asked) in the zone the server is pinned to.
                wanted = (new_az if az_passed
                          else request_spec.availability_zone)
                host_zone = aggregates.host_zone(
                    aggregates.host_zones(context), host)
                if wanted and wanted != host_zone:
                    raise exception.UnshelveHostNotInAZ(
                        host=host, availability_zone=wanted)
                request_spec.force_hosts = [host]
        self._start_task(context, instance, task_states.UNSHELVING, [None],
                         instance_actions.UNSHELVE)
        if request_spec is not None and az_passed:
            # NOTE: the new zone sticks, as in Nova; a forced host is for
            # this request only and is not saved.
            saved = objects.RequestSpec.get_by_instance_uuid(context,
                                                             instance.uuid)
            saved.availability_zone = new_az
            saved.save()
        self.compute_task_api.unshelve_instance(context, instance,
                                                request_spec=request_spec)

    @check_instance_lock
    @check_instance_host
    @check_instance_state(vm_state=[vm_states.ACTIVE, vm_states.STOPPED,
                                    vm_states.ERROR])
    def rescue(self, context, instance, rescue_password=None,
               rescue_image_ref=None, clean_shutdown=True):
        """Boot the server from a rescue image (its own by default) with
        its disk attached second: RESCUE.

        :raises: InstanceInvalidState, InstanceIsLocked, InstanceNotReady
            (409); ImageNotFound when ``rescue_image_ref`` names no image.
        """
        if rescue_image_ref:
            self.image_api.get(context, rescue_image_ref)
        self._start_task(context, instance, task_states.RESCUING, [None],
                         instance_actions.RESCUE)
        self.compute_rpcapi.rescue_instance(
            context, instance=instance, host=instance.host,
            rescue_password=rescue_password,
            rescue_image_ref=rescue_image_ref, clean_shutdown=clean_shutdown)

    @check_instance_lock
    @check_instance_host
    @check_instance_state(vm_state=[vm_states.RESCUED])
    def unrescue(self, context, instance):
        """Boot a RESCUE server from its own disk again: ACTIVE.

        :raises: as :meth:`rescue`.
        """
        self._start_task(context, instance, task_states.UNRESCUING, [None],
                         instance_actions.UNRESCUE)
        self.compute_rpcapi.unrescue_instance(context, instance=instance,
                                              host=instance.host)

    @check_instance_lock
    @reject_instance_state(vm_state=[vm_states.SOFT_DELETED])
    @check_instance_state(vm_state=None, task_state=[None],
                          must_have_launched=True)
    def soft_delete(self, context, instance):
        """Delete the server softly (``reclaim_instance_interval`` > 0):
        its guest is powered off and kept, SOFT_DELETED, until restored or
        reclaimed. A server whose host is down is marked so here; one on no
        host is deleted for good.

        :raises: InstanceInvalidState (409) for a server busy with a task
            or never launched (the caller then deletes it for good),
            InstanceIsLocked (409).
        """
        if not instance.host:
            # NOTE: nothing to keep (never placed, or shelved offloaded):
            # deleted for good, as Nova's local delete does.
            self.delete(context, instance)
            return
        instance.terminated_at = timeutils.utcnow(True)
        if not self._host_is_up(context, instance.host):
            objects.InstanceAction.action_start(context, instance.uuid,
                                                instance_actions.DELETE)
            instance.vm_state = vm_states.SOFT_DELETED
            instance.task_state = None
            instance.power_state = power_state.NOSTATE
            instance.save(expected_task_state=[None])
            return
        self._start_task(context, instance, task_states.SOFT_DELETING,
                         [None], instance_actions.DELETE)
        self.compute_rpcapi.soft_delete_instance(context, instance=instance,
                                                 host=instance.host)

    @check_instance_lock
    @check_instance_state(vm_state=[vm_states.SOFT_DELETED])
    def restore(self, context, instance):
        """Bring a SOFT_DELETED server back: ACTIVE.

        NOTE: a soft deleted server still counts against the quota, so
        there is nothing to check again here.

        :raises: InstanceInvalidState, InstanceIsLocked (409).
        """
        instance.terminated_at = None
        if not instance.host:
            objects.InstanceAction.action_start(context, instance.uuid,
                                                instance_actions.RESTORE)
            instance.vm_state = vm_states.ACTIVE
            instance.task_state = None
            instance.save(expected_task_state=[None])
            return
        self._start_task(context, instance, task_states.RESTORING, [None],
                         instance_actions.RESTORE)
        self.compute_rpcapi.restore_instance(context, instance=instance,
                                             host=instance.host)

    @check_instance_lock
    @check_instance_state(vm_state=None, task_state=[None],
                          must_have_launched=False)
    def force_delete(self, context, instance):
        """Delete the server for good now, soft deleted or not.

        :raises: InstanceInvalidState (409) while a task is under way,
            InstanceIsLocked (409).
        """
        self.delete(context, instance)

    def delete_shelved_image(self, context, instance):
        """Delete the image a shelve made, with the server that no longer
        needs it (a delete of a shelved server)."""
        image_id = instance.system_metadata.get('shelved_image_id')
        if not image_id or instance.vm_state not in (
                vm_states.SHELVED, vm_states.SHELVED_OFFLOADED):
            return
        try:
            self.image_api.delete(context, image_id)
        except (exception.ImageServiceRequestFailed,
                exception.ImageServiceUnavailable) as error:
            LOG.warning('Could not delete the shelved image %s of %s: %s',
                        image_id, instance.uuid, error)


def _usable_flavor(context, flavor_id, error):
    """The flavor ``flavor_id`` if it is enabled and the caller may see it.

    :raises: ``error(flavor_id=...)`` otherwise, a missing flavor too.
    """
    try:
        flavor = objects.Flavor.get_by_flavor_id(context, str(flavor_id))
    except exception.FlavorNotFound:
        raise error(flavor_id=flavor_id)
    if flavor.disabled or not flavor_obj.is_visible(context, flavor):
        raise error(flavor_id=flavor_id)
    return flavor


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


def check_metadata_quota(context, metadata):
    """Image metadata against the caller's ``[quota] metadata_items``
    (the image proxy counts it as Nova does).

    :raises: MetadataLimitExceeded
    """
    API._check_metadata(metadata, context.project_id)

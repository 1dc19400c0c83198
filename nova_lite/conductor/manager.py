"""The conductor's RPC endpoints: object indirection for computes, and the
build orchestration (schedule, claim, hand to a host, reschedule)."""

import oslo_messaging as messaging
from oslo_log import log as logging

from nova_lite.compute import instance_actions
from nova_lite.compute import rpcapi as compute_rpcapi
from nova_lite.conductor import orphaned_builds
from nova_lite.conductor.tasks import evacuate
from nova_lite.conductor.tasks import live_migrate
from nova_lite.conductor.tasks import migrate
from nova_lite import conf
from nova_lite import context as nova_context
from nova_lite.db import compute_node_api as node_db
from nova_lite.db import server_group_api as group_db
from nova_lite import exception
from nova_lite import objects
from nova_lite.objects import base as objects_base
from nova_lite.scheduler import rpcapi as scheduler_rpcapi
from nova_lite.states import task_states
from nova_lite.states import vm_states

CONF = conf.CONF
LOG = logging.getLogger(__name__)


class ConductorManager:
    """Runs object methods on behalf of services without a database."""

    target = messaging.Target(version='1.0')

    def periodic_tasks(self):
        """(callable, interval seconds) pairs the service runs.

        NOTE: private names: the RPC server dispatches no method starting
        with ``_``.
        """
        tasks = []
        if CONF.conductor.orphaned_build_timeout > 0:
            tasks.append((self._fail_orphaned_builds,
                          CONF.periodic_interval))
        return tasks

    def _fail_orphaned_builds(self, context=None):
        """Fail the builds no host has owned for ``[conductor]
        orphaned_build_timeout`` seconds."""
        context = context or nova_context.get_admin_context()
        orphaned_builds.fail_orphaned_builds(
            context, CONF.conductor.orphaned_build_timeout, host=CONF.host)

    def ping(self, context, arg):
        return arg

    def object_class_action_versions(self, context, objname, objmethod,
                                     object_versions, args, kwargs):
        objclass = objects_base.NovaObject.obj_class_from_name(
            objname, object_versions[objname])
        return getattr(objclass, objmethod)(context, *args, **kwargs)

    def object_action(self, context, objinst, objmethod, args, kwargs):
        """Run ``objmethod`` on ``objinst``; returns (changes, result)."""
        oldobj = objinst.obj_clone()
        result = getattr(objinst, objmethod)(*args, **kwargs)
        updates = {}
        for name, field in objinst.fields.items():
            if not objinst.obj_attr_is_set(name):
                continue
            if (not oldobj.obj_attr_is_set(name) or
                    getattr(oldobj, name) != getattr(objinst, name)):
                updates[name] = field.to_primitive(objinst, name,
                                                   getattr(objinst, name))
        updates['obj_what_changed'] = objinst.obj_what_changed()
        return updates, result

    def object_backport_versions(self, context, objinst, object_versions):
        target = object_versions[objinst.obj_name()]
        return objinst.obj_to_primitive(target_version=target,
                                        version_manifest=object_versions)


def _own_request_specs(context, instances, request_spec):
    """Each instance's own RequestSpec, in the order of ``instances``.

    NOTE: one spec schedules a multi-create (its num_instances covers them
    all) but names only the first instance; as Nova's build_instances
    makes a local spec per instance, each build gets the one stored for
    its instance (``request_spec`` when none is stored).
    """
    own = (request_spec.instance_uuid
           if isinstance(request_spec, objects.RequestSpec) and
           request_spec.obj_attr_is_set('instance_uuid') else None)
    others = [instance.uuid for instance in instances
              if instance.uuid != own]
    stored = (objects.RequestSpec.get_by_instance_uuids(context, others)
              if others else {})
    return [stored.get(instance.uuid, request_spec)
            for instance in instances]


class ComputeTaskManager:
    """Schedules builds and hands them to compute hosts."""

    target = messaging.Target(namespace='compute_task', version='1.3')

    def __init__(self):
        self.scheduler_rpcapi = scheduler_rpcapi.SchedulerAPI()
        self.compute_rpcapi = compute_rpcapi.ComputeAPI()

    def build_instances(self, context, instances, image, request_spec,
                        admin_password=None, injected_files=None,
                        requested_networks=None, host_lists=None):
        """Place every instance on a host and cast its build there.

        With ``host_lists`` this is a reschedule: each instance moves to
        the next alternate whose resources can still be claimed. Without,
        the scheduler picks and claims. Any instance that cannot be placed
        goes to ERROR with a fault saying why; none stays in BUILD, and one
        instance's failure does not stop the others.
        """
        LOG.info('%s %d instance(s): %s',
                 'Scheduling' if host_lists is None else 'Rescheduling',
                 len(instances), ', '.join(i.uuid for i in instances))
        uuids = [instance.uuid for instance in instances]
        with instance_actions.EventReporter(
                context, instance_actions.CONDUCTOR_BUILD_EVENT, CONF.host,
                *uuids) as build_event:
            try:
                host_lists = self._host_lists(context, instances,
                                              request_spec, host_lists)
            except Exception as error:
                if isinstance(error, exception.NoValidHost):
                    LOG.warning('Build of %d instance(s) failed: %s',
                                len(instances), error.format_message())
                else:
                    LOG.exception('Scheduling failed')
                for instance in instances:
                    self._fail_build(context, instance, error, build_event)
                return
            try:
                specs = _own_request_specs(context, instances, request_spec)
            except Exception:
                LOG.exception('Could not read the request specs of %s; '
                              'building with the shared one', uuids)
                specs = [request_spec] * len(instances)
            for instance, host_list, spec in zip(instances, host_lists,
                                                 specs):
                try:
                    self._build_one(context, instance, host_list, image,
                                    spec, admin_password, injected_files,
                                    requested_networks)
                except Exception as error:
                    if isinstance(error, exception.NovaException):
                        LOG.warning('Build of instance %s failed: %s',
                                    instance.uuid, error.format_message())
                    else:
                        LOG.exception('Could not hand instance %s to a '
                                      'host', instance.uuid)
                    self._fail_build(context, instance, error, build_event)

    def _host_lists(self, context, instances, request_spec, host_lists):
        """The hosts of each instance: the scheduler's picks (already
        claimed), or for a reschedule the claimed rest of ``host_lists``."""
        if host_lists is None:
            with instance_actions.EventReporter(
                    context, instance_actions.SCHEDULE_EVENT, CONF.host,
                    *[instance.uuid for instance in instances]):
                return self.scheduler_rpcapi.select_destinations(
                    context, request_spec,
                    [instance.uuid for instance in instances],
                    return_alternates=True)
        group = (request_spec.get_default('instance_group')
                 if request_spec is not None else None)
        return [self._claim_alternate(
            context, instance, hosts,
            group_uuid=group.uuid if group is not None else None)
            for instance, hosts in zip(instances, host_lists)]

    def _build_one(self, context, instance, host_list, image, spec,
                   admin_password, injected_files, requested_networks):
        """Cast the build of ``instance`` to the first of ``host_list``.

        :raises: MaxRetriesExceeded when no host is left.
        """
        if not host_list:
            reason = ('Exhausted all hosts available for retrying '
                      'build failures for instance %s.' % instance.uuid)
            # NOTE: the fault shown is the newest; say what went wrong
            # on the last host too, or the cause is one query away.
            last = _last_fault_message(context, instance.uuid)
            if last:
                reason += ' The last build failed: %s' % last
            raise exception.MaxRetriesExceeded(reason=reason)
        self._send_build(context, instance, host_list, image, spec,
                         admin_password, injected_files, requested_networks)

    def _claim_alternate(self, context, instance, host_list,
                         group_uuid=None):
        """Claim the first alternate that still fits (and keeps the policy
        of the instance's server group); [] when none does."""
        node_db.allocation_delete_by_consumer(instance.uuid)
        remaining = list(host_list or [])
        while remaining:
            selection = remaining[0]
            try:
                claimed = group_db.allocation_claim(
                    group_uuid, selection.compute_node_id, instance.uuid,
                    selection.resources)
            except exception.GroupAffinityViolation:
                claimed = False
            if claimed:
                return remaining
            LOG.info('Alternate host %s no longer fits instance %s',
                     selection.service_host, instance.uuid)
            remaining.pop(0)
        return []

    def _send_build(self, context, instance, host_list, image, request_spec,
                    admin_password, injected_files, requested_networks):
        selection = host_list[0]
        instance.host = selection.service_host
        instance.node = selection.nodename
        if not instance.availability_zone:
            instance.availability_zone = selection.availability_zone
        try:
            instance.save(expected_task_state=[task_states.SCHEDULING])
        except (exception.InstanceNotFound,
                exception.UnexpectedTaskStateError):
            # NOTE: deleted (or failed as lost) while being scheduled: that
            # wins, and the claim made for it must not outlive it.
            LOG.info('Instance %s was deleted (or failed as a lost build) '
                     'during scheduling', instance.uuid)
            node_db.allocation_delete_by_consumer(instance.uuid)
            return
        self.compute_rpcapi.build_and_run_instance(
            context, instance=instance, host=selection.service_host,
            image=image, request_spec=request_spec,
            admin_password=admin_password, injected_files=injected_files,
            requested_networks=requested_networks,
            host_list=host_list, node=selection.nodename)

    def _fail_build(self, context, instance, error, build_event):
        """ERROR with ``error`` as the fault, no allocation, the event
        failed; a failure here is logged (the lost-build check settles
        the instance later)."""
        build_event.finish(instance.uuid, error)
        try:
            set_build_error(context, instance, error)
        except Exception:
            LOG.exception('Could not put instance %s in ERROR; the check '
                          'for lost builds will', instance.uuid)

    # ---- resize (1.1) ------------------------------------------------------

    @messaging.expected_exceptions(exception.NoValidHost)
    def migrate_server(self, context, instance, flavor, migration,
                       clean_shutdown=True, host_name=None):
        """Schedule a resize or cold migration and cast it to the
        destination; see
        :class:`~nova_lite.conductor.tasks.migrate.MigrationTask`."""
        migrate.MigrationTask(context, instance, flavor, migration,
                              clean_shutdown, self.scheduler_rpcapi,
                              self.compute_rpcapi,
                              host_name=host_name).execute()

    # ---- live migration and evacuation (1.3) -------------------------------

    @messaging.expected_exceptions(exception.NoValidHost,
                                   exception.MigrationError,
                                   exception.Invalid)
    def live_migrate_instance(self, context, instance, migration, host_name,
                              block_migration, force=False):
        """Schedule and pre-check a live migration, then cast it to the
        source; see :mod:`~nova_lite.conductor.tasks.live_migrate`."""
        live_migrate.LiveMigrationTask(
            context, instance, migration, self.scheduler_rpcapi,
            self.compute_rpcapi, host_name=host_name,
            block_migration=block_migration, force=force).execute()

    @messaging.expected_exceptions(exception.NoValidHost)
    def evacuate_instance(self, context, instance, image, migration,
                          host_name, force=False, admin_password=None,
                          target_state=None):
        """Schedule an evacuation and cast it to the destination; see
        :mod:`~nova_lite.conductor.tasks.evacuate`."""
        evacuate.EvacuationTask(
            context, instance, image, migration, self.scheduler_rpcapi,
            self.compute_rpcapi, host_name=host_name, force=force,
            admin_password=admin_password,
            target_state=target_state).execute()

    # ---- unshelve (1.2) ----------------------------------------------------

    def unshelve_instance(self, context, instance, request_spec=None):
        """Bring a shelved instance back, as Nova's conductor does.

        A SHELVED instance still has its guest: its own host powers it on.
        A SHELVED_OFFLOADED one is scheduled again (``request_spec`` says
        which zone or host the request asked for) and its new host spawns
        it from the shelved image. When no host fits, the instance stays
        SHELVED_OFFLOADED with a fault saying why.
        """
        LOG.info('Unshelving instance %s (%s)', instance.uuid,
                 instance.vm_state)
        if instance.vm_state == vm_states.SHELVED:
            self.compute_rpcapi.unshelve_instance(
                context, instance=instance, host=instance.host)
            return
        spec = request_spec
        try:
            with instance_actions.EventReporter(
                    context, instance_actions.SCHEDULE_EVENT, CONF.host,
                    instance.uuid):
                if spec is None:
                    spec = objects.RequestSpec.get_by_instance_uuid(
                        context, instance.uuid)
                spec.num_instances = 1
                host_lists = self.scheduler_rpcapi.select_destinations(
                    context, spec, [instance.uuid], return_alternates=False)
                selection = host_lists[0][0]
        except Exception as error:
            if isinstance(error, exception.NoValidHost):
                LOG.warning('Unshelve of %s failed: %s', instance.uuid,
                            error.format_message())
            else:
                LOG.exception('Scheduling the unshelve of %s failed',
                              instance.uuid)
            self._unshelve_failed(context, instance, error)
            return
        self.compute_rpcapi.unshelve_instance(
            context, instance=instance, host=selection.service_host,
            node=selection.nodename)

    def _unshelve_failed(self, context, instance, error):
        node_db.allocation_delete_by_consumer(instance.uuid)
        instance.task_state = None
        try:
            instance.save(expected_task_state=[task_states.UNSHELVING])
        except (exception.InstanceNotFound,
                exception.UnexpectedTaskStateError):
            return
        objects.InstanceFault.from_exception(context, instance.uuid,
                                             error).create()


def set_build_error(context, instance, error):
    """ERROR, no task, ``error`` as the fault, and no allocation, unless
    the instance is gone (then only the allocation goes)."""
    node_db.allocation_delete_by_consumer(instance.uuid)
    # NOTE: the fault first, so that ERROR is never seen without it.
    try:
        objects.InstanceFault.from_exception(context, instance.uuid,
                                             error).create()
    except exception.InstanceNotFound:
        return
    instance.vm_state = vm_states.ERROR
    instance.task_state = None
    try:
        instance.save()
    except exception.InstanceNotFound:
        return


def _last_fault_message(context, instance_uuid):
    """Why the newest fault of the instance happened, or None.

    A fault message is cut at 255 characters, so the "Build of instance
    <uuid> was re-scheduled: " a compute puts first is left out here.
    """
    faults = objects.InstanceFaultList.get_latest_by_instance_uuids(
        context, [instance_uuid])
    if not faults:
        return None
    prefix = exception.RescheduledException(
        instance_uuid=instance_uuid, reason='').format_message()
    message = faults[0].message
    return message[len(prefix):] if message.startswith(prefix) else message

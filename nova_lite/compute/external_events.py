"""External events about instances (os-server-external-events), as their
compute host handles them.

Neutron (or an operator's tool) tells Nova that something changed outside
it; the API hands each accepted event to the host of its instance. What
nova-lite can act on it acts on: ``network-changed`` refreshes the
instance's network info cache, ``power-update`` records a power change
made behind Nova's back (Ironic's use of it). The other events announce
what Nova waits for in operations nova-lite does not do that way (a VIF
plugged by Neutron, a volume extended or reimaged by Cinder, an
accelerator bound by Cyborg): they are acknowledged and logged.
"""

from oslo_log import log as logging

from nova_lite.compute import instance_actions
from nova_lite import exception
from nova_lite.states import power_state
from nova_lite.states import vm_states
from nova_lite import utils

LOG = logging.getLogger(__name__)

NETWORK_CHANGED = 'network-changed'
NETWORK_VIF_PLUGGED = 'network-vif-plugged'
NETWORK_VIF_UNPLUGGED = 'network-vif-unplugged'
NETWORK_VIF_DELETED = 'network-vif-deleted'
VOLUME_EXTENDED = 'volume-extended'
POWER_UPDATE = 'power-update'
ACCELERATOR_REQUEST_BOUND = 'accelerator-request-bound'
VOLUME_REIMAGED = 'volume-reimaged'

# The tags of a power-update event and the states they lead to.
POWER_ON = 'POWER_ON'
POWER_OFF = 'POWER_OFF'
_POWER_TARGETS = {
    POWER_ON: (power_state.RUNNING, vm_states.STOPPED, vm_states.ACTIVE),
    POWER_OFF: (power_state.SHUTDOWN, vm_states.ACTIVE, vm_states.STOPPED),
}
# Nova's wrap_instance_event name of its power_update.
POWER_UPDATE_EVENT = 'compute_power_update'


def make_event(instance_uuid, name, status='completed', tag=None):
    """An event as it crosses RPC: a plain dict."""
    return {'instance_uuid': instance_uuid, 'name': name, 'status': status,
            'tag': tag}


def handle_events(manager, context, instances, events):
    """Act on each of ``events`` for its instance among ``instances``.

    NOTE: each event on its own: one that fails (its instance deleted
    meanwhile, say) is logged and the others still run, as in Nova.
    """
    by_uuid = {instance.uuid: instance for instance in instances}
    for event in events:
        instance = by_uuid.get(event['instance_uuid'])
        if instance is None:
            LOG.warning('Dropping event %s for instance %s: not sent with '
                        'its instance', event['name'], event['instance_uuid'])
            continue
        LOG.info('Received event %s:%s (%s) for instance %s', event['name'],
                 event.get('tag'), event.get('status'), instance.uuid)
        try:
            if event['name'] == NETWORK_CHANGED:
                refresh_network_info(manager, context, instance)
            elif event['name'] == POWER_UPDATE:
                power_update(manager, context, instance, event.get('tag'))
        except exception.InstanceNotFound:
            LOG.info('Instance %s was deleted before its event %s was '
                     'handled', instance.uuid, event['name'])
        except Exception:
            LOG.exception('Could not handle event %s for instance %s',
                          event['name'], instance.uuid)


def refresh_network_info(manager, context, instance):
    """Read the instance's NICs again into its network info cache."""
    # NOTE: its own lock, not the instance's: a refresh must not wait for
    # a whole build or move that holds the instance lock (Nova's
    # refresh_cache-<uuid> lock).
    with utils.named_lock('refresh_cache-%s' % instance.uuid):
        instance.network_info = manager.network_api.get_instance_nw_info(
            context, instance)
        instance.save()
    LOG.debug('Refreshed the network info cache of instance %s',
              instance.uuid)


def power_update(manager, context, instance, tag):
    """Record a power change made outside Nova: ``POWER_ON`` makes a
    STOPPED instance ACTIVE/running, ``POWER_OFF`` an ACTIVE one
    STOPPED/shutdown.

    NOTE: as Nova, nothing is asked of the hypervisor (the power already
    changed there) and an instance busy with a task is left alone: that
    task settles its state itself. A tag other than the two is ignored.
    """
    target = _POWER_TARGETS.get(tag)
    if target is None:
        LOG.warning('Ignoring power-update event for instance %s with tag '
                    '%r: not %s or %s', instance.uuid, tag, POWER_ON,
                    POWER_OFF)
        return
    new_power_state, from_vm_state, to_vm_state = target
    with utils.named_lock(instance.uuid):
        with instance_actions.EventReporter(context, POWER_UPDATE_EVENT,
                                            manager.host, instance.uuid):
            instance.refresh()
            if instance.task_state is not None:
                LOG.info('Ignoring power-update %s of instance %s: task '
                         'state is %s', tag, instance.uuid,
                         instance.task_state)
                return
            if (instance.power_state == new_power_state and
                    instance.vm_state == to_vm_state):
                LOG.info('Instance %s is already %s; nothing to update',
                         instance.uuid, power_state.STATE_MAP[
                             new_power_state])
                return
            instance.power_state = new_power_state
            if instance.vm_state == from_vm_state:
                instance.vm_state = to_vm_state
            instance.save(expected_task_state=[None])
            LOG.info('Instance %s is now %s after a power-update event',
                     instance.uuid, instance.vm_state)

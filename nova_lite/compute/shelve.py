"""Shelve, shelve offload and unshelve on this host, and the periodic
offload of servers shelved for longer than ``shelved_offload_time``.

Shelve powers the guest off and snapshots it into the image
``<name>-shelved`` (``shelving`` -> ``shelving_image_pending_upload`` ->
``shelving_image_uploading`` -> SHELVED), recording the image in the
instance's system_metadata. Offload destroys the guest and frees the
host's resources (SHELVED_OFFLOADED, no host). Unshelve spawns the guest
again from that image on the host the conductor chose (or powers on the
guest a SHELVED server still has) and deletes the image.
"""

from oslo_log import log as logging
from oslo_utils import timeutils

from nova_lite.compute import power
from nova_lite.compute import snapshot
from nova_lite import conf
from nova_lite.image import glance
from nova_lite import objects
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite.states import vm_states
from nova_lite import utils

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# The system_metadata a shelve records and an unshelve removes (Nova's).
SHELVED_KEYS = ('shelved_at', 'shelved_image_id', 'shelved_host')

# NOTE: a driver reports a snapshot's steps in createImage's task states;
# a shelve shows them as its own, as Nova maps them.
_SHELVING_STATES = {
    task_states.IMAGE_PENDING_UPLOAD:
        task_states.SHELVING_IMAGE_PENDING_UPLOAD,
    task_states.IMAGE_UPLOADING: task_states.SHELVING_IMAGE_UPLOADING,
    task_states.IMAGE_SNAPSHOT: task_states.SHELVING,
    task_states.SHELVING: task_states.SHELVING,
}


def _network_info(instance):
    if instance.obj_attr_is_set('network_info'):
        return instance.network_info
    return None


def offload(manager, context, instance, expected):
    """Destroy the guest (disks included) and free the host's resources.

    After return the instance is SHELVED_OFFLOADED on no host and holds
    no allocation; its addresses stay with it for the unshelve.

    :param expected: the task states the instance must still hold.
    :raises: UnexpectedTaskStateError, InstanceNotFound (overtaken).
    """
    LOG.info('Offloading shelved instance %s', instance.uuid)
    manager.driver.destroy(context, instance,
                           network_info=_network_info(instance))
    instance.power_state = power_state.NOSTATE
    instance.host = None
    instance.node = None
    instance.vm_state = vm_states.SHELVED_OFFLOADED
    instance.task_state = None
    instance.save(expected_task_state=expected)
    objects.Allocation.delete_by_consumer(context, instance.uuid)


class ShelveTask(power.PowerTask):
    """Power off, snapshot into ``image_id``: SHELVED (and offloaded at
    once when ``[DEFAULT] shelved_offload_time`` is 0)."""

    event = 'compute_shelve_instance'
    working_states = (task_states.SHELVING,
                      task_states.SHELVING_IMAGE_PENDING_UPLOAD,
                      task_states.SHELVING_IMAGE_UPLOADING,
                      task_states.SHELVING_OFFLOADING)

    def __init__(self, manager, context, instance, image_id,
                 clean_shutdown=True):
        super().__init__(manager, context, instance)
        self.image_id = image_id
        self.clean_shutdown = clean_shutdown

    def update_task_state(self, task_state,
                          expected_state=task_states.SHELVING):
        instance = self.instance
        instance.task_state = _SHELVING_STATES[task_state]
        instance.save(expected_task_state=[_SHELVING_STATES[expected_state]])

    def _do(self):
        instance = self.instance
        LOG.info('Shelving instance %s into image %s', instance.uuid,
                 self.image_id)
        try:
            if self.clean_shutdown:
                timeout = CONF.shutdown_timeout
                retry_interval = CONF.compute.shutdown_retry_interval
            else:
                timeout = retry_interval = 0
            self.driver.power_off(instance, timeout, retry_interval)
            self.driver.snapshot(self.context, instance, self.image_id,
                                 self.update_task_state)
        except BaseException:
            snapshot.delete_image_quietly(self.context, self.image_id)
            raise
        offload_now = CONF.shelved_offload_time == 0
        system_metadata = dict(instance.system_metadata)
        system_metadata.update({
            'shelved_at': timeutils.utcnow().isoformat(),
            'shelved_image_id': self.image_id,
            'shelved_host': self.manager.host})
        instance.system_metadata = system_metadata
        instance.power_state = self._power_state()
        instance.vm_state = vm_states.SHELVED
        instance.task_state = (task_states.SHELVING_OFFLOADING
                               if offload_now else None)
        instance.save(expected_task_state=[
            task_states.SHELVING, task_states.SHELVING_IMAGE_UPLOADING])
        if offload_now:
            offload(self.manager, self.context, instance,
                    [task_states.SHELVING_OFFLOADING])


class ShelveOffloadTask(power.PowerTask):
    """Destroy a SHELVED instance's guest: SHELVED_OFFLOADED."""

    event = 'compute_shelve_offload_instance'
    working_states = (task_states.SHELVING_OFFLOADING,)

    def _do(self):
        offload(self.manager, self.context, self.instance,
                list(self.working_states))


class UnshelveTask(power.PowerTask):
    """Bring a shelved instance back on this host: ACTIVE.

    A SHELVED instance's guest is powered on; a SHELVED_OFFLOADED one is
    spawned from its shelved image on ``node``. Either way the shelved
    image is deleted afterwards. A spawn that fails leaves the instance
    SHELVED_OFFLOADED again with a fault, and frees the claim made for it.
    """

    event = 'compute_unshelve_instance'
    working_states = (task_states.UNSHELVING, task_states.SPAWNING)

    def __init__(self, manager, context, instance, node=None):
        super().__init__(manager, context, instance)
        self.node = node
        self.offloaded = instance.vm_state == vm_states.SHELVED_OFFLOADED

    def _do(self):
        instance = self.instance
        image_id = instance.system_metadata.get('shelved_image_id')
        LOG.info('Unshelving instance %s (%s) from image %s',
                 instance.uuid, instance.vm_state, image_id)
        if self.offloaded:
            image = glance.API().get(self.context, image_id)
            instance.host = self.manager.host
            instance.node = self.node
            instance.task_state = task_states.SPAWNING
            instance.save(expected_task_state=[task_states.UNSHELVING])
            self.driver.spawn(self.context, instance,
                              objects.ImageMeta.from_dict(image), [], None,
                              allocations=None,
                              network_info=_network_info(instance))
            expected = [task_states.SPAWNING]
        else:
            self.driver.power_on(self.context, instance,
                                 network_info=_network_info(instance))
            expected = [task_states.UNSHELVING]
        if image_id:
            snapshot.delete_image_quietly(self.context, image_id)
        instance.system_metadata = {
            key: value for key, value in instance.system_metadata.items()
            if key not in SHELVED_KEYS}
        self._settle(vm_states.ACTIVE, expected)

    def _fail(self, error):
        if not self.offloaded:
            super()._fail(error)
            return
        self._add_fault(error)
        instance = self.instance
        try:
            self.driver.destroy(self.context, instance,
                                network_info=_network_info(instance))
        except Exception:
            LOG.exception('Could not clean up the guest of %s',
                          instance.uuid)
        instance.host = None
        instance.node = None
        instance.power_state = power_state.NOSTATE
        instance.vm_state = vm_states.SHELVED_OFFLOADED
        instance.task_state = None
        try:
            instance.save(expected_task_state=list(self.working_states))
        except power.OVERTAKEN:
            return
        objects.Allocation.delete_by_consumer(self.context, instance.uuid)


def poll_shelved_instances(manager, context):
    """Offload this host's SHELVED instances idle for longer than
    ``[DEFAULT] shelved_offload_time`` (a positive number of seconds)."""
    offload_time = CONF.shelved_offload_time
    if offload_time <= 0:
        return
    instances = objects.InstanceList.get_by_filters(
        context, {'host': manager.host, 'vm_state': vm_states.SHELVED,
                  'task_state': [None]})
    for instance in instances:
        shelved_at = instance.system_metadata.get('shelved_at')
        try:
            shelved_at = timeutils.parse_isotime(shelved_at)
        except (TypeError, ValueError):
            shelved_at = None
        if shelved_at and not timeutils.is_older_than(
                shelved_at.replace(tzinfo=None), offload_time):
            continue
        instance.task_state = task_states.SHELVING_OFFLOADING
        try:
            instance.save(expected_task_state=[None])
        except power.OVERTAKEN:
            continue
        LOG.info('Instance %s was shelved more than %d s ago; offloading',
                 instance.uuid, offload_time)
        utils.spawn_n(ShelveOffloadTask(manager, context, instance).run)

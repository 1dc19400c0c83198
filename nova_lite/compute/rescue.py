"""Rescue and unrescue on this host.

Rescue boots the guest from a rescue image (the one asked for, else the
server's own image) with the server's disk attached second, so its owner
can repair it: ``rescuing`` -> RESCUED. Unrescue boots it from its own
disk again: ``unrescuing`` -> ACTIVE. A failure keeps the vm_state and
clears the task, with a fault (Nova's revert).
"""

from oslo_log import log as logging

from nova_lite.compute import power
from nova_lite.image import glance
from nova_lite import objects
from nova_lite.states import task_states
from nova_lite.states import vm_states

LOG = logging.getLogger(__name__)


def rescue_image_id(instance, rescue_image_ref=None):
    """The image a rescue boots: the one asked for, else the image the
    server was built from."""
    return (rescue_image_ref or
            instance.system_metadata.get('image_base_image_ref') or
            instance.image_ref)


class RescueTask(power.PowerTask):
    """Boot the guest from the rescue image: RESCUED."""

    event = 'compute_rescue_instance'
    working_states = (task_states.RESCUING,)

    def __init__(self, manager, context, instance, rescue_password=None,
                 rescue_image_ref=None, clean_shutdown=True):
        super().__init__(manager, context, instance)
        self.rescue_password = rescue_password
        self.rescue_image_ref = rescue_image_ref
        self.clean_shutdown = clean_shutdown

    def _do(self):
        instance = self.instance
        image_id = rescue_image_id(instance, self.rescue_image_ref)
        LOG.info('Rescuing instance %s with image %s', instance.uuid,
                 image_id)
        image_meta = objects.ImageMeta.from_dict(
            glance.API().get(self.context, image_id))
        self.driver.rescue(self.context, instance,
                           power._network_info(instance), image_meta,
                           self.rescue_password)
        self._settle(vm_states.RESCUED, list(self.working_states))


class UnrescueTask(power.PowerTask):
    """Boot the guest from its own disk again: ACTIVE."""

    event = 'compute_unrescue_instance'
    working_states = (task_states.UNRESCUING,)

    def _do(self):
        LOG.info('Unrescuing instance %s', self.instance.uuid)
        self.driver.unrescue(self.context, self.instance)
        self._settle(vm_states.ACTIVE, list(self.working_states))

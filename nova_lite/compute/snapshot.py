"""Snapshots of a guest into the image service (createImage).

The API has made the image record (``queued``) and set the task state to
``image_snapshot_pending``; this host walks ``image_snapshot`` ->
``image_pending_upload`` -> ``image_uploading`` -> None while the driver
copies the root disk and uploads it, the server's ``progress`` advancing
with each step. A snapshot that fails (or gives way to a delete) takes
its image with it, as Nova does.
"""

from oslo_log import log as logging

from nova_lite.compute import power
from nova_lite import exception
from nova_lite.image import glance
from nova_lite.states import task_states

LOG = logging.getLogger(__name__)

# NOTE: the ``progress`` an ACTIVE server shows while it is snapshotted.
SNAPSHOT_PROGRESS = {
    task_states.IMAGE_SNAPSHOT: 0,
    task_states.IMAGE_PENDING_UPLOAD: 25,
    task_states.IMAGE_UPLOADING: 50,
}

# NOTE: task states of createImage, createBackup, shelve, rescue and soft
# delete that a restart of the compute service can leave behind. None of
# these actions can be picked up halfway (the driver's work is gone with
# the process), so, as Nova's init_host does for snapshots, the task is
# cleared and the instance keeps its vm_state; the user may ask again.
INTERRUPTED_STATES = (
    task_states.IMAGE_SNAPSHOT_PENDING, task_states.IMAGE_SNAPSHOT,
    task_states.IMAGE_PENDING_UPLOAD, task_states.IMAGE_UPLOADING,
    task_states.IMAGE_BACKUP, task_states.SHELVING,
    task_states.SHELVING_IMAGE_PENDING_UPLOAD,
    task_states.SHELVING_IMAGE_UPLOADING, task_states.SHELVING_OFFLOADING,
    task_states.RESCUING, task_states.UNRESCUING,
    task_states.SOFT_DELETING, task_states.RESTORING)


def settle_interrupted(manager, instance):
    """Clear the task a restart cut short (``instance.task_state`` in
    :data:`INTERRUPTED_STATES`) and record the guest's power state."""
    task = instance.task_state
    LOG.warning('Instance %s was in task state %s when the service '
                'stopped; clearing it', instance.uuid, task)
    instance.power_state = power.current_power_state(manager.driver,
                                                     instance)
    instance.task_state = None
    try:
        instance.save(expected_task_state=[task])
    except power.OVERTAKEN:
        pass


def delete_image_quietly(context, image_id):
    """Delete ``image_id``; an image already gone (or a service that
    cannot be reached) is logged, never raised: this is cleanup."""
    try:
        glance.API().delete(context, image_id)
    except (exception.ImageServiceRequestFailed,
            exception.ImageServiceUnavailable, exception.ImageNotFound) as e:
        LOG.warning('Could not delete image %s: %s', image_id, e)


class SnapshotTask(power.PowerTask):
    """Copy the guest's root disk into the queued image ``image_id``."""

    event = 'compute_snapshot_instance'
    working_states = (task_states.IMAGE_SNAPSHOT_PENDING,
                      task_states.IMAGE_SNAPSHOT,
                      task_states.IMAGE_PENDING_UPLOAD,
                      task_states.IMAGE_UPLOADING)

    def __init__(self, manager, context, instance, image_id):
        super().__init__(manager, context, instance)
        self.image_id = image_id

    def update_task_state(self, task_state,
                          expected_state=task_states.IMAGE_SNAPSHOT):
        """The driver's callback: move to ``task_state`` if the instance
        is still in ``expected_state``.

        :raises: UnexpectedTaskStateError (a delete overtook the
            snapshot), InstanceNotFound.
        """
        instance = self.instance
        instance.task_state = task_state
        instance.progress = SNAPSHOT_PROGRESS.get(task_state,
                                                  instance.progress)
        instance.save(expected_task_state=[expected_state])

    def _do(self):
        instance = self.instance
        LOG.info('Snapshotting instance %s into image %s', instance.uuid,
                 self.image_id)
        try:
            self.update_task_state(
                task_states.IMAGE_SNAPSHOT,
                expected_state=task_states.IMAGE_SNAPSHOT_PENDING)
            self.driver.snapshot(self.context, instance, self.image_id,
                                 self.update_task_state)
        except BaseException:
            delete_image_quietly(self.context, self.image_id)
            raise
        instance.task_state = None
        instance.progress = 100
        instance.save(expected_task_state=[task_states.IMAGE_UPLOADING])
        LOG.info('Snapshot of instance %s is image %s', instance.uuid,
                 self.image_id)

"""Backups of a guest into the image service (createBackup), with rotation.

A backup is a snapshot whose image says ``image_type=backup``, its
``backup_type`` (any word: "daily", "weekly"...) and its
``instance_uuid``. The API has made the image record and set the task
state to ``image_backup``; this host walks ``image_backup`` ->
``image_pending_upload`` -> ``image_uploading`` -> None as a snapshot
does, then rotates: of the instance's backups of that type, the newest
``rotation`` are kept and the older ones deleted. As in Nova a rotation
of 0 keeps none, not even the backup just made.
"""

from oslo_log import log as logging

from nova_lite.compute import snapshot
from nova_lite import exception
from nova_lite.image import glance
from nova_lite.states import task_states

LOG = logging.getLogger(__name__)


def backup_filters(instance_uuid, backup_type):
    """The image service list query of an instance's backups of a type,
    newest first."""
    return {'image_type': 'backup', 'backup_type': backup_type,
            'instance_uuid': instance_uuid, 'sort_key': 'created_at',
            'sort_dir': 'desc'}


def rotate_backups(context, image_api, instance_uuid, backup_type, rotation,
                   newest=None):
    """Delete the backups of ``backup_type`` of the instance beyond the
    newest ``rotation``, oldest first.

    :param newest: the id of the backup just made: kept first whatever
        the image service says of its age.
    :returns: the ids of the images deleted.
    :raises: ImageServiceRequestFailed, ImageServiceUnavailable when the
        backups cannot be listed; an image that cannot be deleted is
        logged and left.
    """
    # NOTE: the image service's order (created_at, newest first) decides
    # which backups go: it knows their ages to the microsecond where the
    # times it shows stop at the second.
    images = image_api.list(context,
                            filters=backup_filters(instance_uuid,
                                                   backup_type))
    images.sort(key=lambda image: image['id'] != newest)
    deleted = []
    for image in reversed(images[rotation:]):
        LOG.info('Rotating out backup %s of instance %s (%s, keeping %d)',
                 image['id'], instance_uuid, backup_type, rotation)
        try:
            image_api.delete(context, image['id'])
        except (exception.ImageNotFound,
                exception.ImageServiceRequestFailed) as error:
            LOG.warning('Could not delete backup %s: %s', image['id'],
                        error)
            continue
        deleted.append(image['id'])
    return deleted


class BackupTask(snapshot.SnapshotTask):
    """Snapshot the guest into ``image_id``, then rotate its backups."""

    event = 'compute_backup_instance'
    working_states = (task_states.IMAGE_BACKUP,
                      task_states.IMAGE_PENDING_UPLOAD,
                      task_states.IMAGE_UPLOADING)

    def __init__(self, manager, context, instance, image_id, backup_type,
                 rotation):
        super().__init__(manager, context, instance, image_id)
        self.backup_type = backup_type
        self.rotation = rotation

    def update_task_state(self, task_state,
                          expected_state=task_states.IMAGE_BACKUP):
        """The driver's callback, as for a snapshot, but a backup starts
        from ``image_backup``."""
        super().update_task_state(task_state, expected_state=expected_state)

    def _do(self):
        instance = self.instance
        LOG.info('Backing up instance %s into image %s (%s, rotation %d)',
                 instance.uuid, self.image_id, self.backup_type,
                 self.rotation)
        try:
            self.driver.snapshot(self.context, instance, self.image_id,
                                 self.update_task_state)
        except BaseException:
            snapshot.delete_image_quietly(self.context, self.image_id)
            raise
        instance.task_state = None
        instance.progress = 100
        instance.save(expected_task_state=[task_states.IMAGE_UPLOADING])
        LOG.info('Backup of instance %s is image %s', instance.uuid,
                 self.image_id)
        rotate_backups(self.context, glance.API(), instance.uuid,
                       self.backup_type, self.rotation,
                       newest=self.image_id)

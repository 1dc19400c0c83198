"""Snapshots of a libvirt guest's root disk into the image service.

The root disk is a qcow2 overlay on a cached image; ``qemu-img convert``
flattens the two into one standalone image in the format the image
record names (raw or qcow2), which then boots anywhere. A guest that runs
(or is paused) is first saved to libvirt's managed save and started again
from it once the copy is taken, so the disk is read at a consistent point
with nothing writing to it (Nova's cold snapshot); a stopped guest is
copied as it is.
"""

import os
import shutil
import time

from oslo_log import log as logging

from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite import utils
from nova_lite.virt.libvirt import designer

LOG = logging.getLogger(__name__)

# NOTE: a flatten reads the whole disk; a big one takes a while, and a
# hung qemu-img must still not hang the host's green thread for ever.
CONVERT_TIMEOUT = 1800
SNAPSHOT_FORMATS = ('raw', 'qcow2')


def _output_format(image):
    fmt = image.get('disk_format')
    return fmt if fmt in SNAPSHOT_FORMATS else 'qcow2'


def flatten(source, destination, fmt):
    """Write the qcow2 ``source`` and its backing chain as one ``fmt``
    image at ``destination``.

    :raises InternalError: qemu-img failed.
    """
    utils.execute(('qemu-img', 'convert', '-f', 'qcow2', '-O', fmt,
                   source, destination), CONVERT_TIMEOUT)


def snapshot(driver, context, instance, image_id, update_task_state):
    """Copy the guest's root disk into the queued image ``image_id``.

    See :meth:`nova_lite.virt.driver.ComputeDriver.snapshot`. After
    return the guest is in the power state it had before (a paused guest
    is paused again).

    :param driver: the :class:`LibvirtDriver`.
    """
    guest = driver._host.get_guest(instance)
    image = driver._image_api.get(context, image_id)
    fmt = _output_format(image)
    instance_dir = driver._instance_dir(instance)
    work_dir = os.path.join(instance_dir, 'snapshot-%s' % image_id)
    path = os.path.join(work_dir, 'disk.%s' % fmt)
    state = guest.get_power_state()
    started = time.monotonic()
    update_task_state(task_state=task_states.IMAGE_PENDING_UPLOAD)
    utils.ensure_tree(work_dir)
    try:
        saved = state in (power_state.RUNNING, power_state.PAUSED)
        if saved:
            guest.save_memory_state()
        try:
            flatten(designer.root_disk_path(instance_dir), path, fmt)
        finally:
            if saved:
                driver._launch_and_wait(guest, instance)
                if state == power_state.PAUSED:
                    guest.pause()
        copied = time.monotonic()
        update_task_state(task_state=task_states.IMAGE_UPLOADING,
                          expected_state=task_states.IMAGE_PENDING_UPLOAD)
        driver._image_api.upload(context, image_id, path)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    LOG.info('Snapshot of instance %s into image %s (%s): disk copied in '
             '%.2f s, uploaded in %.2f s', instance.uuid, image_id, fmt,
             copied - started, time.monotonic() - copied)

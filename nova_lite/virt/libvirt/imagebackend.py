"""Instance disks: qcow2 overlays on cached images, made with qemu-img."""

import json

from oslo_log import log as logging

from nova_lite import exception
from nova_lite import utils

LOG = logging.getLogger(__name__)

QEMU_IMG = 'qemu-img'
GiB = 1024 ** 3
# NOTE: qemu-img info of a hostile image can be made to run for long; a
# healthy one answers in milliseconds.
QEMU_IMG_TIMEOUT = 120
# Formats a base image may have. Anything else qemu-img probes (vmdk, vdi,
# ...) would need a conversion nova-lite does not do.
BASE_FORMATS = ('raw', 'qcow2')


def _qemu_img(*args):
    """Run ``qemu-img args``; :returns: its stdout.

    :raises InternalError: qemu-img is missing or failed.
    """
    return utils.execute((QEMU_IMG,) + args, QEMU_IMG_TIMEOUT).stdout


def qemu_img_info(path, fmt=None, force_share=False):
    """:returns: ``qemu-img info --output=json`` of ``path`` as a dict.

    :param fmt: the format to read the file as; None lets qemu-img probe.
    :param force_share: read a disk that a running guest holds (``-U``):
        QEMU locks the disks it has open, and a plain info of one fails
        ("Failed to get shared write lock"); its sizes and backing file
        read this way are what a migration needs.
    """
    args = ['info', '--output=json']
    if force_share:
        args.append('-U')
    if fmt:
        args += ['-f', fmt]
    return json.loads(_qemu_img(*(args + [path])))


def base_format(image_id, path, disk_format=None):
    """Check a cached image and say what format it is.

    NOTE: the format is read from the data, not taken from the image
    record: a "raw" image whose bytes are a qcow2 header naming a backing
    file would otherwise make QEMU open any file of the host. An image
    Glance calls raw is read as raw, so its bytes can never be taken for
    another format.

    :param disk_format: the image's ``disk_format`` in Glance.
    :returns: ``raw`` or ``qcow2``.
    :raises ImageUnacceptable: another format, or a backing file.
    """
    info = qemu_img_info(path, 'raw' if disk_format == 'raw' else None)
    fmt = info.get('format')
    if fmt not in BASE_FORMATS:
        raise exception.ImageUnacceptable(
            image_id=image_id,
            reason='its data is %s; only %s images can be booted'
                   % (fmt, ' or '.join(BASE_FORMATS)))
    if info.get('backing-filename'):
        raise exception.ImageUnacceptable(
            image_id=image_id, reason='it names a backing file')
    return fmt


def create_overlay(image_id, base_path, base_fmt, path, size_gb):
    """Create the qcow2 ``path`` backed by ``base_path``.

    After return ``path`` exists; reads of blocks it never wrote come
    from the base, which is never written.

    :param size_gb: the virtual size (the flavor's ``root_gb``); 0 keeps
        the image's own size, as Nova does.
    :raises FlavorDiskSmallerThanImage: the image is bigger than the
        flavor's disk.
    """
    virtual_size = qemu_img_info(base_path, base_fmt)['virtual-size']
    size = size_gb * GiB
    if size and size < virtual_size:
        raise exception.FlavorDiskSmallerThanImage(flavor_size=size,
                                                   image_size=virtual_size)
    args = ['create', '-f', 'qcow2', '-F', base_fmt, '-b', base_path, path]
    if size:
        args.append(str(size))
    _qemu_img(*args)
    LOG.debug('Created %s over image %s (%s, %d GiB)', path, image_id,
              base_fmt, size_gb)


def create_blank(path, size_gb):
    """Create an empty qcow2 disk of ``size_gb`` GiB at ``path``.

    NOTE: unformatted. Nova formats ephemeral disks (mkfs on the host);
    that needs root-only tools and a choice of filesystem per guest OS,
    so the guest formats its ephemeral disk itself (cloud-init does).
    """
    _qemu_img('create', '-f', 'qcow2', path, str(size_gb * GiB))

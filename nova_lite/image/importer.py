"""Registers image files in the image service through the Glance v2 API:
what ``nova-lite-manage image import`` and ``image import-test-guest`` do.

An import is idempotent: an active image the caller can see with the same
name, the same data (its sha512 ``os_hash_value``) and the same requested
attributes is taken as the result instead of uploading the file again.
Anything else creates an image record and streams the file into it, and
the hash the service computed is checked against the file's.
"""

import hashlib

from oslo_log import log as logging

from nova_lite import exception

LOG = logging.getLogger(__name__)

HASH_ALGO = 'sha512'
CHUNK_SIZE = 1024 * 1024
# NOTE: the kernel command line of the test guest: its marker goes to the
# serial console, and a quiet kernel reaches it sooner under emulation.
# NOTE: a config drive shows up well within a second of the guest's
# modules loading; 3 s is plenty, and a guest without one turns to DHCP
# and the metadata service that much sooner (the guest's default is 10 s).
TEST_GUEST_CMDLINE = 'console=tty0 console=ttyS0 quiet nova-lite.cd_wait=3'


def file_hash(path):
    """:returns: ``(size in bytes, sha512 hex digest)`` of the file."""
    hasher, size = hashlib.new(HASH_ALGO), 0
    with open(path, 'rb') as f:
        while True:
            chunk = f.read(CHUNK_SIZE)
            if not chunk:
                break
            hasher.update(chunk)
            size += len(chunk)
    return size, hasher.hexdigest()


def _matches(image, digest, wanted):
    if image.get('status') != 'active':
        return False
    if (image.get('os_hash_algo') != HASH_ALGO or
            image.get('os_hash_value') != digest):
        return False
    return all(str(image.get(key)) == str(value)
               for key, value in wanted.items())


def find_image(image_api, context, name, digest, wanted):
    """An active image named ``name`` holding the data of sha512
    ``digest`` whose attributes equal ``wanted``; None if there is none.
    """
    for image in image_api.list(context, {'name': name,
                                          'status': 'active'}):
        if _matches(image, digest, wanted):
            return image
    return None


def import_file(image_api, context, path, name, disk_format,
                container_format='bare', visibility=None, min_ram=0,
                min_disk=0, properties=None):
    """Register the file ``path`` as image ``name``, or find it registered.

    :param image_api: a :class:`nova_lite.image.glance.API`.
    :param context: whose token (``auth_token``) the requests carry; a
        ``public`` image needs an administrator's.
    :param visibility: ``public``, ``private``, ``shared``,
        ``community``; None takes the service's default (``shared``).
    :param properties: custom properties, ``{name: string}``.
    :returns: ``(image body, True if it was uploaded now, False if an
        identical image was there already)``.
    :raises ImageImportFailed: the service took the data but computed another
        hash (the image is deleted again).
    :raises ImageServiceRequestFailed: the service refused a request.
    :raises ImageServiceUnavailable: no image service answered.
    """
    size, digest = file_hash(path)
    wanted = dict(properties or {}, disk_format=disk_format,
                  container_format=container_format, min_ram=min_ram,
                  min_disk=min_disk)
    if visibility:
        wanted['visibility'] = visibility
    existing = find_image(image_api, context, name, digest, wanted)
    if existing is not None:
        LOG.info('Image %s (%s) holds %s already', existing['id'], name,
                 path)
        return existing, False
    image = image_api.create(context, dict(wanted, name=name))
    LOG.info('Uploading %s (%d bytes) into image %s (%s)', path, size,
             image['id'], name)
    try:
        image = image_api.upload(context, image['id'], path)
        if (image.get('os_hash_algo') == HASH_ALGO and
                image.get('os_hash_value') != digest):
            raise exception.ImageImportFailed(
                path=path, reason='the image service computed another %s '
                                  'than the file has' % HASH_ALGO)
    except Exception:
        # NOTE: a queued or wrong image would be found by nobody and
        # block nothing, but it would litter the image list.
        try:
            image_api.delete(context, image['id'])
        except exception.NovaException as e:
            LOG.warning('Could not delete image %s after a failed upload: '
                        '%s', image['id'], e)
        raise
    return image, True


def import_test_guest(image_api, context, paths, name,
                      visibility='public'):
    """Register the test guest as three images: its kernel (``aki``), its
    initramfs (``ari``) and the bootable ``name``, an empty qcow2 root
    disk whose ``kernel_id``/``ramdisk_id`` name the other two (the libvirt
    driver boots such an image's kernel directly).

    :param paths: ``{'kernel', 'initramfs', 'root_disk'}`` file paths, as
        :func:`nova_lite.tools.test_guest.build` returns them.
    :returns: ``{'kernel': image, 'ramdisk': image, 'image': image}``.
    :raises: as :func:`import_file`.
    """
    kernel, _ = import_file(image_api, context, paths['kernel'],
                            name + '-kernel', 'aki', 'aki', visibility)
    ramdisk, _ = import_file(image_api, context, paths['initramfs'],
                             name + '-ramdisk', 'ari', 'ari', visibility)
    image, _ = import_file(
        image_api, context, paths['root_disk'], name, 'qcow2', 'bare',
        visibility, properties={'kernel_id': kernel['id'],
                                'ramdisk_id': ramdisk['id'],
                                'os_command_line': TEST_GUEST_CMDLINE})
    return {'kernel': kernel, 'ramdisk': ramdisk, 'image': image}

"""Reads images from a Glance v2 service, or from a static list standing in
for one when ``[glance] api_servers`` is empty."""

import hashlib
import json
import os
import tempfile
import urllib.error
import urllib.request

from oslo_log import log as logging

from nova_lite import conf
from nova_lite import exception

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# NOTE: big enough to keep the per-chunk overhead small, small enough that a
# download of a multi-GiB image never holds much of it in memory.
CHUNK_SIZE = 64 * 1024


def _static_images():
    images = {}
    for entry in CONF.glance.static_images:
        image_id, _, name = entry.partition(':')
        images[image_id] = {
            'id': image_id, 'name': name or image_id, 'status': 'active',
            'visibility': 'public', 'disk_format': 'qcow2',
            'container_format': 'bare', 'min_ram': 0, 'min_disk': 0,
            'size': 0, 'checksum': None}
    return images


class API:
    """The subset of Glance v2 that the compute API and drivers use."""

    def get(self, context, image_id):
        """The image body of ``image_id``.

        :raises: ImageNotFound when no service knows it.
        """
        if not CONF.glance.api_servers:
            image = _static_images().get(image_id)
            if image is None:
                raise exception.ImageNotFound(image_id=image_id)
            return dict(image)
        return self._get_remote(context, image_id)

    def list(self, context):
        """Every image the caller can see (first page of each service)."""
        if not CONF.glance.api_servers:
            return list(_static_images().values())
        return self._request(context, '/v2/images').get('images', [])

    def download(self, context, image_id, dst_path):
        """Write the data of ``image_id`` to ``dst_path``, verified.

        The data is streamed in chunks into a temporary file beside
        ``dst_path`` while its hash is computed: ``os_hash_value`` with
        ``os_hash_algo`` (sha512) when the image has one, else the md5
        ``checksum``. Only data that matches is renamed to ``dst_path``; on
        any error nothing is left on disk. An image with neither hash is
        accepted with a warning, as Nova does.

        NOTE: the static image list (no ``[glance] api_servers``) holds
        names only, no data, so its images cannot be downloaded: they are
        ImageUnacceptable, which aborts a build instead of rescheduling it
        to a host that would fail the same way.

        :returns: the image body (as :meth:`get` returns it).
        :raises ImageNotFound: no image ``image_id``.
        :raises ImageUnacceptable: the image is not active or has no data.
        :raises ImageChecksumMismatch: the data does not match its hash.
        :raises ImageServiceUnavailable: no image service delivered it.
        """
        if not CONF.glance.api_servers:
            if image_id not in _static_images():
                raise exception.ImageNotFound(image_id=image_id)
            raise exception.ImageUnacceptable(
                image_id=image_id,
                reason='the static image list ([glance] static_images) has '
                       'no image data; set [glance] api_servers')
        image = self._get_remote(context, image_id)
        if image.get('status') != 'active':
            raise exception.ImageUnacceptable(
                image_id=image_id,
                reason='status is %s, not active' % image.get('status'))
        last_error = None
        for server in CONF.glance.api_servers:
            url = '%s/v2/images/%s/file' % (server.rstrip('/'), image_id)
            try:
                self._download_from(context, url, image, dst_path)
                return image
            except urllib.error.HTTPError as error:
                if error.code == 404:
                    raise exception.ImageNotFound(image_id=image_id)
                if error.code == 204:
                    raise exception.ImageUnacceptable(
                        image_id=image_id, reason='the image has no data')
                last_error = error
            except (urllib.error.URLError, OSError) as error:
                last_error = error
            LOG.warning('Download of image %s from %s failed: %s',
                        image_id, server, last_error)
        raise exception.ImageServiceUnavailable(reason=str(last_error))

    @staticmethod
    def _expected_hash(image):
        """:returns: (algorithm name, hashlib object, expected hex digest),
        or None when the image carries no hash we can check."""
        algo, value = image.get('os_hash_algo'), image.get('os_hash_value')
        if algo and value and algo in hashlib.algorithms_available:
            return algo, hashlib.new(algo), value
        if image.get('checksum'):
            return 'md5', hashlib.md5(usedforsecurity=False), \
                image['checksum']
        return None

    def _download_from(self, context, url, image, dst_path):
        image_id = image.get('id')
        request = urllib.request.Request(url)
        token = getattr(context, 'auth_token', None)
        if token:
            request.add_header('X-Auth-Token', token)
        expected = self._expected_hash(image)
        if expected is None:
            LOG.warning('Image %s has no checksum; its data is not '
                        'verified', image_id)
        directory = os.path.dirname(os.path.abspath(dst_path))
        fd, tmp_path = tempfile.mkstemp(
            dir=directory, prefix='.%s.' % os.path.basename(dst_path),
            suffix='.part')
        try:
            size = 0
            with os.fdopen(fd, 'wb') as out, \
                    urllib.request.urlopen(request, timeout=60) as response:
                if response.status == 204:
                    raise urllib.error.HTTPError(url, 204, 'No Content',
                                                 response.headers, None)
                while True:
                    chunk = response.read(CHUNK_SIZE)
                    if not chunk:
                        break
                    out.write(chunk)
                    size += len(chunk)
                    if expected is not None:
                        expected[1].update(chunk)
                out.flush()
                os.fsync(out.fileno())
            if image.get('size') is not None and size != image['size']:
                # NOTE: a short read is a broken transfer, not bad data:
                # another server (or a reschedule) may do better.
                raise OSError('got %d of %d bytes of image %s'
                              % (size, image['size'], image_id))
            if expected is not None:
                algo, hasher, want = expected
                if hasher.hexdigest() != want:
                    raise exception.ImageChecksumMismatch(
                        image_id=image_id, algo=algo,
                        actual=hasher.hexdigest(), expected=want)
            # NOTE: mkstemp makes the file private; an image is read by
            # the hypervisor, which may run as another user.
            os.chmod(tmp_path, 0o644)
            os.replace(tmp_path, dst_path)
        except BaseException:
            try:
                os.unlink(tmp_path)
            except FileNotFoundError:
                pass
            raise
        LOG.info('Downloaded image %s (%d bytes) to %s', image_id, size,
                 dst_path)

    def _get_remote(self, context, image_id):
        try:
            return self._request(context, '/v2/images/%s' % image_id)
        except _NotFound:
            raise exception.ImageNotFound(image_id=image_id)

    def _request(self, context, path):
        """GET ``path`` from the first image service that answers."""
        last_error = None
        for server in CONF.glance.api_servers:
            request = urllib.request.Request(server.rstrip('/') + path)
            if getattr(context, 'auth_token', None):
                request.add_header('X-Auth-Token', context.auth_token)
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return json.loads(response.read())
            except urllib.error.HTTPError as error:
                if error.code == 404:
                    raise _NotFound()
                last_error = error
            except (urllib.error.URLError, OSError, ValueError) as error:
                last_error = error
            LOG.warning('Image service %s failed: %s', server, last_error)
        raise exception.ImageServiceUnavailable(reason=str(last_error))


class _NotFound(Exception):
    pass

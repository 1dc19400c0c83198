"""``/v2/images/{image_id}/file``: upload and download image data,
streamed in chunks, never whole in memory.

An upload moves the image ``queued`` -> ``saving`` -> ``active`` and
records size, ``checksum`` (md5) and ``os_hash_algo``/``os_hash_value``
(sha512), computed while the data streams to the store. When it fails,
the image goes back to ``queued`` and keeps no data.
"""

from oslo_log import log as logging
import webob
import webob.exc

from nova_lite import conf
from nova_lite.image.service.db import api as db
from nova_lite import exception
from nova_lite.image.service import images
from nova_lite.image.service import store as image_store
from nova_lite.image.service import wsgi

CONF = conf.CONF
LOG = logging.getLogger(__name__)


class _BodyReader(object):
    """``read(n)`` over the request body stream."""

    def __init__(self, stream):
        self._stream = stream

    def read(self, size):
        return self._stream.read(size)


class ImageDataController(object):
    """Image data."""

    def upload(self, req, image_id):
        """``PUT /v2/images/{image_id}/file`` with an
        ``application/octet-stream`` body; 204.

        :raises: 415 for another media type; 404; 403 for an image of
            another project; 409 unless the image is ``queued`` (or when
            another upload won the race); 400 without disk and container
            formats or for a body shorter than its Content-Length; 413
            past ``[image_service] image_size_cap``; 410 when the image
            was deleted while its data was uploading.
        """
        if req.content_type != 'application/octet-stream':
            raise webob.exc.HTTPUnsupportedMediaType()
        context = wsgi.context_of(req)
        image = images.get_image(context, image_id)
        images.check_owner(context, image, 'upload_image')
        if image['status'] != 'queued':
            raise webob.exc.HTTPConflict(
                explanation='Image status transition from %s to saving is '
                            'not allowed' % image['status'])
        missing = [name for name in ('disk_format', 'container_format')
                   if not image[name]]
        if missing:
            raise webob.exc.HTTPBadRequest(
                explanation='%s %s must be set prior to saving data.'
                % ('Properties' if len(missing) > 1 else 'Property',
                   ', '.join(missing)))
        try:
            db.image_update(image_id, {'status': 'saving'},
                            from_state='queued')
        except exception.Conflict:
            raise webob.exc.HTTPConflict(
                explanation='Image status transition from saving to saving '
                            'is not allowed')
        except exception.ImageNotFound:
            raise webob.exc.HTTPNotFound(
                explanation='No image found with ID %s' % image_id)

        store = images.get_store()
        try:
            stored = store.add(image_id,
                               _BodyReader(req.body_file_raw),
                               CONF.image_service.image_size_cap,
                               expected_size=req.content_length)
        except image_store.ImageSizeLimitExceeded:
            self._back_to_queued(image_id)
            raise webob.exc.HTTPRequestEntityTooLarge(
                explanation='Image exceeds the storage quota: the size cap '
                            'is %d bytes.'
                            % CONF.image_service.image_size_cap)
        except image_store.ImageDataIncomplete:
            self._back_to_queued(image_id)
            raise webob.exc.HTTPBadRequest(
                explanation='Image data ended before Content-Length bytes '
                            'arrived.')
        except BaseException:
            self._back_to_queued(image_id)
            raise

        try:
            db.image_update(image_id, {
                'status': 'active', 'size': stored.size,
                'checksum': stored.checksum,
                'os_hash_algo': stored.os_hash_algo,
                'os_hash_value': stored.os_hash_value,
            }, from_state='saving')
        except (exception.ImageNotFound, exception.Conflict):
            store.delete(image_id)
            raise webob.exc.HTTPGone(
                explanation='Image %s could not be found after upload. The '
                            'image may have been deleted during the upload.'
                            % image_id)
        LOG.info('Image %s is active: %d bytes, md5 %s', image_id,
                 stored.size, stored.checksum)
        return webob.Response(status=204)

    @staticmethod
    def _back_to_queued(image_id):
        try:
            db.image_update(image_id, {'status': 'queued'},
                            from_state='saving')
        except (exception.ImageNotFound, exception.Conflict):
            pass

    def download(self, req, image_id):
        """``GET /v2/images/{image_id}/file``: the data, streamed, with
        ``Content-MD5``; 204 when the image has no data yet."""
        context = wsgi.context_of(req)
        image = images.get_image(context, image_id)
        if image['status'] != 'active':
            return webob.Response(status=204)
        try:
            chunks = images.get_store().get(image_id)
        except image_store.ImageDataNotFound:
            raise webob.exc.HTTPNotFound(
                explanation='Image data of %s is missing from the store.'
                % image_id)
        response = webob.Response(status=200,
                                  content_type='application/octet-stream',
                                  app_iter=chunks)
        response.content_length = image['size']
        if image['checksum']:
            response.headers['Content-MD5'] = image['checksum']
        return response

"""Reads images from the Glance v2 services of ``[glance] api_servers``.

nova-lite speaks only the Glance v2 API, so nova-lite-image and a real
Glance serve it alike. Requests carry the caller's token
(``context.auth_token``), so the image service applies the caller's view:
a project's private image resolves for that project only.
"""

import hashlib
import http.client
import json
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request

from oslo_log import log as logging

from nova_lite import conf
from nova_lite import exception
from nova_lite.image import meta as image_body

CONF = conf.CONF
LOG = logging.getLogger(__name__)

# NOTE: big enough to keep the per-chunk overhead small, small enough that a
# download of a multi-GiB image never holds much of it in memory.
CHUNK_SIZE = 64 * 1024


def _api_servers():
    """:returns: ``[glance] api_servers``.

    :raises ImageServiceUnavailable: none is configured.
    """
    if not CONF.glance.api_servers:
        raise exception.ImageServiceUnavailable(
            reason='no image service is configured; set [glance] '
                   'api_servers')
    return CONF.glance.api_servers


def _image_path(image_id, suffix=''):
    """The URL path of an image (and ``suffix`` below it).

    NOTE: the id is whatever a client put in a request; quoted, a space or
    a control character cannot make the URL invalid, and a "?", "#" or
    "/" cannot make it name another resource.
    """
    return '/v2/images/%s%s' % (urllib.parse.quote(str(image_id), safe=''),
                                suffix)


class API:
    """The subset of Glance v2 that the compute API, the drivers and
    nova-lite-manage's image commands use."""

    def get(self, context, image_id):
        """The image body of ``image_id``.

        :raises: ImageNotFound when the service does not know it or the
            caller may not see it (Glance answers 404 to both).
        :raises: ImageServiceUnavailable when no image service answers
            (none configured included).
        """
        return self._get_remote(context, image_id)

    def list(self, context, filters=None, max_pages=100, limit=None):
        """The images the caller can see, following Glance's ``next``
        links for at most ``max_pages`` pages.

        :param filters: Glance v2 list query parameters, e.g.
            ``{'name': 'cirros', 'status': 'active'}`` (``marker`` too).
        :param limit: at most this many images (None: all pages).
        :raises: ImageServiceRequestFailed when the service refuses the
            query (4xx, e.g. an unknown marker).
        :raises: ImageServiceUnavailable when no image service answers.
        """
        path = '/v2/images'
        if filters:
            path += '?' + urllib.parse.urlencode(sorted(filters.items()))
        images = []
        for _page in range(max_pages):
            body = self._request(context, path, refuse_4xx=True)
            images.extend(body.get('images', []))
            path = body.get('next')
            if not path or (limit is not None and len(images) >= limit):
                break
        return images if limit is None else images[:limit]

    def update_properties(self, context, image_id, set_properties=None,
                          remove=()):
        """``PATCH /v2/images/{id}``: add or replace the custom properties
        ``set_properties`` and remove those named in ``remove``, at once.

        :returns: the image body after the change.
        :raises ImageServiceRequestFailed: the service refused it (403 for
            an image the caller does not own, 404 for one it cannot see).
        :raises ImageServiceUnavailable: no image service answered.
        """
        changes = [{'op': 'add', 'path': '/%s' % key, 'value': value}
                   for key, value in sorted((set_properties or {}).items())]
        changes += [{'op': 'remove', 'path': '/%s' % key}
                    for key in sorted(remove)]
        return self._send(
            context, 'PATCH', _image_path(image_id),
            json.dumps(changes).encode(),
            {'Content-Type':
             'application/openstack-images-v2.1-json-patch'})

    def create(self, context, image):
        """``POST /v2/images``: a new image record (``queued``, no data).

        :param image: the image body: ``name``, ``disk_format``,
            ``container_format``, ``visibility``, ``min_ram``, custom
            properties...
        :returns: the created image body.
        :raises ImageServiceRequestFailed: the service refused it (4xx).
        :raises ImageServiceUnavailable: no image service answered.
        """
        data = json.dumps(image).encode()
        return self._send(context, 'POST', '/v2/images', data,
                          {'Content-Type': 'application/json'})

    def upload(self, context, image_id, path):
        """``PUT /v2/images/{id}/file``: the data of a queued image, read
        from the file ``path`` and streamed in CHUNK_SIZE pieces.

        After return the image is ``active`` with its ``checksum``,
        ``os_hash_algo``/``os_hash_value`` and ``size``.

        :returns: the image body after the upload.
        :raises ImageServiceRequestFailed: the service refused it (4xx:
            e.g. 409 for an image that has data already, 413 for one over
            the size cap).
        :raises ImageServiceUnavailable: no image service answered.
        """
        size = os.path.getsize(path)

        def chunks():
            with open(path, 'rb') as f:
                while True:
                    chunk = f.read(CHUNK_SIZE)
                    if not chunk:
                        return
                    yield chunk

        self._send(context, 'PUT', _image_path(image_id, '/file'), chunks,
                   {'Content-Type': 'application/octet-stream',
                    'Content-Length': str(size)})
        return self.get(context, image_id)

    def delete(self, context, image_id):
        """``DELETE /v2/images/{id}``: the record and its data.

        :raises ImageServiceRequestFailed: the service refused it (404 for
            an image the caller cannot see, 403 for one it does not own).
        :raises ImageServiceUnavailable: no image service answered.
        """
        self._send(context, 'DELETE', _image_path(image_id), None, {})

    def download(self, context, image_id, dst_path):
        """Write the data of ``image_id`` to ``dst_path``, verified.

        The data is streamed in chunks into a temporary file beside
        ``dst_path`` while its hash is computed: ``os_hash_value`` with
        ``os_hash_algo`` (sha512) when the image has one, else the md5
        ``checksum``. Only data that matches is renamed to ``dst_path``; on
        any error nothing is left on disk. An image with neither hash is
        accepted with a warning, as Nova does.

        :returns: the image body (as :meth:`get` returns it).
        :raises ImageNotFound: no image ``image_id``.
        :raises ImageUnacceptable: the image is not active or has no data.
        :raises ImageChecksumMismatch: the data does not match its hash.
        :raises ImageServiceUnavailable: no image service delivered it.
        """
        image = self._get_remote(context, image_id)
        if image.get('status') != 'active':
            raise exception.ImageUnacceptable(
                image_id=image_id,
                reason='status is %s, not active' % image.get('status'))
        last_error = None
        for server in _api_servers():
            url = server.rstrip('/') + _image_path(image_id, '/file')
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
            except (urllib.error.URLError, OSError,
                    http.client.HTTPException) as error:
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
            return self._request(context, _image_path(image_id))
        except _NotFound:
            raise exception.ImageNotFound(image_id=image_id)

    def _request(self, context, path, refuse_4xx=False):
        """GET ``path`` from the first image service that answers.

        :param refuse_4xx: raise ImageServiceRequestFailed for a 4xx
            answer other than 404 instead of trying the next service.
        """
        last_error = None
        for server in _api_servers():
            request = urllib.request.Request(server.rstrip('/') + path)
            if getattr(context, 'auth_token', None):
                request.add_header('X-Auth-Token', context.auth_token)
            # NOTE: http.client's own errors (a cut answer, a URL it
            # refuses) mean an image service that did not answer, as
            # socket errors do, here and below.
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    return json.loads(response.read())
            except urllib.error.HTTPError as error:
                if error.code == 404:
                    raise _NotFound()
                if refuse_4xx and 400 <= error.code < 500:
                    raise exception.ImageServiceRequestFailed(
                        method='GET', url=request.full_url,
                        status=error.code, reason=_error_text(error))
                last_error = error
            except (urllib.error.URLError, OSError, ValueError,
                    http.client.HTTPException) as error:
                last_error = error
            LOG.warning('Image service %s failed: %s', server, last_error)
        raise exception.ImageServiceUnavailable(reason=str(last_error))

    def _send(self, context, method, path, data, headers):
        """Send a request that changes something to the first image
        service that answers.

        :param data: bytes, or a callable returning a fresh iterable of
            bytes for each attempt (a streamed body).
        :returns: the decoded JSON answer, None for an empty one.
        :raises ImageServiceRequestFailed: a 4xx answer; another service
            would refuse it alike.
        :raises ImageServiceUnavailable: no service answered.
        """
        last_error = None
        for server in _api_servers():
            url = server.rstrip('/') + path
            body = data() if callable(data) else data
            request = urllib.request.Request(url, data=body, method=method,
                                             headers=headers)
            if getattr(context, 'auth_token', None):
                request.add_header('X-Auth-Token', context.auth_token)
            try:
                with urllib.request.urlopen(request,
                                            timeout=300) as response:
                    answer = response.read()
                    return json.loads(answer) if answer else None
            except urllib.error.HTTPError as error:
                if 400 <= error.code < 500:
                    raise exception.ImageServiceRequestFailed(
                        method=method, url=url, status=error.code,
                        reason=_error_text(error))
                last_error = error
            except (urllib.error.URLError, OSError, ValueError,
                    http.client.HTTPException) as error:
                last_error = error
            LOG.warning('Image service %s failed: %s', server, last_error)
        raise exception.ImageServiceUnavailable(reason=str(last_error))


def properties_of(image):
    """The custom properties of a Glance v2 image body, which Nova calls
    the image's "properties" (its "metadata" in the API)."""
    return {key: value for key, value in image.items()
            if key not in image_body.BASE_ATTRIBUTES}


def _error_text(error):
    """The explanation in an HTTP error's body (Glance answers HTML or
    text), on one line."""
    try:
        text = error.read().decode('utf-8', 'replace')
    except OSError:
        text = ''
    text = ' '.join(text.replace('<br />', ' ').split())
    for tag in ('<html>', '</html>', '<head>', '</head>', '<body>',
                '</body>', '<title>', '</title>', '<h1>', '</h1>'):
        text = text.replace(tag, ' ')
    return ' '.join(text.split())[:500] or error.reason


class _NotFound(Exception):
    pass

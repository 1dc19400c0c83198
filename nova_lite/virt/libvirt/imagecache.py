"""ImageCache: images fetched once per host into ``$state_path/_base``."""

import fcntl
import hashlib
import os

from oslo_log import log as logging

from nova_lite import utils

LOG = logging.getLogger(__name__)

BASE_DIR_NAME = '_base'
LOCK_DIR_NAME = 'locks'


def base_name(image_id):
    """The cache file name of ``image_id``: the sha1 of its id, as Nova.

    NOTE: an image id is chosen by the image service's users; hashing it
    keeps any id a safe, fixed-length file name.
    """
    return hashlib.sha1(image_id.encode('utf-8'),
                        usedforsecurity=False).hexdigest()


class ImageCache:
    """Images of this host's guests, downloaded at most once each.

    A cached file is complete or absent: the download function writes to a
    temporary file and renames it into place only once verified, so a file
    that exists is never read half-written.

    NOTE: nothing evicts images yet (Nova ages unused ones out in a
    periodic task); a cached file is as immutable as its Glance image.
    """

    def __init__(self, base_dir, download):
        """:param base_dir: the cache directory, made on first use.

        :param download: ``download(context, image_id, dst_path)`` that
            writes a verified image to ``dst_path`` (see
            :meth:`nova_lite.image.glance.API.download`) or raises.
        """
        self.base_dir = base_dir
        self._download = download

    def path(self, image_id):
        """:returns: where ``image_id`` is (or will be) cached."""
        return os.path.join(self.base_dir, base_name(image_id))

    def fetch(self, context, image_id):
        """Make sure ``image_id`` is in the cache.

        Concurrent calls for one image download it once: the first takes
        a per-image lock and downloads, the others wait for the lock and
        then find the file. The lock is held in this process and, with
        ``flock`` on a lock file, against other processes sharing the
        cache directory.

        :returns: the path of the cached image.
        :raises: whatever the download function raises; nothing of a
            failed download is left in the cache.
        """
        path = self.path(image_id)
        if os.path.exists(path):
            return path
        utils.ensure_tree(self.base_dir)
        lock_dir = utils.ensure_tree(os.path.join(self.base_dir,
                                                  LOCK_DIR_NAME))
        name = base_name(image_id)
        # NOTE: the in-process lock first, so that only one thread of this
        # process ever blocks in flock (which would stall a green thread's
        # whole hub under eventlet).
        with utils.named_lock('imagecache-%s' % name):
            with open(os.path.join(lock_dir, name + '.lock'), 'a') as lock:
                fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
                try:
                    if not os.path.exists(path):
                        LOG.info('Fetching image %s into the cache',
                                 image_id)
                        self._download(context, image_id, path)
                    else:
                        LOG.debug('Image %s was fetched meanwhile',
                                  image_id)
                finally:
                    fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
        return path

"""The image data store: one file per image under ``store_path``.

Data moves in 64 KiB chunks both ways and is never whole in memory. An
upload is written to a temporary file beside its final name and renamed
into place only once complete, so a reader never sees half an image; md5
(Glance's ``checksum``) and sha512 (``os_hash_value``) are computed while
the chunks go by.
"""

import hashlib
import os
import uuid

from nova_lite.image.service import wsgi

CHUNK_SIZE = wsgi.CHUNK_SIZE
HASH_ALGO = 'sha512'


class ImageSizeLimitExceeded(Exception):
    """The data grew past the size cap."""


class ImageDataIncomplete(Exception):
    """The body ended before its declared length."""


class ImageDataNotFound(Exception):
    """No data is stored for the image."""


class StoredData(object):
    """What an upload wrote: size and digests."""

    def __init__(self, size, checksum, os_hash_value):
        self.size = size
        self.checksum = checksum
        self.os_hash_algo = HASH_ALGO
        self.os_hash_value = os_hash_value


class ChunkedFile(object):
    """An iterator over a file's chunks that closes the file when done
    (or when the server closes it on a broken connection)."""

    def __init__(self, path, chunk_size=CHUNK_SIZE):
        self._file = open(path, 'rb')
        self._chunk_size = chunk_size

    def __iter__(self):
        try:
            while True:
                chunk = self._file.read(self._chunk_size)
                if not chunk:
                    break
                yield chunk
        finally:
            self.close()

    def close(self):
        self._file.close()


class FilesystemStore(object):
    """Image data as files named by image id in ``path``."""

    def __init__(self, path):
        self.path = path

    def _path_of(self, image_id):
        # NOTE: ids are checked as UUIDs before they reach the store, but
        # a path must never be built from anything else.
        return os.path.join(self.path, str(uuid.UUID(image_id)))

    def add(self, image_id, reader, size_cap, expected_size=None):
        """Store the data ``reader`` yields as the data of ``image_id``.

        :param reader: ``read(n)`` returns up to n bytes, b'' at the end.
        :param size_cap: the largest size accepted, in bytes.
        :param expected_size: the declared length (Content-Length), or None
            to read until the end of the stream.
        :returns: a StoredData.
        :raises: ImageSizeLimitExceeded, ImageDataIncomplete; nothing is
            left behind when any error is raised.
        """
        os.makedirs(self.path, exist_ok=True)
        final = self._path_of(image_id)
        partial = '%s.%s.part' % (final, uuid.uuid4().hex)
        md5 = hashlib.md5(usedforsecurity=False)
        multihash = hashlib.new(HASH_ALGO)
        size = 0
        if expected_size is not None and expected_size > size_cap:
            raise ImageSizeLimitExceeded()
        try:
            with open(partial, 'wb') as out:
                while True:
                    want = CHUNK_SIZE
                    if expected_size is not None:
                        want = min(want, expected_size - size)
                        if want <= 0:
                            break
                    chunk = reader.read(want)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > size_cap:
                        raise ImageSizeLimitExceeded()
                    md5.update(chunk)
                    multihash.update(chunk)
                    out.write(chunk)
                if expected_size is not None and size < expected_size:
                    raise ImageDataIncomplete()
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, final)
        except BaseException:
            _unlink(partial)
            raise
        return StoredData(size, md5.hexdigest(), multihash.hexdigest())

    def get(self, image_id):
        """The data of ``image_id`` as an iterator of chunks.

        :raises: ImageDataNotFound
        """
        try:
            return ChunkedFile(self._path_of(image_id))
        except FileNotFoundError:
            raise ImageDataNotFound()

    def delete(self, image_id):
        """Remove the data of ``image_id``; no error when there is none."""
        _unlink(self._path_of(image_id))


def _unlink(path):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass

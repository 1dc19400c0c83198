"""The filesystem store: chunked, hashed, all-or-nothing writes."""

import hashlib
import io
import os

import pytest

from nova_lite.image.service import store as image_store

IMAGE = '9b8c7d4e-1f2a-4b3c-8d9e-0f1a2b3c4d5e'


class RecordingReader(object):
    def __init__(self, data):
        self._data = io.BytesIO(data)
        self.sizes = []

    def read(self, size):
        self.sizes.append(size)
        return self._data.read(size)


def test_add_streams_in_chunks_and_hashes(tmp_path):
    data = os.urandom(3 * image_store.CHUNK_SIZE + 17)
    store = image_store.FilesystemStore(str(tmp_path))
    reader = RecordingReader(data)
    stored = store.add(IMAGE, reader, size_cap=10 ** 9)
    assert max(reader.sizes) == image_store.CHUNK_SIZE
    assert stored.size == len(data)
    assert stored.checksum == hashlib.md5(data).hexdigest()
    assert stored.os_hash_algo == 'sha512'
    assert stored.os_hash_value == hashlib.sha512(data).hexdigest()
    chunks = list(store.get(IMAGE))
    assert max(len(c) for c in chunks) == image_store.CHUNK_SIZE
    assert b''.join(chunks) == data
    assert os.listdir(str(tmp_path)) == [IMAGE]


def test_add_reads_no_more_than_the_declared_length(tmp_path):
    store = image_store.FilesystemStore(str(tmp_path))
    stored = store.add(IMAGE, io.BytesIO(b'abcdefgh'), size_cap=100,
                       expected_size=5)
    assert stored.size == 5
    assert b''.join(store.get(IMAGE)) == b'abcde'


@pytest.mark.parametrize('data, expected_size, error', [
    (b'x' * 11, None, image_store.ImageSizeLimitExceeded),
    (b'x' * 5, 11, image_store.ImageSizeLimitExceeded),
    (b'x' * 5, 8, image_store.ImageDataIncomplete),
])
def test_failed_add_leaves_nothing(tmp_path, data, expected_size, error):
    store = image_store.FilesystemStore(str(tmp_path))
    with pytest.raises(error):
        store.add(IMAGE, io.BytesIO(data), size_cap=10,
                  expected_size=expected_size)
    assert not os.path.exists(str(tmp_path)) or os.listdir(
        str(tmp_path)) == []


def test_get_and_delete_of_missing_data(tmp_path):
    store = image_store.FilesystemStore(str(tmp_path))
    with pytest.raises(image_store.ImageDataNotFound):
        store.get(IMAGE)
    store.delete(IMAGE)


def test_paths_are_built_from_uuids_only(tmp_path):
    store = image_store.FilesystemStore(str(tmp_path))
    with pytest.raises(ValueError):
        store.delete('../../etc/passwd')

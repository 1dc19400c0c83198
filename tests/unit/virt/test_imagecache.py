"""The image cache and the verified download that fills it."""

import hashlib
import os
import threading

import pytest

from nova_lite import exception
from nova_lite.image import glance
from nova_lite.virt.libvirt import imagecache

from .helpers import FakeGlance
from .helpers import FakeImageAPI

IMAGE_ID = '155d900f-4e14-4e4c-a73d-069cbf4541e6'
DATA = b'image data ' * 20000


class TestImageCache:

    def test_path_is_sha1_of_id(self, tmp_path):
        cache = imagecache.ImageCache(str(tmp_path), None)
        assert cache.path(IMAGE_ID) == str(
            tmp_path / hashlib.sha1(IMAGE_ID.encode()).hexdigest())

    def test_concurrent_fetches_download_once(self, tmp_path):
        api = FakeImageAPI({IMAGE_ID: DATA, 'other': b'x'}, delay=0.2)
        cache = imagecache.ImageCache(str(tmp_path / '_base'),
                                      api.download)
        results, errors = [], []
        barrier = threading.Barrier(8)

        def fetch(image_id):
            barrier.wait()
            try:
                results.append(cache.fetch(None, image_id))
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)

        threads = [threading.Thread(target=fetch,
                                    args=(IMAGE_ID if i % 4 else 'other',))
                   for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert errors == []
        assert api.downloads == {IMAGE_ID: 1, 'other': 1}
        assert sorted(set(results)) == sorted(
            [cache.path(IMAGE_ID), cache.path('other')])
        with open(cache.path(IMAGE_ID), 'rb') as f:
            assert f.read() == DATA
        # a later fetch finds the file and downloads nothing
        cache.fetch(None, IMAGE_ID)
        assert api.downloads[IMAGE_ID] == 1

    def test_failed_download_leaves_nothing_and_is_retried(self, tmp_path):
        calls = []

        def download(context, image_id, dst_path):
            calls.append(image_id)
            if len(calls) == 1:
                raise exception.ImageServiceUnavailable(reason='down')
            with open(dst_path, 'wb') as f:
                f.write(DATA)

        cache = imagecache.ImageCache(str(tmp_path), download)
        with pytest.raises(exception.ImageServiceUnavailable):
            cache.fetch(None, IMAGE_ID)
        assert not os.path.exists(cache.path(IMAGE_ID))
        assert cache.fetch(None, IMAGE_ID) == cache.path(IMAGE_ID)
        assert calls == [IMAGE_ID, IMAGE_ID]


def _body(data, **kw):
    body = {'id': IMAGE_ID, 'status': 'active', 'size': len(data),
            'disk_format': 'raw',
            'checksum': hashlib.md5(data).hexdigest(),
            'os_hash_algo': 'sha512',
            'os_hash_value': hashlib.sha512(data).hexdigest()}
    body.update(kw)
    return body


@pytest.fixture
def fake_glance(flags, monkeypatch):
    flags.set(group='glance', api_servers=['http://glance.test:9292'])

    def install(body, data):
        fake = FakeGlance({IMAGE_ID: (body, data)})
        monkeypatch.setattr(glance.urllib.request, 'urlopen', fake.urlopen)
        return fake
    return install


class TestDownload:

    def test_verified_download(self, fake_glance, tmp_path):
        fake = fake_glance(_body(DATA), DATA)
        dst = tmp_path / 'img'
        body = glance.API().download(None, IMAGE_ID, str(dst))
        assert body['id'] == IMAGE_ID
        assert dst.read_bytes() == DATA
        assert oct(dst.stat().st_mode & 0o777) == oct(0o644)
        assert os.listdir(tmp_path) == ['img']
        assert fake.urls[-1] == (
            'http://glance.test:9292/v2/images/%s/file' % IMAGE_ID)

    @pytest.mark.parametrize('body_kw, algo', [
        ({'os_hash_value': hashlib.sha512(b'other').hexdigest()}, 'sha512'),
        ({'os_hash_algo': None, 'os_hash_value': None,
          'checksum': hashlib.md5(b'other').hexdigest()}, 'md5'),
    ])
    def test_mismatch_leaves_nothing(self, fake_glance, tmp_path, body_kw,
                                     algo):
        fake_glance(_body(DATA, **body_kw), DATA)
        dst = tmp_path / 'img'
        with pytest.raises(exception.ImageChecksumMismatch) as err:
            glance.API().download(None, IMAGE_ID, str(dst))
        assert algo in err.value.format_message()
        assert os.listdir(tmp_path) == []

    def test_md5_fallback_accepts_good_data(self, fake_glance, tmp_path):
        fake_glance(_body(DATA, os_hash_algo=None, os_hash_value=None), DATA)
        glance.API().download(None, IMAGE_ID, str(tmp_path / 'img'))
        assert (tmp_path / 'img').read_bytes() == DATA

    def test_short_read_is_unavailable_and_leaves_nothing(self, fake_glance,
                                                          tmp_path):
        fake_glance(_body(DATA), DATA[:100])
        with pytest.raises(exception.ImageServiceUnavailable):
            glance.API().download(None, IMAGE_ID, str(tmp_path / 'img'))
        assert os.listdir(tmp_path) == []

    def test_inactive_image_is_unacceptable(self, fake_glance, tmp_path):
        fake_glance(_body(DATA, status='queued'), DATA)
        with pytest.raises(exception.ImageUnacceptable):
            glance.API().download(None, IMAGE_ID, str(tmp_path / 'img'))

    def test_unknown_image(self, fake_glance, tmp_path):
        fake_glance(_body(DATA), DATA)
        with pytest.raises(exception.ImageNotFound):
            glance.API().download(None, 'nope', str(tmp_path / 'img'))

    def test_no_image_service_configured(self, flags, tmp_path):
        flags.set(group='glance', api_servers=[])
        with pytest.raises(exception.ImageServiceUnavailable) as err:
            glance.API().download(None, IMAGE_ID, str(tmp_path / 'img'))
        assert 'api_servers' in err.value.format_message()
        with pytest.raises(exception.ImageServiceUnavailable):
            glance.API().get(None, IMAGE_ID)
        assert os.listdir(tmp_path) == []

"""Test helpers for the virt tests: config overrides and instance stand-ins."""

import io
import json
import os
import threading
import time
import types
import urllib.error

from oslo_utils import uuidutils

from nova_lite.conf import CONF


def libvirt_available():
    try:
        import libvirt  # noqa: F401
    except ImportError:
        return False
    return True


def make_flavor(**kw):
    values = dict(memory_mb=64, vcpus=1, root_gb=1, ephemeral_gb=0, swap=0,
                  extra_specs={})
    values.update(kw)
    return types.SimpleNamespace(**values)


def make_instance(instance_id=42, **kw):
    """A stand-in with the attributes drivers read from an instance."""
    values = dict(
        id=instance_id,
        uuid=uuidutils.generate_uuid(),
        name=CONF.instance_name_template % instance_id,
        flavor=make_flavor(),
        image_ref='155d900f-4e14-4e4c-a73d-069cbf4541e6',
        host=CONF.host,
        node=CONF.host,
        user_data=None,
        display_name='vm-%d' % instance_id,
        metadata={},
    )
    values.update(kw)
    return types.SimpleNamespace(**values)


class FakeImageAPI:
    """Stands in for :class:`nova_lite.image.glance.API` at the edge.

    ``download`` writes ``images[image_id]`` (bytes; 1 MiB of zeros, a
    raw image, for an id it was not given) and counts the calls per id.
    """

    def __init__(self, images=None, delay=0):
        self.images = dict(images or {})
        self.delay = delay
        self.downloads = {}
        self._lock = threading.Lock()

    def download(self, context, image_id, dst_path):
        with self._lock:
            self.downloads[image_id] = self.downloads.get(image_id, 0) + 1
        if self.delay:
            time.sleep(self.delay)
        data = self.images.get(image_id, b'\0' * 1024 * 1024)
        tmp = dst_path + '.part'
        with open(tmp, 'wb') as f:
            f.write(data)
        os.replace(tmp, dst_path)
        return {'id': image_id, 'status': 'active', 'disk_format': 'raw'}


class _Response(io.BytesIO):
    status = 200


class FakeGlance:
    """urlopen at the edge: one image service holding ``images``."""

    def __init__(self, images):
        self.images = images
        self.urls = []

    def urlopen(self, request, timeout=None):
        url = request.full_url
        self.urls.append(url)
        path = url.split('://', 1)[1].split('/', 1)[1]
        parts = path.split('/')
        body, data = self.images.get(parts[2], (None, None))
        if body is None:
            raise urllib.error.HTTPError(url, 404, 'Not Found', {}, None)
        if parts[-1] == 'file':
            return _Response(data)
        return _Response(json.dumps(body).encode())

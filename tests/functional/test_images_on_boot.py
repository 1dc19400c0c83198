"""The compute API resolves ``imageRef`` through the image service's Glance
v2 API, as the caller: what the image service says decides the answer.

nova-lite-all runs the image service itself and, with no ``[glance]
api_servers`` configured, uses it exactly as it would use a real Glance.
The images here are made through that API. Each refused request leaves no
server behind.

NOTE: API logic, so one nova-lite-all process (sqlite, in-process RPC,
shared with test_bad_requests and test_isolation) is enough.
"""

import uuid

import pytest

from tests.fixtures import client as client_mod
from tests.fixtures import images as images_mod

GiB = 1024 ** 3


def _image(aio_cloud, token=images_mod.ADMIN_TOKEN, data=b'disk' * 256,
           **fields):
    fields.setdefault('name', 'img-%s' % uuid.uuid4().hex[:8])
    fields.setdefault('disk_format', 'qcow2')
    fields.setdefault('container_format', 'bare')
    if token == images_mod.ADMIN_TOKEN:
        fields.setdefault('visibility', 'public')
    return images_mod.create_image(aio_cloud.image_endpoint, token, data,
                                   **fields)


def _count(aio_cloud):
    servers, _ = aio_cloud.admin.list_servers(detail=True,
                                              params={'all_tenants': '1'})
    return len(servers)


def _refused(client, image_ref, flavor='1'):
    """POST /servers that must fail: :returns: the fault message."""
    response = client.post('/servers', json={'server': {
        'name': 'refused', 'imageRef': image_ref, 'flavorRef': flavor,
        'networks': 'none'}}, expected=400)
    name, fault = client_mod.fault_of(response)
    assert name == 'badRequest'
    return fault['message']


@pytest.fixture
def unchanged(aio_cloud):
    before = _count(aio_cloud)
    yield
    assert _count(aio_cloud) == before, 'a refused request left a server'


def test_unknown_image(aio_cloud, unchanged):
    assert _refused(aio_cloud.client, str(uuid.uuid4())) == \
        'Can not find requested image'


def test_image_without_data_is_not_active(aio_cloud, unchanged):
    queued = _image(aio_cloud, data=None)
    assert queued['status'] == 'queued'
    assert _refused(aio_cloud.client, queued['id']) == \
        'Image %s is not active.' % queued['id']


def test_min_ram_against_the_flavor(aio_cloud, unchanged):
    # m1.tiny has 512 MiB, m1.small 2048 MiB.
    image = _image(aio_cloud, min_ram=1024)
    assert _refused(aio_cloud.client, image['id'], flavor='1') == \
        "Flavor's memory is too small for requested image."


def test_min_disk_against_the_flavor(aio_cloud, unchanged):
    # m1.tiny has a 1 GiB root disk.
    image = _image(aio_cloud, min_disk=2)
    assert _refused(aio_cloud.client, image['id'], flavor='1') == (
        "Flavor's disk is too small for requested image. Flavor disk is "
        "%d bytes, minimum size is %d bytes." % (GiB, 2 * GiB))


def test_image_that_fits_boots(aio_cloud):
    image = _image(aio_cloud, min_ram=1024, min_disk=2)
    client = aio_cloud.client
    server = client.create_server('fits', flavor='2',
                                  image=image['id'])['server']
    active = client.wait_for_status(server['id'], 'ACTIVE')
    assert active['image']['id'] == image['id']
    client.delete_server(server['id'])
    client.wait_for_deleted(server['id'])


def test_private_image_resolves_for_its_project_only(aio_cloud):
    # NOTE: the compute API asks the image service with the caller's
    # token, so the image service's own visibility rules apply.
    owner = aio_cloud.client.as_user('img-owner', 'img-project-a')
    other = aio_cloud.client.as_user('img-other', 'img-project-b')
    private = _image(aio_cloud, token=owner.token, visibility='private')
    assert private['owner'] == 'img-project-a'

    before = _count(aio_cloud)
    assert _refused(other, private['id']) == 'Can not find requested image'
    assert _count(aio_cloud) == before

    server = owner.create_server('private-boot',
                                 image=private['id'])['server']
    active = owner.wait_for_status(server['id'], 'ACTIVE')
    assert active['image']['id'] == private['id']
    owner.delete_server(server['id'])
    owner.wait_for_deleted(server['id'])

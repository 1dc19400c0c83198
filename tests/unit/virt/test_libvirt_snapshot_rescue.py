"""LibvirtDriver snapshot, rescue and unrescue on test:///default with
real qemu-img: the flattened image uploaded, the guest's power state kept,
and the rescue domain's disks."""

import os
import shutil

import pytest

from nova_lite.conf import CONF
from nova_lite import objects
from nova_lite.states import power_state
from nova_lite.states import task_states
from nova_lite.virt import driver as virt_driver
from nova_lite.virt.libvirt import config as vconfig
from nova_lite.virt.libvirt import imagebackend
from nova_lite.virt.libvirt import rescue as libvirt_rescue
from nova_lite.virt import virtapi

from .helpers import FakeImageAPI
from .helpers import libvirt_available
from .helpers import make_instance

pytestmark = [
    pytest.mark.skipif(not libvirt_available(),
                       reason='libvirt-python is not installed'),
    pytest.mark.skipif(not shutil.which('qemu-img'),
                       reason='qemu-img is needed'),
]

ROOT_ID = '155d900f-4e14-4e4c-a73d-069cbf4541e6'
SNAPSHOT_ID = '5a9c0e51-7f0c-4d0a-9c55-1e1a5b0f6e01'


class ImageAPI(FakeImageAPI):
    """Also answers ``get`` and keeps what ``upload`` sent."""

    def __init__(self, tmp_path, disk_format='qcow2'):
        super().__init__()
        self.tmp_path = tmp_path
        self.disk_format = disk_format
        self.uploaded = {}

    def get(self, context, image_id):
        return {'id': image_id, 'status': 'queued',
                'disk_format': self.disk_format}

    def upload(self, context, image_id, path):
        kept = str(self.tmp_path / ('uploaded-%s' % image_id))
        shutil.copy(path, kept)
        self.uploaded[image_id] = kept


@pytest.fixture
def drv(flags, tmp_path):
    flags.set(host='virt-test-host', state_path=str(tmp_path))
    flags.set(group='libvirt', connection_uri='test:///default')
    driver = virt_driver.load_compute_driver(virtapi.VirtAPI(), 'libvirt')
    driver.init_host(CONF.host)
    driver._image_api = ImageAPI(tmp_path)
    yield driver
    driver.cleanup_host(CONF.host)


@pytest.fixture
def instance(drv):
    inst = make_instance()
    drv.spawn(None, inst, objects.ImageMeta.from_dict(
        {'id': ROOT_ID, 'status': 'active', 'disk_format': 'raw'}),
        [], None, None)
    yield inst
    drv.destroy(None, inst)


def _disks(drv, inst):
    xml = drv._host.get_guest(inst).get_xml_desc()
    conf = vconfig.LibvirtConfigGuest().parse_str(xml)
    return [(d.target_dev, os.path.basename(d.source_path))
            for d in conf.devices
            if isinstance(d, vconfig.LibvirtConfigGuestDisk)]


# NOTE: a raw snapshot writes the whole virtual disk (1 GiB here); the
# format choice is the same code, so qcow2 is enough for a unit test.
@pytest.mark.parametrize('stopped', [False, True])
def test_snapshot_uploads_a_standalone_image(drv, instance, stopped):
    fmt = 'qcow2'
    if stopped:
        drv.power_off(instance)
    steps = []

    def update_task_state(task_state,
                          expected_state=task_states.IMAGE_SNAPSHOT):
        steps.append((task_state, expected_state))

    drv.snapshot(None, instance, SNAPSHOT_ID, update_task_state)
    assert steps == [
        (task_states.IMAGE_PENDING_UPLOAD, task_states.IMAGE_SNAPSHOT),
        (task_states.IMAGE_UPLOADING, task_states.IMAGE_PENDING_UPLOAD)]
    info = imagebackend.qemu_img_info(drv._image_api.uploaded[SNAPSHOT_ID])
    assert info['format'] == fmt
    assert 'backing-filename' not in info
    assert info['virtual-size'] == imagebackend.GiB
    assert drv.get_info(instance).state == (
        power_state.SHUTDOWN if stopped else power_state.RUNNING)
    assert not [name for name in os.listdir(drv._instance_dir(instance))
                if name.startswith('snapshot-')]


def test_rescue_boots_the_rescue_disk_first_and_unrescue_undoes_it(
        drv, instance):
    assert _disks(drv, instance)[0] == ('vda', 'disk')
    rescue_image = objects.ImageMeta.from_dict(
        {'id': ROOT_ID, 'status': 'active', 'disk_format': 'raw'})
    drv.rescue(None, instance, None, rescue_image, 'pw')
    assert _disks(drv, instance)[:2] == [('vda', 'disk.rescue'),
                                         ('vdb', 'disk')]
    assert drv.get_info(instance).state == power_state.RUNNING
    instance_dir = drv._instance_dir(instance)
    assert os.path.exists(os.path.join(instance_dir,
                                       libvirt_rescue.UNRESCUE_XML))

    drv.unrescue(None, instance)
    assert _disks(drv, instance) == [('vda', 'disk')]
    assert drv.get_info(instance).state == power_state.RUNNING
    for name in (libvirt_rescue.UNRESCUE_XML, libvirt_rescue.RESCUE_DISK):
        assert not os.path.exists(os.path.join(instance_dir, name))

"""LibvirtDriver.spawn on test:///default: images, disks, config drive,
kernel boot, and which failures abort a build instead of rescheduling it."""

import base64
import hashlib
import os
import shutil
import subprocess

import pytest

from nova_lite.conf import CONF
from nova_lite import exception
from nova_lite.image import glance
from nova_lite import objects
from nova_lite.states import power_state
from nova_lite.virt import driver as virt_driver
from nova_lite.virt.libvirt import config as vconfig
from nova_lite.virt.libvirt import imagebackend
from nova_lite.virt.libvirt import imagecache
from nova_lite.virt import virtapi

from .helpers import FakeGlance
from .helpers import FakeImageAPI
from .helpers import libvirt_available
from .helpers import make_flavor
from .helpers import make_instance

pytestmark = [
    pytest.mark.skipif(not libvirt_available(),
                       reason='libvirt-python is not installed'),
    pytest.mark.skipif(not (shutil.which('qemu-img') and
                            shutil.which('genisoimage')),
                       reason='qemu-img and genisoimage are needed'),
]

ROOT_ID = '155d900f-4e14-4e4c-a73d-069cbf4541e6'
KERNEL_ID = 'a1a1a1a1-0000-4000-8000-000000000001'
RAMDISK_ID = 'a1a1a1a1-0000-4000-8000-000000000002'


@pytest.fixture
def drv(flags, tmp_path):
    flags.set(host='virt-test-host', state_path=str(tmp_path))
    flags.set(group='libvirt', connection_uri='test:///default')
    driver = virt_driver.load_compute_driver(virtapi.VirtAPI(), 'libvirt')
    driver.init_host(CONF.host)
    driver._image_api = FakeImageAPI({KERNEL_ID: b'kernel',
                                      RAMDISK_ID: b'ramdisk'})
    yield driver
    driver.cleanup_host(CONF.host)


def _domain(drv, instance):
    xml = drv._host.get_guest(instance).get_xml_desc()
    return vconfig.LibvirtConfigGuest().parse_str(xml)


def _image(**properties):
    return objects.ImageMeta.from_dict(dict(
        {'id': ROOT_ID, 'status': 'active', 'disk_format': 'raw'},
        **properties))


def test_spawn_kernel_boot_with_config_drive(drv, tmp_path):
    inst = make_instance(
        flavor=make_flavor(root_gb=2, ephemeral_gb=1), config_drive='True',
        user_data=base64.b64encode(b'hello').decode())
    drv.spawn(None, inst, _image(kernel_id=KERNEL_ID, ramdisk_id=RAMDISK_ID),
              [], None, None)
    assert drv.get_info(inst).state == power_state.RUNNING
    base = tmp_path / '_base'
    cache = drv.image_cache
    assert drv._image_api.downloads == {ROOT_ID: 1, KERNEL_ID: 1,
                                        RAMDISK_ID: 1}
    inst_dir = tmp_path / 'instances' / inst.uuid
    info = imagebackend.qemu_img_info(str(inst_dir / 'disk'), 'qcow2')
    assert info['backing-filename'] == cache.path(ROOT_ID)
    assert info['virtual-size'] == 2 * imagebackend.GiB
    assert imagebackend.qemu_img_info(
        str(inst_dir / 'disk.eph0'))['virtual-size'] == imagebackend.GiB
    assert (inst_dir / 'disk.config').stat().st_size > 0

    domain = _domain(drv, inst)
    assert domain.os_kernel == str(base / imagecache.base_name(KERNEL_ID))
    assert domain.os_initrd == str(base / imagecache.base_name(RAMDISK_ID))
    assert 'console=ttyS0' in domain.os_cmdline
    assert [(d.source_device, d.target_dev) for d in domain.devices
            if isinstance(d, vconfig.LibvirtConfigGuestDisk)] == [
        ('disk', 'vda'), ('disk', 'vdb'), ('cdrom', 'hdd')]

    # power on (a hard reboot) regenerates the same guest
    drv.power_off(inst)
    drv.power_on(None, inst, None)
    again = _domain(drv, inst)
    assert (again.os_kernel, again.os_initrd) == (domain.os_kernel,
                                                  domain.os_initrd)
    assert len(again.devices) == len(domain.devices)

    drv.destroy(None, inst)
    assert not inst_dir.exists()
    assert os.path.exists(cache.path(KERNEL_ID))


def test_second_instance_reuses_cached_image(drv):
    one, two = make_instance(1), make_instance(2)
    for inst in (one, two):
        drv.spawn(None, inst, {'id': ROOT_ID}, [], None, None)
    assert drv._image_api.downloads == {ROOT_ID: 1}


def test_no_config_drive_unless_asked(drv, tmp_path, flags):
    inst = make_instance(config_drive='')
    drv.spawn(None, inst, {}, [], None, None)
    assert not (tmp_path / 'instances' / inst.uuid / 'disk.config').exists()
    flags.set(force_config_drive=True)
    forced = make_instance(2, config_drive='')
    drv.spawn(None, forced, {}, [], None, None)
    assert (tmp_path / 'instances' / forced.uuid / 'disk.config').exists()


def _assert_nothing_left(drv, inst, tmp_path):
    assert not drv.instance_exists(inst)
    assert not (tmp_path / 'instances' / inst.uuid).exists()


def test_checksum_mismatch_aborts_build(drv, flags, monkeypatch, tmp_path):
    data = b'\0' * 4096
    body = {'id': ROOT_ID, 'status': 'active', 'size': len(data),
            'disk_format': 'raw', 'os_hash_algo': 'sha512',
            'os_hash_value': hashlib.sha512(b'tampered').hexdigest()}
    fake = FakeGlance({ROOT_ID: (body, data)})
    monkeypatch.setattr(glance.urllib.request, 'urlopen', fake.urlopen)
    flags.set(group='glance', api_servers=['http://glance.test:9292'])
    drv._image_api = glance.API()
    inst = make_instance()
    with pytest.raises(exception.BuildAbortException) as err:
        drv.spawn(None, inst, body, [], None, None)
    assert 'failed verification' in err.value.format_message()
    assert inst.uuid in err.value.format_message()
    _assert_nothing_left(drv, inst, tmp_path)
    base = tmp_path / '_base'
    assert [p for p in os.listdir(base) if p != 'locks'] == []


@pytest.mark.parametrize('error, raised', [
    (exception.ImageNotFound(image_id=ROOT_ID),
     exception.BuildAbortException),
    (exception.ImageUnacceptable(image_id=ROOT_ID, reason='no data'),
     exception.BuildAbortException),
    (exception.ImageServiceUnavailable(reason='down'),
     exception.InstanceDeployFailure),
])
def test_image_errors(drv, tmp_path, error, raised):
    def download(context, image_id, dst_path):
        raise error
    drv._image_api.download = download
    inst = make_instance()
    with pytest.raises(raised):
        drv.spawn(None, inst, {}, [], None, None)
    _assert_nothing_left(drv, inst, tmp_path)


def test_no_image_service_fails_on_this_host(drv, flags, tmp_path):
    # NOTE: a host without [glance] api_servers is misconfigured; another
    # host may do better, so the build is rescheduled, not aborted.
    flags.set(group='glance', api_servers=[])
    drv._image_api = glance.API()
    inst = make_instance()
    with pytest.raises(exception.InstanceDeployFailure) as err:
        drv.spawn(None, inst, {}, [], None, None)
    assert 'api_servers' in err.value.format_message()
    _assert_nothing_left(drv, inst, tmp_path)


def test_image_bigger_than_root_disk_aborts(drv, tmp_path):
    image = tmp_path / 'big.qcow2'
    subprocess.run(['qemu-img', 'create', '-q', '-f', 'qcow2', str(image),
                    '2G'], check=True, timeout=60)
    drv._image_api.images[ROOT_ID] = image.read_bytes()
    inst = make_instance(flavor=make_flavor(root_gb=1))
    with pytest.raises(exception.BuildAbortException) as err:
        drv.spawn(None, inst, {}, [], None, None)
    assert 'too small' in err.value.format_message()
    _assert_nothing_left(drv, inst, tmp_path)
    # root_gb 0 takes the image's own size, as in Nova
    fits = make_instance(2, flavor=make_flavor(root_gb=0))
    drv.spawn(None, fits, {}, [], None, None)
    disk = tmp_path / 'instances' / fits.uuid / 'disk'
    assert imagebackend.qemu_img_info(str(disk))['virtual-size'] == \
        2 * imagebackend.GiB


def test_user_data_not_base64_aborts(drv, tmp_path):
    inst = make_instance(config_drive='True', user_data='***')
    with pytest.raises(exception.BuildAbortException):
        drv.spawn(None, inst, {}, [], None, None)
    _assert_nothing_left(drv, inst, tmp_path)

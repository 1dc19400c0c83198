"""imagebackend: overlays and blank disks, made by the real qemu-img."""

import shutil
import subprocess

import pytest

from nova_lite import exception
from nova_lite.virt.libvirt import imagebackend

pytestmark = pytest.mark.skipif(shutil.which('qemu-img') is None,
                                reason='qemu-img is not installed')

MiB = 1024 ** 2
GiB = 1024 ** 3


def _make(path, fmt, size='16M', backing=None):
    cmd = ['qemu-img', 'create', '-q', '-f', fmt]
    if backing:
        cmd += ['-F', 'raw', '-b', backing]
    subprocess.run(cmd + [str(path), size], check=True, timeout=60)
    return str(path)


@pytest.mark.parametrize('fmt', ['raw', 'qcow2'])
def test_overlay_on_base(tmp_path, fmt):
    base = _make(tmp_path / 'base', fmt)
    assert imagebackend.base_format('img', base, fmt) == fmt
    disk = str(tmp_path / 'disk')
    imagebackend.create_overlay('img', base, fmt, disk, 2)
    info = imagebackend.qemu_img_info(disk, 'qcow2')
    assert info['format'] == 'qcow2'
    assert info['virtual-size'] == 2 * GiB
    assert info['backing-filename'] == base
    assert info['backing-filename-format'] == fmt


def test_overlay_of_size_zero_keeps_image_size(tmp_path):
    base = _make(tmp_path / 'base', 'qcow2', '48M')
    disk = str(tmp_path / 'disk')
    imagebackend.create_overlay('img', base, 'qcow2', disk, 0)
    assert imagebackend.qemu_img_info(disk)['virtual-size'] == 48 * MiB


def test_image_bigger_than_flavor_disk(tmp_path):
    base = _make(tmp_path / 'base', 'qcow2', '2G')
    with pytest.raises(exception.FlavorDiskSmallerThanImage):
        imagebackend.create_overlay('img', base, 'qcow2',
                                    str(tmp_path / 'disk'), 1)
    assert not (tmp_path / 'disk').exists()


def test_raw_image_is_read_as_raw(tmp_path):
    # a "raw" image whose bytes are a qcow2 header stays raw
    base = _make(tmp_path / 'base', 'qcow2')
    assert imagebackend.base_format('img', base, 'raw') == 'raw'


def test_image_with_backing_file_is_unacceptable(tmp_path):
    host_file = _make(tmp_path / 'secret', 'raw')
    base = _make(tmp_path / 'base', 'qcow2', backing=host_file)
    with pytest.raises(exception.ImageUnacceptable):
        imagebackend.base_format('img', base, 'qcow2')


def test_other_formats_are_unacceptable(tmp_path):
    base = _make(tmp_path / 'base', 'vdi')
    with pytest.raises(exception.ImageUnacceptable):
        imagebackend.base_format('img', base, 'vdi')


def test_blank_disk(tmp_path):
    path = str(tmp_path / 'disk.eph0')
    imagebackend.create_blank(path, 3)
    info = imagebackend.qemu_img_info(path)
    assert (info['format'], info['virtual-size']) == ('qcow2', 3 * GiB)
    assert 'backing-filename' not in info


def test_qemu_img_failure_is_internal_error(tmp_path):
    with pytest.raises(exception.InternalError):
        imagebackend.qemu_img_info(str(tmp_path / 'missing'))

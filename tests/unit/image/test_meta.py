"""The one reading of image bodies: properties, system_metadata and back."""

import pytest

from nova_lite.image import meta

IMAGE = {'id': 'image-1', 'name': 'cirros', 'status': 'active',
         'disk_format': 'qcow2', 'container_format': 'bare', 'min_ram': 64,
         'min_disk': None, 'stores': 'file', 'os_hidden': False,
         'hw_disk_bus': 'virtio', 'hw_rng_model': None,
         'properties': {'os_distro': 'cirros'}}


def test_properties_leave_out_glance_attributes_and_nones():
    assert meta.properties(IMAGE) == {'hw_disk_bus': 'virtio',
                                      'os_distro': 'cirros'}


def test_system_metadata_then_back_gives_the_properties():
    system_metadata = meta.system_metadata(IMAGE)
    assert system_metadata == {
        'image_disk_format': 'qcow2', 'image_container_format': 'bare',
        'image_min_ram': '64', 'image_base_image_ref': 'image-1',
        'image_hw_disk_bus': 'virtio', 'image_os_distro': 'cirros'}
    assert meta.properties_from_system_metadata(
        dict(system_metadata, other='x')) == meta.properties(IMAGE)


@pytest.mark.parametrize('length, kept', [(10, 10), (300, 255)])
def test_system_metadata_values_are_cut_to_the_column(length, kept):
    image = {'id': 'i', 'long': 'x' * length}
    assert len(meta.system_metadata(image)['image_long']) == kept

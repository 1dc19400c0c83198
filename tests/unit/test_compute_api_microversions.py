"""compute.api parts of microversions 2.52-2.100 against a real sqlite
database: tags, hostname and requested destination at create, image
properties kept for 2.98, request specs by page for 2.96/2.100."""

from unittest import mock

import pytest

from nova_lite.cmd import manage
from nova_lite.compute import api as compute_api
from nova_lite.db import compute_node_api as node_db
from nova_lite import exception
from nova_lite import objects
from tests.unit import test_compute_api as base
from tests.unit.scheduler import fakes as scheduler_fakes

IMAGE = base.IMAGE


@pytest.fixture
def api(database):
    manage.bootstrap()
    with mock.patch('nova_lite.rpc.get_client'):
        api = compute_api.API()
    api.compute_task_api = mock.Mock()
    api.compute_rpcapi = mock.Mock()
    api.image_api = base.FakeImageAPI(base._image(
        architecture='x86_64', hw_disk_bus='virtio', os_hidden=False))
    return api


def _node(host, node):
    node_db.compute_node_create_or_update(host, node, {
        'hypervisor_type': 'fake', 'vcpus': 4, 'memory_mb': 4096,
        'local_gb': 40, 'cpu_allocation_ratio': 1.0,
        'ram_allocation_ratio': 1.0, 'disk_allocation_ratio': 1.0})


def test_create_keeps_tags_hostname_and_image_properties(api, ctxt):
    flavor = api.get_flavor_for_create(ctxt, '1')
    [instance], _rid = api.create(ctxt, flavor, IMAGE, name='web',
                                  tags=['blue', 'green'],
                                  hostname='web-1.example.org')
    stored = objects.Instance.get_by_uuid(ctxt, instance.uuid)
    assert stored.hostname == 'web-1.example.org'
    assert sorted(t.tag for t in objects.TagList.get_by_resource_id(
        ctxt, instance.uuid)) == ['blue', 'green']
    sysmeta = stored.system_metadata
    assert sysmeta['image_architecture'] == 'x86_64'
    assert sysmeta['image_hw_disk_bus'] == 'virtio'
    # Glance's own attributes are not properties.
    assert 'image_os_hidden' not in sysmeta and 'image_size' not in sysmeta
    assert sysmeta['image_disk_format'] == 'qcow2'


def test_hostname_for_several_servers_is_refused(api, ctxt):
    flavor = api.get_flavor_for_create(ctxt, '1')
    with pytest.raises(exception.AmbiguousHostnameForMultipleInstances):
        api.create(ctxt, flavor, IMAGE, name='web', max_count=2,
                   hostname='web')
    assert objects.InstanceList.get_by_filters(ctxt, {}).objects == []


def test_requested_destination_goes_into_the_request_spec(api, ctxt):
    _node('host-a', 'node-a')
    flavor = api.get_flavor_for_create(ctxt, '1')
    [instance], _rid = api.create(ctxt, flavor, IMAGE, name='web',
                                  requested_host='host-a',
                                  requested_hypervisor_hostname='node-a')
    spec = objects.RequestSpec.get_by_instance_uuid(ctxt, instance.uuid)
    assert spec.requested_destination == {'host': 'host-a', 'node': 'node-a'}
    assert spec.force_hosts == []


@pytest.mark.parametrize('host, node', [
    ('nowhere', None), (None, 'nowhere'), ('host-a', 'node-b')])
def test_unknown_requested_destination_is_refused(api, ctxt, host, node):
    _node('host-a', 'node-a')
    _node('host-b', 'node-b')
    flavor = api.get_flavor_for_create(ctxt, '1')
    with pytest.raises(exception.ComputeHostNotFound):
        api.create(ctxt, flavor, IMAGE, name='web', requested_host=host,
                   requested_hypervisor_hostname=node)
    assert objects.InstanceList.get_by_filters(ctxt, {}).objects == []


def test_request_specs_of_a_page(api, ctxt):
    # A compute service makes the zone "nova" one servers can be put in.
    scheduler_fakes.add_host('host-a')
    flavor = api.get_flavor_for_create(ctxt, '1')
    instances, _rid = api.create(ctxt, flavor, IMAGE, name='web',
                                 max_count=2, availability_zone='nova',
                                 scheduler_hints={'group_name': 'x'})
    uuids = [i.uuid for i in instances]
    specs = api.get_request_specs(ctxt, uuids + ['not-a-server'])
    assert sorted(specs) == sorted(uuids)
    assert {s.availability_zone for s in specs.values()} == {'nova'}
    assert all(s.scheduler_hints == {'group_name': ['x']}
               for s in specs.values())
    assert api.get_request_specs(ctxt, []) == {}


def test_request_spec_1_1_drops_requested_destination():
    spec = objects.RequestSpec(requested_destination={'host': 'h',
                                                      'node': None})
    primitive = spec.obj_to_primitive(target_version='1.1')
    [data] = [value for key, value in primitive.items()
              if key.endswith('.data')]
    assert 'requested_destination' not in data
    assert 'requested_destination' in [
        value for key, value in spec.obj_to_primitive().items()
        if key.endswith('.data')][0]


def test_update_keeps_a_given_hostname(api, ctxt):
    flavor = api.get_flavor_for_create(ctxt, '1')
    [instance], _rid = api.create(ctxt, flavor, IMAGE, name='web')
    api.update_instance(ctxt, instance, {'display_name': 'renamed',
                                         'hostname': 'kept'})
    assert objects.Instance.get_by_uuid(ctxt, instance.uuid).hostname == (
        'kept')
    api.update_instance(ctxt, instance, {'display_name': 'again'})
    assert objects.Instance.get_by_uuid(ctxt, instance.uuid).hostname == (
        'again')

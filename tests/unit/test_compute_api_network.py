"""compute.api and networks: a create's networks are checked before any row
is written, and a server deleted without its host frees its addresses."""

import types
from unittest import mock

import pytest

from nova_lite.cmd import manage
from nova_lite.compute import api as compute_api
from nova_lite import context as nova_context
from nova_lite import exception
from nova_lite.network import api as network_api
from nova_lite import objects

IMAGE = '70a599e0-31e7-49b7-b260-868f441e862b'
UNKNOWN = '6d2b7d6c-0a3b-4c4e-9f55-0d8c3f0c1e11'


@pytest.fixture
def api(database):
    manage.bootstrap()
    with mock.patch('nova_lite.rpc.get_client'):
        api = compute_api.API()
    api.compute_task_api = mock.Mock()
    api.compute_rpcapi = mock.Mock()
    api.image_api = mock.Mock()
    api.image_api.get.return_value = {
        'id': IMAGE, 'status': 'active', 'min_ram': 0, 'min_disk': 0,
        'size': 1024, 'disk_format': 'qcow2', 'container_format': 'bare'}
    return api


@pytest.fixture
def network(database):
    return network_api.API().create(nova_context.get_admin_context(),
                                    'private', '192.0.2.0/24')


def _req(network_id, address=None):
    return {'network_id': network_id, 'address': address, 'port_id': None,
            'tag': None}


@pytest.mark.parametrize('requested, max_count, error', [
    ([_req(UNKNOWN)], 1, exception.NetworkNotFound),
    ([{'network_id': None, 'address': None, 'port_id': UNKNOWN,
       'tag': None}], 1, exception.PortNotFound),
    ('NET 10.0.0.9', 1, exception.FixedIpNotFoundForNetwork),
    ('NET 192.0.2.1', 1, exception.FixedIpReserved),
    ('NET 192.0.2.10', 2, exception.InvalidFixedIpAndMaxCountRequest),
    ('NET 192.0.2.77', 1, exception.FixedIpAlreadyInUse),
])
def test_bad_networks_write_nothing(api, ctxt, network, requested,
                                    max_count, error):
    holder = types.SimpleNamespace(
        uuid='11111111-1111-1111-1111-111111111111',
        project_id=ctxt.project_id)
    network_api.API().allocate_for_instance(
        ctxt, holder, [_req(network.uuid, '192.0.2.77')])
    if isinstance(requested, str):
        requested = [_req(network.uuid, requested.split()[1])]
    flavor = api.get_flavor_for_create(ctxt, '1')
    with pytest.raises(error):
        api.create(ctxt, flavor, IMAGE, name='x', max_count=max_count,
                   requested_networks=requested)
    assert objects.InstanceList.get_by_filters(
        ctxt, {}, read_deleted='yes').objects == []
    api.compute_task_api.build_instances.assert_not_called()


def test_good_networks_travel_to_the_conductor(api, ctxt, network):
    flavor = api.get_flavor_for_create(ctxt, '1')
    requested = [_req(network.uuid, '192.0.2.10')]
    api.create(ctxt, flavor, IMAGE, name='x', requested_networks=requested)
    kwargs = api.compute_task_api.build_instances.call_args.kwargs
    assert kwargs['requested_networks'] == requested


def test_local_delete_frees_addresses(api, ctxt, network):
    flavor = api.get_flavor_for_create(ctxt, '1')
    (instance,), _ = api.create(ctxt, flavor, IMAGE, name='x',
                                requested_networks='auto')
    network_api.API().allocate_for_instance(ctxt, instance, 'auto')
    assert objects.Network.get_by_uuid(
        ctxt, network.uuid).allocated_count() == 1
    api.delete(ctxt, instance)   # no host: deleted here
    assert objects.Network.get_by_uuid(
        ctxt, network.uuid).allocated_count() == 0

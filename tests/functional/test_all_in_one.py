"""The create/delete story against one nova-lite-all process starting from
an empty state directory: sqlite, in-process RPC, its own config file."""

import os
import sqlite3

import pytest

from tests.fixtures import backends
from tests.fixtures import cloud as cloud_mod
from tests.fixtures import process as process_mod
from tests.fixtures.pytest_support import use_fixture


@pytest.fixture(scope='module')
def cloud(base_tmp):
    with use_fixture(cloud_mod.AllInOneCloud(
            str(base_tmp / 'all-in-one-story'))) as cloud:
        yield cloud


def _tables(path):
    db = sqlite3.connect(path)
    try:
        return {row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        db.close()


def test_state_lives_in_state_path(cloud):
    assert os.path.exists(os.path.join(cloud.state_path,
                                       'nova-lite.sqlite'))


def test_the_image_service_keeps_its_own_database(cloud):
    """Beside nova-lite's, in state_path; nova-lite's has no image table."""
    image_tables = _tables(os.path.join(cloud.state_path,
                                        'nova-lite-image.sqlite'))
    assert {'images', 'image_properties', 'image_tags'} <= image_tables
    assert 'images' not in _tables(os.path.join(cloud.state_path,
                                                'nova-lite.sqlite'))


def test_no_broker_without_transport_url(cloud):
    # NOTE: with no transport_url, RPC stays inside the process; a
    # connection to a broker would let other clouds' messages in.
    ports = process_mod.tcp_peer_ports(cloud.process.pid)
    if ports is None:
        pytest.skip('cannot read /proc for the connections of a process')
    assert backends.RABBIT_PORT not in ports, ports


def test_flavors_are_bootstrapped(cloud):
    flavors = cloud.client.get('/flavors', expected=200).json()['flavors']
    assert {f['id'] for f in flavors} >= {'1', '2', '3', '4', '5'}
    tiny = cloud.client.get('/flavors/1', expected=200).json()['flavor']
    assert (tiny['name'], tiny['ram'], tiny['vcpus'], tiny['disk']) == (
        'm1.tiny', 512, 1, 1)


def test_create_list_delete(cloud):
    client = cloud.client
    body = client.create_server('aio', min_count=3, max_count=3,
                                return_reservation_id=True)
    batch, _ = client.list_servers(
        params={'reservation_id': body['reservation_id']})
    ids = [s['id'] for s in batch]
    assert len(ids) == 3
    for index in range(2):
        ids.append(client.create_server('aio-single-%d' % index)
                   ['server']['id'])
    servers = client.wait_for_servers(ids, timeout=60)
    assert {s['status'] for s in servers.values()} == {'ACTIVE'}, servers
    for server_id in ids:
        assert cloud.admin.get_server(server_id)[
            'OS-EXT-SRV-ATTR:host'] == 'aio'
    walked, pages = client.list_servers(params={'limit': 2})
    assert sorted(s['id'] for s in walked) == sorted(ids)
    assert pages == 3
    for server_id in ids:
        client.delete_server(server_id)
    for server_id in ids:
        client.wait_for_deleted(server_id)
    assert client.list_servers()[0] == []

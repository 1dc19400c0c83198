"""The boot story across real processes: api, conductor, scheduler and two
computes on RabbitMQ, once on MariaDB and once (smaller) on PostgreSQL."""

import pytest

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures.pytest_support import use_fixture

pytestmark = pytest.mark.rabbitmq

# backend -> (servers in one multi-create request, single requests)
STORIES = {'mysql': (20, 20), 'postgresql': (6, 4)}
HOST_SIZE = {'fake_driver': {'vcpus': 16, 'memory_mb': 32768,
                             'local_gb': 1024}}
PAGE = 7


@pytest.fixture(scope='module', params=[
    pytest.param('mysql', marks=pytest.mark.mysql),
    pytest.param('postgresql', marks=pytest.mark.postgresql)])
def cloud(request, base_tmp):
    with use_fixture(cloud_mod.MultiProcessCloud(
            str(base_tmp / ('boot-%s' % request.param)),
            backend=request.param,
            computes={'host-a': HOST_SIZE, 'host-b': HOST_SIZE})) as cloud:
        yield cloud


def test_services_are_up(cloud):
    rows = cloud.service_list()
    computes = {row['host']: row for row in rows
                if row['binary'] == 'nova-compute'}
    assert set(computes) == {'host-a', 'host-b'}, rows
    assert all(row['state'] == 'up' for row in computes.values()), rows
    binaries = {row['binary'] for row in rows}
    assert {'nova-conductor', 'nova-scheduler'} <= binaries, rows


def _walk(client, detail):
    """Walk a listing PAGE servers at a time; returns (ids, pages)."""
    servers, pages = client.list_servers(detail=detail,
                                         params={'limit': PAGE})
    return [server['id'] for server in servers], pages


def test_boot_list_paginate_delete(cloud):
    batch, singles = STORIES[cloud.backend]
    client, admin = cloud.client, cloud.admin

    # One request for `batch` servers.
    body = client.create_server('batch', min_count=batch, max_count=batch,
                                return_reservation_id=True)
    reservation_id = body['reservation_id']
    assert reservation_id.startswith('r-'), body
    in_batch, _ = client.list_servers(
        params={'reservation_id': reservation_id})
    assert len(in_batch) == batch, in_batch
    ids = [server['id'] for server in in_batch]

    # And `singles` requests for one server each.
    for index in range(singles):
        response = client.post('/servers', json={'server': {
            'name': 'single-%d' % index,
            'imageRef': client_mod.TEST_IMAGE, 'flavorRef': '1',
            'networks': 'none'}},
            expected=202)
        server = response.json()['server']
        assert server['adminPass'], server
        assert response.headers['Location'].endswith(
            '/servers/%s' % server['id']), response.headers
        ids.append(server['id'])
    total = batch + singles
    assert len(set(ids)) == total

    servers = client.wait_for_servers(ids, timeout=120)
    errors = {sid: s.get('fault') for sid, s in servers.items()
              if s['status'] != 'ACTIVE'}
    assert not errors, errors

    hosts = {}
    for server_id in ids:
        shown = admin.get_server(server_id)
        assert shown['status'] == 'ACTIVE'
        hosts[server_id] = shown['OS-EXT-SRV-ATTR:host']
    assert set(hosts.values()) == {'host-a', 'host-b'}, hosts

    # The user sees exactly their servers, in the short and the long form.
    listed, _ = client.list_servers()
    assert sorted(s['id'] for s in listed) == sorted(ids)
    detailed, _ = client.list_servers(detail=True)
    assert sorted(s['id'] for s in detailed) == sorted(ids)
    assert {s['status'] for s in detailed} == {'ACTIVE'}
    assert all(s['flavor'] and s['image'] for s in detailed)

    # Pagination: PAGE at a time via servers_links, no duplicate, no gap.
    for detail in (False, True):
        walked, pages = _walk(client, detail)
        assert len(walked) == len(set(walked)), walked
        assert sorted(walked) == sorted(ids)
        assert pages == -(-total // PAGE), pages
    first = client.get('/servers', params={'limit': PAGE},
                       expected=200).json()
    assert len(first['servers']) == PAGE
    next_links = [link for link in first['servers_links']
                  if link['rel'] == 'next']
    assert len(next_links) == 1, first['servers_links']
    query = client_mod.query_of(next_links[0]['href'])
    assert query.get('marker') == first['servers'][-1]['id'], next_links
    assert query.get('limit') == str(PAGE), next_links

    # Delete everything; each one then answers 404.
    for server_id in ids:
        client.delete_server(server_id)
    for server_id in ids:
        client.wait_for_deleted(server_id, timeout=60)
    remaining, _ = client.list_servers()
    assert remaining == []
    everyone, _ = admin.list_servers(params={'all_tenants': '1'})
    assert not set(ids) & {s['id'] for s in everyone}

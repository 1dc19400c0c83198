"""Project B cannot see or delete project A's server.

NOTE: this is API logic, not wiring, so it runs against one nova-lite-all
process (sqlite, in-process RPC) shared with test_bad_requests.
"""

import pytest


@pytest.fixture(scope='module')
def server_of_a(aio_cloud):
    alice = aio_cloud.client.as_user('alice', 'project-a')
    server = alice.create_server('secret-of-a')['server']
    alice.wait_for_status(server['id'], 'ACTIVE', timeout=60)
    yield alice, server['id']
    alice.delete_server(server['id'], expected=(204, 404))
    alice.wait_for_deleted(server['id'])


@pytest.fixture
def bob(aio_cloud):
    return aio_cloud.client.as_user('bob', 'project-b')


def test_owner_sees_it(server_of_a):
    alice, server_id = server_of_a
    assert alice.get_server(server_id)['id'] == server_id


def test_other_project_gets_404(server_of_a, bob):
    _, server_id = server_of_a
    response = bob.get('/servers/%s' % server_id, expected=404)
    assert 'itemNotFound' in response.json()


def test_other_project_cannot_delete(server_of_a, bob):
    alice, server_id = server_of_a
    response = bob.delete('/servers/%s' % server_id, expected=404)
    assert 'itemNotFound' in response.json()
    assert alice.get_server(server_id)['status'] == 'ACTIVE'


def test_other_project_list_does_not_show_it(server_of_a, bob):
    _, server_id = server_of_a
    for detail in (False, True):
        servers, _ = bob.list_servers(detail=detail)
        assert server_id not in {s['id'] for s in servers}


def test_all_tenants_is_admin_only(server_of_a, bob, aio_cloud):
    _, server_id = server_of_a
    # Nova: a non-admin asking for all_tenants fails the policy check.
    response = bob.get('/servers', params={'all_tenants': '1'},
                       expected=403)
    assert 'forbidden' in response.json()
    servers, _ = aio_cloud.admin.list_servers(params={'all_tenants': '1'})
    assert server_id in {s['id'] for s in servers}


def test_other_project_filter_by_name_does_not_leak(server_of_a, bob):
    _, server_id = server_of_a
    servers, _ = bob.list_servers(params={'name': 'secret-of-a'})
    assert servers == []

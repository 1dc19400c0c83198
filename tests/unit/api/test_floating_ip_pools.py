"""/os-floating-ip-pools: always empty until 2.35, 404 from 2.36."""

from tests.unit.api import fakes

POOLS = '/v2.1/os-floating-ip-pools'


def test_empty_list_until_2_35():
    client = fakes.Client()
    for version in (None, '2.35'):
        resp = client.request(POOLS, version=version)
        assert resp.status_int == 200
        assert resp.json == {'floating_ip_pools': []}


def test_gone_from_2_36():
    resp = fakes.Client().request(POOLS, version='2.36')
    assert resp.status_int == 404
    assert resp.json['itemNotFound']['code'] == 404


def test_needs_a_token():
    resp = fakes.Client().request(POOLS, token=None)
    assert resp.status_int == 401

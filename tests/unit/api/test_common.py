"""Shared helpers: Nova's status table, status filters, pagination, links."""

import pytest
import webob
import webob.exc

from nova_lite.api.openstack import common
import nova_lite.conf
from nova_lite.states import task_states as ts
from nova_lite.states import vm_states as vs
from tests.unit.api import fakes

CONF = nova_lite.conf.CONF


@pytest.fixture
def max_limit():
    fakes.init_conf()
    CONF.set_override('max_limit', 3, group='api')
    yield 3
    CONF.clear_override('max_limit', group='api')


STATUS_TABLE = [
    (vs.ACTIVE, None, 'ACTIVE'),
    (vs.ACTIVE, ts.POWERING_OFF, 'ACTIVE'),
    (vs.ACTIVE, ts.REBOOTING, 'REBOOT'),
    (vs.ACTIVE, ts.REBOOT_PENDING, 'REBOOT'),
    (vs.ACTIVE, ts.REBOOT_STARTED, 'REBOOT'),
    (vs.ACTIVE, ts.REBOOTING_HARD, 'HARD_REBOOT'),
    (vs.ACTIVE, ts.REBOOT_PENDING_HARD, 'HARD_REBOOT'),
    (vs.ACTIVE, ts.REBOOT_STARTED_HARD, 'HARD_REBOOT'),
    (vs.ACTIVE, ts.UPDATING_PASSWORD, 'PASSWORD'),
    (vs.ACTIVE, ts.REBUILDING, 'REBUILD'),
    (vs.ACTIVE, ts.REBUILD_BLOCK_DEVICE_MAPPING, 'REBUILD'),
    (vs.ACTIVE, ts.REBUILD_SPAWNING, 'REBUILD'),
    (vs.ACTIVE, ts.MIGRATING, 'MIGRATING'),
    (vs.ACTIVE, ts.RESIZE_PREP, 'RESIZE'),
    (vs.ACTIVE, ts.RESIZE_MIGRATING, 'RESIZE'),
    (vs.ACTIVE, ts.RESIZE_MIGRATED, 'RESIZE'),
    (vs.ACTIVE, ts.RESIZE_FINISH, 'RESIZE'),
    (vs.BUILDING, None, 'BUILD'),
    (vs.BUILDING, ts.SCHEDULING, 'BUILD'),
    (vs.BUILDING, ts.SPAWNING, 'BUILD'),
    (vs.BUILDING, ts.DELETING, 'BUILD'),
    (vs.STOPPED, None, 'SHUTOFF'),
    (vs.STOPPED, ts.POWERING_ON, 'SHUTOFF'),
    (vs.STOPPED, ts.RESIZE_PREP, 'RESIZE'),
    (vs.STOPPED, ts.RESIZE_FINISH, 'RESIZE'),
    (vs.STOPPED, ts.REBUILDING, 'REBUILD'),
    (vs.STOPPED, ts.REBUILD_SPAWNING, 'REBUILD'),
    (vs.RESIZED, None, 'VERIFY_RESIZE'),
    (vs.RESIZED, ts.RESIZE_CONFIRMING, 'VERIFY_RESIZE'),
    (vs.RESIZED, ts.RESIZE_REVERTING, 'REVERT_RESIZE'),
    (vs.PAUSED, None, 'PAUSED'),
    (vs.PAUSED, ts.MIGRATING, 'MIGRATING'),
    (vs.SUSPENDED, None, 'SUSPENDED'),
    (vs.RESCUED, None, 'RESCUE'),
    (vs.ERROR, None, 'ERROR'),
    (vs.ERROR, ts.DELETING, 'ERROR'),
    (vs.ERROR, ts.REBUILDING, 'REBUILD'),
    (vs.ERROR, ts.REBUILD_BLOCK_DEVICE_MAPPING, 'REBUILD'),
    (vs.ERROR, ts.REBUILD_SPAWNING, 'REBUILD'),
    (vs.DELETED, None, 'DELETED'),
    (vs.SOFT_DELETED, None, 'SOFT_DELETED'),
    (vs.SHELVED, None, 'SHELVED'),
    (vs.SHELVED_OFFLOADED, None, 'SHELVED_OFFLOADED'),
    ('no-such-state', None, 'UNKNOWN'),
    (None, None, 'UNKNOWN'),
]


@pytest.mark.parametrize('vm_state, task_state, status', STATUS_TABLE)
def test_status_from_state(vm_state, task_state, status):
    assert common.status_from_state(vm_state, task_state) == status


@pytest.mark.parametrize('statuses, vm_states, task_states', [
    (['ACTIVE'], [vs.ACTIVE], ['default']),
    (['active'], [vs.ACTIVE], ['default']),
    (['SHUTOFF'], [vs.STOPPED], ['default']),
    (['REBOOT'], [vs.ACTIVE],
     sorted([ts.REBOOTING, ts.REBOOT_PENDING, ts.REBOOT_STARTED])),
    (['ERROR', 'BUILD'], sorted([vs.ERROR, vs.BUILDING]), ['default']),
    (['REBUILD'], sorted([vs.ACTIVE, vs.STOPPED, vs.ERROR]),
     sorted([ts.REBUILDING, ts.REBUILD_BLOCK_DEVICE_MAPPING,
             ts.REBUILD_SPAWNING])),
    (['NOPE'], [], []),
])
def test_status_to_states(statuses, vm_states, task_states):
    assert common.task_and_vm_state_from_status(statuses) == (
        vm_states, task_states)


@pytest.mark.parametrize('query, expected', [
    ('', (3, None)),
    ('?limit=2', (2, None)),
    ('?limit=10', (3, None)),
    ('?limit=0', (0, None)),
    ('?marker=abc', (3, 'abc')),
    ('?limit=1&marker=abc', (1, 'abc')),
])
def test_limit_and_marker(max_limit, query, expected):
    req = webob.Request.blank('/servers' + query)
    assert common.get_limit_and_marker(req) == expected


@pytest.mark.parametrize('query', ['?limit=x', '?limit=-1', '?limit=1.5'])
def test_bad_limit(max_limit, query):
    with pytest.raises(webob.exc.HTTPBadRequest):
        common.get_limit_and_marker(webob.Request.blank('/servers' + query))


@pytest.mark.parametrize('search, expected', [
    ({}, False),
    ({'all_tenants': ''}, True),
    ({'all_tenants': '1'}, True),
    ({'all_tenants': 'True'}, True),
    ({'all_tenants': '0'}, False),
    ({'all_tenants': 'false'}, False),
])
def test_is_all_tenants(search, expected):
    assert common.is_all_tenants(search) is expected


@pytest.mark.parametrize('href, expected', [
    ('1', '1'),
    ('http://h/flavors/1', '1'),
    ('http://h/v2.1/flavors/abc?x=1', 'abc'),
])
def test_id_from_href(href, expected):
    assert common.get_id_from_href(href) == expected


class Builder(common.ViewBuilder):
    pass


def _req(path):
    req = webob.Request.blank(path)
    req.script_name = '/v2.1'
    req.path_info = path
    return req


def test_links(max_limit):
    links = Builder()._get_links(_req('/servers'), 'id1', 'servers')
    assert links == [
        {'rel': 'self', 'href': 'http://localhost/v2.1/servers/id1'},
        {'rel': 'bookmark', 'href': 'http://localhost/servers/id1'}]


def test_link_prefix(max_limit):
    CONF.set_override('compute_link_prefix', 'https://cloud:443/compute',
                      group='api')
    try:
        links = Builder()._get_links(_req('/servers'), 'id1', 'servers')
    finally:
        CONF.clear_override('compute_link_prefix', group='api')
    assert links[0]['href'] == 'https://cloud:443/compute/v2.1/servers/id1'
    assert links[1]['href'] == 'https://cloud:443/compute/servers/id1'


@pytest.mark.parametrize('query, count, expect_link', [
    ('?limit=2', 2, True),
    ('?limit=2', 1, False),
    ('', 3, True),          # a full page of max_limit
    ('', 2, False),
    ('?limit=10', 3, True),  # capped by max_limit
    ('?limit=0', 0, False),
])
def test_next_link(max_limit, query, count, expect_link):
    items = [{'uuid': 'u%d' % i} for i in range(count)]
    links = Builder()._get_collection_links(_req('/servers' + query), items,
                                            'servers')
    if not expect_link:
        assert links == []
        return
    assert links[0]['rel'] == 'next'
    assert links[0]['href'].startswith('http://localhost/v2.1/servers?')
    assert 'marker=u%d' % (count - 1) in links[0]['href']

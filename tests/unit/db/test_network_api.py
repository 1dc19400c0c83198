"""db/network_api: networks, VIFs and IPAM on a real sqlite database,
threads racing for addresses included."""

import concurrent.futures
import ipaddress
import re
import threading
from unittest import mock

from alembic import autogenerate
from alembic import migration as alembic_migration
import pytest

from nova_lite.db import api as db_api
from nova_lite.db import models
from nova_lite.db import network_api as db
from nova_lite import exception

INSTANCE = '00000000-0000-0000-0000-%012d'


def _network(label='private', cidr='192.0.2.0/24', gateway='192.0.2.1',
             **values):
    return db.network_create(dict(label=label, cidr=cidr, gateway=gateway,
                                  bridge='br-%s' % label[:10], **values))


# ---- address arithmetic ----------------------------------------------------

@pytest.mark.parametrize('address, error', [
    ('192.0.2.10', None),
    (' 192.0.2.254 ', None),
    ('192.0.2.0', exception.FixedIpReserved),
    ('192.0.2.255', exception.FixedIpReserved),
    ('192.0.2.1', exception.FixedIpReserved),
    ('198.51.100.7', exception.FixedIpNotFoundForNetwork),
    ('2001:db8::1', exception.FixedIpNotFoundForNetwork),
    ('192.0.2.300', exception.FixedIpInvalid),
    ('not-an-ip', exception.FixedIpInvalid),
])
def test_check_fixed_ip(address, error):
    if error is None:
        assert db.check_fixed_ip('192.0.2.0/24', '192.0.2.1', 'net',
                                 address) == address.strip()
    else:
        with pytest.raises(error):
            db.check_fixed_ip('192.0.2.0/24', '192.0.2.1', 'net', address)


@pytest.mark.parametrize('cidr, gateway, used, expected', [
    ('192.0.2.0/24', '192.0.2.1', set(), '192.0.2.2'),
    ('192.0.2.0/24', '192.0.2.1', {'192.0.2.2', '192.0.2.4'}, '192.0.2.3'),
    ('192.0.2.0/24', '192.0.2.254', set(), '192.0.2.1'),
    ('192.0.2.0/30', '192.0.2.1', set(), '192.0.2.2'),
    ('192.0.2.0/30', '192.0.2.1', {'192.0.2.2'}, None),
    ('192.0.2.0/29', None, set(), '192.0.2.1'),
])
def test_lowest_free_address(cidr, gateway, used, expected):
    assert db.lowest_free_address(cidr, gateway, used) == expected


@pytest.mark.parametrize('cidr, gateway, expected', [
    ('192.0.2.0/24', '192.0.2.1', 253),
    ('192.0.2.0/27', '192.0.2.1', 29),
    ('192.0.2.0/30', '192.0.2.1', 1),
    ('192.0.2.0/29', None, 6),
])
def test_usable_address_count(cidr, gateway, expected):
    assert db.usable_address_count(cidr, gateway) == expected


def test_generated_macs_have_novas_prefix():
    macs = {db.generate_mac() for _ in range(50)}
    assert all(re.match(r'^fa:16:3e(:[0-9a-f]{2}){3}$', mac) for mac in macs)
    assert len(macs) > 1


# ---- schema ----------------------------------------------------------------

def test_migration_matches_models_for_network_tables(database):
    with db_api.get_engine().connect() as connection:
        context = alembic_migration.MigrationContext.configure(connection)
        diff = autogenerate.compare_metadata(context, models.Base.metadata)
    mine = ('networks', 'virtual_interfaces', 'fixed_ips', 'network_info')
    assert [change for change in diff
            if any(name in repr(change) for name in mine)] == []


# ---- networks --------------------------------------------------------------

def test_network_create_and_get(database):
    row = _network(dns1='192.0.2.53', mtu=1400, project_id='p1')
    assert row.uuid and row.deleted == 0
    for found in (db.network_get_by_uuid(row.uuid),
                  db.network_get_by_label('private')):
        assert (found.id, found.cidr, found.dns1, found.mtu) == (
            row.id, '192.0.2.0/24', '192.0.2.53', 1400)


def test_network_label_is_unique_among_live_networks(database):
    first = _network()
    with pytest.raises(exception.NetworkExists):
        _network()
    db.network_destroy(first.uuid)
    second = _network()
    assert second.uuid != first.uuid
    assert db.network_get_by_label('private').uuid == second.uuid


def test_network_visibility_by_project(database):
    shared = _network('shared', '192.0.2.0/24')
    own = _network('own', '198.51.100.0/24', '198.51.100.1',
                   project_id='p1')
    other = _network('other', '203.0.113.0/24', '203.0.113.1',
                     project_id='p2')
    assert [n.label for n in db.network_get_all()] == ['shared', 'own',
                                                       'other']
    assert [n.label for n in db.network_get_all('p1')] == ['shared', 'own']
    assert db.network_get_by_uuid(own.uuid, 'p1').id == own.id
    assert db.network_get_by_uuid(shared.uuid, 'p1').id == shared.id
    with pytest.raises(exception.NetworkNotFound):
        db.network_get_by_uuid(other.uuid, 'p1')
    with pytest.raises(exception.NetworkNotFound):
        db.network_get_by_label('other', 'p1')


def test_network_destroy_refused_while_in_use(database):
    net = _network()
    db.virtual_interface_allocate(INSTANCE % 1, net.id)
    with pytest.raises(exception.NetworkInUse):
        db.network_destroy(net.uuid)
    assert db.network_get_by_uuid(net.uuid).deleted == 0
    assert db.virtual_interface_delete_by_instance(INSTANCE % 1) == 1
    db.network_destroy(net.uuid)
    with pytest.raises(exception.NetworkNotFound):
        db.network_get_by_uuid(net.uuid)
    with pytest.raises(exception.NetworkNotFound):
        db.network_destroy(net.uuid)


# ---- allocation ------------------------------------------------------------

def test_allocate_lowest_free_then_release(database):
    net = _network(cidr='192.0.2.0/29')
    vifs = [db.virtual_interface_allocate(INSTANCE % n, net.id)
            for n in range(1, 4)]
    assert [v.fixed_ips[0].address for v in vifs] == [
        '192.0.2.2', '192.0.2.3', '192.0.2.4']
    assert all(v.network.uuid == net.uuid for v in vifs)
    assert len({v.address for v in vifs}) == 3
    db.virtual_interface_delete_by_instance(INSTANCE % 2)
    again = db.virtual_interface_allocate(INSTANCE % 9, net.id)
    assert again.fixed_ips[0].address == '192.0.2.3'
    assert [v.uuid for v in db.virtual_interface_get_by_instance(
        INSTANCE % 1)] == [vifs[0].uuid]
    assert db.network_allocated_counts() == {net.id: 3}


def test_allocate_a_requested_address(database):
    net = _network()
    vif = db.virtual_interface_allocate(INSTANCE % 1, net.id,
                                        address='192.0.2.77')
    assert vif.fixed_ips[0].address == '192.0.2.77'
    assert db.fixed_ip_get_by_address(net.id, '192.0.2.77').instance_uuid \
        == INSTANCE % 1
    with pytest.raises(exception.FixedIpAlreadyInUse) as caught:
        db.virtual_interface_allocate(INSTANCE % 2, net.id,
                                      address='192.0.2.77')
    assert INSTANCE % 1 in caught.value.format_message()
    with pytest.raises(exception.FixedIpReserved):
        db.virtual_interface_allocate(INSTANCE % 2, net.id,
                                      address='192.0.2.1')
    with pytest.raises(exception.FixedIpNotFoundForNetwork):
        db.virtual_interface_allocate(INSTANCE % 2, net.id,
                                      address='10.0.0.5')
    # NOTE: nothing of the refused attempts stays behind.
    assert db.virtual_interface_get_by_instance(INSTANCE % 2) == []
    # The lowest free address skips the one taken by request.
    assert db.virtual_interface_allocate(
        INSTANCE % 3, net.id).fixed_ips[0].address == '192.0.2.2'


def test_exhausted_network_says_so(database):
    net = _network(cidr='192.0.2.0/30')
    db.virtual_interface_allocate(INSTANCE % 1, net.id)
    with pytest.raises(exception.NoMoreFixedIps) as caught:
        db.virtual_interface_allocate(INSTANCE % 2, net.id)
    assert net.uuid in caught.value.format_message()


def test_allocate_on_a_deleted_network_fails(database):
    net = _network()
    db.network_destroy(net.uuid)
    with pytest.raises(exception.NetworkNotFound):
        db.virtual_interface_allocate(INSTANCE % 1, net.id)


def test_fixed_ip_lookups(database):
    net = _network()
    with pytest.raises(exception.FixedIpNotFoundForAddress):
        db.fixed_ip_get_by_address(net.id, '192.0.2.2')
    with pytest.raises(exception.FixedIpNotFoundForAddress):
        db.fixed_ip_get_by_address(net.id, 'bogus')
    db.virtual_interface_allocate(INSTANCE % 1, net.id)
    assert [f.address for f in db.fixed_ip_get_by_network(net.id)] == [
        '192.0.2.2']


def test_a_lost_race_is_retried_from_a_fresh_read(database):
    """The unique keys refuse what a stale read chose; the next attempt
    reads again (here: a stale address, then a MAC in use)."""
    net = _network(cidr='192.0.2.0/29')
    first = db.virtual_interface_allocate(INSTANCE % 1, net.id)
    real_lowest = db.lowest_free_address
    stale = iter(['192.0.2.2'])
    macs = iter([first.address])

    def lowest(cidr, gateway, used):
        return next(stale, None) or real_lowest(cidr, gateway, used)

    def mac():
        return next(macs, None) or 'fa:16:3e:01:02:03'

    with mock.patch.object(db, 'lowest_free_address', lowest):
        second = db.virtual_interface_allocate(INSTANCE % 2, net.id)
    assert second.fixed_ips[0].address == '192.0.2.3'
    with mock.patch.object(db, 'generate_mac', mac):
        third = db.virtual_interface_allocate(INSTANCE % 3, net.id)
    assert third.address == 'fa:16:3e:01:02:03'
    assert third.fixed_ips[0].address == '192.0.2.4'


def test_retries_are_bounded(database, flags):
    flags(allocate_retries=3, group='network')
    net = _network()
    taken = db.virtual_interface_allocate(INSTANCE % 1, net.id)
    with mock.patch.object(db, 'generate_mac', return_value=taken.address):
        with pytest.raises(exception.DBRetryExhausted):
            db.virtual_interface_allocate(INSTANCE % 2, net.id)
    assert db.virtual_interface_get_by_instance(INSTANCE % 2) == []


# ---- concurrency -----------------------------------------------------------

def _race(count, func):
    barrier = threading.Barrier(count)

    def run(n):
        barrier.wait()
        try:
            return func(n)
        except exception.NovaException as error:
            return error

    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_threads_racing_on_a_small_network_never_share_an_address(database):
    net = _network(cidr='192.0.2.0/27')   # 29 usable addresses
    usable = db.usable_address_count(net.cidr, net.gateway)
    results = _race(40, lambda n: db.virtual_interface_allocate(
        INSTANCE % n, net.id))
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, Exception)]
    addresses = [v.fixed_ips[0].address for v in won]
    assert len(won) == usable == 29
    assert len(set(addresses)) == len(addresses)
    assert len({v.address for v in won}) == len(won)
    assert set(addresses) == {
        str(ip) for ip in ipaddress.ip_network(net.cidr).hosts()} - {
            net.gateway}
    assert all(isinstance(e, exception.NoMoreFixedIps) for e in lost)
    assert len(lost) == 40 - usable
    assert db.network_allocated_counts([net.id]) == {net.id: usable}


def test_threads_racing_for_one_fixed_ip_have_one_winner(database):
    net = _network()
    results = _race(12, lambda n: db.virtual_interface_allocate(
        INSTANCE % n, net.id, address='192.0.2.50'))
    won = [r for r in results if not isinstance(r, Exception)]
    assert len(won) == 1
    assert all(isinstance(r, exception.FixedIpAlreadyInUse)
               for r in results if r not in won)
    assert [f.instance_uuid for f in db.fixed_ip_get_by_network(net.id)] \
        == [won[0].instance_uuid]

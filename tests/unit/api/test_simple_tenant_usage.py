"""os-simple-tenant-usage: Nova's arithmetic of hours and totals, the
window's checks, policy, and the 2.40 pages, with the instance list
mocked."""

import datetime
from unittest import mock

import pytest

from nova_lite.api.openstack.compute import simple_tenant_usage as stu
from nova_lite import exception
from nova_lite import objects
from tests.unit.api import fakes

ADMIN = 'admin:%s' % fakes.PROJECT
T0 = datetime.datetime(2012, 10, 8, 20, 0, 0)
HOUR = datetime.timedelta(hours=1)
WINDOW = 'start=2012-10-08T20:00:00&end=2012-10-08T22:00:00'


@pytest.fixture(scope='module')
def client():
    return fakes.Client()


@pytest.fixture(autouse=True)
def strict_responses(flags):
    flags(response_validation='error', group='api')


@pytest.fixture
def instances():
    """What InstanceList.get_active_by_window_joined answers."""
    found = []
    with mock.patch.object(objects.InstanceList,
                           'get_active_by_window_joined',
                           side_effect=lambda *a, **kw: list(found)) as m:
        m.found = found
        yield m


@pytest.mark.parametrize('launched, terminated, hours', [
    (T0, None, 2.0),                          # ran through the window
    (T0 - HOUR, None, 2.0),                   # launched before it
    (T0 + HOUR / 2, None, 1.5),               # launched inside it
    (T0, T0 + HOUR / 4, 0.25),                # ended inside it
    (T0 - 2 * HOUR, T0 - HOUR, 0),            # ended before it
    (T0 + 3 * HOUR, None, 0),                 # launched after it
    (None, None, 0),                          # never launched
])
def test_hours_for(launched, terminated, hours):
    assert stu.hours_for(launched, terminated, T0, T0 + 2 * HOUR) == \
        pytest.approx(hours)


def test_totals_are_flavor_sizes_times_hours():
    big = fakes.flavor(name='m1.big', vcpus=4, memory_mb=4096, root_gb=40,
                       ephemeral_gb=10)
    servers = [
        fakes.instance(uuid='a', launched_at=T0, flavor=fakes.flavor()),
        fakes.instance(uuid='b', launched_at=T0 + HOUR, flavor=big,
                       terminated_at=T0 + HOUR + HOUR / 2),
        fakes.instance(uuid='c', project_id='other', launched_at=T0,
                       flavor=big),
    ]
    now = T0 + 3 * HOUR
    usages, server_usages = stu.tenant_usages(servers, T0, T0 + 2 * HOUR,
                                              True, now)
    mine, other = usages
    assert mine['tenant_id'] == fakes.PROJECT
    assert mine['total_hours'] == pytest.approx(2.5)
    assert mine['total_vcpus_usage'] == pytest.approx(1 * 2 + 4 * 0.5)
    assert mine['total_memory_mb_usage'] == pytest.approx(
        512 * 2 + 4096 * 0.5)
    assert mine['total_local_gb_usage'] == pytest.approx(1 * 2 + 50 * 0.5)
    assert other['total_hours'] == pytest.approx(2.0)
    b = mine['server_usages'][1]
    assert b['state'] == 'terminated'
    assert b['ended_at'] == '2012-10-08T21:30:00.000000'
    assert b['uptime'] == 1800
    assert b['local_gb'] == 50
    assert mine['server_usages'][0]['uptime'] == 3 * 3600
    assert mine['server_usages'][0]['state'] == 'active'
    assert [s['instance_id'] for s in server_usages] == ['a', 'b', 'c']
    brief, _ = stu.tenant_usages(servers, T0, T0 + 2 * HOUR, False, now)
    assert all('server_usages' not in u for u in brief)


def test_list_as_in_nova(client, instances):
    instances.found.append(fakes.instance(launched_at=T0))
    resp = client.admin('/v2.1/os-simple-tenant-usage?' + WINDOW +
                        '&detailed=1')
    assert resp.status_int == 200
    [usage] = resp.json['tenant_usages']
    assert usage['start'] == '2012-10-08T20:00:00.000000'
    assert usage['stop'] == '2012-10-08T22:00:00.000000'
    assert usage['server_usages'][0]['flavor'] == 'm1.tiny'
    assert usage['server_usages'][0]['hours'] == 2.0
    args, kwargs = instances.call_args
    assert args[1:] == (T0, T0 + 2 * HOUR)
    assert kwargs['project_id'] is None
    assert 'tenant_usages_links' not in resp.json


def test_end_is_capped_at_now(client, instances):
    resp = client.admin('/v2.1/os-simple-tenant-usage?'
                        'start=2012-10-08T20:00:00&end=2999-01-01T00:00:00')
    assert resp.status_int == 200
    stop = instances.call_args[0][2]
    assert stop < datetime.datetime(2100, 1, 1)


@pytest.mark.parametrize('query, message', [
    ('start=yesterday',
     'Invalid datetime string: Datetime is in invalid format'),
    ('start=2012-10-08T22:00:00&end=2012-10-08T20:00:00',
     'Invalid start time. The start time cannot occur after the end '
     'time.'),
])
def test_bad_window(client, instances, query, message):
    resp = client.admin('/v2.1/os-simple-tenant-usage?' + query)
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == message
    assert not instances.called


@pytest.mark.parametrize('value', ['2012-10-08T20:00:00',
                                   '2012-10-08T20:00:00.5',
                                   '2012-10-08 20:00:00.000001'])
def test_nova_date_formats(value):
    assert stu.parse_datetime(value).replace(microsecond=0) == T0


def test_members_read_only_their_project(client, instances):
    resp = client.request('/v2.1/os-simple-tenant-usage?' + WINDOW)
    assert resp.status_int == 403
    resp = client.request('/v2.1/os-simple-tenant-usage/other?' + WINDOW)
    assert resp.status_int == 403
    resp = client.request('/v2.1/os-simple-tenant-usage/%s?%s'
                          % (fakes.PROJECT, WINDOW))
    assert resp.status_int == 200
    assert resp.json == {'tenant_usage': {}}
    assert instances.call_args[1]['project_id'] == fakes.PROJECT


def test_show_is_detailed(client, instances):
    instances.found.append(fakes.instance(launched_at=T0))
    resp = client.request('/v2.1/os-simple-tenant-usage/%s?%s'
                          % (fakes.PROJECT, WINDOW))
    assert len(resp.json['tenant_usage']['server_usages']) == 1


@pytest.mark.parametrize('version, paged', [('2.39', False),
                                            ('2.40', True)])
def test_pages_from_2_40(client, instances, version, paged):
    instances.found.append(fakes.instance(launched_at=T0))
    resp = client.admin('/v2.1/os-simple-tenant-usage?%s&limit=1'
                        % WINDOW, version=version)
    assert resp.status_int == 200
    kwargs = instances.call_args[1]
    if paged:
        assert kwargs['limit'] == 1
        [link] = resp.json['tenant_usages_links']
        assert link['href'] == (
            'http://localhost/v2.1/os-simple-tenant-usage?'
            'end=2012-10-08T22%3A00%3A00&limit=1&'
            'start=2012-10-08T20%3A00%3A00&marker=' + fakes.SERVER)
        show = client.admin('/v2.1/os-simple-tenant-usage/%s?%s&limit=1'
                            % (fakes.PROJECT, WINDOW), version=version)
        assert show.json['tenant_usage_links'][0]['href'].startswith(
            'http://localhost/v2.1/os-simple-tenant-usage/%s?'
            % fakes.PROJECT)
    else:
        assert kwargs['limit'] == 1000
        assert kwargs['marker'] is None
        assert 'tenant_usages_links' not in resp.json


def test_bad_marker(client, instances):
    instances.side_effect = exception.MarkerNotFound(marker='m')
    resp = client.admin('/v2.1/os-simple-tenant-usage?marker=m',
                        version='2.40')
    assert resp.status_int == 400
    assert resp.json['badRequest']['message'] == (
        'Marker m could not be found.')


@pytest.mark.parametrize('version, status', [('2.74', 200), ('2.75', 400)])
def test_unknown_parameters_refused_from_2_75(client, instances, version,
                                              status):
    resp = client.admin('/v2.1/os-simple-tenant-usage?foo=1',
                        version=version)
    assert resp.status_int == status

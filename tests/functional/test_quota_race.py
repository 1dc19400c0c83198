"""Creates racing for the last of a project's quota: every answer is 202
or a 403 quota fault (never a 500), the quota is never overrun, and as
long as the project has room it is used, multi-creates included.

Separate processes on MariaDB and RabbitMQ, fake driver; the project may
have QUOTA instances (cores and RAM unlimited).
"""

import concurrent.futures

import pytest

from tests.fixtures import client as client_mod
from tests.fixtures import cloud as cloud_mod
from tests.fixtures.pytest_support import use_fixture

pytestmark = [pytest.mark.rabbitmq, pytest.mark.mysql]

QUOTA = 10
SINGLE_CREATES = 50
MULTI_CREATES = 10
MULTI_MAX_COUNT = 5
ROUNDS = 2


@pytest.fixture(scope='module')
def cloud(base_tmp):
    with use_fixture(cloud_mod.MultiProcessCloud(
            str(base_tmp / 'quota-race'), backend='mysql',
            computes={'host-a': {}},
            conf={'quota': {'instances': QUOTA, 'cores': -1,
                            'ram': -1}})) as cloud:
        yield cloud


def _fire(cloud, project, count, **extra):
    """``count`` creates at once as a member of ``project``.

    :returns: the responses.
    """
    def create(index):
        client = cloud.client.as_user('member', project)
        body = {'name': 'race-%02d' % index,
                'imageRef': client_mod.TEST_IMAGE, 'flavorRef': '1',
                'networks': 'none'}
        body.update(extra)
        return client.request('POST', '/servers', json={'server': body})

    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        return list(pool.map(create, range(count), timeout=300))


def _project_servers(cloud, project):
    servers, _ = cloud.admin.list_servers(
        detail=True, params={'all_tenants': '1', 'project_id': project})
    return [s for s in servers if s['tenant_id'] == project]


def _check_answers(responses):
    """Every answer is 202 or a 403 quota fault; :returns: how many 202."""
    bad = [(r.status_code, r.text[:300]) for r in responses
           if r.status_code not in (202, 403)]
    assert not bad, bad
    for response in responses:
        if response.status_code == 403:
            name, fault = client_mod.fault_of(response)
            assert name == 'forbidden', response.text
            assert 'Quota exceeded' in fault['message'], response.text
        else:
            assert response.json()['server']['id'], response.text
    return sum(1 for r in responses if r.status_code == 202)


def _delete_all(cloud, project):
    servers = _project_servers(cloud, project)
    for server in servers:
        cloud.admin.delete_server(server['id'], expected=(204, 404))
    for server in servers:
        cloud.admin.wait_for_deleted(server['id'])


@pytest.mark.parametrize('round_', range(ROUNDS))
def test_racing_creates_fill_the_quota_and_never_500(cloud, round_):
    project = 'race-single-%d' % round_
    try:
        admitted = _check_answers(_fire(cloud, project, SINGLE_CREATES))
        assert admitted == QUOTA
        assert len(_project_servers(cloud, project)) == QUOTA
    finally:
        _delete_all(cloud, project)


@pytest.mark.parametrize('round_', range(ROUNDS))
def test_racing_multi_creates_are_admitted_while_there_is_room(cloud,
                                                               round_):
    # NOTE: room for two of the ten; min_count is 1, so a create may also
    # be admitted in part (Nova boots as many as fit between min and max).
    project = 'race-multi-%d' % round_
    try:
        responses = _fire(cloud, project, MULTI_CREATES,
                          max_count=MULTI_MAX_COUNT)
        assert _check_answers(responses) >= QUOTA // MULTI_MAX_COUNT
        assert len(_project_servers(cloud, project)) == QUOTA
    finally:
        _delete_all(cloud, project)


def test_min_count_is_all_or_nothing_under_the_race(cloud):
    # NOTE: min_count == max_count: each create gets all five or a 403.
    project = 'race-min-count'
    try:
        responses = _fire(cloud, project, MULTI_CREATES,
                          min_count=MULTI_MAX_COUNT,
                          max_count=MULTI_MAX_COUNT)
        assert _check_answers(responses) == QUOTA // MULTI_MAX_COUNT
        assert len(_project_servers(cloud, project)) == QUOTA
    finally:
        _delete_all(cloud, project)

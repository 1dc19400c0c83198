"""Functional tests: real nova-lite processes driven over HTTP.

Markers ``rabbitmq``, ``mysql`` and ``postgresql`` say which servers a test
needs; a test skips, saying why, only when that server is unreachable.
When a test fails, the tails of the logs of the services still running
are added to its report.
"""

import pytest

from tests.fixtures import backends
from tests.fixtures.pytest_support import pytest_runtest_makereport  # noqa
from tests.fixtures.pytest_support import require

MARKERS = {
    'rabbitmq': 'needs RabbitMQ on %s:%d' % (backends.RABBIT_HOST,
                                             backends.RABBIT_PORT),
    'mysql': 'needs MariaDB/MySQL on %s:%d' % (backends.MYSQL_HOST,
                                               backends.MYSQL_PORT),
    'postgresql': 'needs PostgreSQL on %s:%d' % (backends.PG_HOST,
                                                 backends.PG_PORT),
}


def pytest_configure(config):
    for name, text in MARKERS.items():
        config.addinivalue_line('markers', '%s: %s' % (name, text))


def pytest_runtest_setup(item):
    require(*[name for name in MARKERS if item.get_closest_marker(name)])


@pytest.fixture(scope='session')
def base_tmp(tmp_path_factory):
    return tmp_path_factory.mktemp('nova-lite')


@pytest.fixture(scope='session')
def aio_cloud(base_tmp):
    """One nova-lite-all process shared by the API-logic tests."""
    from tests.fixtures import cloud as cloud_mod
    from tests.fixtures.pytest_support import use_fixture
    with use_fixture(cloud_mod.AllInOneCloud(
            str(base_tmp / 'all-in-one-shared'))) as cloud:
        yield cloud


@pytest.fixture(scope='session')
def keystone(base_tmp):
    """A real Keystone (tests/fixtures/keystone.py), shared by the session.
    """
    from tests.fixtures import keystone as keystone_mod
    from tests.fixtures.pytest_support import use_fixture
    with use_fixture(keystone_mod.Keystone(str(base_tmp / 'keystone'))) as ks:
        yield ks

"""Nothing stuck, nothing leaked: builds survive a killed compute,
conductor, scheduler, broker or database.

One cloud of separate processes (conductor, scheduler, API, image service,
three fake computes whose builds take 2 s) on a RabbitMQ and a MariaDB of
the test's own (tests/fixtures/private_rabbit.py, private_mariadb.py; the
machine's servers are never touched). Per fault: 32 builds fired, one
piece killed with SIGKILL mid-flight and brought back (after 10 s, the
conductor and scheduler at once), then after the recovery window no
instance may be in a transitional state (BUILD, or a task state), every
ERROR instance has a fault, and every allocation belongs to a live
instance. The rounds share the cloud; each deletes its servers after.
"""

import pytest

from tests.fixtures import faults
from tests.fixtures.pytest_support import use_fixture

BUILDS = 32


@pytest.fixture(scope='module')
def fault_cloud(base_tmp):
    ok, reason = faults.available()
    if not ok:
        pytest.skip(reason)
    with use_fixture(faults.FaultCloud(str(base_tmp / 'faults'))) as cloud:
        yield cloud


@pytest.mark.parametrize('fault', faults.FAULTS)
def test_builds_settle_after_a_kill(fault_cloud, fault):
    report = faults.run_fault(fault_cloud, fault, count=BUILDS,
                              log=lambda line: None)
    summary = report.line()
    assert report.fired >= 30, summary
    assert report.stuck == [], '%s\nstuck: %s' % (summary, report.stuck)
    assert report.error_without_fault == 0, summary
    assert report.active + report.error_with_fault == report.fired, summary
    assert report.leaked == [], '%s\nleaked: %s' % (summary, report.leaked)

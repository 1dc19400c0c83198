"""Concurrent schedulers racing for one small host never over-commit it."""

import threading

from oslo_utils import uuidutils

from nova_lite import exception
from nova_lite.scheduler import filter_scheduler
from nova_lite.scheduler import host_manager

from .fakes import add_host
from .fakes import make_spec
from .fakes import used_on

THREADS = 16


class _StaleReads(host_manager.HostManager):
    """Every scheduler reads the host before any of them claims, so all of
    them believe it has room: the database claim alone must say no."""

    def __init__(self, barrier):
        self.barrier = barrier

    def get_host_states(self, context):
        states = super().get_host_states(context)
        self.barrier.wait(timeout=30)
        return states


def test_racing_schedulers_never_overcommit(database, ctxt,
                                            flags):
    # NOTE: every claim but one per round loses the generation race and
    # retries; allow enough rounds that none gives up for that alone.
    flags.set(group='database', db_max_retries=THREADS * 4)
    node = add_host('small', vcpus=4, memory_mb=4096, local_gb=40)
    barrier = threading.Barrier(THREADS)
    outcomes = []
    lock = threading.Lock()

    def schedule():
        # NOTE: one FilterScheduler per thread, as separate scheduler
        # processes would have; only the database is shared.
        scheduler = filter_scheduler.FilterScheduler(
            host_manager=_StaleReads(barrier))
        try:
            [selections] = scheduler.select_destinations(
                ctxt, make_spec(vcpus=1, memory_mb=512, root_gb=1),
                [uuidutils.generate_uuid()])
            outcome = selections[0].service_host
        except exception.NoValidHost as error:
            outcome = error
        except Exception as error:  # NOTE: reported by the assert below.
            outcome = error
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=schedule) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == THREADS
    unexpected = [o for o in outcomes if isinstance(o, Exception)
                  and not isinstance(o, exception.NoValidHost)]
    assert unexpected == []
    placed = [o for o in outcomes if o == 'small']
    refused = [o for o in outcomes if isinstance(o, exception.NoValidHost)]
    # NOTE: 4 vCPUs, 1 each: exactly 4 fit, whoever wins.
    assert len(placed) == 4 and len(refused) == THREADS - 4
    assert used_on(node.id) == {'VCPU': 4, 'MEMORY_MB': 2048, 'DISK_GB': 4}
    assert all('allocation claim removed 1 (small: free space taken by a '
               'concurrent request)' in str(e) for e in refused)

"""utils.named_lock / synchronized: oslo.concurrency's internal locks."""

import gc
import threading
import time

from oslo_concurrency import lockutils

from nova_lite import utils


def _run_together(*funcs):
    threads = [threading.Thread(target=func) for func in funcs]
    for thread in threads:
        thread.start()
        # NOTE: a head start each, so the queue order is the start order.
        time.sleep(0.05)
    for thread in threads:
        thread.join(5)


def test_same_name_runs_one_at_a_time_in_arrival_order():
    order = []

    def holder(tag, hold):
        def run():
            with utils.named_lock('instance-a'):
                order.append(('in', tag))
                time.sleep(hold)
                order.append(('out', tag))
        return run

    _run_together(holder('build', 0.2), holder('delete', 0),
                  holder('stop', 0))
    assert order == [('in', 'build'), ('out', 'build'),
                     ('in', 'delete'), ('out', 'delete'),
                     ('in', 'stop'), ('out', 'stop')]


def test_other_names_do_not_wait():
    entered = threading.Event()
    release = threading.Event()

    def hold():
        with utils.named_lock('instance-b'):
            entered.set()
            release.wait(5)

    thread = threading.Thread(target=hold)
    thread.start()
    assert entered.wait(5)
    started = time.monotonic()
    with utils.named_lock('instance-c'):
        waited = time.monotonic() - started
    release.set()
    thread.join(5)
    assert waited < 0.5


def test_synchronized_decorator_serialises_calls():
    inside = []
    most = []

    @utils.synchronized('image-cache-x')
    def fetch():
        inside.append(1)
        most.append(len(inside))
        time.sleep(0.05)
        inside.pop()

    threads = [threading.Thread(target=fetch) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert most == [1, 1, 1, 1]


def test_locks_do_not_outlive_their_users():
    # NOTE: the point of leaving the hand-kept table: a long-lived
    # compute sees thousands of instance uuids.
    before = len(lockutils._fair_locks._locks)
    for number in range(500):
        with utils.named_lock('instance-%d' % number):
            pass
    gc.collect()
    assert len(lockutils._fair_locks._locks) <= before

"""The gate that keeps large E-passes to one per usable core, in arrival order."""

import threading
import time

import numpy as np
import pytest

from emgmm import GMM
from emgmm.cores import PASSES, FairGate, usable_cores
from emgmm.scaling import standardisation_for
from emgmm.steps import GATED_ELEMENTS, e_pass


def wait_until(condition, timeout=10.0):
    """Polls ``condition`` until it holds; fails after ``timeout`` seconds."""
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.001)


def holders(gate, n):
    """``n`` threads that take a slot of ``gate`` each and keep it until the event is set;
    returns (threads, count holding, event)."""
    release, lock, holding = threading.Event(), threading.Lock(), [0]

    def hold():
        with gate.slot():
            with lock:
                holding[0] += 1
            release.wait(10)

    threads = [threading.Thread(target=hold) for _ in range(n)]
    for t in threads:
        t.start()
    return threads, lambda: holding[0], release


def test_no_more_than_the_slots_hold_it_at_once():
    gate = FairGate(2)
    threads, holding, release = holders(gate, 5)
    wait_until(lambda: gate.waiting == 3)
    assert holding() == 2
    release.set()
    for t in threads:
        t.join(10)
    assert holding() == 5 and gate.waiting == 0


def test_waiters_get_the_slot_in_the_order_they_came():
    gate, order = FairGate(1), []

    def queued(i):
        with gate.slot():
            order.append(i)

    first = gate.slot()
    first.__enter__()  # the slot is taken: every thread below queues
    threads = [threading.Thread(target=queued, args=(i,)) for i in range(5)]
    for n, t in enumerate(threads, start=1):
        t.start()
        wait_until(lambda n=n: gate.waiting == n)  # queued before the next one starts
    first.__exit__(None, None, None)
    for t in threads:
        t.join(10)
    assert order == [0, 1, 2, 3, 4]


def test_a_failing_holder_frees_its_slot():
    gate = FairGate(1)
    with pytest.raises(RuntimeError), gate.slot():
        raise RuntimeError("boom")
    threads, holding, release = holders(gate, 1)
    wait_until(lambda: holding() == 1)
    release.set()
    threads[0].join(10)


def test_slots_are_counted_and_checked():
    assert usable_cores() >= 1
    with pytest.raises(ValueError, match="slots: must be at least 1"):
        FairGate(0)


def test_a_large_pass_queues_for_a_core_and_a_small_one_does_not():
    model = GMM([0.5, 0.5], [-1.0, 1.0], [1.0, 1.0])
    large = np.linspace(-3.0, 3.0, GATED_ELEMENTS // 2)  # 2 components: GATED_ELEMENTS
    small = large[: large.size - 1]
    standard = standardisation_for(large)
    z_model = standard.model_to_z(model)
    threads, holding, release = holders(PASSES, usable_cores())  # every slot taken
    wait_until(lambda: holding() == usable_cores())
    result = []
    try:
        assert np.isfinite(e_pass(small, standard, z_model).log_likelihood)  # no wait
        late = threading.Thread(target=lambda: result.append(e_pass(large, standard, z_model)))
        late.start()
        wait_until(lambda: PASSES.waiting == 1)  # the large one queues
        assert not result
    finally:
        release.set()
    late.join(10)
    for t in threads:
        t.join(10)
    assert result and np.isfinite(result[0].log_likelihood)

import threading

import numpy as np
import pandas as pd
import pytest

from emgmm.app.cache import BoundedStore, size_in_bytes


def test_least_recently_used_goes_first():
    store = BoundedStore(2)
    store.put("a", 1)
    store.put("b", 2)
    assert store.get("a") == 1  # a is now the most recent
    store.put("c", 3)
    assert store.get("b") is None and store.get("a") == 1 and store.get("c") == 3
    assert len(store) == 2


def fill(store: BoundedStore, i: int) -> None:
    for j in range(500):
        store.put((i, j), j)


def test_capacity_holds_under_concurrent_puts():
    store = BoundedStore(16)
    threads = [threading.Thread(target=fill, args=(store, i)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store) == 16


def test_capacity_must_be_positive():
    with pytest.raises(ValueError, match="max_entries"):
        BoundedStore(0)


def test_bytes_bound_drops_the_least_recently_used_until_the_values_fit():
    store = BoundedStore(10, max_bytes=3 * 8_000)
    for key in "abc":
        assert store.put(key, np.zeros(1_000))  # 8,000 bytes each
    assert store.get("a") is not None  # a is now the most recent
    store.put("d", np.zeros(1_000))
    assert store.get("b") is None and len(store) == 3
    assert store.nbytes == 3 * 8_000


def test_a_value_larger_than_the_bound_is_not_stored_and_nothing_is_dropped():
    store = BoundedStore(10, max_bytes=10_000)
    store.put("small", np.zeros(10))
    assert not store.put("big", np.zeros(2_000))
    assert store.get("big") is None and store.get("small") is not None


def test_replacing_a_key_counts_its_bytes_once():
    store = BoundedStore(10, max_bytes=20_000)
    for _ in range(5):
        store.put("same", np.zeros(1_000))
    assert store.nbytes == 8_000 and len(store) == 1


def test_size_counts_arrays_inside_tables_tuples_and_objects():
    class Holder:
        def __init__(self):
            self.columns = {"a": np.zeros(100), "b": np.zeros(50)}

    frame = pd.DataFrame({"v": np.zeros(200)})
    assert size_in_bytes((np.zeros(10), Holder())) == 80 + 1_200
    assert size_in_bytes(frame) >= 1_600
    shared = np.zeros(100)
    assert size_in_bytes([shared, shared]) == 800  # one array held twice is held once

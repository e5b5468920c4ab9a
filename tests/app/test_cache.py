import threading

import pytest

from emgmm.app.cache import BoundedStore


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

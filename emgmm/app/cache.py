"""A bounded, thread-safe store for results shared between users of one server."""

from __future__ import annotations

import threading
from collections import OrderedDict


class BoundedStore:
    """At most ``max_entries`` values by key; the least recently used goes first.

    Parameters
    ----------
    max_entries : int
        Capacity, at least 1.
    """

    def __init__(self, max_entries: int):
        if max_entries < 1:
            raise ValueError(f"max_entries: must be at least 1, got {max_entries}.")
        self.max_entries = max_entries
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key, default=None):
        """The value stored under ``key`` (now the most recently used), or ``default``."""
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key, value) -> None:
        """Store ``value``, dropping the least recently used entries beyond capacity."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

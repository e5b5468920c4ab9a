"""A bounded, thread-safe store for results shared between users of one server."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

import numpy as np
import pandas as pd


def size_in_bytes(value: object) -> int:
    """The bytes held by ``value``'s arrays: NumPy arrays, pandas tables (deep), and the
    values of tuples, lists, dicts and plain objects (their ``__dict__``), one level at a
    time; what holds no array counts as 0 (small next to the data the store bounds)."""
    seen: set[int] = set()

    def walk(item: object) -> int:
        if id(item) in seen:
            return 0
        seen.add(id(item))
        if isinstance(item, np.ndarray):
            return int(item.nbytes)
        if isinstance(item, (pd.DataFrame, pd.Series)):
            usage = item.memory_usage(deep=True, index=True)
            return int(usage.sum() if isinstance(usage, pd.Series) else usage)
        if isinstance(item, (bytes, bytearray, str)):
            return len(item)
        if isinstance(item, dict):
            return sum(walk(v) for v in item.values())
        if isinstance(item, (tuple, list, set, frozenset)):
            return sum(walk(v) for v in item)
        fields = getattr(item, "__dict__", None)
        return walk(fields) if isinstance(fields, dict) else 0

    return walk(value)


class BoundedStore:
    """At most ``max_entries`` values and ``max_bytes`` bytes by key; the least recently
    used go first.

    Parameters
    ----------
    max_entries : int
        Capacity in entries, at least 1.
    max_bytes : int, optional
        Capacity in bytes, as ``size`` counts them. A value larger than this on its own
        is not stored (``put`` returns False): the caller still has it, and the store
        keeps what it held.
    size : callable, default ``size_in_bytes``
        The bytes a value holds.
    """

    def __init__(
        self,
        max_entries: int,
        max_bytes: int | None = None,
        size: Callable[[Any], int] = size_in_bytes,
    ):
        if max_entries < 1:
            raise ValueError(f"max_entries: must be at least 1, got {max_entries}.")
        if max_bytes is not None and max_bytes < 1:
            raise ValueError(f"max_bytes: must be at least 1 or None, got {max_bytes}.")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._size = size
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    @property
    def nbytes(self) -> int:
        """The bytes the stored values hold, as ``size`` counted them when stored."""
        return self._bytes

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value stored under ``key`` (now the most recently used), or ``default``."""
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key][0]

    def put(self, key: Hashable, value: Any) -> bool:
        """Store ``value``, dropping the least recently used entries beyond capacity;
        False (and nothing stored) when ``value`` alone exceeds ``max_bytes``."""
        nbytes = self._size(value) if self.max_bytes is not None else 0
        if self.max_bytes is not None and nbytes > self.max_bytes:
            return False
        with self._lock:
            if key in self._items:
                self._bytes -= self._items.pop(key)[1]
            self._items[key] = (value, nbytes)
            self._bytes += nbytes
            while len(self._items) > self.max_entries or (
                self.max_bytes is not None and self._bytes > self.max_bytes
            ):
                self._bytes -= self._items.popitem(last=False)[1][1]
        return True

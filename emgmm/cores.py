"""How many E-passes run at once in this process: no more than the cores it may use.

A pass is a loop of short NumPy calls, each of which lets go of the GIL while it
computes and takes it back after. With more passes at once than cores, the operating
system parks a thread that holds the GIL, and every other pass waits for it: measured on
two cores, four fits in four threads each took about 4x a lone fit, where sharing the
cores fairly gives 2x. So large passes queue for a core here, first come first served
(the slot goes straight to the longest waiter), and each runs at a lone pass's speed.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


class FairGate:
    """At most ``slots`` holders at once, admitted in the order they arrived."""

    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError(f"slots: must be at least 1, got {slots}.")
        self._lock = threading.Lock()
        self._free = slots
        self._waiting: deque[threading.Event] = deque()

    @property
    def waiting(self) -> int:
        """How many threads wait for a slot."""
        with self._lock:
            return len(self._waiting)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one slot for the ``with`` block, waiting for it if none is free."""
        with self._lock:
            turn = None
            if self._free and not self._waiting:
                self._free -= 1
            else:
                turn = threading.Event()
                self._waiting.append(turn)
        if turn is not None:
            turn.wait()
        try:
            yield
        finally:
            with self._lock:
                if self._waiting:  # handed over, never freed: a thread just arriving cannot jump the queue
                    self._waiting.popleft().set()
                else:
                    self._free += 1


#: The process's gate for large passes (``steps.e_pass``).
PASSES = FairGate(usable_cores())

"""The first pass over a Dask array's blocks, and what the engine reads of the data from it.

``summarise`` runs on each block where it lives (numpy only): its size, min and max, its
non-finite values, and its distinct values up to the count the checks need.
``check_summaries`` raises ``validation.check_data``'s error for non-finite values, and
``Reads`` serves the few reads that the standardisation and the starts make of ``x``
(``scaling.standardisation_for``, ``initialization.initial_model``) without gathering it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import dask.array as da
import numpy as np

from .._types import FloatArray, IntArray
from ..scaling import SUBSAMPLE

#: Points examined per step when collecting distinct values (as ``validation.count_distinct``).
SCAN_CHUNK = 65_536


@dataclass(frozen=True)
class Summary:
    """What the first pass learns of one block (float64 values)."""

    size: int
    lo: float  # min, +inf for an empty block
    hi: float  # max, -inf for an empty block
    n_bad: int  # NaN or infinite values
    first_bad: int  # index of the first of them in the block, -1 if none
    first: float  # the block's first value (NaN for an empty block)
    distinct: FloatArray  # its distinct values, all of them or at least ``limit``


def distinct_values(x: FloatArray, limit: int) -> FloatArray:
    """Distinct values of ``x``: all of them, or at least ``limit`` (the scan then stops),
    chunk by chunk as ``validation.count_distinct`` counts them."""
    seen: set[float] = set()
    for start in range(0, x.size, SCAN_CHUNK):
        seen.update(np.unique(x[start : start + SCAN_CHUNK])[:limit].tolist())
        if len(seen) >= limit:
            break
    return np.array(sorted(seen), dtype=np.float64)


def summarise(block: FloatArray, limit: int) -> Summary:
    """The ``Summary`` of one block; distinct values up to ``limit``."""
    if block.size == 0:
        return Summary(0, math.inf, -math.inf, 0, -1, math.nan, np.empty(0))
    lo, hi, first = float(block.min()), float(block.max()), float(block[0])
    # min and max propagate NaN and inf: two reductions prove finiteness with no mask
    if not (math.isfinite(lo) and math.isfinite(hi)):
        bad = ~np.isfinite(block)
        return Summary(block.size, lo, hi, int(bad.sum()), int(np.argmax(bad)), first, np.empty(0))
    return Summary(block.size, lo, hi, 0, -1, first, distinct_values(block, limit))


def check_summaries(found: Sequence[Summary]) -> FloatArray:
    """Raise ``validation.check_data``'s error if a block holds non-finite values; else the
    data's first value followed by its distinct values (all, or at least the limit): a
    stand-in on which ``validation.check_fittable`` says what it says of the data."""
    n_bad = sum(s.n_bad for s in found)
    if n_bad:
        starts = np.cumsum([0] + [s.size for s in found])
        first_bad = next(int(start) + s.first_bad for start, s in zip(starts, found, strict=False) if s.n_bad)
        raise ValueError(
            f"x: holds {n_bad} value(s) that are NaN or infinite, the first at index "
            f"{first_bad}; drop or replace them before fitting."
        )
    values: set[float] = set()
    for s in found:
        values.update(s.distinct.tolist())
    first = next(s.first for s in found if s.size)
    return np.array([first, *sorted(values)], dtype=np.float64)


class Reads:
    """A stand-in for the data ``x`` (float64, persisted, finite) that serves what the
    engine's standardisation and starts read of it, and nothing else:

    - ``size``, ``min()`` and ``max()`` (from the first pass);
    - ``x[::step]``, the strided subsample of ``scaling.subsample`` (at most
      ``SUBSAMPLE`` points, gathered in the first pass);
    - ``x[indices]`` for an integer array, the k-means++ points (at most 10 000): the
      sorted distinct indices gathered from the blocks, in the order drawn.
    """

    def __init__(self, x: da.Array, found: Sequence[Summary], sample: FloatArray) -> None:
        self.x = x
        self.size = int(x.size)
        self._lo = min(s.lo for s in found)
        self._hi = max(s.hi for s in found)
        self._step = -(-self.size // SUBSAMPLE)
        self._sample = sample

    def min(self) -> float:
        return self._lo

    def max(self) -> float:
        return self._hi

    def __getitem__(self, key: slice | IntArray) -> FloatArray:
        if isinstance(key, slice):
            if key != slice(None, None, self._step):
                raise NotImplementedError(
                    f"Reads: only the subsample x[::{self._step}] is kept, not x[{key}]."
                )
            return self._sample
        unique, inverse = np.unique(np.asarray(key), return_inverse=True)
        gathered: FloatArray = np.asarray(self.x[unique].compute(), dtype=np.float64)
        return gathered[inverse]

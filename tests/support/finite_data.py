"""Data sets drawn by hypothesis across float64's range, shared by the property tests of the
views and of the page: magnitudes 1e-300..1e300, offsets up to 1e18, spacings down to one
float step, duplicates, weights from the smallest subnormal to the largest float."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

_MAX = float(np.finfo(np.float64).max)


@st.composite
def finite_data(draw, max_points: int = 24) -> np.ndarray:
    """Finite float64 values, at least two distinct: ``offset + scale * k`` for small
    integers ``k`` (duplicates when two ``k`` agree), or a run of consecutive floats, or
    values at the ends of the range."""
    kind = draw(st.sampled_from(["scaled", "steps", "extremes"]))
    n = draw(st.integers(2, max_points))
    if kind == "steps":  # consecutive floats: spacing of one float step at any magnitude
        start = draw(st.sampled_from([1e-300, 5e-324, 1.0, 1.7e15, 1.7e18, 1e300, -1e300]))
        steps = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
        x = np.array([start] * n)
        for i, s in enumerate(steps):
            for _ in range(s):
                x[i] = np.nextafter(x[i], np.inf)
    elif kind == "extremes":
        pool = [_MAX, -_MAX, 1e308, -1e308, 5e-324, -5e-324, 0.0, 1.0, 2.0, 3.0]
        x = np.array(draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n)))
    else:
        scale = 10.0 ** draw(st.integers(-300, 300))
        offset = draw(st.sampled_from([0.0, 1.0, 1e6, 1.7e15, 1e18, -1e18]))
        ks = draw(st.lists(st.integers(-20, 20), min_size=n, max_size=n))
        with np.errstate(over="ignore"):
            x = offset + scale * np.array(ks, dtype=np.float64)
    x = x[np.isfinite(x)]
    if np.unique(x).size < 2:  # a mixture needs two distinct values: add one a step away
        x = np.append(x[:1], [x[0], np.nextafter(x[0], np.inf if x[0] < _MAX else -np.inf)])
    return x


def weights_for(n: int):
    """Positive weights for ``n`` points, of one magnitude from 5e-324 to 1e300, or mixed."""
    magnitudes = st.sampled_from([5e-324, 1e-300, 1e-20, 1.0, 3.0, 1e20, 1e300])
    return st.lists(magnitudes, min_size=n, max_size=n).map(lambda w: np.array(w, dtype=np.float64))


def pasted(x: np.ndarray) -> str:
    """``x`` as a person pastes it: each value in the shortest text that reads back exactly."""
    return " ".join(repr(float(v)) for v in x)

"""Checks run once, at the public entry points, with messages a user can act on."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from ._types import FloatArray, RngLike

#: Points examined per step when counting distinct values: small enough to stay in cache.
_SCAN_CHUNK = 65_536


def check_rng(rng: RngLike | object) -> np.random.Generator:
    """Return a ``numpy.random.Generator`` for ``rng``.

    Parameters
    ----------
    rng : None, int or numpy.random.Generator
        ``None`` draws fresh entropy, an int seeds a new generator, a generator is used
        as it is (and advanced). The global NumPy random state is never touched.
    """
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        seed = None if rng is None else int(rng)
        if seed is not None and seed < 0:
            raise ValueError(f"rng: a seed must be a non-negative integer, got {seed}.")
        return np.random.default_rng(seed)
    raise TypeError(
        f"rng: expected None, a non-negative int seed or a numpy.random.Generator, got {type(rng).__name__}."
    )


def shown(value: object) -> str:
    """``value`` as a message shows it: a NumPy scalar as the Python number it holds
    (``4.0``, not ``np.float64(4.0)``)."""
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def check_int(name: str, value: Any, minimum: int, maximum: int | None = None) -> int:
    """Return ``value`` as an int after checking its type and range."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}: expected an integer, got {shown(value)} ({type(value).__name__}).")
    number = int(value)
    if number < minimum:
        raise ValueError(f"{name}: must be at least {minimum}, got {number}.")
    if maximum is not None and number > maximum:
        raise ValueError(f"{name}: must be at most {maximum}, got {number}.")
    return number


def check_float(name: str, value: Any, minimum: float = -np.inf, *, strict: bool = False) -> float:
    """Return ``value`` as a finite float, checking it is above ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}: expected a number, got {shown(value)} ({type(value).__name__}).")
    number = float(value)
    if not np.isfinite(number):
        raise ValueError(f"{name}: must be a finite number, got {number}.")
    if number < minimum or (strict and number == minimum):
        relation = "greater than" if strict else "at least"
        raise ValueError(f"{name}: must be {relation} {minimum}, got {number}.")
    return number


def check_data(x: object) -> FloatArray:
    """Return ``x`` as a 1-D float64 array of finite values, without copying float64 input.

    Raises
    ------
    TypeError
        If ``x`` does not hold numbers.
    ValueError
        If ``x`` is ragged (rows of different lengths), is not 1-D, is empty, is a masked
        array with masked values, or holds NaN or infinite values (the message gives how
        many and the first index).
    """
    masked = int(np.count_nonzero(x.mask)) if isinstance(x, np.ma.MaskedArray) else 0
    if masked:
        raise ValueError(
            f"x: a masked array with {masked} masked value(s); pass the values to fit, "
            "for example x.compressed()."
        )
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as err:  # ragged nested lists, or objects numpy cannot read
        why = "nested sequences of different lengths" if "inhomogeneous" in str(err) else str(err)
        raise ValueError(
            f"x: cannot be read as an array of numbers ({why}); pass one flat sequence of numbers."
        ) from None
    if arr.dtype.kind not in "iuf":
        raise TypeError(
            f"x: expected numbers, got an array of dtype {arr.dtype}; "
            "convert the data to floats first (for example pandas.to_numeric)."
        )
    if arr.ndim != 1:
        raise ValueError(
            f"x: expected a 1-D array of values, got shape {arr.shape}; "
            "pass one column (for example x.ravel() or df['column'])."
        )
    if arr.size == 0:
        raise ValueError("x: the data is empty; pass at least one value per component.")
    arr = arr.astype(np.float64, copy=False)
    # min and max propagate NaN and inf, so two reductions prove finiteness with no mask.
    if not (np.isfinite(arr.min()) and np.isfinite(arr.max())):
        bad = ~np.isfinite(arr)
        raise ValueError(
            f"x: holds {int(bad.sum())} value(s) that are NaN or infinite, the first at index "
            f"{int(np.argmax(bad))}; drop or replace them before fitting."
        )
    return arr


def count_distinct(x: FloatArray, limit: int) -> int:
    """Count distinct values of ``x``, stopping once ``limit`` is reached (the count is
    then at least ``limit``).

    Scans in chunks so that no sorted copy of the whole array is made, and keeps at most
    ``limit`` values of each chunk.
    """
    seen: set[float] = set()
    for start in range(0, x.size, _SCAN_CHUNK):
        # a chunk's distinct values, at most ``limit`` of them: the set stays small
        seen.update(np.unique(x[start : start + _SCAN_CHUNK])[:limit].tolist())
        if len(seen) >= limit:
            return len(seen)
    return len(seen)


def check_weights(weights: object, n_points: int) -> FloatArray:
    """Return ``weights`` as a 1-D float64 array of ``n_points`` finite, non-negative values,
    not all zero, without copying float64 input.

    Weights are frequencies: a point of weight 2 counts like two copies of it, a point of
    weight 0 like no point.

    Raises
    ------
    TypeError
        If ``weights`` does not hold numbers.
    ValueError
        If ``weights`` is not 1-D with one value per point, is masked, holds NaN, infinite or
        negative values (the message gives how many and the first index and value), is all
        zero, or sums beyond float64's range.
    """
    if isinstance(weights, np.ma.MaskedArray) and np.count_nonzero(weights.mask):
        raise ValueError(
            f"weights: a masked array with {int(np.count_nonzero(weights.mask))} masked value(s); "
            "give every point a weight (0 leaves it out)."
        )
    try:
        arr = np.asarray(weights)
    except (ValueError, TypeError):  # ragged nested lists, or objects numpy cannot read
        raise ValueError(
            "weights: cannot be read as an array of numbers; pass one weight per point of x."
        ) from None
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"weights: expected numbers, got an array of dtype {arr.dtype}.")
    if arr.shape != (n_points,):
        raise ValueError(
            f"weights: expected one weight per point of x, shape ({n_points},), got shape {arr.shape}."
        )
    arr = arr.astype(np.float64, copy=False)
    if not (np.isfinite(arr.min()) and np.isfinite(arr.max())):  # both propagate NaN and inf
        bad = ~np.isfinite(arr)
        first = int(np.argmax(bad))
        raise ValueError(
            f"weights: holds {int(bad.sum())} value(s) that are NaN or infinite, the first at index "
            f"{first} ({shown(arr[first])}); weights must be finite."
        )
    if arr.min() < 0:
        negative = arr < 0
        first = int(np.argmax(negative))
        raise ValueError(
            f"weights: must be non-negative, got {shown(arr[first])} at index {first} "
            f"({int(negative.sum())} negative value(s) in all)."
        )
    with np.errstate(over="ignore"):  # an overflow is refused below
        total = float(arr.sum())
    if total == 0:
        raise ValueError("weights: every weight is zero; give at least one point a positive weight.")
    if not np.isfinite(total):
        raise ValueError(
            f"weights: sum beyond float64's range (the largest is {shown(arr.max())}); "
            "divide them by a constant (only the log-likelihood scales with them)."
        )
    return arr


def check_sample(
    x: object, n_components: int, weights: object = None
) -> tuple[FloatArray, FloatArray | None]:
    """``check_fittable`` with the points' weights: ``(x, weights)`` checked, ``weights``
    None when not given (``check_weights``); the distinct values are counted among the
    points of positive weight."""
    arr = check_data(x)
    w = None if weights is None else check_weights(weights, arr.size)
    support = arr if w is None or w.min() > 0 else arr[w > 0]
    among = "" if w is None else " with positive weight"
    distinct = count_distinct(support, max(n_components, 2))
    if distinct < 2:
        every = "every value" if w is None else "every value with positive weight"
        raise ValueError(
            f"x: {every} equals {float(support[0])!r}; a Gaussian mixture needs at least two distinct values."
        )
    if distinct < n_components:
        raise ValueError(
            f"n_components: {n_components} is more than the {distinct} distinct values in x{among}; "
            f"use at most {distinct} components."
        )
    return arr, w


def check_fittable(x: object, n_components: int, weights: object = None) -> FloatArray:
    """Return ``x`` as ``check_data`` does, after checking a mixture of ``n_components`` can be fitted.

    The one statement of ``fit_em``'s preconditions on the data: the dashboard asks this
    function rather than restating them.

    Parameters
    ----------
    x : array-like of shape (n_points,)
    n_components : int
    weights : array-like of shape (n_points,), optional
        The points' weights (``check_weights``); the distinct values are then counted
        among the points of positive weight.

    Raises
    ------
    ValueError
        If ``x`` has fewer than two distinct values, or fewer distinct values than
        ``n_components`` (the message says how many components are possible); those of
        ``check_weights``.
    """
    return check_sample(x, n_components, weights)[0]


def positive_points(x: FloatArray, weights: FloatArray | None) -> tuple[FloatArray, FloatArray | None]:
    """The points of positive weight and their weights (checked ones, ``check_sample``): ``x``
    and ``weights`` themselves when no weight is 0, else a copy of the others. A point of
    weight 0 counts like no point; leaving it out also keeps it from the starts."""
    if weights is None or weights.min() > 0:
        return x, weights
    keep = weights > 0
    return x[keep], weights[keep]


def relative_weights(weights: FloatArray) -> tuple[FloatArray, int]:
    """Checked weights (``check_weights``) as relative ones: ``(weights / 2**exponent,
    exponent)``, the power of two that brings the largest into [1, 2).

    Weights are relative: any positive scale describes the same data, so EM runs on these
    (its floors, such as ``steps.MIN_MASS``, then mean the same at every scale) and only
    the log-likelihood is scaled back, by ``2**exponent``. Dividing by a power of two is
    exact, except for weights below 2**-1074 of the largest, which become 0; no sum of up
    to 2**1000 of them overflows.
    """
    top = float(weights.max())
    exponent = math.frexp(top)[1] - 1 if top > 0 else 0
    return (np.ldexp(weights, -exponent) if exponent else weights), exponent

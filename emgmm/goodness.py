"""How well a fitted mixture describes the data: the empirical CDF against the model's,
a quantile-quantile table, and the Kolmogorov-Smirnov distance.

The mixture's CDF is ``F(x) = sum_k w_k Phi((x - mean_k) / sd_k)``, with Phi and its
inverse from ``scipy.special`` (``ndtr``, ``ndtri``: the functions ``scipy.stats.norm``
calls, without its argument handling, which costs seven times the arithmetic).
Below the median it is summed from the components' CDFs and above it from their
survival functions, so both far tails keep their relative precision: a plotting
position of 1e-9 or of 1 - 1e-9 has a quantile, where ``1 - F`` would have lost it.
The mixture has no closed-form quantile function; quantiles are found by a bracketing
root-finder (Chandrupatla's, ``scipy.optimize.elementwise.find_root``), vectorised over
points, inside the bracket the components' own quantiles give.

Weights are frequencies, as in ``fit_em``: the empirical CDF of weighted points is
``F_n(x) = sum_{x_i <= x} w_i / sum_i w_i``; points of weight 0 are left out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.optimize.elementwise import find_root
from scipy.special import ndtr, ndtri

from ._types import FloatArray, IntArray
from .model import GMM
from .validation import check_data, check_int, check_weights

#: Columns of ``ecdf_table``.
ECDF_COLUMNS = ("x", "ecdf", "cdf")

#: Columns of ``qq_table``.
QQ_COLUMNS = ("position", "theoretical", "sample")

#: Rows the plotting tables keep by default: enough for a line that looks smooth.
MAX_ROWS = 2000


def _check_model(model: object) -> GMM:
    if not isinstance(model, GMM):
        raise TypeError(f"model: expected a GMM, got {type(model).__name__}.")
    return model


def _sum_over(model: GMM, x: FloatArray, function: str) -> FloatArray:
    """``sum_k w_k Phi(z_k)`` ("cdf") or ``sum_k w_k Phi(-z_k)`` ("sf", 1 - F without
    cancellation), ``z_k = (x - mean_k) / sd_k``: one component at a time, so the memory
    is that of ``x``, whatever its shape."""
    total: FloatArray = np.zeros(np.shape(x))
    sign = 1.0 if function == "cdf" else -1.0
    for weight, mean, sd in zip(model.weights, model.means, model.sds, strict=True):
        with np.errstate(over="ignore"):  # far out, the distance overflows: Phi is 0 or 1
            total += weight * ndtr(sign * (x - mean) / sd)
    return total


def mixture_cdf(x: ArrayLike, model: GMM) -> FloatArray:
    """The mixture's CDF at ``x``, ``sum_k w_k Phi((x - mean_k) / sd_k)``, of ``x``'s shape.

    Accurate in the lower tail (values down to about 1e-308 keep their digits); in the
    upper tail use ``mixture_sf`` for 1 - F.
    """
    return _sum_over(_check_model(model), np.asarray(x, dtype=np.float64), "cdf")


def mixture_sf(x: ArrayLike, model: GMM) -> FloatArray:
    """The mixture's survival function ``1 - F(x)`` at ``x``, summed from the components'
    survival functions: accurate in the upper tail."""
    return _sum_over(_check_model(model), np.asarray(x, dtype=np.float64), "sf")


def _gap(x: FloatArray, target: FloatArray, upper: FloatArray, model: GMM) -> FloatArray:
    """An increasing function of ``x`` that is 0 at the quantile: ``F(x) - p`` in the lower
    half, ``q - (1 - F(x))`` in the upper (``target`` is p or q = 1 - p)."""
    out: FloatArray = np.where(
        upper > 0, target - _sum_over(model, x, "sf"), _sum_over(model, x, "cdf") - target
    )
    return out


def _quantiles(lower: FloatArray, upper: FloatArray, model: GMM) -> FloatArray:
    """Mixture quantiles at probabilities ``lower`` in (0, 1), with ``upper = 1 - lower``
    given separately so that the upper tail keeps its precision."""
    use_upper = lower > 0.5
    # at the mixture's p-quantile every component's CDF cannot lie on the same side of p,
    # so it lies between the smallest and the largest of the components' p-quantiles
    z = np.where(use_upper, -ndtri(upper), ndtri(lower))
    each = model.means[:, None] + model.sds[:, None] * z[None, :]
    left, right = each.min(axis=0), each.max(axis=0)
    target = np.where(use_upper, upper, lower)
    flag = use_upper.astype(np.float64)  # find_root passes arrays of numbers as args
    found = find_root(
        lambda x, t, u: _gap(x, t, u, model),
        (left, right),
        args=(target, flag),
        tolerances={"fatol": 0.0},  # its default (the smallest normal) stops short below 1e-300
    )
    out: FloatArray = found.x
    # an empty bracket (one component, or equal quantiles) or one that rounding leaves
    # without a sign change: the end nearer the root is as good as float64 can give
    missed = found.status != 0
    if np.any(missed):
        g_left = np.abs(_gap(left[missed], target[missed], flag[missed], model))
        g_right = np.abs(_gap(right[missed], target[missed], flag[missed], model))
        out[missed] = np.where(g_left <= g_right, left[missed], right[missed])
    return out


def _probabilities(name: str, values: ArrayLike) -> FloatArray:
    probs: FloatArray = np.asarray(values, dtype=np.float64)
    if probs.size and not (np.all(probs >= 0) and np.all(probs <= 1)):  # NaN fails both
        raise ValueError(f"{name}: every probability must lie in [0, 1].")
    return probs


def mixture_quantile(p: ArrayLike, model: GMM) -> FloatArray:
    """The mixture's quantiles: ``x`` with ``F(x) = p``, for each ``p`` in [0, 1].

    Parameters
    ----------
    p : array-like of probabilities
    model : GMM

    Returns
    -------
    ndarray of the shape of ``p``
        -inf at 0 and inf at 1.
    """
    model = _check_model(model)
    probs = _probabilities("p", p)
    flat = probs.ravel()
    out = np.where(flat == 0, -np.inf, np.inf)
    inside = (flat > 0) & (flat < 1)
    out[inside] = _quantiles(flat[inside], 1.0 - flat[inside], model)
    result: FloatArray = out.reshape(probs.shape)
    return result


def mixture_isf(q: ArrayLike, model: GMM) -> FloatArray:
    """The mixture's inverse survival function: ``x`` with ``1 - F(x) = q``, for each ``q`` in
    [0, 1]; ``mixture_quantile(1 - q)``, with the upper tail's precision (q = 1e-200 has a
    quantile; 1 - q rounds to 1)."""
    model = _check_model(model)
    probs = _probabilities("q", q)
    flat = probs.ravel()
    out = np.where(flat == 0, np.inf, -np.inf)
    inside = (flat > 0) & (flat < 1)
    out[inside] = _quantiles(1.0 - flat[inside], flat[inside], model)
    result: FloatArray = out.reshape(probs.shape)
    return result


def _sorted_sample(x: object, weights: object) -> tuple[FloatArray, FloatArray | None]:
    """``x`` sorted, with its weights (None: each point once); points of weight 0 left out."""
    data = check_data(x)
    if weights is None:
        return np.sort(data), None
    w = check_weights(weights, data.size)
    keep = w > 0
    order = np.argsort(data[keep], kind="stable")
    return data[keep][order], w[keep][order]


def _steps(xs: FloatArray, w: FloatArray | None) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The empirical CDF's steps: each distinct value, the ECDF there and just below it."""
    last = np.append(np.flatnonzero(xs[1:] != xs[:-1]), xs.size - 1)  # the last of each run of ties
    if w is None:
        above = (last + 1) / xs.size
    else:
        cum = np.cumsum(w)
        above = cum[last] / cum[-1]
    below = np.concatenate([[0.0], above[:-1]])
    return xs[last], above, below


def _thin(n: int, max_rows: int, keep: int | None = None) -> IntArray:
    """At most ``max_rows`` (plus ``keep``) indices in 0..n-1, evenly spread, ends included."""
    if n <= max_rows:
        return np.arange(n)
    chosen = np.round(np.linspace(0, n - 1, max_rows)).astype(np.intp)
    if keep is not None:
        chosen = np.append(chosen, keep)
    out: IntArray = np.unique(chosen)
    return out


def _distances(values: FloatArray, above: FloatArray, below: FloatArray, model: GMM) -> FloatArray:
    """|F_n - F| at each step, the larger of its two sides: the ECDF after the step and before it."""
    cdf = _sum_over(model, values, "cdf")
    out: FloatArray = np.maximum(np.abs(above - cdf), np.abs(cdf - below))
    return out


def ks_distance(x: object, model: GMM, *, weights: object = None) -> float:
    """The Kolmogorov-Smirnov distance ``D = sup_x |F_n(x) - F(x)|`` of the data from the mixture.

    Parameters
    ----------
    x : array-like of shape (n_points,)
    model : GMM
    weights : array-like of shape (n_points,), optional
        Frequencies: the empirical CDF is then weighted.

    Returns
    -------
    float
        The largest gap on either side of every step of the empirical CDF (ties are
        one step), over all points: what ``scipy.stats.kstest(x, F).statistic`` gives
        for unweighted data.
    """
    model = _check_model(model)
    xs, w = _sorted_sample(x, weights)
    values, above, below = _steps(xs, w)
    return float(_distances(values, above, below, model).max())


def ecdf_table(x: object, model: GMM, *, weights: object = None, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """The empirical CDF of ``x`` beside the mixture's, for a plot.

    Parameters
    ----------
    x : array-like of shape (n_points,)
    model : GMM
    weights : array-like of shape (n_points,), optional
        Frequencies: the empirical CDF is then weighted.
    max_rows : int, default 2000
        Rows kept, >= 2: beyond that, evenly spread steps (the first and the last
        included), and the step where the Kolmogorov-Smirnov distance is reached.

    Returns
    -------
    pandas.DataFrame
        One row per distinct value of ``x`` (or per kept one), sorted: ``x``, ``ecdf``
        (the empirical CDF at x, ties counted) and ``cdf`` (the mixture's).
    """
    model = _check_model(model)
    max_rows = check_int("max_rows", max_rows, 2)
    values, above, below = _steps(*_sorted_sample(x, weights))
    widest = int(np.argmax(_distances(values, above, below, model)))
    rows = _thin(values.size, max_rows, widest)
    return pd.DataFrame(
        {"x": values[rows], "ecdf": above[rows], "cdf": _sum_over(model, values[rows], "cdf")}
    )


def qq_table(x: object, model: GMM, *, weights: object = None, max_rows: int = MAX_ROWS) -> pd.DataFrame:
    """The sorted data against the mixture's quantiles at the plotting positions.

    Point i of n (from 1, sorted) sits at ``(i - 0.5) / n``; weighted, at the middle of
    its share of the total weight, ``(W_i - w_i / 2) / W`` with W_i the weight up to and
    including it.

    Parameters
    ----------
    x : array-like of shape (n_points,)
    model : GMM
    weights : array-like of shape (n_points,), optional
        Frequencies.
    max_rows : int, default 2000
        Rows kept, >= 2: beyond that, evenly spread points, the first and last included.

    Returns
    -------
    pandas.DataFrame
        ``position`` (the plotting position), ``theoretical`` (the mixture's quantile
        there) and ``sample`` (the data value), in increasing order.
    """
    model = _check_model(model)
    max_rows = check_int("max_rows", max_rows, 2)
    xs, w = _sorted_sample(x, weights)
    rows = _thin(xs.size, max_rows)
    if w is None:
        i = rows + 1.0
        lower, upper = (i - 0.5) / xs.size, (xs.size - i + 0.5) / xs.size
    else:
        total = float(w.sum())
        # each tail summed from its own end: near 1, 1 - lower would have lost its digits
        lower = (np.cumsum(w)[rows] - w[rows] / 2) / total
        upper = (np.cumsum(w[::-1])[::-1][rows] - w[rows] / 2) / total
    return pd.DataFrame(
        {"position": lower, "theoretical": _quantiles(lower, upper, model), "sample": xs[rows]}
    )

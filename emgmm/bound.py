"""The bound EM climbs, along one mean (Bishop, PRML 9.4; Neal & Hinton 1998).

For any distribution q over the components of each point,
``log L(theta) = L(q, theta) + KL(q || p(y | x, theta))``, with the lower bound
``L(q, theta) = Q(theta | theta_t) + H(q)``. The E-step sets q to the responsibilities
under theta_t, so the bound touches log L at theta_t (KL = 0); the M-step maximises it.

Along the mean mu_j alone (every other parameter at theta_t), with q_t fixed:
``L(q_t, mu) = log L(theta_t) - N_j / (2 sd_j^2) * ((mu - m_j)^2 - (mu_t - m_j)^2)``,
``N_j = sum_n w_n q_nj`` and ``m_j = sum_n w_n q_nj x_n / N_j``: a parabola whose top is
the M-step's new mean m_j. Both come from the M-step's own sums (``mstep.MStepSums``), so the
bound is exact. The log-likelihood along mu_j is computed from the points; above
``max_points`` points from a fixed strided subsample of them, as the bound plus the
subsample's gap ``log L - L(q_t, .)`` (>= 0 at each point, 0 at theta_t) scaled to the
data: it still touches the bound at theta_t and stays above it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._types import FloatArray
from .mstep import MStepSums, alive, checked

#: Mean values along which the curves are evaluated (besides mu_t and the new mean).
BOUND_GRID = 41
#: Above this many points, the log-likelihood curve reads a strided subsample of this size.
BOUND_POINTS = 3_000

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)
#: Below this a sum of exponentials has lost digits to underflow (subnormals start at 2**-1022).
_NORMAL = 2.0**-900


@dataclass(frozen=True)
class Bound:
    """The log-likelihood and EM's lower bound along one mean (``bound_curves``).

    Attributes
    ----------
    component : int
        The component whose mean varies, numbered from 1.
    current : float
        mu_t, its mean at the frame (where the bound touches the log-likelihood).
    update : float
        The bound's argmax: the M-step's new mean (``current`` for a component with no mass).
    log_likelihood : float
        log L(theta_t), the value of both curves at ``current``.
    curves : pandas.DataFrame
        Columns ``mean`` (increasing, holding ``current`` and ``update``),
        ``log_likelihood`` and ``bound``.
    exact : bool
        Whether the log-likelihood curve reads every point (else a subsample's gap).
    n_used : int
        How many points the log-likelihood curve read.
    """

    component: int
    current: float
    update: float
    log_likelihood: float
    curves: pd.DataFrame
    exact: bool
    n_used: int


def moving_most(sums: MStepSums) -> int:
    """The component (numbered from 1) whose mean the M-step moves furthest, in its sds."""
    moves = np.abs(sums.means - sums.model.means) / sums.model.sds
    return int(np.argmax(moves)) + 1


def bound_values(sums: MStepSums, component: int, means: FloatArray) -> FloatArray:
    """EM's lower bound L(q_t, theta) at the given values of mean ``component`` (from 1),
    all else at theta_t: exact, from the M-step's sums."""
    j = component - 1
    mass, sd, current, top = sums.mass[j], sums.model.sds[j], sums.model.means[j], sums.means[j]
    if not alive(sums.mass)[j]:  # no point is in it: the bound does not depend on its mean
        return np.full(means.shape, sums.log_likelihood)
    # (mu - m)^2 - (mu_t - m)^2, factored: exactly 0 at mu_t
    out: FloatArray = sums.log_likelihood - mass / (2.0 * sd * sd) * (means - current) * (
        means + current - 2.0 * top
    )
    return out


def _grid(sums: MStepSums, j: int, n_grid: int, span: tuple[float, float] | None) -> FloatArray:
    """``n_grid`` means over ``span``, default mu_t and the update with as much again on
    each side (at least half an sd), plus those two exactly."""
    current, update = float(sums.model.means[j]), float(sums.means[j])
    if span is None:
        pad = max(abs(update - current), 0.5 * float(sums.model.sds[j]))
        span = (min(current, update) - pad, max(current, update) + pad)
    grid = np.linspace(span[0], span[1], n_grid)
    return np.unique(np.concatenate([grid, [current, update]]))


def _logsumexp(logs: FloatArray) -> FloatArray:
    """log sum_i exp(logs[i]) along the first axis: shift by the largest, exponentiate, sum,
    undo the shift (-inf where every term is -inf)."""
    top = logs.max(axis=0)
    safe = np.where(np.isneginf(top), 0.0, top)
    with np.errstate(divide="ignore"):
        out: FloatArray = np.log(np.exp(logs - safe).sum(axis=0)) + safe
    return out


def _log_likelihoods(
    x: FloatArray, w: FloatArray | None, sums: MStepSums, j: int, means: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Over points ``x`` (weights ``w``), at each of ``means`` for mean j: log L, and the
    bound L(q_t, .) computed from the points (the subsample's own, for its gap)."""
    model = sums.model
    logs = model.component_logpdfs(x)  # (k, n): log w_i N(x | mu_i, sd_i)
    log_p = _logsumexp(logs)
    others = (  # log of the other components' weighted densities: fixed along mu_j
        _logsumexp(np.delete(logs, j, axis=0)) if model.n_components > 1 else np.full(x.size, -np.inf)
    )
    with np.errstate(divide="ignore"):
        log_w = np.log(model.weights[j])
    sd = model.sds[j]
    const = log_w - np.log(sd) - _LOG_SQRT_2PI
    q = np.exp(logs[j] - log_p)  # responsibilities of component j under theta_t
    ones = np.ones(x.size) if w is None else w
    # every mean of the grid at once, (n_means, n): a few hundred thousand terms at most
    term = np.subtract(x[None, :], means[:, None])  # one (n_means, n) buffer, in place
    term /= sd
    np.square(term, out=term)
    term *= -0.5
    term += const  # log w_j N(x | mu, sd_j)
    # log-sum-exp of ``others`` and ``term`` shifted by each point's largest over the grid
    # (at the grid mean nearest the point): both exponents <= 0, one exp a term (logaddexp costs 6)
    nearest = np.clip(x, means[0], means[-1])
    top = np.maximum(others, const - 0.5 * np.square((x - nearest) / sd))
    total = np.exp(term - top) + np.exp(others - top)
    # both (near) underflowed, far from every other component: subnormals lose digits
    lost = total < _NORMAL
    with np.errstate(divide="ignore"):
        log_sum = np.log(total) + top
    if np.any(lost):
        log_sum[lost] = np.logaddexp(np.broadcast_to(others, term.shape)[lost], term[lost])
    # numpy's own multiply-and-sum, never BLAS (whose threads would fight concurrent fits)
    lls: FloatArray = (log_sum * ones).sum(axis=1)
    if model.weights[j] == 0:  # q_j = 0: the bound does not move (and -inf - -inf is NaN)
        return lls, np.full(means.size, float((ones * log_p).sum()))
    # the bound moves only by component j's expected complete-data term
    term -= logs[j]
    term *= ones * q
    bounds: FloatArray = float((ones * log_p).sum()) + term.sum(axis=1)
    return lls, bounds


def bound_sample(
    x: object, weights: object = None, max_points: int = BOUND_POINTS
) -> tuple[FloatArray, FloatArray | None, bool]:
    """The points the log-likelihood curve reads: all of them up to ``max_points``, else a
    fixed strided subsample of at most ``max_points`` (the same every frame and every call,
    so the browser's player draws the curve ``bound_curves`` draws from the same points).

    Returns
    -------
    points : ndarray
        The points (those of weight 0 left out, as the fit does).
    weights : ndarray or None
        Their weights, None for unit weights.
    exact : bool
        Whether ``points`` are all of the data.
    """
    data, w = checked(x, weights)
    exact = data.size <= max_points
    stride = 1 if exact else -(-data.size // max_points)
    return data[::stride], None if w is None else w[::stride], exact


def bound_curves(
    x: object,
    sums: MStepSums,
    component: int | None = None,
    *,
    weights: object = None,
    n_grid: int = BOUND_GRID,
    span: tuple[float, float] | None = None,
    max_points: int = BOUND_POINTS,
) -> Bound:
    """The log-likelihood and EM's lower bound as functions of one mean, the rest at theta_t.

    Parameters
    ----------
    x : array-like of shape (n_points,)
        The data the fit ran on.
    sums : MStepSums
        The frame's M-step (``mstep.frame_sums``): theta_t, N_j, the new means, log L(theta_t).
    component : int, optional
        The mean that varies, numbered from 1; default the one that moves most
        (``moving_most``).
    weights : array-like of shape (n_points,), optional
        The points' frequencies, as given to the fit.
    n_grid : int, default ``BOUND_GRID``
        Evenly spaced means (mu_t and the update are added exactly).
    span : (float, float), optional
        The means' range; default mu_t and the update with as much again on each side.
    max_points : int, default ``BOUND_POINTS``
        Above this many points, the log-likelihood curve is the bound plus the gap of a
        strided subsample of ``max_points`` of them, scaled by the data's total weight:
        what keeps a frame's cost bounded at any n.

    Returns
    -------
    Bound
    """
    k = sums.model.n_components
    j = (moving_most(sums) if component is None else int(component)) - 1
    if not 0 <= j < k:
        raise ValueError(f"component: expected 1 to {k}, got {component}.")
    sub, sub_w, exact = bound_sample(x, weights, max_points)
    means = _grid(sums, j, n_grid, span)
    bound = bound_values(sums, j + 1, means)
    lls, sub_bound = _log_likelihoods(sub, sub_w, sums, j, means)
    if not exact:  # the bound (exact) plus the subsample's gap, scaled to the data's weight
        scale = sums.total / (sub.size if sub_w is None else float(sub_w.sum()))
        lls = bound + scale * np.maximum(lls - sub_bound, 0.0)
    return Bound(
        component=j + 1,
        current=float(sums.model.means[j]),
        update=float(sums.means[j]) if alive(sums.mass)[j] else float(sums.model.means[j]),
        log_likelihood=sums.log_likelihood,
        curves=pd.DataFrame({"mean": means, "log_likelihood": lls, "bound": bound}),
        exact=exact,
        n_used=int(sub.size),
    )

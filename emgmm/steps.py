"""One EM step, streamed over the data in chunks, in standardised units (``scaling``).

The data is never copied and no (n, k) matrix is ever held: each pass walks the data
in chunks that stay in cache, standardises the chunk, lays components along the first
axis (a (k, chunk) layout, so the reductions over components and over points both run
on long contiguous rows), and accumulates the sufficient statistics of the M-step.
Every reduction is numpy's own (multiply into a buffer, then sum): none goes through
BLAS, whose thread pool would fight the threads of concurrent fits.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from ._types import FloatArray
from .cores import PASSES
from .model import GMM
from .scaling import Standardisation

#: A component whose responsibility mass (in points; in weight when points are weighted)
#: falls below this keeps its previous mean and sd; its weight is floored here so that
#: log(weight) stays finite (scikit-learn's 10 * eps).
MIN_MASS = 10 * np.finfo(np.float64).eps

#: When a mean moves by more than sqrt(RECENTRE) of its new sds in one step, the mean
#: and variance are recomputed in a second pass about the new mean (see ``m_step``).
RECENTRE = 1e3

#: Elements per (k, chunk) buffer: 64 Ki float64 (512 KiB), so the working set stays in cache.
CHUNK_ELEMENTS = 65_536
#: Passes over at least this many elements (points x components) queue for a core
#: (``cores.PASSES``); a smaller pass is over before queueing could pay.
GATED_ELEMENTS = 4 * CHUNK_ELEMENTS

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)


@dataclass
class Stats:
    """Sufficient statistics of one pass, in z units; deviations in units of the scale ``a``.

    Every sum over points is weighted by the points' weights w_n when a pass has them
    (1 otherwise). ``slope`` and ``abs_terms`` are only filled by ``e_pass(..., detail=True)``:
    the sum over points of |d log p(z_n) / dz_n| and of |log p(z_n)| (see ``convergence``).
    """

    log_likelihood: float  # sum_n w_n log p(z_n)
    mass: FloatArray  # sum_n w_n r_nk
    dev: FloatArray  # sum_n w_n r_nk u_nk, u = (z - shift_k) * a_k
    dev2: FloatArray  # sum_n w_n r_nk u_nk^2
    slope: float = 0.0
    abs_terms: float = 0.0
    log_max_resp: float = 0.0  # sum_n w_n log max_k r_nk (<= 0): ICL's classification term


class Pass(Protocol):
    """One E-step over some data, in z units: ``e_pass`` with the data, standardisation (and
    weights) bound (in memory), or a map-reduce over the blocks of a Dask array (``emgmm.dask``)."""

    def __call__(self, model: GMM, shift: FloatArray | None = None, detail: bool = False) -> Stats: ...


def e_pass(
    x: FloatArray,
    standard: Standardisation,
    model: GMM,
    shift: FloatArray | None = None,
    detail: bool = False,
    weights: FloatArray | None = None,
) -> Stats:
    """One E-step over ``x`` for ``model`` (in z units): log-likelihood (of z) and sums.

    With ``a_k = 1 / (sqrt(2) sd_k)`` and ``u = (z - mean_k) a_k``, the log of each
    weighted component density is ``c_k - u^2``. Deviations for the M-step are taken
    about ``shift`` (default: the current means, which reuses ``u``). ``weights`` (shape
    (n,), finite, >= 0) weigh every sum: a point of weight 2 counts like two copies; None
    counts each point once, with no multiplications by 1.
    """
    if x.size * model.n_components < GATED_ELEMENTS:
        return _e_pass(x, standard, model, shift, detail, weights)
    with PASSES.slot():
        return _e_pass(x, standard, model, shift, detail, weights)


def _e_pass(
    x: FloatArray,
    standard: Standardisation,
    model: GMM,
    shift: FloatArray | None,
    detail: bool,
    weights: FloatArray | None,
) -> Stats:
    k = model.n_components
    a = 1.0 / (np.sqrt(2.0) * model.sds)
    with np.errstate(divide="ignore"):
        c = (np.log(model.weights) - np.log(model.sds) - _LOG_SQRT_2PI)[:, None]
    means, scale = model.means[:, None], a[:, None]
    chunk = max(1024, CHUNK_ELEMENTS // k)
    # every buffer is allocated once: no chunk-sized temporary, so no allocator traffic
    # (Dask's workers trim malloc's heap at 64 KiB, which made each one an mmap and page faults)
    z_buf, top_buf, total_buf, log_buf = (np.empty(chunk) for _ in range(4))
    u_buf, q_buf, r_buf = (np.empty((k, chunk)) for _ in range(3))
    shifts = shift[:, None] if shift is not None else None
    mass, dev, dev2 = np.zeros(k), np.zeros(k), np.zeros(k)
    log_likelihood = slope = abs_terms = log_max_resp = 0.0
    for start in range(0, x.size, chunk):
        zc = standard.to_z(x[start : start + chunk], z_buf[: min(chunk, x.size - start)])
        m = zc.size
        u, q, r = u_buf[:, :m], q_buf[:, :m], r_buf[:, :m]
        top, total, log_total = top_buf[:m], total_buf[:m], log_buf[:m]
        np.subtract(zc, means, out=u)
        u *= scale
        np.multiply(u, u, out=q)
        np.subtract(c, q, out=r)  # log of weighted densities
        r.max(axis=0, out=top)  # the max trick: shift, exponentiate, sum, undo shift
        r -= top
        np.exp(r, out=r)
        r.sum(axis=0, out=total)
        np.log(total, out=log_total)  # the largest responsibility is 1 / total
        w = None if weights is None else weights[start : start + m]  # a view
        if w is not None:  # weigh the terms, in place: no chunk-sized temporary
            log_total *= w
            top *= w
        log_sum = log_total.sum()
        log_likelihood += float(log_sum + top.sum())
        log_max_resp -= float(log_sum)
        if detail:
            np.add(log_total, top, out=log_total)
            abs_terms += float(np.abs(log_total, out=log_total).sum())  # weights are >= 0
        np.divide(1.0 if w is None else w, total, out=total)
        r *= total  # responsibilities (times the weights): every sum below is weighted
        mass += r.sum(axis=1)
        if shifts is not None:  # deviations about the shift instead
            np.subtract(zc, shifts, out=u)
            u *= scale
            np.multiply(u, u, out=q)
        q *= r
        dev2 += q.sum(axis=1)
        u *= r
        dev += u.sum(axis=1)
        if detail:  # d log p / dz = -sum_k r_k (z - mean_k) / sd_k^2 = -sum_k 2 a_k r_k u_k
            u *= 2.0 * scale
            slope += float(np.abs(u.sum(axis=0, out=total), out=total).sum())
    return Stats(log_likelihood, mass, dev, dev2, slope, abs_terms, log_max_resp)


def combine(parts: Sequence[Stats]) -> Stats:
    """The statistics of the concatenated data from those of its parts (summed in order)."""
    first, *rest = parts
    total = Stats(
        first.log_likelihood,
        first.mass.copy(),
        first.dev.copy(),
        first.dev2.copy(),
        first.slope,
        first.abs_terms,
        first.log_max_resp,
    )
    for part in rest:
        total.log_likelihood += part.log_likelihood
        total.mass += part.mass
        total.dev += part.dev
        total.dev2 += part.dev2
        total.slope += part.slope
        total.abs_terms += part.abs_terms
        total.log_max_resp += part.log_max_resp
    return total


def _moments(
    stats: Stats, shift: FloatArray, a: FloatArray, alive: npt.NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Weighted means and variances from the sums, and how much cancellation they risk."""
    mass = np.where(alive, stats.mass, 1.0)
    d = stats.dev / mass  # mean deviation, units of 1/a
    v = stats.dev2 / mass - d * d  # squared deviations about the new mean
    with np.errstate(divide="ignore", invalid="ignore"):
        risk = np.where(alive, d * d / np.maximum(v, 0.0), 0.0)
    return shift + d / a, np.maximum(v, 0.0) / (a * a), risk


def m_step(
    x: FloatArray, standard: Standardisation, model: GMM, stats: Stats, sd_floor: float, tied_sd: bool
) -> GMM:
    """New parameters (z units) from the statistics of the current ones, for data ``x`` in
    memory: ``m_step_from`` with the second pass, when one is needed, over ``x``."""
    return m_step_from(
        model, stats, x.size, sd_floor, tied_sd, lambda shift: e_pass(x, standard, model, shift=shift)
    )


def m_step_from(
    model: GMM,
    stats: Stats,
    n: float,
    sd_floor: float,
    tied_sd: bool,
    recentre: Callable[[FloatArray], Stats],
) -> GMM:
    """New parameters (z units) from the statistics ``stats`` of ``model`` over ``n`` points
    (the total weight of the points, when they are weighted).

    Weights are the mean responsibilities; means and variances the responsibility-
    weighted mean and variance. Variances come from squared deviations about the
    current means, never from raw second moments. If a mean moved far in units of its
    sd, the new mean (a far shift plus a large deviation) and the variance would have
    lost digits, so both are recomputed in a second pass about the new means,
    ``recentre(means)`` (the statistics of ``model`` with deviations about ``means``;
    rare: only in the first steps of a far-off start).
    """
    a = 1.0 / (np.sqrt(2.0) * model.sds)
    alive = stats.mass > MIN_MASS
    means, variances, risk = _moments(stats, model.means, a, alive)
    if np.any(risk > RECENTRE):
        means, variances, _ = _moments(recentre(means), means, a, alive)
    means = np.where(alive, means, model.means)
    if tied_sd:
        pooled = float(np.sum(np.where(alive, stats.mass * variances, 0.0)) / n)
        sds = np.full(model.n_components, max(np.sqrt(pooled), sd_floor))
    else:
        sds = np.where(alive, np.maximum(np.sqrt(variances), sd_floor), model.sds)
    mass = np.maximum(stats.mass, MIN_MASS)
    return GMM(mass / mass.sum(), means, sds)

"""Expectation-maximisation for a 1-D Gaussian mixture, streamed over the data in chunks.

The data is never copied and no (n, k) matrix is ever held: each pass walks the data
in chunks that stay in cache, with components along the first axis (a (k, chunk)
layout, so the reductions over components and over points both run on long contiguous
rows), and accumulates the sufficient statistics of the M-step per chunk.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._types import FloatArray, RngLike
from .history import history_table, relative_gain
from .initialization import INIT_METHODS, initial_model
from .model import GMM
from .validation import check_fittable, check_float, check_int, check_rng

#: A component whose responsibility mass (in points) falls below this keeps its previous
#: mean and sd; its weight is floored here so that log(weight) stays finite
#: (scikit-learn's 10 * eps).
MIN_MASS = 10 * np.finfo(np.float64).eps

#: The sd floor is this fraction of the data range (max(x) - min(x)): a component that
#: collapses onto one point, or onto a few identical values, keeps sd >= floor, so the
#: likelihood stays finite. It scales with the data, so units do not matter.
SD_FLOOR_FRACTION = 1e-6

#: When a mean moves by more than sqrt(RECENTRE) of its new sds in one step, the
#: variance is recomputed in a second pass about the new mean (see ``_m_step``).
RECENTRE = 1e3

#: Elements per (k, chunk) buffer: 64 Ki float64 (512 KiB), so the working set stays in cache.
CHUNK_ELEMENTS = 65_536

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)


@dataclass
class _Stats:
    """Sufficient statistics of one pass, deviations in units of the scale ``a``."""

    log_likelihood: float
    mass: FloatArray  # sum_n r_nk
    dev: FloatArray  # sum_n r_nk u_nk, u = (x - shift_k) * a_k
    dev2: FloatArray  # sum_n r_nk u_nk^2


#: ``callback(start, iteration, model, log_likelihood)`` of ``fit_em``.
Callback = Callable[[int, int, GMM, float], object]
#: What ``_run`` reports after each pass: ``(iteration, model, log_likelihood)``.
Report = Callable[[int, GMM, float], object]


def sd_floor_for(x: FloatArray) -> float:
    """The documented sd floor for data ``x``: ``SD_FLOOR_FRACTION * (max(x) - min(x))``."""
    return SD_FLOOR_FRACTION * float(x.max() - x.min())


def _pass(x: FloatArray, model: GMM, shift: FloatArray | None = None) -> _Stats:
    """One E-step over ``x``: log-likelihood and responsibility-weighted sums.

    With ``a_k = 1 / (sqrt(2) sd_k)`` and ``u = (x - mean_k) a_k``, the log of each
    weighted component density is ``c_k - u^2``. Deviations for the M-step are taken
    about ``shift`` (default: the current means, which reuses ``u``).
    """
    k = model.n_components
    a = 1.0 / (np.sqrt(2.0) * model.sds)
    with np.errstate(divide="ignore"):
        c = (np.log(model.weights) - np.log(model.sds) - _LOG_SQRT_2PI)[:, None]
    means, scale = model.means[:, None], a[:, None]
    chunk = max(1024, CHUNK_ELEMENTS // k)
    u_buf, q_buf, r_buf = (np.empty((k, chunk)) for _ in range(3))
    v_buf = np.empty((k, chunk)) if shift is not None else None
    shifts = shift[:, None] if shift is not None else None
    mass, dev, dev2 = np.zeros(k), np.zeros(k), np.zeros(k)
    log_likelihood = 0.0
    for start in range(0, x.size, chunk):
        xc = x[start : start + chunk]
        m = xc.size
        u, q, r = u_buf[:, :m], q_buf[:, :m], r_buf[:, :m]
        np.subtract(xc, means, out=u)
        u *= scale
        np.multiply(u, u, out=q)
        np.subtract(c, q, out=r)  # log of weighted densities
        top = r.max(axis=0)  # the max trick: shift, exponentiate, sum, undo shift
        r -= top
        np.exp(r, out=r)
        total = r.sum(axis=0)
        log_likelihood += float(np.log(total).sum() + top.sum())
        r *= 1.0 / total  # responsibilities
        mass += r.sum(axis=1)
        if v_buf is not None and shifts is not None:
            u = v_buf[:, :m]
            np.subtract(xc, shifts, out=u)
            u *= scale
            np.multiply(u, u, out=q)
        dev += np.vecdot(r, u)
        dev2 += np.vecdot(r, q)
    return _Stats(log_likelihood, mass, dev, dev2)


def _moments(
    stats: _Stats, shift: FloatArray, a: FloatArray, alive: npt.NDArray[np.bool_]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Weighted means and variances from the sums, and how much cancellation they risk."""
    mass = np.where(alive, stats.mass, 1.0)
    d = stats.dev / mass  # mean deviation, units of 1/a
    v = stats.dev2 / mass - d * d  # squared deviations about the new mean
    with np.errstate(divide="ignore", invalid="ignore"):
        risk = np.where(alive, d * d / np.maximum(v, 0.0), 0.0)
    return shift + d / a, np.maximum(v, 0.0) / (a * a), risk


def _m_step(x: FloatArray, model: GMM, stats: _Stats, sd_floor: float, tied_sd: bool) -> GMM:
    """New parameters from the statistics of the current ones.

    Weights are the mean responsibilities; means and variances the responsibility-
    weighted mean and variance. Variances come from squared deviations about the
    current means, never from raw second moments. If a mean moved far in units of its
    sd, that difference would cancel digits, so the squared deviations are recomputed
    about the new means in a second pass (rare: only in the first steps of a far-off start).
    """
    n = x.size
    a = 1.0 / (np.sqrt(2.0) * model.sds)
    alive = stats.mass > MIN_MASS
    means, variances, risk = _moments(stats, model.means, a, alive)
    if np.any(risk > RECENTRE):
        recentred = _pass(x, model, shift=means)
        _, variances, _ = _moments(recentred, means, a, alive)
    means = np.where(alive, means, model.means)
    if tied_sd:
        pooled = float(np.sum(np.where(alive, stats.mass * variances, 0.0)) / n)
        sds = np.full(model.n_components, max(np.sqrt(pooled), sd_floor))
    else:
        sds = np.where(alive, np.maximum(np.sqrt(variances), sd_floor), model.sds)
    mass = np.maximum(stats.mass, MIN_MASS)
    return GMM(mass / mass.sum(), means, sds)


def _ignore(*_args: object) -> None:
    pass


def _reporter(callback: Callback, start_index: int) -> Report:
    """``callback`` with the start's index bound."""
    return lambda iteration, model, log_likelihood: callback(start_index, iteration, model, log_likelihood)


def _feasible_start(start: GMM, sd_floor: float, tied_sd: bool) -> GMM:
    """The start, with sds floored, and tied (pooled by weight) when the model ties them:
    EM only guarantees a rising likelihood from a start inside the model's family."""
    sds = np.maximum(start.sds, sd_floor)
    if tied_sd:
        sds = np.full(start.n_components, np.sqrt(np.sum(start.weights * sds**2)))
    return GMM(start.weights, start.means, sds)


def _run(
    x: FloatArray, start: GMM, max_iter: int, tol: float, sd_floor: float, tied_sd: bool, report: Report
) -> tuple[list[GMM], list[float], bool]:
    """EM from ``start``; returns the models, their log-likelihoods and the converged flag.
    ``report(iteration, model, log_likelihood)`` is called after each pass."""
    models, lls = [start], []
    stats = _pass(x, start)
    lls.append(stats.log_likelihood)
    report(0, start, lls[0])
    converged = False
    for iteration in range(1, max_iter + 1):
        model = _m_step(x, models[-1], stats, sd_floor, tied_sd)
        stats = _pass(x, model)
        models.append(model)
        lls.append(stats.log_likelihood)
        report(iteration, model, lls[-1])
        gain = float(relative_gain(lls[-1], lls[-2]))
        if gain < tol:
            converged = True
            break
    return models, lls, converged


def fit_em(
    x: object,
    n_components: int,
    *,
    max_iter: int = 300,
    tol: float = 1e-8,
    init: str = "kmeans++",
    init_params: GMM | None = None,
    n_init: int = 1,
    tied_sd: bool = False,
    rng: RngLike = None,
    callback: Callback | None = None,
) -> pd.DataFrame:
    """Fit a Gaussian mixture to ``x`` with EM and return every iteration.

    Parameters
    ----------
    x : array-like of shape (n_points,)
        Finite numbers; at least ``n_components`` distinct values (and two). Never modified.
    n_components : int
        Number of components, >= 1.
    max_iter : int, default 300
        Maximum number of EM iterations (M-steps), >= 1.
    tol : float, default 1e-8
        Stop when the relative gain of the log-likelihood, (L_new - L_old) / |L_new|,
        falls below ``tol`` (>= 0).
    init : {"kmeans++", "quantile", "random"}, default "kmeans++"
        How to start: k-means++ seeding then a few Lloyd steps; means at evenly
        spaced data quantiles; or the original demo's start (means uniform in [0, 1),
        sds 1). Initial sds are floored like all others.
    init_params : GMM, optional
        Start from these parameters instead (``init`` is then ignored).
    n_init : int, default 1
        Number of starts; the one with the highest final log-likelihood is returned.
        The first start is the one ``n_init=1`` makes with the same ``rng``.
    tied_sd : bool, default False
        All components share one sd (mclust's "E" model).
    rng : None, int or numpy.random.Generator
    callback : callable, optional
        Called as ``callback(start, iteration, model, log_likelihood)`` after every
        pass over the data (``start`` counts from 0, iteration 0 is the start), to show
        progress. Whatever it raises aborts the fit and propagates.

    Returns
    -------
    history : pandas.DataFrame
        One row per (iteration, component), columns ``history.HISTORY_COLUMNS``:
        ``iteration, component, weight, mean, sd, log_likelihood``; components are
        numbered from 1 (``history.component_numbers``). Iteration 0 holds the start, iteration i the
        parameters after the i-th M-step; ``log_likelihood`` is the total
        log-likelihood of the data under that iteration's parameters. ``attrs`` holds
        ``converged``, ``n_iter``, ``tol``, ``max_iter``, ``init``, ``n_points``,
        ``n_components``, ``n_init``, ``tied_sd``, ``sd_floor`` and
        ``start_log_likelihoods`` (the final log-likelihood of every start).

    Notes
    -----
    Non-convergence is not an error: ``attrs["converged"]`` is False.
    The sd floor is ``1e-6 * (max(x) - min(x))``; a component whose responsibility
    mass vanishes keeps its previous mean and sd (and a weight of about 1e-15).
    """
    n_components = check_int("n_components", n_components, 1)
    max_iter = check_int("max_iter", max_iter, 1)
    tol = check_float("tol", tol, 0.0)
    n_init = check_int("n_init", n_init, 1)
    if not isinstance(init, str) or init not in INIT_METHODS:
        raise ValueError(f"init: expected one of {', '.join(INIT_METHODS)}; got {init!r}.")
    if init_params is not None:
        if not isinstance(init_params, GMM):
            raise TypeError(f"init_params: expected a GMM, got {type(init_params).__name__}.")
        if init_params.n_components != n_components:
            raise ValueError(
                f"init_params: has {init_params.n_components} components but n_components is {n_components}."
            )
        if n_init != 1:
            raise ValueError(f"n_init: init_params gives a single start, so n_init must be 1, got {n_init}.")
    data = check_fittable(x, n_components)
    generator = check_rng(rng)
    sd_floor = sd_floor_for(data)
    tied = bool(tied_sd)

    best: tuple[list[GMM], list[float], bool] | None = None
    finals = []
    for start_index in range(n_init):
        report: Report = _ignore
        if callback is not None:
            report = _reporter(callback, start_index)
        start = (
            init_params
            if init_params is not None
            else initial_model(data, n_components, init, sd_floor, generator)
        )
        run = _run(data, _feasible_start(start, sd_floor, tied), max_iter, tol, sd_floor, tied, report)
        finals.append(run[1][-1])
        if best is None or run[1][-1] > best[1][-1]:
            best = run
    assert best is not None  # n_init >= 1
    models, lls, converged = best
    history = history_table(models, lls)
    history.attrs.update(
        converged=bool(converged),
        n_iter=len(models) - 1,
        tol=tol,
        max_iter=max_iter,
        init="given" if init_params is not None else init,
        n_points=int(data.size),
        n_components=n_components,
        n_init=n_init,
        tied_sd=tied,
        sd_floor=sd_floor,
        start_log_likelihoods=[float(v) for v in finals],
    )
    return history

"""Expectation-maximisation for a 1-D Gaussian mixture: the loop, its starts and its stop.

EM runs in the data's own units (``scaling``): on ``z = (x - centre) / scale``, chunk by
chunk (``steps``), with parameters mapped back for the history and the callback, and
log-likelihoods reported for ``x`` (``log L(x) = log L(z) - n log(scale)``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._types import FloatArray, RngLike
from .convergence import is_decrease, loglik_resolution
from .history import history_table, relative_gain
from .initialization import INIT_METHODS, initial_model
from .model import GMM
from .scaling import SD_FLOOR_FRACTION as SD_FLOOR_FRACTION
from .scaling import Standardisation, standardisation_for
from .scaling import sd_floor_for as sd_floor_for
from .steps import MIN_MASS as MIN_MASS
from .steps import e_pass, m_step
from .validation import check_fittable, check_float, check_int, check_rng

#: ``callback(start, iteration, model, log_likelihood)`` of ``fit_em``.
Callback = Callable[[int, int, GMM, float], object]
#: What ``_run`` reports after each pass: ``(iteration, model, log_likelihood)``.
Report = Callable[[int, GMM, float], object]

#: A start's means and sds are kept within this many data spans (or sd floors) of the
#: data, in z units: further out a component is as far as it gets, and every square stays finite.
START_REACH = 2.0**200


@dataclass(frozen=True)
class _Run:
    """One run of EM: models in the data's units, their log-likelihoods, and why it stopped."""

    models: list[GMM]
    lls: list[float]
    stop_reason: str
    last_gain: float


def _ignore(*_args: object) -> None:
    pass


def _reporter(callback: Callback, start_index: int) -> Report:
    """``callback`` with the start's index bound."""
    return lambda iteration, model, log_likelihood: callback(start_index, iteration, model, log_likelihood)


def _feasible_start(start: GMM, sd_floor: float, tied_sd: bool) -> GMM:
    """The start (z units), with sds floored, and tied (pooled by weight) when the model ties
    them: EM only guarantees a rising likelihood from a start inside the model's family."""
    sds = np.maximum(start.sds, sd_floor)
    if tied_sd:
        pooled = float(np.sqrt(np.sum(start.weights * sds**2)))
        sds = np.full(start.n_components, max(pooled, sd_floor))  # weights sum to 1 - eps
    return GMM(start.weights, start.means, sds)


def _given_start(start: GMM, standard: Standardisation, sd_floor: float, tied_sd: bool) -> tuple[GMM, GMM]:
    """A start given in the data's units: (the start EM runs from, in z units; the start the
    history records: ``start`` itself unless flooring, tying or bounds changed it)."""
    z = standard.model_to_z(start)
    lo, hi = standard.to_z(np.array([standard.lo, standard.hi]))
    reach = START_REACH * max(hi - lo, sd_floor)
    bounded = GMM(z.weights, np.clip(z.means, lo - reach, hi + reach), np.minimum(z.sds, reach))
    feasible = _feasible_start(bounded, sd_floor, tied_sd)
    unchanged = np.array_equal(feasible.means, z.means) and np.array_equal(feasible.sds, z.sds)
    return feasible, start if unchanged else standard.model_from_z(feasible)


def _fell(
    x: FloatArray, standard: Standardisation, before: GMM, after: GMM, ll_before: float, ll_after: float
) -> bool:
    """Whether EM's step from ``before`` to ``after`` (z units, log-likelihoods of z) lowered
    the log-likelihood beyond rounding (``convergence``): two more passes, at the stop only."""
    if ll_after >= ll_before:
        return False
    resolution = sum(
        loglik_resolution(e_pass(x, standard, model, detail=True), standard, model)
        for model in (before, after)
    )
    return is_decrease(ll_before, ll_after, resolution)


def _run(
    x: FloatArray,
    standard: Standardisation,
    start: tuple[GMM, GMM],
    max_iter: int,
    tol: float,
    tied_sd: bool,
    report: Report,
) -> _Run:
    """EM from ``start`` (z units, and as recorded); ``report(iteration, model, log_likelihood)``
    is called after each pass, in the data's units."""
    sd_floor = standard.sd_floor_z
    offset = x.size * standard.log_scale  # log L(x) = log L(z) - n log(scale)
    current, recorded = start
    stats = e_pass(x, standard, current)
    models, lls = [recorded], [stats.log_likelihood - offset]
    report(0, recorded, lls[0])
    stop_reason, gain = "max_iter", float("nan")
    for iteration in range(1, max_iter + 1):
        previous, ll_previous = current, stats.log_likelihood
        current = m_step(x, standard, previous, stats, sd_floor, tied_sd)
        stats = e_pass(x, standard, current)
        models.append(standard.model_from_z(current))
        lls.append(stats.log_likelihood - offset)
        report(iteration, models[-1], lls[-1])
        gain = float(relative_gain(lls[-1], lls[-2]))
        if gain < tol:
            fell = _fell(x, standard, previous, current, ll_previous, stats.log_likelihood)
            stop_reason = "decreased" if fell else "converged"
            break
    return _Run(models, lls, stop_reason, gain)


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
        Any magnitude: the fit runs in the data's own units (``scaling``).
    n_components : int
        Number of components, >= 1.
    max_iter : int, default 300
        Maximum number of EM iterations (M-steps), >= 1.
    tol : float, default 1e-8
        Stop when the relative gain of the log-likelihood, (L_new - L_old) / |L_new|,
        falls below ``tol`` (>= 0).
    init : {"kmeans++", "quantile", "random"}, default "kmeans++"
        How to start: k-means++ seeding (on at most 10 000 points) then a few Lloyd
        steps; means at evenly spaced quantiles (of at most 10 000 points at equal
        strides); or the original demo's start in the data's own units (means
        ``centre + robust_scale * u``, u uniform in [0, 1), sds ``robust_scale``;
        ``initialization.init_random``). Initial sds are floored like all others.
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
        ``converged``, ``stop_reason`` (``convergence.STOP_REASONS``: "converged",
        "max_iter" or "decreased"), ``decreased``, ``last_gain`` (the last relative
        gain), ``n_iter``, ``tol``, ``max_iter``, ``init``, ``n_points``,
        ``n_components``, ``n_init``, ``tied_sd``, ``sd_floor``, ``outlier_dominates``
        (``scaling.outlier_dominates``) and ``start_log_likelihoods`` (the final
        log-likelihood of every start).

    Notes
    -----
    Non-convergence is not an error: ``attrs["converged"]`` is False. A fall of the
    log-likelihood beyond rounding (``convergence.loglik_resolution``) stops EM with
    ``stop_reason`` "decreased", never "converged".
    The sd floor is ``scaling.sd_floor_for(x)``: 1e-6 of a robust scale, and at least
    4 float64 steps at max|x|; a component whose responsibility mass vanishes keeps its
    previous mean and sd (and a weight of about 1e-15).
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
    standard = standardisation_for(data)
    sd_floor = standard.sd_floor_z
    tied = bool(tied_sd)

    best: _Run | None = None
    finals = []
    for start_index in range(n_init):
        report: Report = _ignore
        if callback is not None:
            report = _reporter(callback, start_index)
        if init_params is not None:
            start = _given_start(init_params, standard, sd_floor, tied)
        else:
            z = _feasible_start(
                initial_model(data, standard, n_components, init, sd_floor, generator), sd_floor, tied
            )
            start = (z, standard.model_from_z(z))
        run = _run(data, standard, start, max_iter, tol, tied, report)
        finals.append(run.lls[-1])
        if best is None or run.lls[-1] > best.lls[-1]:
            best = run
    assert best is not None  # n_init >= 1
    history = history_table(best.models, best.lls)
    history.attrs.update(
        converged=best.stop_reason == "converged",
        stop_reason=best.stop_reason,
        decreased=best.stop_reason == "decreased",
        last_gain=best.last_gain,
        n_iter=len(best.models) - 1,
        tol=tol,
        max_iter=max_iter,
        init="given" if init_params is not None else init,
        n_points=int(data.size),
        n_components=n_components,
        n_init=n_init,
        tied_sd=tied,
        sd_floor=standard.sd_floor,
        outlier_dominates=standard.outlier_dominates,
        start_log_likelihoods=[float(v) for v in finals],
    )
    return history

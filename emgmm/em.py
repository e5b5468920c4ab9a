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
from .initialization import initial_model
from .model import GMM
from .options import Options, check_options
from .scaling import SD_FLOOR_FRACTION as SD_FLOOR_FRACTION
from .scaling import Standardisation, standardisation_for
from .scaling import sd_floor_for as sd_floor_for
from .steps import MIN_MASS as MIN_MASS
from .steps import Pass, Stats, e_pass, m_step
from .validation import check_fittable, check_rng

#: ``callback(start, iteration, model, log_likelihood)`` of ``fit_em``.
Callback = Callable[[int, int, GMM, float], object]
#: What ``_run`` reports after each pass: ``(iteration, model, log_likelihood)``.
Report = Callable[[int, GMM, float], object]
#: The M-step with the data bound: ``step(model, stats)``, z units (``steps.m_step``).
Step = Callable[[GMM, Stats], GMM]

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
    passes: Pass, standard: Standardisation, before: GMM, after: GMM, ll_before: float, ll_after: float
) -> bool:
    """Whether EM's step from ``before`` to ``after`` (z units, log-likelihoods of z) lowered
    the log-likelihood beyond rounding (``convergence``): two more passes, at the stop only."""
    if ll_after >= ll_before:
        return False
    resolution = sum(
        loglik_resolution(passes(model, detail=True), standard, model) for model in (before, after)
    )
    return is_decrease(ll_before, ll_after, resolution)


def _run(
    passes: Pass,
    step: Step,
    n: int,
    standard: Standardisation,
    start: tuple[GMM, GMM],
    max_iter: int,
    tol: float,
    report: Report,
) -> _Run:
    """EM from ``start`` (z units, and as recorded) over ``n`` points read by ``passes`` and
    ``step``; ``report(iteration, model, log_likelihood)`` is called after each pass, in the
    data's units."""
    offset = n * standard.log_scale  # log L(x) = log L(z) - n log(scale)
    current, recorded = start
    stats = passes(current)
    models, lls = [recorded], [stats.log_likelihood - offset]
    report(0, recorded, lls[0])
    stop_reason, gain = "max_iter", float("nan")
    for iteration in range(1, max_iter + 1):
        previous, ll_previous = current, stats.log_likelihood
        current = step(previous, stats)
        stats = passes(current)
        models.append(standard.model_from_z(current))
        lls.append(stats.log_likelihood - offset)
        report(iteration, models[-1], lls[-1])
        gain = float(relative_gain(lls[-1], lls[-2]))
        if gain < tol:
            fell = _fell(passes, standard, previous, current, ll_previous, stats.log_likelihood)
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
    options = check_options(n_components, max_iter, tol, init, init_params, n_init, tied_sd)
    data = check_fittable(x, options.n_components)
    generator = check_rng(rng)
    standard = standardisation_for(data)

    def passes(model: GMM, shift: FloatArray | None = None, detail: bool = False) -> Stats:
        return e_pass(data, standard, model, shift, detail)

    def step(model: GMM, stats: Stats) -> GMM:
        return m_step(data, standard, model, stats, standard.sd_floor_z, options.tied_sd)

    return fit_passes(passes, step, data, standard, options, generator, callback)


def fit_passes(
    passes: Pass,
    step: Step,
    x: FloatArray,
    standard: Standardisation,
    options: Options,
    rng: np.random.Generator,
    callback: Callback | None,
) -> pd.DataFrame:
    """``fit_em`` on data read through ``passes`` (E-step) and ``step`` (M-step); ``standard``
    is ``scaling.standardisation_for`` of the data, ``x`` the data as the starts read it
    (``initial_model``: size, strided subsample, points at drawn indices): the array, or a
    stand-in serving those reads from a Dask array (``emgmm.dask``)."""
    n_components, tied, init_params = options.n_components, options.tied_sd, options.init_params
    sd_floor = standard.sd_floor_z
    best: _Run | None = None
    finals = []
    for start_index in range(options.n_init):
        report: Report = _ignore
        if callback is not None:
            report = _reporter(callback, start_index)
        if init_params is not None:
            start = _given_start(init_params, standard, sd_floor, tied)
        else:
            z = _feasible_start(
                initial_model(x, standard, n_components, options.init, sd_floor, rng), sd_floor, tied
            )
            start = (z, standard.model_from_z(z))
        run = _run(passes, step, x.size, standard, start, options.max_iter, options.tol, report)
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
        tol=options.tol,
        max_iter=options.max_iter,
        init="given" if init_params is not None else options.init,
        n_points=int(x.size),
        n_components=n_components,
        n_init=options.n_init,
        tied_sd=tied,
        sd_floor=standard.sd_floor,
        outlier_dominates=standard.outlier_dominates,
        start_log_likelihoods=[float(v) for v in finals],
    )
    return history

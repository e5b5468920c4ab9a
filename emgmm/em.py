"""Expectation-maximisation for a 1-D Gaussian mixture: ``fit_em``, ``fit_starts``, and the
loop over starts they share with the Dask backend (``fit_passes``); a start is made by
``options.make_start`` and run to its stop by ``convergence.run_em``.

EM runs in the data's own units (``scaling``): on ``z = (x - centre) / scale``, chunk by
chunk (``steps``), with parameters mapped back for the history and the callback, and
log-likelihoods reported for ``x`` (``log L(x) = log L(z) - n log(scale)``, n the total
weight when points are weighted).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial

import numpy as np
import pandas as pd

from ._types import FloatArray, RngLike
from .convergence import Report, Run, Step, run_em
from .history import history_table
from .in_memory import in_memory
from .model import GMM
from .options import Options, check_options, fit_attrs, make_start
from .regularised import fit_regularised
from .scaling import SD_FLOOR_FRACTION as SD_FLOOR_FRACTION
from .scaling import Standardisation
from .scaling import sd_floor_for as sd_floor_for
from .steps import MIN_MASS as MIN_MASS
from .steps import Pass
from .validation import check_rng

#: ``callback(start, iteration, model, log_likelihood)`` of ``fit_em``.
Callback = Callable[[int, int, GMM, float], object]


def _ignore(*_args: object) -> None:
    pass


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
    weights: object = None,
    rng: RngLike = None,
    callback: Callback | None = None,
    prior: object = None,
    noise: bool = False,
) -> pd.DataFrame:
    """Fit a Gaussian mixture to ``x`` with EM and return every iteration.

    Parameters
    ----------
    x : array-like of shape (n_points,)
        Finite numbers; at least ``n_components`` distinct values (and two), among the
        points of positive weight. Never modified. Any magnitude: the fit runs in the
        data's own units (``scaling``).
    n_components : int
        Number of components, >= 1.
    max_iter : int, default 300
        Maximum number of EM iterations (M-steps), >= 1.
    tol : float, default 1e-8
        Stop when the relative gain of the log-likelihood, (L_new - L_old) / |L_new|,
        falls below ``tol`` (>= 0).
    init : {"kmeans++", "quantile", "random", "hc"}, default "kmeans++"
        k-means++ seeding (of at most 10 000 points), then a few Lloyd steps; evenly spaced quantiles (``scaling.subsample``);
        the demo's start (``initialization.init_random``); or mclust's ``hc`` (``hierarchical``). Initial sds are floored.
    init_params : GMM, optional
        Start from these parameters instead (``init`` is then ignored).
    n_init : int, default 1
        Number of starts; the one with the highest final log-likelihood is returned.
        The first start is the one ``n_init=1`` makes with the same ``rng``.
    tied_sd : bool, default False
        All components share one sd (mclust's "E" model).
    weights : array-like of shape (n_points,), optional
        Finite, non-negative, not all zero: frequencies. A point of weight 2 counts like
        two copies of it (every sum of the E-step is weighted, and the n of the M-step and
        of the log-likelihood is the total weight), a point of weight 0 like no point.
        None: each point counts once. See Notes.
    rng : None, int or numpy.random.Generator
    callback : callable, optional
        Called as ``callback(start, iteration, model, log_likelihood)`` after every
        pass over the data (``start`` counts from 0, iteration 0 is the start), to show
        progress. Whatever it raises aborts the fit and propagates.
    prior, noise : None, True or emgmm.prior.Prior; bool
        MAP EM with mclust's conjugate prior (True: its default); a uniform noise component: see ``regularised``.

    Returns
    -------
    history : pandas.DataFrame
        One row per (iteration, component), columns ``history.HISTORY_COLUMNS``:
        ``iteration, component, weight, mean, sd, log_likelihood``; components are
        numbered from 1 (``history.component_numbers``). Iteration 0 holds the start, iteration i the
        parameters after the i-th M-step; ``log_likelihood`` is the total
        log-likelihood of the data under that iteration's parameters (weighted:
        ``sum_n w_n log p(x_n)``). ``attrs`` holds
        ``converged``, ``stop_reason`` (``convergence.STOP_REASONS``: "converged",
        "max_iter" or "decreased"), ``decreased``, ``last_gain`` (the last relative
        gain), ``n_iter``, ``tol``, ``max_iter``, ``init``, ``n_points`` (the number of
        points in ``x``, weight 0 or not), ``total_weight`` (the sum of the weights;
        ``n_points`` without them), ``n_components``, ``n_init``, ``tied_sd``,
        ``sd_floor``, ``outlier_dominates`` (``scaling.outlier_dominates``) and
        ``start_log_likelihoods`` (the final log-likelihood of every start).

    Notes
    -----
    Non-convergence is not an error: ``attrs["converged"]`` is False. A fall of the
    log-likelihood beyond rounding (``convergence.loglik_resolution``) stops EM with
    ``stop_reason`` "decreased", never "converged".
    The sd floor is ``scaling.sd_floor_for(x)``: 1e-6 of a robust scale, and at least
    4 float64 steps at max|x|; a component whose responsibility mass vanishes keeps its
    previous mean and sd (and a weight of about 1e-15).
    With weights, points of weight 0 are left out (a copy of the others is made if there
    are any); the standardisation and the sd floor read the others once each. "quantile"
    starts at weighted quantiles (for whole-number weights, the start of
    ``np.repeat(x, weights)`` if that has at most 10 000 points); "kmeans++" seeds on the
    points, each once. Weights are frequencies: a mass below ``MIN_MASS`` is empty.
    """
    options = check_options(n_components, max_iter, tol, init, init_params, n_init, tied_sd)
    if noise or (prior is not None and prior is not False):
        return fit_regularised(x, options, prior, noise, weights, rng, callback)
    data = in_memory(x, options, weights)
    loop = (data.passes, data.step, data.x, data.standard, options, check_rng(rng), callback)
    return fit_passes(
        *loop, weights=data.weights, n_points=data.n_points, weight_exponent=data.weight_exponent
    )


def fit_starts(
    x: object,
    n_components: int,
    n_starts: int,
    *,
    max_iter: int = 300,
    tol: float = 1e-8,
    init: str = "kmeans++",
    init_params: GMM | None = None,
    tied_sd: bool = False,
    weights: object = None,
    rng: RngLike = None,
    callback: Callback | None = None,
) -> pd.DataFrame:
    """``fit_em(x, n_components, n_init=n_starts, ...)`` with the history of every start.

    The same starts, runs and choice as ``fit_em``'s (one loop, ``fit_passes``): the best
    start's block equals ``fit_em``'s history with the same arguments and ``rng``.

    Parameters
    ----------
    x, n_components, max_iter, tol, init, init_params, tied_sd, weights, rng, callback
        As for ``fit_em``.
    n_starts : int
        Number of starts, >= 1 (``fit_em``'s ``n_init``; 1 with ``init_params``).

    Returns
    -------
    pandas.DataFrame
        Columns ``start`` and then ``history.HISTORY_COLUMNS``: each start's history
        (as ``fit_em`` returns it), one block per start in order. Starts count from 0, as
        ``fit_em``'s callback counts them. ``attrs`` holds ``best_start`` (the first
        start of the highest final log-likelihood: the one ``fit_em`` returns),
        per start (lists in start order) ``stop_reasons``, ``final_log_likelihoods``,
        ``n_iters`` and ``last_gains``, and as ``fit_em``: ``tol``, ``max_iter``, ``init``,
        ``n_points``, ``total_weight``, ``n_components``, ``n_init`` (``n_starts``),
        ``tied_sd``, ``sd_floor`` and ``outlier_dominates``.
    """
    options = check_options(
        n_components, max_iter, tol, init, init_params, n_starts, tied_sd, n_init_name="n_starts"
    )
    data = in_memory(x, options, weights)
    loop = (data.passes, data.step, data.x, data.standard, options, check_rng(rng), callback)
    runs = list(_runs(*loop, data.weights, data.weight_exponent))
    finals = [run.lls[-1] for run in runs]
    tables = [history_table(run.models, run.lls) for run in runs]
    table = pd.concat(tables, ignore_index=True)
    table.insert(0, "start", np.repeat(np.arange(len(runs)), [len(t) for t in tables]))
    table.attrs.update(
        best_start=int(np.argmax(finals)),  # the first of equal maxima, as fit_passes keeps
        stop_reasons=[run.stop_reason for run in runs],
        final_log_likelihoods=[float(v) for v in finals],
        n_iters=[len(run.models) - 1 for run in runs],
        last_gains=[run.last_gain for run in runs],
        **fit_attrs(options, data.standard, data.n_points, data.weights, data.weight_exponent),
    )
    return table


def _runs(
    passes: Pass,
    step: Step,
    x: FloatArray,
    standard: Standardisation,
    options: Options,
    rng: np.random.Generator,
    callback: Callback | None,
    weights: FloatArray | None,
    weight_exponent: int = 0,
) -> Iterator[Run]:
    """EM from each of the ``options.n_init`` starts in turn (``convergence.run_em``), each
    start made (``options.make_start``, drawing from ``rng``) when the run before it has
    ended: the loop of ``fit_em`` and ``fit_starts``. ``weights`` are relative
    (``validation.relative_weights``): the log-likelihoods reported and recorded are
    scaled back by ``2**weight_exponent``; the stop test, a relative gain, is the same."""
    total = x.size if weights is None else float(weights.sum())
    for start_index in range(options.n_init):
        report: Report = (
            _ignore if callback is None else partial(_scaled_report, callback, start_index, weight_exponent)
        )
        start = make_start(options, x, weights, standard, rng)
        run = run_em(passes, step, total, standard, start, options.max_iter, options.tol, report)
        yield (
            replace(run, lls=[math.ldexp(ll, weight_exponent) for ll in run.lls]) if weight_exponent else run
        )


def _scaled_report(
    callback: Callback, start: int, weight_exponent: int, iteration: int, model: GMM, log_likelihood: float
) -> None:
    """``callback`` with the log-likelihood of the weights as given (``_runs``)."""
    callback(start, iteration, model, math.ldexp(log_likelihood, weight_exponent))


def fit_passes(
    passes: Pass,
    step: Step,
    x: FloatArray,
    standard: Standardisation,
    options: Options,
    rng: np.random.Generator,
    callback: Callback | None,
    *,
    weights: FloatArray | None = None,
    n_points: int | None = None,
    weight_exponent: int = 0,
) -> pd.DataFrame:
    """``fit_em`` on data read through ``passes`` (E-step) and ``step`` (M-step); ``standard``
    is ``scaling.standardisation_for`` of the data, ``x`` the data as the starts read it
    (``initial_model``: size, strided subsample, points at drawn indices): the array, or a
    stand-in serving those reads from a Dask array (``emgmm.dask``); ``weights`` those of
    ``x`` (all > 0, or None), relative (the given ones are ``weights * 2**weight_exponent``:
    ``validation.relative_weights``), ``n_points`` the number of points given (default ``x.size``)."""
    best: Run | None = None
    finals = []
    for run in _runs(passes, step, x, standard, options, rng, callback, weights, weight_exponent):
        finals.append(run.lls[-1])
        if best is None or run.lls[-1] > best.lls[-1]:
            best = run
    assert best is not None  # n_init >= 1
    history = history_table(best.models, best.lls)
    attrs = fit_attrs(
        options, standard, int(x.size) if n_points is None else n_points, weights, weight_exponent
    )
    history.attrs.update(
        converged=best.stop_reason == "converged",
        stop_reason=best.stop_reason,
        decreased=best.stop_reason == "decreased",
        last_gain=best.last_gain,
        n_iter=len(best.models) - 1,
        **attrs,
        start_log_likelihoods=[float(v) for v in finals],
    )
    return history

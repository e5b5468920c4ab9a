"""Bootstrap standard errors and percentile intervals of a fitted mixture's parameters.

Each replicate draws a data set of the data's size (with frequency weights, their sum),
either from the data (resampling with replacement: "nonparametric") or from the fitted
mixture (``sampling.sample``: "parametric"), refits it with EM from the full-data fit's
parameters, and pairs its components with the full-data fit's by the rule of
``matching.match_components``, so a replicate's component 1 estimates the fit's
component 1 whatever order EM left them in (label switching).

Randomness: replicate i draws from its own generator, the i-th child of ``rng``
(``numpy.random.Generator.spawn``, i.e. ``SeedSequence.spawn``), so it is the same data
set whatever the number of replicates and whatever order they are run in.

One process: on the issue's 2-core machine (``python -m benchmarks.bench_bootstrap``)
999 replicates of Old Faithful's waiting times take 3 to 4 s and 200 replicates of
100 000 points (K = 3) 5 to 6 s, inside the targets (5 s, 60 s). Threads do not help: a
refit of 272 points runs Python between small numpy calls, holding the GIL (two threads:
3.9 s where one took 3.0 s). Two processes took 1.9 s (fork) or 2.3 s (forkserver, safe
beside the dashboard's threads), not worth their start-up and data shipping on two
shared cores; the per-replicate generators would let workers split the replicates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from ._types import FloatArray, RngLike
from .em import fit_em
from .history import HISTORY_COLUMNS, PARAMETERS, final_model
from .model import GMM
from .replicates import (
    bootstrap_summary,
    check_level,
    match_order,
    replicate_table,
)
from .sampling import sample
from .validation import check_float, check_int, check_rng, check_sample

#: Values of ``bootstrap(kind=...)``.
KINDS = ("nonparametric", "parametric")

#: ``callback(done, total)``: replicates finished so far, and how many there are.
Progress = Callable[[int, int], object]
#: ``fit_em`` with the component count, start and options of the refits bound.
Refit = Callable[..., pd.DataFrame]


@dataclass(frozen=True)
class Bootstrap:
    """The replicates of a bootstrap and what they say about the fit's parameters.

    Attributes
    ----------
    estimate : GMM
        The full-data fit the replicates were started from and matched to.
    replicates : pandas.DataFrame
        One row per (replicate, component), ``REPLICATE_COLUMNS``; replicates and
        components numbered from 1, a replicate's component j matched to the fit's
        component j. A failed replicate has NaN parameters and ``stop_reason`` "failed".
    summary : pandas.DataFrame
        ``bootstrap_summary(replicates, estimate, level)``.
    kind : str
        "nonparametric" or "parametric".
    level : float
        Coverage of the percentile intervals.
    n_failed : int
        Replicates whose refit failed (counted in ``replicates``, left out of ``summary``).
    """

    estimate: GMM
    replicates: pd.DataFrame
    summary: pd.DataFrame
    kind: str
    level: float
    n_failed: int

    @property
    def n_boot(self) -> int:
        """Number of replicates, failed ones included."""
        return int(self.replicates["replicate"].max())


def _estimate_and_refit(
    fit: object, max_iter: int | None, tol: float | None, tied_sd: bool | None
) -> tuple[GMM, Refit]:
    """The full-data fit, and ``fit_em`` from it with the options given, else the history's."""
    if isinstance(fit, GMM):
        estimate, attrs = fit, {}
    elif isinstance(fit, pd.DataFrame) and set(HISTORY_COLUMNS) <= set(fit.columns):
        estimate, attrs = final_model(fit), fit.attrs
    else:
        raise TypeError(f"fit: expected the history returned by fit_em or a GMM, got {type(fit).__name__}.")
    refit = partial(
        fit_em,
        n_components=estimate.n_components,
        init_params=estimate,
        max_iter=check_int("max_iter", attrs.get("max_iter", 300) if max_iter is None else max_iter, 1),
        tol=check_float("tol", attrs.get("tol", 1e-8) if tol is None else tol, 0.0),
        tied_sd=bool(attrs.get("tied_sd", False) if tied_sd is None else tied_sd),
    )
    return estimate, refit


#: The most observations a replicate (or a simulated data set of ``lrt``) draws: the
#: page's cap on numbers read (5,000,000), so frequency weights summing to 1e20 are refused
#: by name instead of asking numpy for an array past memory.
MAX_SAMPLE = 5_000_000


def sample_size(x: FloatArray, weights: FloatArray | None) -> int:
    """The number of observations that ``x`` with frequency ``weights`` stands for: ``x.size``
    without weights, else the total weight rounded to a whole number.

    Raises
    ------
    ValueError
        When the weights stand for more than ``MAX_SAMPLE`` observations.
    """
    if weights is None:
        return x.size
    total = float(weights.sum())
    if total > MAX_SAMPLE:
        raise ValueError(
            f"weights: sum to {total:.4g} observations, more than the {MAX_SAMPLE:,} a resampled data set "
            "can draw (the bootstrap reads weights as counts); divide them by a constant to resample."
        )
    return round(total)


def _replicate(
    x: FloatArray,
    weights: FloatArray | None,
    estimate: GMM,
    kind: str,
    refit: Refit,
    rng: np.random.Generator,
) -> tuple[GMM, float, str] | None:
    """One replicate: its refit's final model (components in ``estimate``'s order), its
    log-likelihood and stop reason; None when its data cannot be fitted."""
    resampled: FloatArray | None = None
    if kind == "parametric":
        data, _ = sample(estimate, sample_size(x, weights), rng=rng)
    elif weights is None:
        data = x[rng.integers(0, x.size, size=x.size)]
    else:
        # frequencies: how often each point is drawn when the data it stands for (each point
        # repeated by its weight) is resampled; the points not drawn get weight 0
        data = x
        resampled = rng.multinomial(sample_size(x, weights), weights / weights.sum()).astype(np.float64)
    k = estimate.n_components
    try:
        history = refit(data, weights=resampled)
    except ValueError:
        try:
            check_sample(data, k, resampled)  # fit_em's preconditions
        except ValueError:
            return None  # the data's fault: a failed replicate
        raise  # not the data's: a fault to report
    # the final iteration's rows, read from one array: selecting columns builds new
    # tables and copies the history's attrs, which costs as much as a small refit
    last = history.to_numpy(dtype=np.float64)[-k:]
    mix, means, sds, lls = (last[:, history.columns.get_loc(c)] for c in (*PARAMETERS, "log_likelihood"))
    model = GMM(mix / mix.sum(), means, sds)
    order = match_order(estimate, model)
    matched = GMM(model.weights[order], model.means[order], model.sds[order])
    return matched, float(lls[-1]), str(history.attrs["stop_reason"])


def _check_fit_of(fit: object, x: FloatArray, weights: FloatArray | None) -> None:
    """The weights stand for two observations or more, and a history was made on as many
    points and as much weight as given."""
    given = float(x.size if weights is None else weights.sum())
    if sample_size(x, weights) < 2:
        raise ValueError(
            f"weights: sum to {given:g}, fewer than 2 observations; weights are frequencies, "
            "and a replicate draws their sum (rounded) of points."
        )
    attrs = fit.attrs if isinstance(fit, pd.DataFrame) else {}
    n_points, total = attrs.get("n_points"), attrs.get("total_weight")
    if n_points is not None and n_points != x.size:
        raise ValueError(f"fit: was made on {n_points} points, but x has {x.size}; pass the fit of x.")
    if total is not None and not np.isclose(total, given, rtol=1e-9, atol=0.0):
        raise ValueError(
            f"fit: was made with a total weight of {total:g}, but the weights given sum to {given:g}; "
            "pass the weights the fit was made with."
        )


def bootstrap(
    x: object,
    fit: pd.DataFrame | GMM,
    n_boot: int = 999,
    *,
    kind: str = "nonparametric",
    level: float = 0.95,
    rng: RngLike = None,
    max_iter: int | None = None,
    tol: float | None = None,
    tied_sd: bool | None = None,
    weights: object = None,
    callback: Progress | None = None,
) -> Bootstrap:
    """Bootstrap a mixture fitted to ``x``: standard errors and percentile intervals.

    Parameters
    ----------
    x : array-like of shape (n_points,)
        The data the fit was made on.
    fit : pandas.DataFrame or GMM
        The history ``fit_em`` returned for ``x`` (its final model is the estimate, its
        ``attrs`` give ``max_iter``, ``tol`` and ``tied_sd``), or the fitted GMM itself.
    n_boot : int, default 999
        Number of replicates, >= 1 (2 for a standard error).
    kind : {"nonparametric", "parametric"}, default "nonparametric"
        Resample ``x`` with replacement, or draw ``n_points`` points from the fit.
    level : float, default 0.95
        Coverage of the percentile intervals, in (0, 1).
    rng : None, int or numpy.random.Generator
        Replicate i draws from the i-th generator spawned from it.
    max_iter, tol, tied_sd : optional
        The refits' options (``fit_em``); by default the history's, or ``fit_em``'s
        defaults when ``fit`` is a GMM.
    weights : array-like of shape (n_points,), optional
        The frequencies the fit was made with (``fit_em``'s ``weights``): ``x`` then stands
        for ``sample_size(x, weights)`` observations (the total weight, rounded), each
        point repeated by its weight, and a replicate resamples (or, parametric, draws)
        that many.
    callback : callable, optional
        Called as ``callback(done, total)`` after each replicate, to show progress.
        Whatever it raises aborts the bootstrap and propagates.

    Returns
    -------
    Bootstrap

    Notes
    -----
    Each refit starts from the full-data fit (``init_params``), with its K and options,
    and its components are paired with the fit's (``match_order``). A replicate whose
    data ``fit_em`` refuses (e.g. fewer distinct values than components) is recorded as
    failed, counted in ``n_failed`` and left out of the summary; a refit that stops at
    ``max_iter`` is kept, with its ``stop_reason``.
    """
    estimate, refit = _estimate_and_refit(fit, max_iter, tol, tied_sd)
    data, w = check_sample(x, estimate.n_components, weights)
    n_boot = check_int("n_boot", n_boot, 1)
    if not isinstance(kind, str) or kind not in KINDS:
        raise ValueError(f"kind: expected one of {', '.join(KINDS)}; got {kind!r}.")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback: expected a callable, got {type(callback).__name__}.")
    _check_fit_of(fit, data, w)
    level = check_level(level)  # before any work
    generators = check_rng(rng).spawn(n_boot)
    outcomes = []
    for i, generator in enumerate(generators):
        outcomes.append(_replicate(data, w, estimate, kind, refit, generator))
        if callback is not None:
            callback(i + 1, n_boot)
    replicates = replicate_table(outcomes, estimate.n_components)
    summary = bootstrap_summary(replicates, estimate, level)
    n_failed = sum(outcome is None for outcome in outcomes)
    return Bootstrap(estimate, replicates, summary, kind, level, n_failed)

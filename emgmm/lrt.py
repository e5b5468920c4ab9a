"""How many components: a sequential parametric bootstrap likelihood-ratio test.

K components against K + 1 (mclust's ``mclustBootstrapLRT``): the statistic is
``LRT = 2 (L_{K+1} - L_K)``, with L the maximised log-likelihoods. Its distribution
under H0 (K components) is not the textbook chi-squared (H0 sits on the boundary of the
larger model), so it is simulated: B data sets of the data's size are drawn from the
K-component fit, each is fitted with K and with K + 1 components, and
``p = (1 + #{LRT* >= LRT}) / (B + 1)``. Tests run for K = 1, 2, ... and stop at the
first K not rejected at ``level`` (or at ``max_k``).

Every fit of K + 1 components, on the data and on each simulated set, keeps the best of
``n_init`` starts; a K fit of a simulated set starts from the K-component fit it was
drawn from (its true parameters), one start. Replicate i of the test of K draws from its
own generator (``numpy.random.Generator.spawn``), so it is the same whatever ``n_boot``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._types import FloatArray, RngLike
from .bootstrap import sample_size
from .em import fit_em
from .history import final_model
from .model import GMM
from .sampling import sample
from .validation import check_float, check_int, check_rng, check_sample, count_distinct

#: Columns of ``LikelihoodRatioTests.table``.
TABLE_COLUMNS = ("k", "k_alt", "log_likelihood", "log_likelihood_alt", "lrt", "p_value", "b", "n_failed")

#: Columns of ``LikelihoodRatioTests.replicates``.
REPLICATE_COLUMNS = ("k", "k_alt", "replicate", "lrt")

#: ``callback(k, done, total)``: in the test of K against K + 1, ``done`` of ``total`` replicates.
Progress = Callable[[int, int, int], object]


@dataclass(frozen=True)
class LikelihoodRatioTests:
    """The tests of K against K + 1, in increasing K.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per test, ``TABLE_COLUMNS``: ``k`` and ``k_alt`` (= k + 1), the
        maximised log-likelihoods, the observed ``lrt``, its ``p_value``, ``b`` (the
        simulated sets that were fitted) and ``n_failed`` (those that could not be).
    replicates : pandas.DataFrame
        One row per simulated set that was fitted, ``REPLICATE_COLUMNS``: its LRT*
        (for a histogram per test, with the observed ``lrt`` marked); replicates
        numbered from 1.
    level : float
        The level the sequence stopped at.
    """

    table: pd.DataFrame
    replicates: pd.DataFrame
    level: float

    @property
    def selected_k(self) -> int:
        """The first K not rejected in favour of K + 1; the last K + 1 tested when all are."""
        accepted = self.table[self.table["p_value"].to_numpy() > self.level]
        if len(accepted):
            return int(accepted["k"].iloc[0])
        return int(self.table["k_alt"].iloc[-1])


@dataclass(frozen=True)
class _Fitting:
    """The options every fit of the tests shares."""

    n_init: int
    max_iter: int
    tol: float
    tied_sd: bool

    def best(
        self, x: FloatArray, k: int, rng: np.random.Generator, weights: FloatArray | None = None
    ) -> tuple[GMM, float]:
        """The best of ``n_init`` fits of ``k`` components (one suffices for k = 1)."""
        starts = 1 if k == 1 else self.n_init
        history = fit_em(
            x,
            k,
            n_init=starts,
            rng=rng,
            max_iter=self.max_iter,
            tol=self.tol,
            tied_sd=self.tied_sd,
            weights=weights,
        )
        return final_model(history), float(history["log_likelihood"].iloc[-1])

    def from_start(self, x: FloatArray, start: GMM) -> float:
        """The log-likelihood of a fit of ``start.n_components`` components from ``start``."""
        history = fit_em(
            x,
            start.n_components,
            init_params=start,
            max_iter=self.max_iter,
            tol=self.tol,
            tied_sd=self.tied_sd,
        )
        return float(history["log_likelihood"].iloc[-1])


def _simulated_lrt(null: GMM, n: int, fitting: _Fitting, rng: np.random.Generator) -> float | None:
    """LRT* of one data set of ``n`` points drawn from ``null``; None if it cannot be fitted."""
    data, _ = sample(null, n, rng=rng)
    try:
        ll_null = fitting.from_start(data, null)
        _, ll_alt = fitting.best(data, null.n_components + 1, rng)
    except ValueError:
        try:  # fit_em's preconditions: too few distinct values for K + 1 components
            check_sample(data, null.n_components + 1)
        except ValueError:
            return None
        raise  # not the data's fault: a fault to report, not a failed replicate
    return _statistic(ll_null, ll_alt)


def _statistic(ll_null: float, ll_alt: float) -> float:
    """``2 (L_{K+1} - L_K)``, floored at 0: the maximum over K + 1 components is never below
    the one over K (a component split into two equal halves reaches it), so a K + 1 fit
    that ends lower has missed its maximum by a local optimum or an early stop, and the
    ratio is at least 0."""
    return max(0.0, 2.0 * (ll_alt - ll_null))


def _simulate(
    null: GMM,
    n: int,
    fitting: _Fitting,
    generators: list[np.random.Generator],
    callback: Progress | None,
) -> list[tuple[int, float]]:
    """The LRT* of each simulated set that could be fitted, with its number (from 1)."""
    done = []
    for i, generator in enumerate(generators):
        value = _simulated_lrt(null, n, fitting, generator)
        if value is not None:
            done.append((i + 1, value))
        if callback is not None:
            callback(null.n_components, i + 1, len(generators))
    return done


def bootstrap_lrt(
    x: object,
    max_k: int = 5,
    *,
    n_boot: int = 99,
    n_init: int = 3,
    level: float = 0.05,
    rng: RngLike = None,
    max_iter: int = 300,
    tol: float = 1e-8,
    tied_sd: bool = False,
    weights: object = None,
    callback: Progress | None = None,
) -> LikelihoodRatioTests:
    """Test K against K + 1 components for K = 1, 2, ..., by a parametric bootstrap.

    Parameters
    ----------
    x : array-like of shape (n_points,)
        Finite numbers, at least ``max_k`` distinct values.
    max_k : int, default 5
        The largest number of components considered (the last test is
        ``max_k - 1`` against ``max_k``), >= 2.
    n_boot : int, default 99
        Simulated data sets per test (B), >= 1; the smallest p-value is 1 / (B + 1).
    n_init : int, default 3
        Starts of each fit of K + 1 components (and of K on the data); the best is kept.
    level : float, default 0.05
        The sequence stops at the first K whose p-value exceeds ``level``, in (0, 1).
    rng : None, int or numpy.random.Generator
    max_iter, tol, tied_sd
        As in ``fit_em``, for every fit.
    weights : array-like of shape (n_points,), optional
        Frequencies (``fit_em``'s ``weights``) of the points of ``x``: the fits of ``x``
        are weighted, and each simulated set has ``bootstrap.sample_size(x, weights)``
        points (the total weight, rounded), each counted once.
    callback : callable, optional
        Called as ``callback(k, done, total)`` after each simulated set of the test of
        K against K + 1, to show progress. Whatever it raises aborts and propagates.

    Returns
    -------
    LikelihoodRatioTests
        ``table`` (one row per test), ``replicates`` (the LRT* of each test) and
        ``selected_k``.

    Notes
    -----
    A simulated set that cannot be fitted (``fit_em`` refuses it) is counted in
    ``n_failed`` and left out: B is then the number fitted. A fit of K + 1 caught in a
    poor local optimum (or stopped early by ``tol``) may end below the K fit; its LRT,
    on the data and on the simulated sets alike, is then 0 (``log_likelihood`` and
    ``log_likelihood_alt`` keep the fits' values).
    """
    max_k = check_int("max_k", max_k, 2)
    data, w = check_sample(x, 2, weights)
    distinct = count_distinct(data if w is None else data[w > 0], max_k)
    if distinct < max_k:
        raise ValueError(f"max_k: x has only {distinct} distinct values; use max_k of at most {distinct}.")
    n_sim = sample_size(data, w)
    if n_sim < max_k:
        raise ValueError(
            f"weights: sum to {n_sim} (rounded), fewer observations than max_k = {max_k} components."
        )
    n_boot = check_int("n_boot", n_boot, 1)
    level = check_float("level", level, 0.0, strict=True)
    if level >= 1.0:
        raise ValueError(f"level: must be less than 1, got {level}.")
    if callback is not None and not callable(callback):
        raise TypeError(f"callback: expected a callable, got {type(callback).__name__}.")
    fitting = _Fitting(check_int("n_init", n_init, 1), max_iter, tol, bool(tied_sd))
    # one generator for the fits of the data, one per test: a test's replicates do not
    # depend on how many there were in the tests before it
    fits_rng, *test_rngs = check_rng(rng).spawn(max_k)
    null, ll_null = fitting.best(data, 1, fits_rng, w)
    rows: list[tuple[object, ...]] = []
    replicates: list[tuple[int, int, int, float]] = []
    for k, test_rng in zip(range(1, max_k), test_rngs, strict=True):
        alt, ll_alt = fitting.best(data, k + 1, fits_rng, w)
        observed = _statistic(ll_null, ll_alt)
        done = _simulate(null, n_sim, fitting, test_rng.spawn(n_boot), callback)
        stars = np.array([value for _, value in done])
        p_value = (1 + int(np.sum(stars >= observed))) / (stars.size + 1)
        rows.append((k, k + 1, ll_null, ll_alt, observed, p_value, stars.size, n_boot - stars.size))
        replicates.extend((k, k + 1, i, value) for i, value in done)
        if p_value > level:
            break
        null, ll_null = alt, ll_alt
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    return LikelihoodRatioTests(table, pd.DataFrame(replicates, columns=list(REPLICATE_COLUMNS)), level)

"""Choosing the number of components with information criteria (BIC, AIC, ICL), passing
over the K whose fit holds a degenerate component (``degeneracy``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from ._types import RngLike
from .degeneracy import health_table, posterior_sums
from .em import fit_em
from .history import final_model
from .noise import final_noisy_model
from .scaling import standardisation_for
from .validation import check_int, check_rng, check_sample, count_distinct, positive_points

#: The criteria of a ``select_k`` table, each lower is better (``best_k``).
CRITERIA = ("bic", "aic", "icl")

#: Columns of ``select_k``'s table, in order.
SELECTION_COLUMNS = (
    "k",
    "log_likelihood",
    "n_parameters",
    "bic",
    "aic",
    "icl",
    "degenerate",
    "converged",
    "stop_reason",
)


def n_parameters(n_components: int, tied_sd: bool = False, noise: bool = False) -> int:
    """Free parameters of a 1-D mixture: k - 1 weights, k means, and k sds (1 if tied); a
    noise component adds its weight (its range is the data's, not estimated: mclust's
    ``nMclustParams(..., noise = TRUE)``)."""
    return (n_components - 1) + n_components + (1 if tied_sd else n_components) + int(bool(noise))


def _k_values(k_values: object) -> list[int]:
    """The distinct values of K, sorted, each an integer >= 1."""
    if isinstance(k_values, (str, bytes)) or not isinstance(k_values, Iterable):
        raise TypeError(
            f"k_values: expected an iterable of integers such as range(1, 11), got {type(k_values).__name__}."
        )
    given = list(k_values)
    if not given:
        raise ValueError("k_values: is empty; pass at least one K, for example range(1, 11).")
    return sorted({check_int("k_values", k, 1) for k in given})


def select_k(
    x: object,
    k_values: Iterable[int] = range(1, 11),
    *,
    n_init: int = 3,
    rng: RngLike = None,
    max_iter: int = 300,
    tol: float = 1e-8,
    init: str = "kmeans++",
    tied_sd: bool = False,
    weights: object = None,
    callback: Callable[[int], object] | None = None,
    prior: object = None,
    noise: bool = False,
) -> pd.DataFrame:
    """Fit a mixture for each K and score it with BIC, AIC and ICL.

    With L the maximised log-likelihood, p the number of free parameters
    (``n_parameters``), n the number of points (the total weight, with weights) and
    r_nk the fitted responsibilities:
    ``BIC = -2 L + p ln(n)``, ``AIC = -2 L + 2 p`` and
    ``ICL = BIC - 2 sum_n w_n log(max_k r_nk)`` (w_n = 1 without weights).
    Lower is better for all three. This is the negative of mclust's convention, which
    reports ``2 L - p ln(n)`` and ICL as that plus ``2 sum_n log(max_k r_nk)``, higher
    better; ICL adds an entropy-like penalty (>= 0) for components that overlap, so it
    favours well-separated clusters.

    Parameters
    ----------
    x : array-like of shape (n_points,)
        At least two distinct finite values (among the points of positive weight).
    k_values : iterable of int, default 1..10
        Integers >= 1. Values of K larger than the number of distinct values in ``x``
        (of positive weight) are left out.
    n_init : int, default 3
        Starts per K (the best is kept), against poor local optima.
    rng : None, int or numpy.random.Generator
    max_iter, tol, init, tied_sd, weights
        As in ``fit_em``.
    callback : callable, optional
        Called as ``callback(k)`` after the fit for each K, in increasing K, to show
        progress. Whatever it raises aborts the selection and propagates.
    prior : None, True or emgmm.prior.Prior
        As in ``fit_em``: True gives each K mclust's default prior for that K. L is then
        the log-likelihood at the MAP fit (not the log posterior), as mclust computes BIC.
    noise : bool, default False
        As in ``fit_em``; p counts the noise's weight, the ICL's max_k r_nk and the
        degeneracy's masses include the noise (the degeneracy is the Gaussians').

    Returns
    -------
    pandas.DataFrame
        One row per K, columns ``SELECTION_COLUMNS``: ``k, log_likelihood,
        n_parameters, bic, aic, icl, degenerate, converged, stop_reason``;
        ``degenerate`` is True when a component of that K's fit is degenerate
        (``degeneracy.component_health``), and ``best_k`` passes over such rows.
    """
    ks = _k_values(k_values)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback: expected a callable, got {type(callback).__name__}.")
    data, w = positive_points(*check_sample(x, 1, weights))
    rng = check_rng(rng)
    distinct = count_distinct(data, max(ks[-1], 2))
    ks = [k for k in ks if k <= distinct]
    if not ks:
        raise ValueError(f"k_values: x has only {distinct} distinct values; use K of at most {distinct}.")
    n = data.size if w is None else float(w.sum())
    standard = standardisation_for(data)
    rows = []
    for k in ks:
        history = fit_em(
            data,
            k,
            n_init=n_init,
            rng=rng,
            max_iter=max_iter,
            tol=tol,
            init=init,
            tied_sd=tied_sd,
            weights=w,
            prior=prior,
            noise=noise,
        )
        ll = float(history["log_likelihood"].iloc[-1])
        p = n_parameters(k, tied_sd, noise)
        attrs = history.attrs
        if noise:
            mixture = final_noisy_model(history)
            resp = mixture.responsibilities(data)
            counts = np.ones(data.size) if w is None else w
            log_max_resp = float(np.sum(counts * np.log(resp.max(axis=1))))
            mass = (resp[:, 1:] * counts[:, None]).sum(axis=0)
            model = mixture.gaussians
        else:
            model = final_model(history)
            sums = posterior_sums(data, standard, model, w)
            log_max_resp, mass = sums.log_max_resp, sums.mass
        bic = -2 * ll + p * np.log(n)
        rows.append(
            (
                k,
                ll,
                p,
                bic,
                -2 * ll + 2 * p,
                bic - 2 * log_max_resp,
                bool(health_table(model, mass, attrs["sd_floor"])["degenerate"].any()),
                attrs["converged"],
                attrs["stop_reason"],
            )
        )
        if callback is not None:
            callback(k)
    return pd.DataFrame(rows, columns=list(SELECTION_COLUMNS))


def best_k(table: pd.DataFrame, criterion: str = "bic", include_degenerate: bool = False) -> int:
    """The K with the lowest ``criterion`` in a ``select_k`` table.

    Parameters
    ----------
    table : pandas.DataFrame
        As ``select_k`` returns it.
    criterion : {"bic", "aic", "icl"}, default "bic"
    include_degenerate : bool, default False
        Consider the rows flagged ``degenerate`` too. By default they are passed over,
        unless every row is flagged (or the table has no ``degenerate`` column): then
        all rows are considered.
    """
    if not isinstance(criterion, str) or criterion not in CRITERIA:
        raise ValueError(f"criterion: expected one of {', '.join(CRITERIA)}; got {criterion!r}.")
    rows = table
    if not include_degenerate and "degenerate" in table.columns:
        sound = table[~table["degenerate"].to_numpy(dtype=bool)]
        rows = sound if len(sound) else table
    return int(rows.loc[rows[criterion].idxmin(), "k"])

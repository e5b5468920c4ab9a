"""Choosing the number of components with information criteria."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from ._types import RngLike
from .em import fit_em
from .validation import check_data, check_rng, count_distinct


def n_parameters(n_components: int, tied_sd: bool = False) -> int:
    """Free parameters of a 1-D mixture: k - 1 weights, k means, and k sds (1 if tied)."""
    return (n_components - 1) + n_components + (1 if tied_sd else n_components)


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
) -> pd.DataFrame:
    """Fit a mixture for each K and score it with BIC and AIC.

    With L the maximised log-likelihood, p the number of free parameters
    (``n_parameters``) and n the number of points:
    ``BIC = -2 L + p ln(n)`` and ``AIC = -2 L + 2 p``; lower is better.

    Parameters
    ----------
    x : array-like of shape (n_points,)
    k_values : iterable of int, default 1..10
        Values of K larger than the number of distinct values in ``x`` are left out.
    n_init : int, default 3
        Starts per K (the best is kept), against poor local optima.
    rng : None, int or numpy.random.Generator
    max_iter, tol, init, tied_sd
        As in ``fit_em``.

    Returns
    -------
    pandas.DataFrame
        One row per K: ``k, log_likelihood, n_parameters, bic, aic, converged``.
    """
    x = check_data(x)
    rng = check_rng(rng)
    ks = sorted({int(k) for k in k_values})
    if not ks or ks[0] < 1:
        raise ValueError(f"k_values: expected positive integers, got {list(k_values)}.")
    distinct = count_distinct(x, max(ks[-1], 2))
    ks = [k for k in ks if k <= distinct]
    if not ks:
        raise ValueError(f"k_values: x has only {distinct} distinct values; use K of at most {distinct}.")
    rows = []
    for k in ks:
        history = fit_em(x, k, n_init=n_init, rng=rng, max_iter=max_iter, tol=tol, init=init, tied_sd=tied_sd)
        ll = float(history["log_likelihood"].iloc[-1])
        p = n_parameters(k, tied_sd)
        rows.append((k, ll, p, -2 * ll + p * np.log(x.size), -2 * ll + 2 * p, history.attrs["converged"]))
    return pd.DataFrame(rows, columns=["k", "log_likelihood", "n_parameters", "bic", "aic", "converged"])


def best_k(table: pd.DataFrame, criterion: str = "bic") -> int:
    """The K with the lowest ``criterion`` ("bic" or "aic") in a ``select_k`` table."""
    return int(table.loc[table[criterion].idxmin(), "k"])

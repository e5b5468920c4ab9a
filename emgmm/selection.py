"""Choosing the number of components with information criteria."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from ._types import RngLike
from .em import fit_em
from .validation import check_fittable, check_int, check_rng, count_distinct


def n_parameters(n_components: int, tied_sd: bool = False) -> int:
    """Free parameters of a 1-D mixture: k - 1 weights, k means, and k sds (1 if tied)."""
    return (n_components - 1) + n_components + (1 if tied_sd else n_components)


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
    callback: Callable[[int], object] | None = None,
) -> pd.DataFrame:
    """Fit a mixture for each K and score it with BIC and AIC.

    With L the maximised log-likelihood, p the number of free parameters
    (``n_parameters``) and n the number of points:
    ``BIC = -2 L + p ln(n)`` and ``AIC = -2 L + 2 p``; lower is better.

    Parameters
    ----------
    x : array-like of shape (n_points,)
        At least two distinct finite values.
    k_values : iterable of int, default 1..10
        Integers >= 1. Values of K larger than the number of distinct values in ``x``
        are left out.
    n_init : int, default 3
        Starts per K (the best is kept), against poor local optima.
    rng : None, int or numpy.random.Generator
    max_iter, tol, init, tied_sd
        As in ``fit_em``.
    callback : callable, optional
        Called as ``callback(k)`` after the fit for each K, in increasing K, to show
        progress. Whatever it raises aborts the selection and propagates.

    Returns
    -------
    pandas.DataFrame
        One row per K: ``k, log_likelihood, n_parameters, bic, aic, converged,
        stop_reason``.
    """
    ks = _k_values(k_values)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback: expected a callable, got {type(callback).__name__}.")
    x = check_fittable(x, 1)
    rng = check_rng(rng)
    distinct = count_distinct(x, max(ks[-1], 2))
    ks = [k for k in ks if k <= distinct]
    if not ks:
        raise ValueError(f"k_values: x has only {distinct} distinct values; use K of at most {distinct}.")
    rows = []
    for k in ks:
        history = fit_em(x, k, n_init=n_init, rng=rng, max_iter=max_iter, tol=tol, init=init, tied_sd=tied_sd)
        ll = float(history["log_likelihood"].iloc[-1])
        p = n_parameters(k, tied_sd)
        attrs = history.attrs
        rows.append(
            (
                k,
                ll,
                p,
                -2 * ll + p * np.log(x.size),
                -2 * ll + 2 * p,
                attrs["converged"],
                attrs["stop_reason"],
            )
        )
        if callback is not None:
            callback(k)
    columns = ["k", "log_likelihood", "n_parameters", "bic", "aic", "converged", "stop_reason"]
    return pd.DataFrame(rows, columns=columns)


def best_k(table: pd.DataFrame, criterion: str = "bic") -> int:
    """The K with the lowest ``criterion`` ("bic" or "aic") in a ``select_k`` table."""
    return int(table.loc[table[criterion].idxmin(), "k"])

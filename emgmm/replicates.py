"""The tables of a bootstrap: its replicates, matched to the full-data fit, and their summary.

``bootstrap`` makes the replicates; this module holds what reads them, so that a
summary can be recomputed from any subset of replicates (say, the converged ones).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from ._types import IntArray
from .history import PARAMETERS, component_numbers
from .model import GMM
from .validation import check_float

#: Columns of ``Bootstrap.replicates``.
REPLICATE_COLUMNS = ("replicate", "component", *PARAMETERS, "log_likelihood", "converged", "stop_reason")

#: Columns of ``Bootstrap.summary``.
SUMMARY_COLUMNS = ("component", "parameter", "estimate", "se", "lower", "upper", "n")

#: ``stop_reason`` of a replicate whose refit could not run (its data could not be fitted).
FAILED = "failed"


def match_order(reference: GMM, fitted: GMM) -> IntArray:
    """For each component of ``reference``, the index of the ``fitted`` component paired
    with it by ``matching.match_components``'s rule (least total absolute difference of
    the means), as an array: cheap enough to run once per replicate."""
    cost = np.abs(fitted.means[:, None] - reference.means[None, :])  # match_components' orientation
    fit_idx, ref_idx = linear_sum_assignment(cost)
    order: IntArray = np.empty(reference.n_components, dtype=np.intp)
    order[ref_idx] = fit_idx
    return order


def check_level(level: object) -> float:
    number = check_float("level", level, 0.0, strict=True)
    if number >= 1.0:
        raise ValueError(f"level: must be less than 1, got {number}.")
    return number


def replicate_table(outcomes: list[tuple[GMM, float, str] | None], k: int) -> pd.DataFrame:
    """The long table of the replicates, ``REPLICATE_COLUMNS``."""
    n_boot = len(outcomes)
    params = np.full((n_boot, 3, k), np.nan)
    lls = np.full(n_boot, np.nan)
    reasons = np.full(n_boot, FAILED, dtype=object)
    for i, outcome in enumerate(outcomes):
        if outcome is not None:
            model, lls[i], reasons[i] = outcome
            params[i] = model.weights, model.means, model.sds
    return pd.DataFrame(
        {
            "replicate": np.repeat(np.arange(1, n_boot + 1), k),
            "component": np.tile(component_numbers(k), n_boot),
            "weight": params[:, 0].ravel(),
            "mean": params[:, 1].ravel(),
            "sd": params[:, 2].ravel(),
            "log_likelihood": np.repeat(lls, k),
            "converged": np.repeat(reasons == "converged", k),
            "stop_reason": np.repeat(reasons, k).astype(str),
        }
    )


def bootstrap_summary(replicates: pd.DataFrame, estimate: GMM, level: float = 0.95) -> pd.DataFrame:
    """Standard errors and percentile intervals from a table of replicates.

    Parameters
    ----------
    replicates : pandas.DataFrame
        ``Bootstrap.replicates``, or a subset of its rows (say, the converged replicates).
    estimate : GMM
        The full-data fit.
    level : float, default 0.95
        Coverage of the intervals, in (0, 1).

    Returns
    -------
    pandas.DataFrame
        One row per component and parameter (``PARAMETERS``), ``SUMMARY_COLUMNS``:
        ``estimate`` (the full-data value), ``se`` (sd of the replicates, ddof=1; NaN
        with fewer than two), ``lower`` and ``upper`` (the (1 - level) / 2 and
        (1 + level) / 2 quantiles of the replicates, numpy's linear interpolation) and
        ``n`` (replicates used: failed ones are left out).
    """
    tail = (1.0 - check_level(level)) / 2.0
    full = {"weight": estimate.weights, "mean": estimate.means, "sd": estimate.sds}
    rows = []
    for j, component in enumerate(component_numbers(estimate.n_components)):
        mine = replicates[replicates["component"].to_numpy() == component]
        for parameter in PARAMETERS:
            values = mine[parameter].to_numpy(dtype=np.float64)
            values = values[np.isfinite(values)]  # failed replicates hold NaN
            se = float(np.std(values, ddof=1)) if values.size >= 2 else np.nan
            lower, upper = np.quantile(values, [tail, 1.0 - tail]) if values.size else (np.nan, np.nan)
            estimate_j = float(full[parameter][j])
            rows.append((int(component), parameter, estimate_j, se, float(lower), float(upper), values.size))
    return pd.DataFrame(rows, columns=list(SUMMARY_COLUMNS))

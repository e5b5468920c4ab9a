"""Pairing fitted components with the true ones they estimate."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from .history import component_numbers
from .model import GMM


def match_components(true: GMM, fitted: GMM) -> pd.DataFrame:
    """Match each fitted component to a true one by mean distance and tabulate the errors.

    The assignment minimises the total absolute difference of the means
    (``scipy.optimize.linear_sum_assignment``); with unequal numbers of components,
    the extra ones stay unmatched (NaN in the true and error columns).

    Parameters
    ----------
    true, fitted : GMM

    Returns
    -------
    pandas.DataFrame
        One row per fitted component, sorted by fitted mean: ``fit_component``,
        ``true_component`` (nullable int; both numbered from 1, ``component_numbers``),
        ``weight``, ``true_weight``, ``weight_error``,
        ``mean``, ``true_mean``, ``mean_error``, ``sd``, ``true_sd``, ``sd_error``;
        errors are fitted minus true.
    """
    cost = np.abs(fitted.means[:, None] - true.means[None, :])
    fit_idx, true_idx = linear_sum_assignment(cost)
    partner = np.full(fitted.n_components, -1)
    partner[fit_idx] = true_idx
    matched = partner >= 0
    table = pd.DataFrame({"fit_component": component_numbers(fitted.n_components)})
    true_numbers = component_numbers(true.n_components)[np.maximum(partner, 0)]
    table["true_component"] = pd.array(true_numbers, dtype="Int64")
    table.loc[~matched, "true_component"] = pd.NA
    for name, fit_values, true_values in (
        ("weight", fitted.weights, true.weights),
        ("mean", fitted.means, true.means),
        ("sd", fitted.sds, true.sds),
    ):
        truth = np.where(matched, true_values[np.maximum(partner, 0)], np.nan)
        table[name] = fit_values
        table[f"true_{name}"] = truth
        table[f"{name}_error"] = fit_values - truth
    return table.sort_values("mean", kind="stable").reset_index(drop=True)

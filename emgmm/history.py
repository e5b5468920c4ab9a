"""Reading the history table that ``fit_em`` returns."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .model import GMM

#: Columns of the history table, in order.
#: A component's parameters, in the order every table lists them.
PARAMETERS = ("weight", "mean", "sd")
HISTORY_COLUMNS = ("iteration", "component", *PARAMETERS, "log_likelihood")


def component_numbers(n_components: int) -> np.ndarray:
    """The numbers people see for components: 1 to ``n_components``.

    Every table (history, matched components, chart data), legend, CSV and CLI line
    numbers components this way; array positions inside a ``GMM`` stay 0-based.
    """
    return np.arange(1, n_components + 1)


def history_table(models: list[GMM], lls: list[float]) -> pd.DataFrame:
    """The long table of a fit: one row per (iteration, component), ``HISTORY_COLUMNS``."""
    k = models[0].n_components
    n_rows = len(models) * k
    return pd.DataFrame(
        {
            "iteration": np.repeat(np.arange(len(models)), k),
            "component": np.tile(component_numbers(k), len(models)),
            "weight": np.concatenate([m.weights for m in models]),
            "mean": np.concatenate([m.means for m in models]),
            "sd": np.concatenate([m.sds for m in models]),
            "log_likelihood": np.repeat(np.asarray(lls, dtype=np.float64), k),
        },
        index=pd.RangeIndex(n_rows),
    )


def relative_gain(log_likelihood: ArrayLike, previous: ArrayLike) -> np.ndarray:
    """The relative gain of the log-likelihood, ``(L - L_previous) / |L|``: what EM's stop
    test compares with ``tol`` and what the page shows (as a percentage)."""
    ll = np.asarray(log_likelihood, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        return (ll - np.asarray(previous, dtype=np.float64)) / np.abs(ll)


def _check_history(history: object) -> None:
    if not isinstance(history, pd.DataFrame) or not set(HISTORY_COLUMNS) <= set(history.columns):
        raise TypeError("history: expected the DataFrame returned by fit_em.")


def model_at(history: pd.DataFrame, iteration: int) -> GMM:
    """The mixture at one iteration of a fit.

    Parameters
    ----------
    history : pandas.DataFrame
        As returned by ``fit_em``.
    iteration : int
        0 (the start) to the last iteration.

    Returns
    -------
    GMM
    """
    _check_history(history)
    last = int(history["iteration"].iloc[-1])
    if isinstance(iteration, bool) or not isinstance(iteration, (int, np.integer)):
        raise TypeError(f"iteration: expected an integer, got {iteration!r}.")
    if not 0 <= iteration <= last:
        raise ValueError(f"iteration: must be between 0 and {last}, got {iteration}.")
    rows = history[history["iteration"].to_numpy() == iteration]
    weights = rows["weight"].to_numpy()
    # stored weights sum to one up to round-off; renormalise so every row builds a model
    return GMM(weights / weights.sum(), rows["mean"].to_numpy(), rows["sd"].to_numpy())


def models_by_iteration(history: pd.DataFrame) -> tuple[GMM, ...]:
    """The mixture at every iteration of a fit, in order: ``model_at`` of each, in one pass.

    Parameters
    ----------
    history : pandas.DataFrame
        As returned by ``fit_em``.

    Returns
    -------
    tuple of GMM
        Item i is ``model_at(history, i)``.
    """
    _check_history(history)
    n_iterations = int(history["iteration"].iloc[-1]) + 1
    shape = (n_iterations, len(history) // n_iterations)  # rows by iteration, then component
    weights, means, sds = (history[c].to_numpy().reshape(shape) for c in ("weight", "mean", "sd"))
    return tuple(GMM(w / w.sum(), m, s) for w, m, s in zip(weights, means, sds, strict=True))


def final_model(history: pd.DataFrame) -> GMM:
    """The mixture at the last iteration of a fit."""
    _check_history(history)
    return model_at(history, int(history["iteration"].iloc[-1]))


def iteration_table(history: pd.DataFrame) -> pd.DataFrame:
    """One row per iteration: ``iteration``, ``log_likelihood``, ``neg_log_likelihood``
    and ``gain_pct``, the relative gain 100 (L_i - L_{i-1}) / |L_i| (NaN at iteration 0).
    """
    _check_history(history)
    per_iter = history.groupby("iteration", sort=True)["log_likelihood"].first()
    ll = per_iter.to_numpy()
    gain = np.full(ll.size, np.nan)
    gain[1:] = 100.0 * relative_gain(ll[1:], ll[:-1])
    return pd.DataFrame(
        {
            "iteration": per_iter.index.to_numpy(),
            "log_likelihood": ll,
            "neg_log_likelihood": -ll,
            "gain_pct": gain,
        }
    )

"""What EM computes, laid out as tables for teaching it: responsibilities on a grid and per
point, the half-steps of a fit (E-step, then M-step), and the parameters' paths.

Pure functions of a model or a fit's history (``fit_em``); components are numbered from 1
(``history.component_numbers``) in every table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ._types import FloatArray
from .history import PARAMETERS, component_numbers, iteration_table
from .model import GMM, classify, responsibilities
from .scaling import evenly_spaced

#: x values of ``responsibility_curves`` by default: smooth at a chart's width (a few
#: pixels apart), and few enough that a frame's chart of 10 components stays small.
RESPONSIBILITY_GRID = 150
#: The parameters of ``parameter_paths``, in order.


def point_table(x: ArrayLike, model: GMM) -> pd.DataFrame:
    """One row per value: ``value``, ``component`` (the most responsible, numbered from 1)
    and ``r1 .. rK``, each component's responsibility for the value.

    What ``python -m emgmm classify`` writes; the dashboard's points download has the same
    columns (``app.exports.point_table``, of the final model of a fit).

    Parameters
    ----------
    x : array-like of shape (n,)
    model : GMM

    Returns
    -------
    pandas.DataFrame with n rows and columns ``value, component, r1, ..., rK``
    """
    values = np.asarray(x, dtype=np.float64)
    numbers = component_numbers(model.n_components)
    table = pd.DataFrame({"value": values, "component": numbers[classify(values, model)]})
    resp = responsibilities(values, model)
    for j, number in enumerate(numbers):
        table[f"r{number}"] = resp[:, j]
    return table


def responsibility_grid(lo: float, hi: float, n_grid: int = RESPONSIBILITY_GRID) -> FloatArray:
    """The x values ``responsibility_curves`` evaluates: ``n_grid`` evenly spaced over
    [lo, hi] (finite, ``lo < hi``; ``n_grid`` an integer >= 2)."""
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"lo, hi: expected finite numbers with lo < hi, got {lo!r} and {hi!r}.")
    if isinstance(n_grid, bool) or not isinstance(n_grid, int | np.integer) or n_grid < 2:
        raise ValueError(f"n_grid: expected an integer >= 2, got {n_grid!r}.")
    return evenly_spaced(lo, hi, n_grid)  # finite from -1e308 to 1e308 too


def responsibility_curves(
    model: GMM, lo: float, hi: float, n_grid: int = RESPONSIBILITY_GRID
) -> pd.DataFrame:
    """Each component's responsibility r_k(x) = p(y = k | x) on a grid over [lo, hi].

    ``responsibilities`` evaluated on ``n_grid`` evenly spaced x values: computed in log
    space, so the curves stay finite and sum to one at every x, however far from the
    components the grid runs.

    Parameters
    ----------
    model : GMM
    lo, hi : float
        The grid's ends, finite, ``lo < hi`` (a chart's x domain).
    n_grid : int, default ``RESPONSIBILITY_GRID``
        Number of x values, >= 2.

    Returns
    -------
    pandas.DataFrame
        ``n_grid * n_components`` rows, one component's curve after another: ``x``,
        ``component`` (numbered from 1) and ``responsibility``.
    """
    xs = responsibility_grid(lo, hi, n_grid)
    k = model.n_components
    return pd.DataFrame(
        {
            "x": np.tile(xs, k),
            "component": np.repeat(component_numbers(k), n_grid),
            # (n_grid, k) -> component-major, matching the two columns above
            "responsibility": responsibilities(xs, model).T.ravel(),
        }
    )


def uncertainty(x: ArrayLike, model: GMM) -> FloatArray:
    """How unsure the model is of each point's component: ``1 - max_k r_k(x)``.

    0 where one component takes the point outright, at most ``1 - 1/K`` where all K
    share it equally.

    Parameters
    ----------
    x : array-like of shape (n,)
    model : GMM

    Returns
    -------
    ndarray of shape (n,)
    """
    out: FloatArray = 1.0 - responsibilities(x, model).max(axis=1)
    return out


@dataclass(frozen=True)
class HalfStep:
    """One frame of "Show E- and M-steps" (``half_steps``).

    Attributes
    ----------
    kind : {"start", "E", "M", "iteration"}
        "iteration" for a frame of the plain playback (an iteration, whole).
    step : int
        The EM step i (0 for the start).
    params_iteration : int
        The iteration whose parameters are drawn as curves.
    resp_iteration : int
        The iteration whose parameters the responsibilities (panel, strip) come from.
    faint_iteration : int or None
        The iteration whose curves are drawn faint behind the others (M frames), else None.
    label : str
        "Start", "E-step i" or "M-step i".
    title : str
        The frame's heading: the label and what it shows.
    """

    kind: Literal["start", "E", "M", "iteration"]
    step: int
    params_iteration: int
    resp_iteration: int
    faint_iteration: int | None
    label: str
    title: str


def _neg_ll(value: float) -> str:
    return f"-LL = {-value:,.2f}"  # as screens.frame_title writes it


def half_steps(history: pd.DataFrame) -> tuple[HalfStep, ...]:
    """The 2n + 1 frames of a fit of n iterations, shown E-step and M-step apart.

    EM's step i is an E-step, which computes every point's responsibilities under the
    parameters of iteration i - 1, then an M-step, which makes the parameters of
    iteration i from those responsibilities. So the frames are:

    - frame 0, "start": curves of iteration 0, responsibilities under iteration 0;
    - frame 2i - 1, "E", for i = 1..n: curves of iteration i - 1 and the responsibilities
      they give (what the E-step computes);
    - frame 2i, "M": curves of iteration i, the responsibilities that made them (still
      those of iteration i - 1), and the curves of iteration i - 1 faint, to see the move.

    Parameters
    ----------
    history : pandas.DataFrame
        As returned by ``fit_em``.

    Returns
    -------
    tuple of HalfStep
        2n + 1 frames, n the last iteration of ``history``.
    """
    ll = iteration_table(history)["log_likelihood"].to_numpy()
    frames = [HalfStep("start", 0, 0, 0, None, "Start", f"Start: the initial parameters, {_neg_ll(ll[0])}")]
    for i in range(1, ll.size):
        e_title = f"E-step {i}: responsibilities under the parameters of iteration {i - 1}"
        m_title = f"M-step {i}: new parameters from those responsibilities, {_neg_ll(ll[i])}"
        frames.append(HalfStep("E", i, i - 1, i - 1, None, f"E-step {i}", e_title))
        frames.append(HalfStep("M", i, i, i - 1, i - 1, f"M-step {i}", m_title))
    return tuple(frames)


def parameter_paths(history: pd.DataFrame) -> pd.DataFrame:
    """The history as one long table of parameter values: how each one moves.

    Parameters
    ----------
    history : pandas.DataFrame
        As returned by ``fit_em``.

    Returns
    -------
    pandas.DataFrame
        Columns ``iteration``, ``component``, ``parameter`` (``PARAMETERS``: "weight",
        "mean", "sd") and ``value``: all weights (in the history's row order), then all
        means, then all sds.
    """
    iteration_table(history)  # checks that this is a history
    paths = history.melt(
        id_vars=["iteration", "component"],
        value_vars=list(PARAMETERS),
        var_name="parameter",
        value_name="value",
    )
    return paths.astype({"parameter": str})

"""Degenerate components: a spike on one or two points, or a component with no data.

A mixture's likelihood grows without bound as a component's sd shrinks onto a single
point; the sd floor (``scaling.sd_floor_for``) keeps it finite, but a component sitting
on a point or two still buys likelihood that information criteria can reward. This
module says, per component of a fitted model, how many points support it and whether its
sd sits at the floor; ``selection.select_k`` flags a K whose fit holds such a component.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._types import FloatArray
from .history import component_numbers
from .model import GMM
from .scaling import Standardisation, standardisation_for
from .steps import Stats, e_pass
from .validation import check_float, check_sample, positive_points

#: A component supported by fewer effective points than this (``effective_n``, the sum
#: of its responsibilities, weighted) is degenerate. One point or a pair is a spike, not a
#: cluster; three is the smallest cluster the literature keeps (the galaxy velocities'
#: three fastest, N_k = 3.0 at K = 3, mclust's choice). The threshold sits halfway, so
#: that the few hundredths of a point that a component shares with its neighbours
#: (a pair at 2.02, a triple at 2.98) do not carry it across.
MIN_EFFECTIVE_POINTS = 2.5

#: An sd at most ``sd_floor * (1 + SD_FLOOR_RTOL)`` is at the floor. EM reaches the
#: floor exactly (an sd moves between the data's units and EM's by powers of two,
#: ``scaling``), so the margin only covers a model written out and read back to ten or
#: more significant digits; an sd the data supports sits orders of magnitude above the
#: floor (1e-6 of a robust scale).
SD_FLOOR_RTOL = 1e-9

#: Columns of ``component_health``'s table, in order.
HEALTH_COLUMNS = ("component", "weight", "mean", "sd", "effective_n", "sd_at_floor", "degenerate")


def posterior_sums(
    x: FloatArray, standard: Standardisation, model: GMM, weights: FloatArray | None = None
) -> Stats:
    """One E-step of ``model`` (in the data's units) over ``x`` (checked, all weights
    positive), in the standardisation ``standard`` of ``x``: ``mass`` holds
    ``sum_n w_n r_nk`` and ``log_max_resp`` holds ``sum_n w_n log max_k r_nk``."""
    return e_pass(x, standard, standard.model_to_z(model), weights=weights)


def health_table(model: GMM, effective_n: FloatArray, sd_floor: float) -> pd.DataFrame:
    """The table of ``component_health`` from each component's effective number of points."""
    at_floor = model.sds <= sd_floor * (1.0 + SD_FLOOR_RTOL)
    return pd.DataFrame(
        {
            "component": component_numbers(model.n_components),
            "weight": model.weights,
            "mean": model.means,
            "sd": model.sds,
            "effective_n": np.asarray(effective_n, dtype=np.float64),
            "sd_at_floor": at_floor,
            "degenerate": (effective_n < MIN_EFFECTIVE_POINTS) | at_floor,
        }
    )


def component_health(x: object, model: GMM, sd_floor: float, weights: object = None) -> pd.DataFrame:
    """How well the data supports each component of ``model``.

    Parameters
    ----------
    x : array-like of shape (n_points,)
        The data the model was fitted to (as for ``fit_em``: finite, at least two
        distinct values among the points of positive weight).
    model : GMM
        A fitted model, in the data's units (``history.final_model``).
    sd_floor : float
        The fit's sd floor, >= 0 (``fit_em(...).attrs["sd_floor"]``).
    weights : array-like of shape (n_points,), optional
        The fit's weights (frequencies, as for ``fit_em``); None: each point once.

    Returns
    -------
    pandas.DataFrame
        One row per component, columns ``HEALTH_COLUMNS``: ``component`` (numbered from
        1, ``history.component_numbers``), its ``weight``, ``mean`` and ``sd``;
        ``effective_n``, ``sum_n w_n r_nk``, the points it holds (in weight, with
        weights); ``sd_at_floor`` (``sd <= sd_floor * (1 + SD_FLOOR_RTOL)``); and
        ``degenerate``: ``effective_n < MIN_EFFECTIVE_POINTS`` or ``sd_at_floor``.

    Notes
    -----
    With weights, ``effective_n`` is in units of weight: weights scaled to sum to 1 make
    every component look degenerate. Pass frequencies (counts).
    """
    if not isinstance(model, GMM):
        raise TypeError(f"model: expected a GMM, got {type(model).__name__}.")
    floor = check_float("sd_floor", sd_floor, 0.0)
    data, w = positive_points(*check_sample(x, 1, weights))
    sums = posterior_sums(data, standardisation_for(data), model, w)
    return health_table(model, sums.mass, floor)

"""The M-step that follows a frame: ``N_i = sum_n w_n r_ni``, the new means and sds, and
log L of the frame's parameters (``MStepSums``), what the why-views (``why``, ``bound``) read.

A frame shows the responsibilities under the parameters of one iteration t; the M-step
that follows makes iteration t + 1 from them. Before a fit's last iteration its sums are
read off the history (``history_sums``: no pass over the data, what a playing frame can
afford); after the last one a pass computes them through the engine's own E-step and
M-step (``m_step_sums``), on the data standardised as ``fit_em`` does.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._types import FloatArray
from .history import model_at
from .model import GMM
from .scaling import standardisation_for
from .steps import MIN_MASS, e_pass, m_step_from
from .validation import check_data, check_weights, positive_points


@dataclass(frozen=True)
class MStepSums:
    """What the M-step from the parameters ``model`` (iteration t) computes over the data.

    Attributes
    ----------
    model : GMM
        The parameters the responsibilities r_ni come from (iteration t).
    mass : ndarray of shape (n_components,)
        ``N_i = sum_n w_n r_ni`` (w_n the points' weights, 1 without them).
    means : ndarray of shape (n_components,)
        The M-step's new means ``sum_n w_n r_ni x_n / N_i``; a component whose mass
        vanished (``steps.MIN_MASS``) keeps its mean, as the engine's M-step does.
    sds : ndarray of shape (n_components,)
        The M-step's new sds: about the new means, floored at the sd floor, and tied when
        the fit ties them (as the fit's next iteration holds them).
    total : float
        ``N = sum_n w_n``.
    log_likelihood : float
        ``log L(theta_t) = sum_n w_n log p(x_n)``.
    """

    model: GMM
    mass: FloatArray
    means: FloatArray
    sds: FloatArray
    total: float
    log_likelihood: float


def alive(mass: FloatArray) -> npt.NDArray[np.bool_]:
    """Components the M-step moves: mass above ``steps.MIN_MASS``. Twice it, because a mass
    read off a history (``history_sums``) is the floor itself up to rounding."""
    out: npt.NDArray[np.bool_] = mass > 2 * MIN_MASS
    return out


def checked(x: object, weights: object) -> tuple[FloatArray, FloatArray | None]:
    """The data and weights as ``fit_em`` reads them: checked, points of weight 0 left out."""
    data = check_data(x)
    w = None if weights is None else check_weights(weights, data.size)
    return positive_points(data, w)


def m_step_sums(x: object, model: GMM, weights: object = None, tied_sd: bool = False) -> MStepSums:
    """``MStepSums`` of ``model`` over data ``x``: one E-step and the M-step's means, through
    the engine's own code (``steps.e_pass`` and ``steps.m_step_from``) on the data
    standardised as ``fit_em`` standardises it, so the numbers are the fit's own.

    Parameters
    ----------
    x : array-like of shape (n_points,)
        The data the fit ran on.
    model : GMM
        The parameters of the frame (any, in the data's units).
    weights : array-like of shape (n_points,), optional
        The points' frequencies, as given to ``fit_em``.
    tied_sd : bool, default False
        Whether the fit ties the sds (``fit_em``'s ``tied_sd``).

    Returns
    -------
    MStepSums
    """
    data, w = checked(x, weights)
    standard = standardisation_for(data)
    total = float(data.size if w is None else w.sum())
    z_model = standard.model_to_z(model)
    stats = e_pass(data, standard, z_model, weights=w)

    def recentre(shift: FloatArray):  # the M-step's second pass, when a mean moved far
        return e_pass(data, standard, z_model, shift, weights=w)

    new = m_step_from(z_model, stats, total, standard.sd_floor_z, bool(tied_sd), recentre)
    return MStepSums(
        model=model,
        mass=stats.mass.copy(),
        means=standard.location_from_z(new.means),
        sds=standard.scale_from_z(new.sds),
        total=total,
        log_likelihood=stats.log_likelihood - total * standard.log_scale,
    )


def history_sums(history: pd.DataFrame, iteration: int, total: float | None = None) -> MStepSums:
    """``MStepSums`` of a fit's iteration t = ``iteration``, read off its history (no pass
    over the data): the M-step made iteration t + 1, whose weights are N_i / N (so
    ``N_i = w_i^(t+1) N``) and whose means are the new means.

    Parameters
    ----------
    history : pandas.DataFrame
        As returned by ``fit_em`` (or ``hard.fit_hard``: its N_i are then counts).
    iteration : int
        0 to the history's last iteration minus 1 (after the last, use ``m_step_sums``).
    total : float, optional
        N, the total weight of the data; default ``history.attrs["total_weight"]``.

    Returns
    -------
    MStepSums
    """
    last = int(history["iteration"].iloc[-1])
    if not 0 <= iteration < last:
        raise ValueError(
            f"iteration: the history holds M-steps after iterations 0 to {last - 1}, got {iteration}; "
            "after the last one, m_step_sums computes it from the data."
        )
    n = float(history.attrs["total_weight"] if total is None else total)
    # four columns as arrays, rows by iteration then component: a playing frame calls this,
    # and each pandas selection copies the history's attrs
    k = int(history["component"].iat[-1])
    weights, means, sds, lls = (history[c].to_numpy() for c in ("weight", "mean", "sd", "log_likelihood"))
    now, after = slice(iteration * k, (iteration + 1) * k), slice((iteration + 1) * k, (iteration + 2) * k)
    return MStepSums(
        model=GMM(weights[now] / weights[now].sum(), means[now], sds[now]),  # as model_at builds it
        mass=weights[after] / weights[after].sum() * n,
        means=means[after].copy(),
        sds=sds[after].copy(),
        total=n,
        log_likelihood=float(lls[iteration * k]),
    )


def frame_sums(history: pd.DataFrame, iteration: int, x: object, weights: object = None) -> MStepSums:
    """``MStepSums`` of iteration t of a fit: ``history_sums`` before the last iteration,
    ``m_step_sums`` (one pass over ``x``) at the last, where the history holds no next step.

    For a frame of the playback (``teaching.HalfStep``), t is its ``resp_iteration``: the
    parameters whose responsibilities the frame draws. An E-frame of step i and the
    M-frame after it share t = i - 1, and the M-frame's curves are the new means
    (iteration i); a frame of the plain playback or the final view at iteration t shows
    the responsibilities under t and the step that would follow it.
    """
    last = int(history["iteration"].iloc[-1])
    if iteration < last:
        return history_sums(history, iteration)
    return m_step_sums(x, model_at(history, iteration), weights, bool(history.attrs.get("tied_sd", False)))

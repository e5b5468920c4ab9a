"""EM's steps with the numbers in: one point worked out, its share of the next M-step, and
the values of the M-step's formulas for a frame.

A frame shows the responsibilities under the parameters of one iteration t (``model``);
the M-step that follows makes iteration t + 1 from them. ``MStepSums`` holds what that
M-step computes: ``N_i = sum_n w_n r_ni`` and the new means. For t before a fit's last
iteration they are read off the history (``history_sums``: no pass over the data, what a
playing frame can afford); after the last one a pass computes them, through the engine's
own E-step and M-step (``m_step_sums``), on the data standardised as ``fit_em`` does.

Pure functions; components numbered from 1 (``history.component_numbers``) in every table.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from ._types import FloatArray
from .history import component_numbers, model_at
from .model import GMM, responsibilities
from .scaling import standardisation_for
from .steps import MIN_MASS, e_pass, m_step_from
from .validation import check_data, check_weights, positive_points

#: Significant digits of a parameter, density or responsibility as the page shows them
#: (its parameter tables print "%.4g").
SIGNIFICANT = 4
#: Decimals of a count N_i (a sum of responsibilities: "412.3").
COUNT_DECIMALS = 1

_LOG_SQRT_2PI = 0.5 * np.log(2.0 * np.pi)


def shown(value: float) -> str:
    """A parameter, density or responsibility in the digits the page shows (``SIGNIFICANT``)."""
    return f"{value:.{SIGNIFICANT}g}"


def shown_count(value: float) -> str:
    """A count N_i (or N) as the page shows it: thousands separated, ``COUNT_DECIMALS`` decimals."""
    return f"{value:,.{COUNT_DECIMALS}f}"


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


def _alive(mass: FloatArray) -> npt.NDArray[np.bool_]:
    """Components the M-step moves: mass above ``steps.MIN_MASS``. Twice it, because a mass
    read off a history (``history_sums``) is the floor itself up to rounding."""
    out: npt.NDArray[np.bool_] = mass > 2 * MIN_MASS
    return out


def _checked(x: object, weights: object) -> tuple[FloatArray, FloatArray | None]:
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
    data, w = _checked(x, weights)
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


def worked_point(value: float, model: GMM) -> pd.DataFrame:
    """The E-step for one point x, worked out: r_i(x) = w_i N(x | mu_i, sd_i) / sum_j (...).

    Parameters
    ----------
    value : float
        The point x (finite).
    model : GMM
        The parameters of the frame.

    Returns
    -------
    pandas.DataFrame
        One row per component: ``component``, ``weight`` (w_i), ``mean``, ``sd``,
        ``density`` (N(x | mu_i, sd_i)), ``product`` (w_i N(...)), ``sum`` (the sum of the
        products, the same on every row: the mixture density p(x)) and ``responsibility``
        (r_i(x)). The responsibilities are ``model.responsibilities``, the numbers every
        frame draws: product / sum to rounding, and still finite and summing to one where
        every density underflows to 0 (far from all components).
    """
    x = np.array([float(value)])
    log_density = -np.log(model.sds) - _LOG_SQRT_2PI - 0.5 * ((x[0] - model.means) / model.sds) ** 2
    density = np.exp(log_density)
    product = model.weights * density
    return pd.DataFrame(
        {
            "component": component_numbers(model.n_components),
            "weight": model.weights,
            "mean": model.means,
            "sd": model.sds,
            "density": density,
            "product": product,
            "sum": np.full(model.n_components, product.sum()),
            "responsibility": responsibilities(x, model)[0],
        }
    )


def point_share(value: float, sums: MStepSums, weight: float = 1.0) -> pd.DataFrame:
    """One point's share of the M-step that follows a frame: its r_i next to N_i, and its
    contribution ``w r_i x / N_i`` to the new mean ``mu_i' = sum_n w_n r_ni x_n / N_i``.

    Parameters
    ----------
    value : float
        The point x.
    sums : MStepSums
        The M-step of the frame (``frame_sums``).
    weight : float, default 1
        The point's frequency w (a point of weight 2 counts twice).

    Returns
    -------
    pandas.DataFrame
        One row per component: ``component``, ``responsibility`` (r_i(x)), ``mass`` (N_i),
        ``share`` (w r_i / N_i: the point's weight in the new mean), ``contribution``
        (w r_i x / N_i) and ``new_mean`` (mu_i'). A component with no mass (N_i below
        ``steps.MIN_MASS``) gets share and contribution 0: it keeps its mean.
    """
    r = responsibilities(np.array([float(value)]), sums.model)[0]
    alive = _alive(sums.mass)
    share = np.where(alive, weight * r / np.where(alive, sums.mass, 1.0), 0.0)
    return pd.DataFrame(
        {
            "component": component_numbers(sums.model.n_components),
            "responsibility": r,
            "mass": sums.mass,
            "share": share,
            "contribution": share * float(value),
            "new_mean": sums.means,
        }
    )


def step_values(sums: MStepSums) -> pd.DataFrame:
    """The values of the M-step's formulas for a frame: what the step that follows the
    frame's parameters ``sums.model`` computes (the next iteration of the fit).

    Returns
    -------
    pandas.DataFrame
        One row per component: ``component``, ``mass`` (N_i = sum_n r_ni), ``weight``
        (w_i = N_i / N), ``mean`` (mu_i = sum_n r_ni x_n / N_i) and ``sd`` (sigma_i, about
        the new mean, floored, and tied when the fit ties them).
    """
    return pd.DataFrame(
        {
            "component": component_numbers(sums.model.n_components),
            "mass": sums.mass,
            "weight": sums.mass / sums.mass.sum(),
            "mean": sums.means,
            "sd": sums.sds,
        }
    )


def step_text(sums: MStepSums) -> list[str]:
    """``step_values`` as the M-step's formulas with the numbers in, one line a component,
    as ``parameter_text`` writes them: ``"N_2 = 412.3, w_2 = 0.4123, mu_2 = 1.84, sigma_2 = 0.5021"``."""
    values = step_values(sums)
    after = GMM(values["weight"].to_numpy(), values["mean"].to_numpy(), values["sd"].to_numpy())
    return parameter_text(after, sums.total)


def parameter_text(model: GMM, total: float, log_likelihood: float | None = None) -> list[str]:
    """Per component, the values of the M-step's formulas that made ``model`` (an iteration
    of a fit of total weight N = ``total``), in the digits the page shows:
    ``"N_2 = 412.3, w_2 = 0.4123, mu_2 = 1.84, sigma_2 = 0.5021"`` (N_i = w_i N), and last,
    given one, ``"log L = -1,234.56"`` (two decimals, as the frames' headings)."""
    lines = [
        f"N_{i} = {shown_count(w * total)}, w_{i} = {shown(w)}, mu_{i} = {shown(m)}, sigma_{i} = {shown(s)}"
        for i, w, m, s in zip(
            component_numbers(model.n_components), model.weights, model.means, model.sds, strict=True
        )
    ]
    if log_likelihood is not None:
        lines.append(f"log L = {log_likelihood:,.2f}")
    return lines


def responsibility_text(table: pd.DataFrame, value: float) -> list[str]:
    """``worked_point``'s table as the E-step's formula with the numbers in, per component:
    ``"r_2(1.5) = 0.3 x 0.2420 / 0.1812 = 0.4007"``."""
    return [
        f"r_{c}({shown(value)}) = {shown(w)} x {shown(d)} / {shown(s)} = {shown(r)}"
        for c, w, d, s, r in table[["component", "weight", "density", "sum", "responsibility"]].itertuples(
            index=False
        )
    ]

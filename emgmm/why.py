"""EM's steps with the numbers in: one point worked out, its share of the next M-step, and
the values of the M-step's formulas for a frame (from ``mstep.MStepSums``).

The frame's parameters are ``sums.model``; the step that follows, ``sums`` itself
(``mstep.frame_sums``).

Pure functions; components numbered from 1 (``history.component_numbers``) in every table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .history import component_numbers
from .model import GMM, responsibilities
from .mstep import MStepSums, alive
from .validation import check_data

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


def most_shared_point(values: object, model: GMM) -> float:
    """The value among ``values`` (finite numbers: the strip's points, say) that ``model``
    shares out most evenly, the largest ``1 - max_i r_i(x)``: a point whose worked table
    shows the E-step at work. The first of equal ones."""
    x = check_data(values)
    return float(x[np.argmin(responsibilities(x, model).max(axis=1))])


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
    moving = alive(sums.mass)
    share = np.where(moving, weight * r / np.where(moving, sums.mass, 1.0), 0.0)
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

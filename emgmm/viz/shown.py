"""A fit's model as the charts draw it (``Shown``): Gaussians, or Gaussians and mclust's
uniform noise component (``fit_em(..., noise=True)``, ``emgmm.noise``) numbered 0.

One rule for every chart and for the browser's player (``player/player.js``' ``maths``,
compared in Chromium): the noise's density is flat, ``w_0 / (high - low)`` at every x, as
the engine scores it (``NoisyMixture.component_logpdfs``, mclust's constant); the curves,
the responsibilities, the strip's colours and the y axes' tops all come from it. A history's
rows are read by ``shown_model``, never by ``history.model_at`` alone, which would read the
uniform as a normal.
"""

from __future__ import annotations

import math
from typing import TypeAlias

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .._types import FloatArray
from ..history import component_numbers, model_at
from ..model import GMM, classify, responsibilities
from ..noise import NOISE_COMPONENT, NoisyMixture, has_noise, noisy_model_at
from ..teaching import RESPONSIBILITY_GRID, responsibility_grid

#: A model as the charts draw it: Gaussians, or Gaussians and a uniform noise component
#: (``fit_em(..., noise=True)``), the noise numbered 0 (``noise.NOISE_COMPONENT``).
Shown: TypeAlias = GMM | NoisyMixture


#: Vega expression of a weighted normal density at ``datum.x``: p(x|y) p(y).
DENSITY_EXPR = (
    "datum.weight * exp(-0.5 * pow((datum.x - datum.mean) / datum.sd, 2))"
    f" / (datum.sd * {math.sqrt(2 * math.pi)!r})"
)
#: The noise's weighted density (``component_log_densities``): flat, at every x.
UNIFORM_EXPR = "datum.weight / (datum.high - datum.low)"
#: What the charts compute: a row with a range (the noise of ``plotdata.params_table``) is
#: the uniform, any other a normal.
CURVE_EXPR = f"isValid(datum.low) ? ({UNIFORM_EXPR}) : ({DENSITY_EXPR})"


def shown_model(history: pd.DataFrame, iteration: int) -> Shown:
    """The model of one iteration's rows of a history, as the charts draw it: a
    ``NoisyMixture`` when the fit has a noise component (``history.model_at`` would read
    its uniform as a normal), else the GMM."""
    return noisy_model_at(history, iteration) if has_noise(history) else model_at(history, iteration)


def final_shown(history: pd.DataFrame) -> Shown:
    """``shown_model`` of the last iteration."""
    return shown_model(history, int(history["iteration"].iloc[-1]))


def numbers_of(model: Shown) -> np.ndarray:
    """The numbers of ``model``'s components, as tables and legends show them: 0 for the
    noise, then 1..K."""
    k = model.n_components
    return np.arange(k + 1) if isinstance(model, NoisyMixture) else component_numbers(k)


def component_log_densities(model: Shown, x: ArrayLike) -> FloatArray:
    """Log of each component's weighted density at ``x``, shape (components, n): the one
    rule of every chart, and of the browser's player (``player.js``' ``maths``), for the
    curves, the responsibilities and the strip's colours.

    A Gaussian's is ``log w_k + log N(x | mean_k, sd_k)``; the noise's (row 0 of a
    ``NoisyMixture``) is ``log(noise_weight / (high - low))`` at every x: the engine's own
    (``NoisyMixture.component_logpdfs``), so a chart, ``predict`` and the CLI agree beyond
    the fitted range too.
    """
    values = np.asarray(x, dtype=np.float64)
    return model.component_logpdfs(values)


def component_densities(model: Shown, x: ArrayLike) -> FloatArray:
    """Each component's weighted density at ``x``, shape (components, n)
    (``component_log_densities``, exponentiated)."""
    out: FloatArray = np.exp(component_log_densities(model, x))
    return out


def mixture_density(model: Shown, x: ArrayLike) -> FloatArray:
    """The mixture's density at ``x``: the components' summed."""
    out: FloatArray = component_densities(model, x).sum(axis=0)
    return out


def shown_responsibilities(model: Shown, x: ArrayLike) -> FloatArray:
    """r_i(x), shape (n, components), from ``component_log_densities`` (in log space: finite
    far from every component). A GMM's are ``model.responsibilities``'."""
    values = np.asarray(x, dtype=np.float64)
    if not isinstance(model, NoisyMixture):
        return responsibilities(values, model)
    return model.responsibilities(values)


def shown_classes(model: Shown, x: ArrayLike) -> np.ndarray:
    """Each value's most responsible component, by its number (``numbers_of``)."""
    if not isinstance(model, NoisyMixture):
        return component_numbers(model.n_components)[classify(x, model)]
    return numbers_of(model)[np.argmax(shown_responsibilities(model, x), axis=1)]


def shown_responsibility_curves(
    model: Shown, lo: float, hi: float, n_grid: int = RESPONSIBILITY_GRID
) -> pd.DataFrame:
    """``teaching.responsibility_curves`` of a model as the charts draw it
    (``shown_responsibilities``): with a noise component, its curve first, as component 0."""
    xs = responsibility_grid(lo, hi, n_grid)
    numbers = numbers_of(model)
    return pd.DataFrame(
        {
            "x": np.tile(xs, numbers.size),
            "component": np.repeat(numbers, n_grid),
            # (n_grid, components) -> component-major, matching the two columns above
            "responsibility": shown_responsibilities(model, xs).T.ravel(),
        }
    )


def counted(numbers: pd.Series) -> tuple[int, bool]:
    """The Gaussians and whether there is a noise (numbered 0), from a column of numbers."""
    return int(numbers.max()), bool((numbers == NOISE_COMPONENT).any())

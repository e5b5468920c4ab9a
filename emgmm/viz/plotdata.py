"""The small tables the charts draw: binned data, model parameters, a strip subsample.

Charts never embed raw data of arbitrary size: a histogram has ``HIST_BINS`` rows, a
model one row per component (its curves are evaluated by Vega on a grid of
``GRID_POINTS`` x values), and the strip at most ``STRIP_MAX_POINTS`` points, stored as
rounded parallel arrays so that one frame's spec stays small.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..history import component_numbers
from ..model import GMM, classify

#: Histogram bins over the widened data range (as in the original demo).
HIST_BINS = 50
#: Fraction of the data range added on each side of the x axis.
WIDEN = 0.05
#: x values on which density curves are drawn (evaluated in the browser).
GRID_POINTS = 600
#: Points drawn in the strip plot; larger data is shown as a seeded random subsample.
STRIP_MAX_POINTS = 2000
#: Strip values are rounded to this fraction of the axis width: far below a pixel.
STRIP_RESOLUTION = 1e-5


def x_domain(x: np.ndarray) -> tuple[float, float]:
    """The data range widened by 5 % on each side (never empty)."""
    lo, hi = float(np.min(x)), float(np.max(x))
    pad = WIDEN * (hi - lo) if hi > lo else max(abs(lo) * WIDEN, 0.5)
    return lo - pad, hi + pad


def histogram_table(
    x: np.ndarray, domain: tuple[float, float], bins: int = HIST_BINS, weights: np.ndarray | None = None
) -> pd.DataFrame:
    """Density-normalised histogram: one row per bin, columns ``start, end, density``;
    each point counted ``weights`` times when given (frequencies)."""
    density, edges = np.histogram(x, bins=bins, range=domain, density=True, weights=weights)
    return pd.DataFrame({"start": edges[:-1], "end": edges[1:], "density": density})


def grid(domain: tuple[float, float], n: int = GRID_POINTS) -> np.ndarray:
    """The x values density curves are drawn on: ``n`` evenly spaced over ``domain``."""
    return np.linspace(domain[0], domain[1], n)


def strip_sample(
    n_points: int, rng, max_points: int = STRIP_MAX_POINTS, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the points the strip shows, and each one's vertical jitter in [0, 1).

    Both come from ``rng``, so the same seed draws the same strip on every rerun. With
    ``weights`` (frequencies) the strip draws ``max_points`` observations, each row as
    often as its weight makes it likely: a row of count 50 shows about 50 times as often.
    """
    rng = np.random.default_rng(rng)
    if weights is not None:
        p = np.asarray(weights, dtype=np.float64) / float(np.sum(weights))
        return np.sort(rng.choice(n_points, size=max_points, p=p)), rng.uniform(0.0, 1.0, size=max_points)
    index = (
        np.arange(n_points)
        if n_points <= max_points
        else np.sort(rng.choice(n_points, size=max_points, replace=False))
    )
    return index, rng.uniform(0.0, 1.0, size=index.size)


def strip_values(x: np.ndarray, jitter: np.ndarray, domain) -> dict:
    """The strip as one record of space-separated strings ``x`` and ``jitter``.

    Strings, not lists: a JSON list puts every number on its own indented line, which
    would triple the spec, and walking long lists is most of Altair's build time.
    Values are rounded to ``STRIP_RESOLUTION`` of the axis width, far below a pixel.
    """
    # significant digits, not decimals: at 1e100 a fixed-point number is a hundred digits,
    # and a subnormal width would make log10(0)
    lo, hi = float(domain[0]), float(domain[1])
    magnitude = max(abs(lo), abs(hi), np.finfo(np.float64).tiny)
    step = max((hi - lo) * STRIP_RESOLUTION, magnitude * np.finfo(np.float64).eps)
    digits = min(17, max(1, math.ceil(math.log10(magnitude / step)) + 1))
    return {
        "x": joined(f"%.{digits}g", x),
        "jitter": joined("%.3f", jitter),
    }


def joined(form: str, values: ArrayLike) -> str:
    """``values`` formatted by ``form`` (a %-format) and space-separated: how a long series
    travels in one field of one record (a chart splits it back)."""
    # Python's % over a list: three times np.char.mod's speed, the same text
    return " ".join([form % v for v in np.asarray(values).tolist()])


def strip_components(x: np.ndarray, model: GMM) -> str:
    """The most responsible component of each strip point, numbered from 1
    (``component_numbers``), space-separated like the strip's values: any number of
    components."""
    return joined("%d", component_numbers(model.n_components)[classify(x, model)])


def params_records(model: GMM) -> list[dict[str, float]]:
    """``params_table``'s rows as records, made without pandas (a frame makes several)."""
    numbers = component_numbers(model.n_components).tolist()
    rows = zip(numbers, model.weights.tolist(), model.means.tolist(), model.sds.tolist(), strict=True)
    return [{"component": i, "weight": w, "mean": m, "sd": sd} for i, w, m, sd in rows]


def params_table(model: GMM, label: str | None = None) -> pd.DataFrame:
    """One row per component: ``component`` (``component_numbers``), ``weight``, ``mean``, ``sd``
    and, given a label, ``model``."""
    table = pd.DataFrame(
        {
            "component": component_numbers(model.n_components),
            "weight": model.weights,
            "mean": model.means,
            "sd": model.sds,
        }
    )
    if label is not None:
        table["model"] = label
    return table


def density_ceiling(hist: pd.DataFrame, models: list[GMM], xs: np.ndarray) -> float:
    """Top of a fixed y axis: 10 % above the tallest bar or mixture curve."""
    tallest = max([float(hist["density"].max())] + [float(m.pdf(xs).max()) for m in models])
    return 1.1 * tallest if tallest > 0 else 1.0


def component_ceiling(models: list[GMM], xs: np.ndarray) -> float:
    """Top of a fixed y axis for weighted components: 10 % above the tallest one."""
    tallest = max(float(m.component_pdfs(xs).max()) for m in models)
    return 1.1 * tallest if tallest > 0 else 1.0

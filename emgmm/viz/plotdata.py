"""The small tables the charts draw: binned data, model parameters, a strip subsample.

Charts never embed raw data of arbitrary size: a histogram has ``HIST_BINS`` rows, a
model one row per component (its curves are evaluated by Vega on a grid of
``GRID_POINTS`` x values), and the strip at most ``STRIP_MAX_POINTS`` points, stored as
rounded parallel arrays so that one frame's spec stays small.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from ..history import component_numbers
from ..noise import NoisyMixture
from ..scaling import evenly_spaced, float_step, span
from ..validation import relative_weights as relative_weights_of
from .shown import Shown, component_densities, mixture_density, numbers_of, shown_classes

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


#: A histogram's bin is at least this many float64 steps wide at the domain's largest
#: magnitude: a narrower bin's edges would round onto each other.
MIN_BIN_STEPS = 1

_MAX = float(np.finfo(np.float64).max)


def x_domain(x: np.ndarray) -> tuple[float, float]:
    """The data range widened by 5 % on each side (never empty), within float64's range.

    The pad is computed in the data's own units: ``WIDEN * (hi - lo)``, or, when that
    difference overflows, ``WIDEN * hi - WIDEN * lo`` (each term at most 5 % of the largest
    float); the ends are capped at the largest float.
    """
    lo, hi = float(np.min(x)), float(np.max(x))
    width = span(lo, hi)
    # the exact difference where it exists: at 1.7e18 WIDEN * hi rounds by more than the spread
    pad = WIDEN * width if width < _MAX else WIDEN * hi - WIDEN * lo
    if not hi > lo:
        pad = max(abs(lo) * WIDEN, 0.5)
    return max(lo - pad, -_MAX), min(hi + pad, _MAX)


def grid(domain: tuple[float, float], n: int = GRID_POINTS) -> np.ndarray:
    """The x values density curves are drawn on: ``n`` evenly spaced over ``domain``
    (``scaling.evenly_spaced``: finite whatever the domain's width)."""
    return evenly_spaced(float(domain[0]), float(domain[1]), n)


def bin_edges(domain: tuple[float, float], bins: int) -> np.ndarray:
    """Edges of at most ``bins`` equal bins over ``domain``, each at least ``MIN_BIN_STEPS``
    float64 steps wide at the domain's largest magnitude (``float_step``): strictly
    increasing, so no bin rounds away, at any magnitude and any offset. Fewer bins than
    asked when the domain holds fewer such steps (``len(edges) - 1`` says how many)."""
    lo, hi = float(domain[0]), float(domain[1])
    step = MIN_BIN_STEPS * float_step(max(abs(lo), abs(hi)))
    # how many steps the domain holds, in steps (hi / step - lo / step cannot overflow)
    room = int(min(hi / step - lo / step, float(bins)))
    # steps of at least one float step: each edge rounds once, and none onto its neighbour
    return grid((lo, hi), max(room, 1) + 1)


def bin_widths(edges: np.ndarray) -> np.ndarray:
    """``numpy.diff(edges)``, finite even where a bin is wider than the largest float
    (then its width is capped there: an overflowing width is no width at all)."""
    with np.errstate(over="ignore"):
        widths = np.diff(edges)
    return np.minimum(widths, _MAX)


def histogram_table(
    x: np.ndarray, domain: tuple[float, float], bins: int = HIST_BINS, weights: np.ndarray | None = None
) -> pd.DataFrame:
    """Density-normalised histogram: one row per bin, columns ``start, end, density``;
    each point counted ``weights`` times when given (frequencies, relative: any positive
    scale draws the same bars).

    Bins follow ``bin_edges`` (fewer than ``bins`` when float64 cannot resolve that many
    over the domain); a bar whose density passes the largest float (data spread over a few
    subnormal steps) is NaN, drawn as no bar. ``attrs["bins"]`` is the number of bins
    drawn and ``attrs["overflow"]`` whether any density overflowed.
    """
    edges = bin_edges(domain, bins)
    w = None if weights is None else relative_weights(weights)
    counts, _ = np.histogram(x, bins=edges, weights=w)
    share = counts / float(np.sum(counts))  # at most 1: no sum of the weights overflows
    with np.errstate(over="ignore"):
        density = share / bin_widths(edges)
    overflow = not bool(np.all(np.isfinite(density)))
    density[~np.isfinite(density)] = np.nan
    table = pd.DataFrame({"start": edges[:-1], "end": edges[1:], "density": density})
    table.attrs.update(bins=int(edges.size - 1), overflow=overflow)
    return table


def relative_weights(weights: np.ndarray) -> np.ndarray:
    """``weights`` (non-negative, not all 0) scaled as EM scales them
    (``validation.relative_weights``): the largest in [1, 2), so their sum stays finite."""
    return relative_weights_of(np.asarray(weights, dtype=np.float64))[0]


def strip_sample(
    n_points: int, rng, max_points: int = STRIP_MAX_POINTS, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the points the strip shows, and each one's vertical jitter in [0, 1).

    Both come from ``rng``, so the same seed draws the same strip on every rerun. With
    ``weights`` (frequencies) the strip draws ``max_points`` observations, each row as
    often as its weight makes it likely: a row of count 50 shows about 50 times as often.
    Weights are relative: the probabilities are those of ``relative_weights``, finite for
    weights up to the largest float.
    """
    rng = np.random.default_rng(rng)
    if weights is not None:
        p = relative_weights(weights)
        p = p / float(np.sum(p))
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
    # a width past the largest float (-1e308 to 1e308) is capped there: the step is what matters
    step = max(span(lo, hi) * STRIP_RESOLUTION, magnitude * np.finfo(np.float64).eps)
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


def strip_components(x: np.ndarray, model: Shown) -> str:
    """The most responsible component of each strip point, by its number (``numbers_of``:
    from 1, the noise 0), space-separated like the strip's values: any number of
    components."""
    return joined("%d", shown_classes(model, x))


def _columns(model: Shown) -> dict[str, Any]:
    """``params_table``'s columns. A noisy model's row 0 is the noise: its weight, the
    uniform's mean and sd (for the table: its density is flat), and its range, ``low`` and
    ``high``, which tell the charts' density expression (``shown.CURVE_EXPR``) to draw
    it flat; the Gaussians' weights are their share of the whole mixture."""
    if not isinstance(model, NoisyMixture):
        return {
            "component": component_numbers(model.n_components),
            "weight": model.weights,
            "mean": model.means,
            "sd": model.sds,
        }
    g, k = model.gaussians, model.n_components
    nan = np.full(k, np.nan)
    return {
        "component": numbers_of(model),
        "weight": model.weights,
        "mean": np.r_[model.low / 2 + model.high / 2, g.means],  # no overflow at the ends of float64
        "sd": np.r_[span(model.low, model.high) / math.sqrt(12.0), g.sds],
        "low": np.r_[model.low, nan],
        "high": np.r_[model.high, nan],
    }


def records(table: pd.DataFrame) -> list[dict[str, Any]]:
    """``table``'s rows as records without their missing values (a Gaussian's ``low`` and
    ``high``): JSON has no NaN, and the density expression tests for a missing range."""
    return [{k: v for k, v in row.items() if v == v} for row in table.to_dict("records")]


def params_records(model: Shown) -> list[dict[str, Any]]:
    """``params_table``'s rows as records, made without pandas (a frame makes several)."""
    columns = {k: np.asarray(v).tolist() for k, v in _columns(model).items()}
    rows = [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    return [{k: v for k, v in row.items() if v == v} for row in rows]


def params_table(model: Shown, label: str | None = None) -> pd.DataFrame:
    """One row per component: ``component`` (``numbers_of``: the noise, if any, is 0),
    ``weight``, ``mean``, ``sd`` (with a noise: also ``low`` and ``high``, see ``_columns``)
    and, given a label, ``model``."""
    table = pd.DataFrame(_columns(model))
    if label is not None:
        table["model"] = label
    return table


def density_ceiling(hist: pd.DataFrame, models: list[Shown], xs: np.ndarray) -> float:
    """Top of a fixed y axis: 10 % above the tallest bar or mixture curve."""
    heights = [hist["density"].to_numpy(dtype=np.float64)] + [mixture_density(m, xs) for m in models]
    # a density past the largest float (data spread over subnormal steps) sets no axis
    finite = [h[np.isfinite(h)] for h in heights]
    tallest = max((float(h.max()) for h in finite if h.size), default=0.0)
    return min(1.1 * tallest, _MAX) if tallest > 0 else 1.0


def component_ceiling(models: list[Shown], xs: np.ndarray) -> float:
    """Top of a fixed y axis for weighted components: 10 % above the tallest one."""
    heights = [component_densities(m, xs) for m in models]
    tallest = max((float(h[np.isfinite(h)].max()) for h in heights if np.isfinite(h).any()), default=0.0)
    return min(1.1 * tallest, _MAX) if tallest > 0 else 1.0

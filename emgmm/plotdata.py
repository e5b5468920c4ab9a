"""The small tables the charts draw: binned data, curves on a grid, a strip subsample.

Charts never embed raw data of arbitrary size: a histogram has ``HIST_BINS`` rows, a
curve ``GRID_POINTS`` x values, and the strip at most ``STRIP_MAX_POINTS`` points.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .model import GMM, classify

#: Histogram bins over the widened data range (as in the original demo).
HIST_BINS = 50
#: Fraction of the data range added on each side of the x axis.
WIDEN = 0.05
#: x values on which density curves are drawn.
GRID_POINTS = 300
#: Points drawn in the strip plot; larger data is shown as a seeded random subsample.
STRIP_MAX_POINTS = 2000


def x_domain(x: np.ndarray) -> tuple[float, float]:
    """The data range widened by 5 % on each side (never empty)."""
    lo, hi = float(np.min(x)), float(np.max(x))
    pad = WIDEN * (hi - lo) if hi > lo else max(abs(lo) * WIDEN, 0.5)
    return lo - pad, hi + pad


def histogram_table(x: np.ndarray, domain: tuple[float, float], bins: int = HIST_BINS) -> pd.DataFrame:
    """Density-normalised histogram: one row per bin, columns ``start, end, density``."""
    density, edges = np.histogram(x, bins=bins, range=domain, density=True)
    return pd.DataFrame({"start": edges[:-1], "end": edges[1:], "density": density})


def grid(domain: tuple[float, float], models: list[GMM] = (), n: int = GRID_POINTS) -> np.ndarray:
    """Evenly spaced x values over ``domain``, plus a few around each narrow component
    of ``models`` so that a peak far narrower than the grid spacing is still drawn."""
    base = np.linspace(domain[0], domain[1], n)
    spacing = base[1] - base[0]
    extra = [
        mu + sd * np.linspace(-3, 3, 13)
        for m in models
        for mu, sd in zip(m.means, m.sds)
        if sd < 2 * spacing
    ]
    if not extra:
        return base
    values = np.concatenate([base, *extra])
    return np.unique(values[(values >= domain[0]) & (values <= domain[1])])


def strip_sample(n_points: int, rng, max_points: int = STRIP_MAX_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the points the strip shows, and each one's vertical jitter in [0, 1).

    Both come from ``rng``, so the same seed draws the same strip on every rerun.
    """
    rng = np.random.default_rng(rng)
    if n_points <= max_points:
        index = np.arange(n_points)
    else:
        index = np.sort(rng.choice(n_points, size=max_points, replace=False))
    return index, rng.uniform(0.0, 1.0, size=index.size)


def strip_table(x: np.ndarray, jitter: np.ndarray, model: GMM | None = None) -> pd.DataFrame:
    """Strip-plot rows ``x, jitter`` and, given a model, ``component`` (1-based) of the
    highest responsibility."""
    table = pd.DataFrame({"x": x, "jitter": jitter})
    if model is not None:
        table["component"] = classify(x, model) + 1
    return table


def component_curves(model: GMM, xs: np.ndarray, *, mixture: bool = True) -> pd.DataFrame:
    """Long table of each weighted component density ``p(x|y=i)p(y=i)`` on ``xs``
    (``component`` 1..k) and, if ``mixture``, the mixture density (``component`` 0)."""
    dens = model.component_pdfs(xs)
    if mixture:
        dens = np.vstack([dens.sum(axis=0), dens])
        labels = np.arange(dens.shape[0])
    else:
        labels = np.arange(1, dens.shape[0] + 1)
    return pd.DataFrame(
        {
            "x": np.tile(xs, len(labels)),
            "density": dens.ravel(),
            "component": np.repeat(labels, xs.size),
        }
    )


def density_ceiling(hist: pd.DataFrame, models: list[GMM], xs: np.ndarray) -> float:
    """Top of a fixed y axis: 10 % above the tallest bar or mixture curve."""
    tallest = max([float(hist["density"].max())] + [float(m.pdf(xs).max()) for m in models])
    return 1.1 * tallest if tallest > 0 else 1.0

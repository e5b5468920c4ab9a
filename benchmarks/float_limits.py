"""The limits float64 leaves the data views and weights, measured (README, "Your own data").

Run: python -m benchmarks.float_limits

Prints: the bins a histogram keeps over microsecond timestamps; the narrowest spread of
two points whose density histogram can still be drawn (its densities below the largest
float); and how far fits with weights of every scale from 5e-324 to 1e300 stay from the
fit with unit weights.
"""

from __future__ import annotations

import math

import numpy as np

from emgmm import GMM, fit_em, sample
from emgmm.viz import plotdata, screens


def bins_kept() -> None:
    for n in (11, 101):
        x = 1.7e15 + np.arange(float(n))
        for bins in (50, 200):
            view = screens.data_view(x, 0, bins=bins)
            print(f"1.7e15 + 0..{n - 1} (float step 0.25), {bins} bins asked: {len(view.hist)} kept")


def narrowest_drawable_spread(bins: int = plotdata.HIST_BINS) -> None:
    """Halve the spread of two points at 0 and d until a density passes the largest float."""
    d = 1.0
    while True:
        half = d / 2
        if (
            half == 0
            or plotdata.histogram_table(
                np.array([0.0, half]), plotdata.x_domain(np.array([0.0, half])), bins
            ).attrs["overflow"]
        ):
            break
        d = half
    print(
        f"two points: densities drawn down to a spread of {d:.3g} (2**{math.frexp(d)[1] - 1}); below, left out"
    )


def weight_scales() -> None:
    x = sample(GMM([0.5, 0.5], [0.0, 5.0], [1.0, 1.0]), 500, rng=0)[0]
    unit = fit_em(x, 2, weights=np.ones(x.size), rng=0)
    worst = 0.0
    for scale in (5e-324, 1e-300, 1e-20, 3.0, 1e20, 1e300):
        h = fit_em(x, 2, weights=np.full(x.size, scale), rng=0)
        assert h.attrs["n_iter"] == unit.attrs["n_iter"]
        for column in ("weight", "mean", "sd"):
            worst = max(worst, float(np.max(np.abs(h[column] / unit[column] - 1))))
    print(
        f"weights 5e-324 .. 1e300 against unit weights: same iterations, parameters within {worst:.2g} (relative)"
    )


if __name__ == "__main__":
    bins_kept()
    narrowest_drawable_spread()
    weight_scales()

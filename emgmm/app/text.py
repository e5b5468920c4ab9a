"""What the page says about the engine's values: labels, titles, descriptions.

The engine returns values and column names; the words a person reads live here, once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..io.reading import plural

#: '1 value', '2,000 values': the page counts things as the readers' messages do.
count = plural


@dataclass(frozen=True)
class ExampleText:
    """How the page names a shipped data set and what it says about it."""

    title: str
    about: str
    quantity: str


EXAMPLE_TEXT = {
    "old_faithful": ExampleText(
        "Old Faithful: waiting times",
        "Minutes between 272 eruptions of the Old Faithful geyser (Azzalini & Bowman 1990): "
        "a classic bimodal data set.",
        "waiting time (min)",
    ),
    "old_faithful_durations": ExampleText(
        "Old Faithful: eruption durations",
        "Duration in minutes of the same 272 eruptions: short and long eruptions.",
        "eruption duration (min)",
    ),
    "galaxies": ExampleText(
        "Galaxy velocities",
        "Velocities (km/s) of 82 galaxies in the Corona Borealis region (Roeder 1990): "
        "how many clusters is a classic question, with answers from 3 to 7.",
        "velocity (km/s)",
    ),
}

SOURCE_LABELS = {
    "random": "Random mixture",
    "example": "Example data set",
    "upload": "Upload CSV",
    "paste": "Paste numbers",
}

COLOUR_LABELS = {"component": "most responsible component", "uncertainty": "uncertainty, 1 - max r"}
INIT_LABELS = {
    "kmeans++": "k-means++",
    "quantile": "quantile",
    "random": "random (original demo)",
    "hc": "hierarchical (mclust's hc, deterministic)",
    "custom": "your own (click the data)",
}

#: Column headings of ``matching.match_components`` for people.
MATCH_LABELS = {
    "fit_component": "fitted component",
    "true_component": "true component",
    "weight": "weight",
    "true_weight": "true weight",
    "weight_error": "weight error",
    "mean": "mean",
    "true_mean": "true mean",
    "mean_error": "mean error",
    "sd": "sd",
    "true_sd": "true sd",
    "sd_error": "sd error",
}


def number_format(values: object) -> str:
    """A printf format that keeps distinct values apart on the page.

    Four significant digits, or as many more as the closest two distinct values need:
    means around 1e12 that differ by 10 print as 1000000000000 and 1000000000010, not
    both as 1e+12.
    """
    finite = np.asarray(values, dtype=np.float64)
    finite = np.unique(finite[np.isfinite(finite)])
    digits = 4
    if finite.size > 1:
        with np.errstate(over="ignore"):  # -1.8e308 to 1.8e308 are more than the largest float apart
            gaps = np.diff(finite)
        largest, closest = float(np.abs(finite).max()), float(gaps.min())
        with np.errstate(over="ignore"):  # 1e300 beside 5e-324: more digits than float64 has
            ratio = max(largest / closest, 1.0) if largest > 0 and closest > 0 else 1.0
        digits = max(digits, math.ceil(math.log10(ratio)) + 2) if math.isfinite(ratio) else 17
    return f"%.{min(digits, 17)}g"


def without_noise(what: str) -> str:
    """The sentence an analysis shows under a fit with a noise component when it uses the
    fit's Gaussians alone: ``what`` ("The bootstrap", ...) and what that means."""
    return (
        f"{what} uses this fit's Gaussians without the noise component (their weights relative to "
        "each other): it does not model the noise."
    )

"""Starting parameters for EM, in standardised units (``scaling``): the original demo's
start, data quantiles, k-means++, model-based hierarchical agglomeration (``hierarchical``).
Each reads at most a bounded subsample of the data, so a start costs the same memory for
ten thousand points and for a billion."""

from __future__ import annotations

import numpy as np

from ._types import FloatArray, IntArray
from .hierarchical import init_hc
from .model import GMM
from .scaling import Standardisation, subsample

#: Valid values of ``fit_em(init=...)``.
INIT_METHODS = ("kmeans++", "quantile", "random", "hc")

#: k-means++ seeds on at most this many points drawn from the data: enough to place
#: starting means well, and it keeps the start's cost and memory independent of n.
KMEANS_SUBSAMPLE = 10_000

#: Lloyd iterations after k-means++ seeding.
LLOYD_STEPS = 5


def init_random(n_components: int, spread: float, rng: np.random.Generator) -> GMM:
    """The original demo's start in the data's own units: equal weights, means
    ``spread * u`` with u uniform in [0, 1), sds ``spread``, about the centre (z = 0).

    The demo drew means in [0, 1) with sds 1 whatever the data, which on data far from
    [0, 1) or much wider or narrower than 1 started EM where rounding could lose the
    data. Here the recipe and the draws are the same, in units of the data's robust
    scale: in the data's units, means ``centre + robust_scale * u`` and sds ``robust_scale``
    (``scaling.Standardisation``), so a fit of ``a * x + b`` starts at ``a * start + b``.
    """
    k = n_components
    return GMM(np.full(k, 1.0 / k), spread * rng.uniform(0.0, 1.0, size=k), np.full(k, spread))


def init_quantile(z: FloatArray, n_components: int, sd_floor: float) -> GMM:
    """Means at the quantiles (i + 0.5) / k of ``z``, equal weights, sds = std(z) / k."""
    k = n_components
    means = np.quantile(z, (np.arange(k) + 0.5) / k)
    sd = max(float(np.std(z)) / k, sd_floor)
    return GMM(np.full(k, 1.0 / k), means, np.full(k, sd))


def _kmeans_pp_centres(y: FloatArray, k: int, rng: np.random.Generator) -> FloatArray:
    """k-means++ seeding: each next centre drawn with probability proportional to D^2."""
    centres = [y[rng.integers(y.size)]]
    d2 = (y - centres[0]) ** 2
    for _ in range(1, k):
        total = d2.sum()
        # all remaining points coincide with a centre: any point will do
        idx = rng.choice(y.size, p=d2 / total) if total > 0 else rng.integers(y.size)
        centres.append(y[idx])
        np.minimum(d2, (y - y[idx]) ** 2, out=d2)
    return np.sort(np.array(centres))


def _nearest(y: FloatArray, sorted_centres: FloatArray) -> IntArray:
    """Index of the nearest of the sorted centres for each point (1-D: a binary search)."""
    midpoints = 0.5 * (sorted_centres[1:] + sorted_centres[:-1])
    return np.searchsorted(midpoints, y)


def init_kmeans_pp(y: FloatArray, n_components: int, sd_floor: float, rng: np.random.Generator) -> GMM:
    """k-means++ seeding on the points ``y``, then a few Lloyd steps.

    Weights are the clusters' shares of points, means their centres, sds their
    standard deviations (floored at ``sd_floor``; a cluster of one point gets the
    points' sd / k).
    """
    k = n_components
    centres = _kmeans_pp_centres(y, k, rng)
    for _ in range(LLOYD_STEPS):
        labels = _nearest(y, centres)
        counts = np.bincount(labels, minlength=k)
        # mean of each cluster as centre + mean deviation: no large raw sums
        shift = np.bincount(labels, weights=y - centres[labels], minlength=k)
        moved = np.where(counts > 0, centres + shift / np.maximum(counts, 1), centres)
        centres = np.sort(moved)
    labels = _nearest(y, centres)
    counts = np.bincount(labels, minlength=k)
    dev2 = np.bincount(labels, weights=(y - centres[labels]) ** 2, minlength=k)
    fallback = max(float(np.std(y)) / k, sd_floor)
    sds = np.where(counts > 1, np.sqrt(dev2 / np.maximum(counts, 1)), fallback)
    sds = np.maximum(np.where(sds > 0, sds, fallback), sd_floor)
    # an empty cluster still gets a small share so that EM can use it
    weights = np.maximum(counts, 1) / np.maximum(counts, 1).sum()
    return GMM(weights, centres, sds)


def initial_model(
    x: FloatArray,
    standard: Standardisation,
    n_components: int,
    method: str,
    sd_floor: float,
    rng: np.random.Generator,
) -> GMM:
    """The named start (already validated by the caller) in z units; ``sd_floor`` too.

    "quantile" reads ``scaling.subsample(x)`` (at most 10 000 points at equal strides:
    the exact quantiles up to that size, no copy of the data beyond it); "kmeans++" at
    most ``KMEANS_SUBSAMPLE`` points drawn at random; "random" none; "hc" (model-based
    hierarchical agglomeration, ``hierarchical.init_hc``) at most ``hierarchical.HC_SUBSAMPLE``
    of ``subsample(x)``'s points, at equal strides.
    """
    if method == "random":
        return init_random(n_components, standard.robust_z, rng)
    if method == "quantile":
        return init_quantile(standard.to_z(subsample(x)), n_components, sd_floor)
    if method == "hc":
        return init_hc(standard.to_z(subsample(x)), n_components, sd_floor)
    y = x if x.size <= KMEANS_SUBSAMPLE else x[rng.integers(0, x.size, KMEANS_SUBSAMPLE)]
    return init_kmeans_pp(standard.to_z(y), n_components, sd_floor, rng)

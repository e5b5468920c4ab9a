"""Starting parameters for EM: the original demo's start, data quantiles, k-means++."""

from __future__ import annotations

import numpy as np

from .model import GMM

#: Valid values of ``fit_em(init=...)``.
INIT_METHODS = ("kmeans++", "quantile", "random")

#: k-means++ seeds on at most this many points drawn from the data: enough to place
#: starting means well, and it keeps the start's cost and memory independent of n.
KMEANS_SUBSAMPLE = 10_000

#: Lloyd iterations after k-means++ seeding.
LLOYD_STEPS = 5


def init_random(x: np.ndarray, n_components: int, rng: np.random.Generator) -> GMM:
    """The original demo's start: equal weights, means uniform in [0, 1), sds 1.

    Kept for fidelity with the demo; it ignores where the data lies.
    """
    k = n_components
    return GMM(np.full(k, 1.0 / k), rng.uniform(0.0, 1.0, size=k), np.ones(k))


def init_quantile(x: np.ndarray, n_components: int, sd_floor: float) -> GMM:
    """Means at the data quantiles (i + 0.5) / k, equal weights, sds = std(x) / k."""
    k = n_components
    means = np.quantile(x, (np.arange(k) + 0.5) / k)
    sd = max(float(np.std(x)) / k, sd_floor)
    return GMM(np.full(k, 1.0 / k), means, np.full(k, sd))


def _kmeans_pp_centres(y: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
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


def _nearest(y: np.ndarray, sorted_centres: np.ndarray) -> np.ndarray:
    """Index of the nearest of the sorted centres for each point (1-D: a binary search)."""
    midpoints = 0.5 * (sorted_centres[1:] + sorted_centres[:-1])
    return np.searchsorted(midpoints, y)


def init_kmeans_pp(x: np.ndarray, n_components: int, sd_floor: float, rng: np.random.Generator) -> GMM:
    """k-means++ seeding on (a subsample of) the data, then a few Lloyd steps.

    Weights are the clusters' shares of points, means their centres, sds their
    standard deviations (floored at ``sd_floor``; a cluster of one point gets the
    data's sd / k).
    """
    k = n_components
    y = x if x.size <= KMEANS_SUBSAMPLE else x[rng.integers(0, x.size, KMEANS_SUBSAMPLE)]
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
    x: np.ndarray, n_components: int, method: str, sd_floor: float, rng: np.random.Generator
) -> GMM:
    """Dispatch to the named init method (already validated by the caller)."""
    if method == "random":
        return init_random(x, n_components, rng)
    if method == "quantile":
        return init_quantile(x, n_components, sd_floor)
    return init_kmeans_pp(x, n_components, sd_floor, rng)

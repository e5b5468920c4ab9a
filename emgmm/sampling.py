"""Random mixtures and samples from them, as in the original demo (vectorised)."""

from __future__ import annotations

import numpy as np

from ._types import FloatArray, IntArray, RngLike
from .model import GMM
from .validation import check_float, check_int, check_rng

#: The original demo floors the true components' sds at this value.
MIN_TRUE_SD = 0.1


def random_model(n_components: int, spread: float = 1.5, rng: RngLike = None) -> GMM:
    """Draw a random mixture with the original demo's recipe.

    Equal weights ``1 / n_components``; means drawn from Normal(0, spread); standard
    deviations drawn uniformly from [0, 1) and floored at 0.1.

    Parameters
    ----------
    n_components : int
        Number of components, at least 1.
    spread : float, default 1.5
        Standard deviation of the component means, > 0.
    rng : None, int or numpy.random.Generator
        Source of randomness.

    Returns
    -------
    GMM
    """
    n_components = check_int("n_components", n_components, 1)
    spread = check_float("spread", spread, 0.0, strict=True)
    rng = check_rng(rng)
    means = rng.normal(0.0, spread, size=n_components)
    sds = np.maximum(rng.uniform(0.0, 1.0, size=n_components), MIN_TRUE_SD)
    return GMM(np.full(n_components, 1.0 / n_components), means, sds)


def sample(model: GMM, n_points: int, rng: RngLike = None) -> tuple[FloatArray, IntArray]:
    """Draw points from ``model``: a component for each point by the weights, then the point.

    Parameters
    ----------
    model : GMM
    n_points : int
        Number of points, at least 1.
    rng : None, int or numpy.random.Generator

    Returns
    -------
    x : ndarray of shape (n_points,), float64
    labels : ndarray of shape (n_points,), int
        The component each point was drawn from.
    """
    if not isinstance(model, GMM):
        raise TypeError(f"model: expected a GMM, got {type(model).__name__}.")
    n_points = check_int("n_points", n_points, 1)
    rng = check_rng(rng)
    labels = rng.choice(model.n_components, size=n_points, p=model.weights)
    x = rng.standard_normal(n_points)
    # scale and shift in place: one array of n_points, no temporaries of that size
    x *= model.sds[labels]
    x += model.means[labels]
    return x, labels


def simulate(n_components: int, spread: float, n_points: int, seed: int) -> tuple[GMM, FloatArray]:
    """The demo's data from one seed: a random true model and ``n_points`` from it.

    One generator serves both draws, so the seed alone fixes the data.
    """
    rng = check_rng(seed)
    model = random_model(n_components, spread, rng=rng)
    x, _ = sample(model, n_points, rng=rng)
    return model, x

"""Random mixtures and samples from them, as in the original demo (vectorised)."""

from __future__ import annotations

import numpy as np

from ._types import FloatArray, IntArray, RngLike
from .model import GMM
from .validation import check_float, check_int, check_rng

#: The original demo floors the true components' sds at this value.
MIN_TRUE_SD = 0.1

#: Points scaled and shifted per step in ``sample``.
_CHUNK = 65_536


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

    Raises
    ------
    ValueError
        Naming ``spread``, when a drawn mean falls beyond float64's range (a spread near
        1e308).
    """
    n_components = check_int("n_components", n_components, 1)
    spread = check_float("spread", spread, 0.0, strict=True)
    rng = check_rng(rng)
    with np.errstate(over="ignore"):
        means = spread * rng.standard_normal(size=n_components)  # Normal(0, spread), same draws
    if not np.all(np.isfinite(means)):
        raise ValueError(
            f"spread: {spread:g} puts a component mean beyond float64's largest number "
            f"({np.finfo(np.float64).max:.4g}); use a smaller spread."
        )
    sds = np.maximum(rng.uniform(0.0, 1.0, size=n_components), MIN_TRUE_SD)
    return GMM(np.full(n_components, 1.0 / n_components), means, sds)


def sample(model: GMM, n_points: int, rng: RngLike = None) -> tuple[FloatArray, IntArray]:
    """Draw points from ``model``: a component for each point by the weights, then the point.

    The draws are those of ``rng.choice(n_components, size=n_points, p=model.weights)``
    followed by ``rng.standard_normal(n_points)``, made in the outputs' own memory: no
    temporary of ``n_points`` values beyond the two outputs.

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
    x = np.empty(n_points)
    # rng.choice(k, p=weights): uniforms against the normalised cumulative weights
    cdf = np.cumsum(model.weights)
    cdf /= cdf[-1]
    rng.random(out=x)
    labels: IntArray = cdf.searchsorted(x, side="right")
    rng.standard_normal(out=x)
    # scale and shift in place, a chunk at a time: temporaries of one chunk only
    for start in range(0, n_points, _CHUNK):
        part, chosen = x[start : start + _CHUNK], labels[start : start + _CHUNK]
        part *= model.sds[chosen]
        part += model.means[chosen]
    return x, labels


def simulate(n_components: int, spread: float, n_points: int, seed: int) -> tuple[GMM, FloatArray]:
    """The demo's data from one seed: a random true model and ``n_points`` from it.

    One generator serves both draws, so the seed alone fixes the data.
    """
    rng = check_rng(seed)
    model = random_model(n_components, spread, rng=rng)
    x, _ = sample(model, n_points, rng=rng)
    return model, x

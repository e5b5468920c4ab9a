"""A conjugate prior on each component's mean and variance, for MAP EM: mclust's
``priorControl()`` in one dimension (Fraley and Raftery 2007, "Bayesian regularization for
normal mixture estimation and model-based clustering", J. Classification 24, 155-181).

Each component's ``(mean_k, var_k)`` is normal-inverse-gamma, independently of the others:
``mean_k | var_k ~ N(mean, var_k / shrinkage)`` and ``var_k ~ InvGamma(dof / 2, scale / 2)``.
The mixing weights get no prior (as in mclust), so their update stays ``mass_k / n``.
With ``n_k`` the responsibility mass of component k, ``xbar_k`` its weighted mean and
``W_k = sum_n r_nk (x_n - xbar_k)^2``, the MAP M-step (mclust's ``me1vp``, ``me1ep``) is::

    mean_k = (n_k xbar_k + shrinkage mean) / (n_k + shrinkage)
    var_k  = (scale + W_k + shrinkage n_k / (n_k + shrinkage) (xbar_k - mean)^2)
             / (dof + n_k + 3)
    tied:  var = (scale + sum_k [W_k + shrinkage n_k / (n_k + shrinkage) (xbar_k - mean)^2])
             / (dof + n + K + 2)

The variance is bounded below by ``scale / (dof + n + 3)``: no component collapses onto a
point, which is why BIC can be read over every K.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln

from ._types import FloatArray
from .model import GMM
from .scaling import Standardisation
from .validation import check_float, check_int, check_sample, positive_points

#: mclust's ``defaultPrior`` shrinkage (``kappa_P``): the prior mean counts as 0.01 of a point.
DEFAULT_SHRINKAGE = 0.01
#: mclust's ``defaultPrior`` degrees of freedom in one dimension (``nu_P = d + 2``).
DEFAULT_DOF = 3.0

_LOG_2PI = math.log(2.0 * math.pi)


@dataclass(frozen=True)
class Prior:
    """The hyperparameters of the conjugate prior, in the data's units.

    Attributes
    ----------
    shrinkage : float
        ``kappa_P`` >= 0: how many points the prior mean counts as (0: no prior on the means).
    mean : float
        ``mu_P``, the prior mean of every component's mean.
    dof : float
        ``nu_P`` > 0, the inverse gamma's degrees of freedom.
    scale : float
        ``varsigma_P`` > 0, the inverse gamma's scale (a variance).
    """

    shrinkage: float
    mean: float
    dof: float
    scale: float

    def __post_init__(self) -> None:
        check_float("Prior.shrinkage", self.shrinkage, 0.0)
        check_float("Prior.mean", self.mean)
        check_float("Prior.dof", self.dof, 0.0, strict=True)
        check_float("Prior.scale", self.scale, 0.0, strict=True)

    def to_z(self, standard: Standardisation) -> Prior:
        """The same prior for ``z = (x - centre) / scale``: the mean moves and scales, the
        scale (a variance) divides by the square of the data's scale."""
        mean = float(standard.location_to_z(np.array([self.mean]))[0])
        scale = math.ldexp(self.scale, -2 * standard.exponent)
        return Prior(self.shrinkage, mean, self.dof, scale)

    def to_dict(self) -> dict[str, float]:
        """The hyperparameters as a plain dict (for a fit's ``attrs`` and downloads)."""
        return {"shrinkage": self.shrinkage, "mean": self.mean, "dof": self.dof, "scale": self.scale}


def default_prior(
    x: object,
    n_components: int,
    *,
    shrinkage: float = DEFAULT_SHRINKAGE,
    dof: float = DEFAULT_DOF,
    weights: object = None,
) -> Prior:
    """mclust's default prior for a 1-D mixture of ``n_components`` (its ``defaultPrior``
    for models "V" and "E").

    ``mean`` is the data's mean, ``scale`` its sample variance (denominator n - 1, as R's
    ``var``) divided by ``n_components ** 2`` (``var / G^(2/d)`` with d = 1), ``shrinkage``
    0.01 and ``dof`` 3 unless given.

    Parameters
    ----------
    x : array-like of shape (n_points,)
        At least two distinct finite values.
    n_components : int
        K >= 1: the scale depends on it, so each K of a selection has its own prior.
    shrinkage, dof : float
        As ``Prior``.
    weights : array-like of shape (n_points,), optional
        Frequencies, as in ``fit_em``: the mean and variance of the repeated data.

    Returns
    -------
    Prior
    """
    k = check_int("n_components", n_components, 1)
    data, w = positive_points(*check_sample(x, 2, weights))
    w = np.ones(data.size) if w is None else w
    total = float(w.sum())
    if total <= 1.0:
        raise ValueError(f"weights: default_prior needs a total weight above 1, got {total}.")
    centre = float(np.median(data))  # deviations about a data value: no large raw sums
    mean = centre + float(np.sum(w * (data - centre)) / total)
    variance = float(np.sum(w * (data - mean) ** 2) / (total - 1.0))
    return Prior(
        check_float("shrinkage", shrinkage, 0.0),
        mean,
        check_float("dof", dof, 0.0, strict=True),
        variance / k**2,
    )


def map_moments(
    mass: FloatArray, xbar: FloatArray, within: FloatArray, prior: Prior, tied: bool, n: float
) -> tuple[FloatArray, FloatArray]:
    """The MAP means and variances from each component's mass ``n_k``, weighted mean
    ``xbar_k`` and within sum of squares ``W_k`` (see the module), all in one set of units
    (the prior's). ``n`` is the total mass (for the tied variance)."""
    kappa, mu = prior.shrinkage, prior.mean
    means = (mass * xbar + kappa * mu) / (mass + kappa)
    between = kappa * mass / (mass + kappa) * (xbar - mu) ** 2
    if tied:
        k = mass.size
        pooled = (prior.scale + float(np.sum(within + between))) / (prior.dof + n + k + 2.0)
        return means, np.full(k, pooled)
    return means, (prior.scale + within + between) / (prior.dof + mass + 3.0)


def log_prior(model: GMM, prior: Prior) -> float:
    """The log density of the prior at ``model``'s means and variances (the weights have
    none): ``sum_k log N(mean_k; mean, var_k / shrinkage) + log InvGamma(var_k; dof/2, scale/2)``,
    in the units of ``model`` and ``prior``. With ``shrinkage`` 0 the means' prior is flat
    (only the normal's ``-log sd_k`` stays). MAP EM never lowers ``log L + log_prior``."""
    return log_prior_of(model.means, model.sds, prior)


def log_prior_of(means: FloatArray, sds: FloatArray, prior: Prior) -> float:
    """``log_prior`` of components with these means and sds (no weights needed)."""
    var = sds**2
    a, b = prior.dof / 2.0, prior.scale / 2.0
    inv_gamma = a * math.log(b) - gammaln(a) - (a + 1.0) * np.log(var) - b / var
    # the normal's 1 / sd stays with shrinkage 0 (the limit of a vanishing shrinkage, and
    # what the M-step's "+ 3" assumes)
    total = float(np.sum(inv_gamma - 0.5 * np.log(var)))
    if prior.shrinkage > 0:
        kappa = prior.shrinkage
        normal = 0.5 * (math.log(kappa) - _LOG_2PI) - kappa * (means - prior.mean) ** 2 / (2.0 * var)
        total += float(np.sum(normal))
    return total

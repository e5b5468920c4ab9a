"""Why EM stops: the relative gain fell below ``tol`` ("converged"), the iterations ran
out ("max_iter"), or the log-likelihood fell by more than rounding can explain
("decreased"). EM's log-likelihood never falls in exact arithmetic, so a fall beyond
rounding is a fault to report, never a convergence.
"""

from __future__ import annotations

import math

import numpy as np

from .model import GMM
from .scaling import Standardisation
from .steps import Stats

#: The values of ``fit_em(...).attrs["stop_reason"]``.
STOP_REASONS = ("converged", "max_iter", "decreased")

#: A fall of the log-likelihood up to this many times the sum of the two values'
#: resolutions (``loglik_resolution``) is rounding.
RESOLUTION_MULTIPLE = 4.0

#: Rounding of the arithmetic itself: this many float64 epsilons of sum_n |log p(x_n)|
#: (the terms' own rounding and the summation's).
ARITHMETIC_ULPS = 16.0

EPS = float(np.finfo(np.float64).eps)


def loglik_resolution(stats: Stats, standard: Standardisation, model: GMM) -> float:
    """How far the log-likelihood of ``model`` (z units) is known, given float64.

    The rule: data and means are stored to ``eps * max(|x|, |mean|)`` at their
    magnitude (the data's own resolution). Moving every point by that much moves
    ``log L = sum_n log p(x_n)`` by up to ``sum_n |d log p / dx|(x_n)`` times it, with
    ``d log p / dx = -sum_k r_nk (x_n - mean_k) / sd_k^2``; add the arithmetic's own
    rounding, ``ARITHMETIC_ULPS * eps * sum_n |log p(x_n)|``. Both sums come from a pass
    with ``detail=True`` (``stats.slope`` in z units, where the step is divided by the scale).
    """
    magnitude = max(
        math.ldexp(standard.max_abs, -standard.exponent),
        float(np.max(np.abs(model.means + standard.scaled_centre))),
    )
    return stats.slope * EPS * magnitude + ARITHMETIC_ULPS * EPS * stats.abs_terms


def is_decrease(previous: float, current: float, resolution: float) -> bool:
    """Whether the log-likelihood fell from ``previous`` to ``current`` by more than
    ``resolution``, the summed resolutions of the two values (``loglik_resolution``)
    times ``RESOLUTION_MULTIPLE``."""
    return current < previous - RESOLUTION_MULTIPLE * resolution

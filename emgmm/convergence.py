"""One run of EM from a start to its stop (``run_em``), and why it stops: the relative gain
fell below ``tol`` ("converged"), the iterations ran out ("max_iter"), or the
log-likelihood fell by more than rounding can explain ("decreased"). EM's log-likelihood
never falls in exact arithmetic, so a fall beyond rounding is a fault to report, never a
convergence.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .history import relative_gain
from .model import GMM
from .scaling import Standardisation
from .steps import Pass, Stats

#: What ``run_em`` reports after each pass: ``(iteration, model, log_likelihood)``.
Report = Callable[[int, GMM, float], object]
#: The M-step with the data bound: ``step(model, stats)``, z units (``steps.m_step``).
Step = Callable[[GMM, Stats], GMM]

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


@dataclass(frozen=True)
class Run:
    """One run of EM: models in the data's units, their log-likelihoods, and why it stopped."""

    models: list[GMM]
    lls: list[float]
    stop_reason: str
    last_gain: float


def fell(
    passes: Pass, standard: Standardisation, before: GMM, after: GMM, ll_before: float, ll_after: float
) -> bool:
    """Whether EM's step from ``before`` to ``after`` (z units, log-likelihoods of z) lowered
    the log-likelihood beyond rounding (``is_decrease``): two more passes, at the stop only."""
    if ll_after >= ll_before:
        return False
    resolution = sum(
        loglik_resolution(passes(model, detail=True), standard, model) for model in (before, after)
    )
    return is_decrease(ll_before, ll_after, resolution)


def run_em(
    passes: Pass,
    step: Step,
    n: float,
    standard: Standardisation,
    start: tuple[GMM, GMM],
    max_iter: int,
    tol: float,
    report: Report,
) -> Run:
    """EM from ``start`` (z units, and as recorded) over ``n`` points (or their total weight)
    read by ``passes`` and ``step``, to its stop; ``report(iteration, model, log_likelihood)``
    is called after each pass, in the data's units."""
    offset = n * standard.log_scale  # log L(x) = log L(z) - n log(scale)
    current, recorded = start
    stats = passes(current)
    models, lls = [recorded], [stats.log_likelihood - offset]
    report(0, recorded, lls[0])
    stop_reason, gain = "max_iter", float("nan")
    for iteration in range(1, max_iter + 1):
        previous, ll_previous = current, stats.log_likelihood
        current = step(previous, stats)
        stats = passes(current)
        models.append(standard.model_from_z(current))
        lls.append(stats.log_likelihood - offset)
        report(iteration, models[-1], lls[-1])
        gain = float(relative_gain(lls[-1], lls[-2]))
        if gain < tol:
            fallen = fell(passes, standard, previous, current, ll_previous, stats.log_likelihood)
            stop_reason = "decreased" if fallen else "converged"
            break
    return Run(models, lls, stop_reason, gain)

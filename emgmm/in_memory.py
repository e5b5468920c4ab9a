"""Data in memory made ready for EM's loop (``em.fit_em``, ``em.fit_starts``): the checked
points of positive weight, their weights made relative, the data's standardisation, and
the E- and M-steps over them."""

from __future__ import annotations

from dataclasses import dataclass

from ._types import FloatArray
from .convergence import Step
from .model import GMM
from .options import Options
from .scaling import Standardisation, standardisation_for
from .steps import Pass, Stats, e_pass, m_step, m_step_from
from .validation import check_sample, positive_points, relative_weights


@dataclass(frozen=True)
class InMemory:
    """Checked data in memory: the points of positive weight and their weights (None: each
    once), the number of points given, the standardisation, the E-step and the M-step."""

    x: FloatArray
    weights: FloatArray | None
    n_points: int
    standard: Standardisation
    passes: Pass
    step: Step
    weight_exponent: int = 0  # the weights given are ``weights * 2**weight_exponent``


def in_memory(x: object, options: Options, weights: object) -> InMemory:
    """``x`` and ``weights`` checked (``validation.check_sample``), ready for the loop."""
    given, w = check_sample(x, options.n_components, weights)
    data, w = positive_points(given, w)
    # weights are relative: EM runs on them scaled to a largest in [1, 2), so 1e-20 or
    # 1e300 fit as 1 does (MIN_MASS is absolute); only the log-likelihood scales back
    w, weight_exponent = (None, 0) if w is None else relative_weights(w)
    standard = standardisation_for(data)
    sd_floor, tied = standard.sd_floor_z, options.tied_sd
    total = data.size if w is None else float(w.sum())

    def passes(model: GMM, shift: FloatArray | None = None, detail: bool = False) -> Stats:
        return e_pass(data, standard, model, shift, detail, w)

    def step(model: GMM, stats: Stats) -> GMM:
        if w is None:
            return m_step(data, standard, model, stats, sd_floor, tied)
        # n is the total weight, and a second pass (``steps.m_step_from``) is weighted too
        return m_step_from(model, stats, total, sd_floor, tied, lambda shift: passes(model, shift))

    return InMemory(data, w, given.size, standard, passes, step, weight_exponent)

"""Classification EM ("hard" EM; Celeux & Govaert 1992): each point wholly to its most
responsible component, as k-means does, with sds and weights; and how its fit differs
from EM's.

Its E-step is ``model.classify`` (the argmax of the responsibilities), its M-step the
weighted count, mean and sd of each component's own points. It maximises the
classification likelihood, not the mixture's: on overlapping components a point in the
overlap counts wholly for the nearer one, so each component loses its tail beyond the
boundary, its mean moves away from the other and its sd shrinks. Its history has the
long format of ``fit_em`` (a playback plays it) and records the mixture's log-likelihood,
which a hard step may lower.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._types import FloatArray, IntArray, RngLike
from .history import component_numbers, final_model, history_table
from .matching import match_components
from .model import GMM, classify
from .options import check_options, make_start
from .scaling import standardisation_for
from .steps import CHUNK_ELEMENTS, MIN_MASS
from .validation import check_rng, check_sample, positive_points

#: Hard and soft fits differ when a mean differs by more than this fraction of EM's sd,
#: or an sd by more than this fraction of itself.
DIFFERENCE = 0.01


def _assign(z: FloatArray, model: GMM, w: FloatArray | None) -> tuple[IntArray, float, float]:
    """Each point's most responsible component, the mixture's log-likelihood and the
    classification log-likelihood ``sum_n w_n log(w_c N(z_n | c))`` (z units), in chunks."""
    labels = np.empty(z.size, dtype=np.intp)
    ll = cll = 0.0
    chunk = max(1024, CHUNK_ELEMENTS // model.n_components)
    for start in range(0, z.size, chunk):
        part = z[start : start + chunk]
        logs = model.component_logpdfs(part)
        # argmax along components row by row: contiguous, unlike argmax(axis=0); ties
        # keep the lower index, as classify does
        best, top = np.zeros(part.size, dtype=np.intp), logs[0].copy()
        for i in range(1, model.n_components):
            better = logs[i] > top
            best[better] = i
            np.maximum(top, logs[i], out=top)
        lost = np.isneginf(top)  # every density underflowed: classify ranks by distance
        if np.any(lost):
            best[lost] = classify(part[lost], model)
        labels[start : start + part.size] = best
        # log-sum-exp about the top (0 where every density underflowed), and numpy's own
        # sums: no BLAS, whose threads would fight concurrent fits
        safe_top = np.where(lost, 0.0, top)
        with np.errstate(divide="ignore"):  # every density underflowed: log p = -inf
            logs -= safe_top
            log_p = np.log(np.exp(logs, out=logs).sum(axis=0)) + safe_top
        if w is not None:
            log_p *= w[start : start + part.size]
            top = top * w[start : start + part.size]
        ll += float(log_p.sum())
        cll += float(top.sum())
    return labels, ll, cll


def _hard_m_step(
    z: FloatArray, w: FloatArray | None, labels: IntArray, model: GMM, sd_floor: float, tied_sd: bool
) -> GMM:
    """Weighted count, mean and sd of each component's points (z units). A component that
    took no point keeps its mean and sd, and its weight is floored at ``steps.MIN_MASS`` of
    the data, as in EM: it then takes no point again, and stays empty."""
    k = model.n_components
    mass = np.bincount(labels, weights=w, minlength=k)
    alive = mass > MIN_MASS
    safe = np.where(alive, mass, 1.0)
    means = np.where(
        alive, np.bincount(labels, weights=z if w is None else w * z, minlength=k) / safe, model.means
    )
    dev2 = np.square(z - means[labels])  # about the new means: no cancellation
    variances = np.bincount(labels, weights=dev2 if w is None else w * dev2, minlength=k) / safe
    if tied_sd:
        pooled = float(np.sum(np.where(alive, mass * variances, 0.0)) / mass.sum())
        sds = np.full(k, max(np.sqrt(pooled), sd_floor))
    else:  # one point (or one repeated value) gives sd 0: the floor keeps the density finite
        sds = np.where(alive, np.maximum(np.sqrt(variances), sd_floor), model.sds)
    floored = np.maximum(mass, MIN_MASS)
    return GMM(floored / floored.sum(), means, sds)


def fit_hard(
    x: object,
    n_components: int,
    *,
    max_iter: int = 300,
    tol: float = 1e-8,
    init: str = "kmeans++",
    init_params: GMM | None = None,
    tied_sd: bool = False,
    weights: object = None,
    rng: RngLike = None,
) -> pd.DataFrame:
    """Fit a Gaussian mixture to ``x`` with classification (hard) EM; return every iteration.

    Parameters
    ----------
    x, n_components, max_iter, init, init_params, tied_sd, weights, rng
        As for ``fit_em``: the same start with the same arguments (``options.make_start``,
        on the data standardised as ``fit_em`` does), the same sd floor and weights.
    tol : float, default 1e-8
        Stop when the relative gain of the classification log-likelihood (which hard EM
        never lowers) falls below ``tol``, or when no point changed component. On a
        million points a few flip back and forth near a boundary for hundreds of steps
        that move nothing a person could see.

    Returns
    -------
    history : pandas.DataFrame
        ``fit_em``'s long format (``history.HISTORY_COLUMNS``); ``log_likelihood`` is the
        mixture's, comparable with EM's (a hard step may lower it). ``attrs`` holds
        ``fit_em``'s keys (``stop_reason`` "converged" when no point changed component,
        so the next step would repeat the parameters, or the gain fell below ``tol``;
        ``decreased`` False),
        ``method`` "hard", ``classification_log_likelihoods`` (one per iteration; hard
        EM never lowers it) and ``empty_components`` (numbered from 1: components that
        took no point at the end; they keep their last mean and sd and a weight of about
        1e-15, so their curve is flat, never NaN).
    """
    options = check_options(n_components, max_iter, tol, init, init_params, 1, tied_sd)
    given, w = check_sample(x, options.n_components, weights)
    data, w = positive_points(given, w)
    standard = standardisation_for(data)
    total = float(data.size if w is None else w.sum())
    offset = total * standard.log_scale  # log L(x) = log L(z) - n log(scale)
    current, recorded = make_start(options, data, w, standard, check_rng(rng))
    z = standard.to_z(data)
    labels, ll, cll = _assign(z, current, w)
    models, lls, clls = [recorded], [ll - offset], [cll - offset]
    stop_reason = "max_iter"
    for _ in range(options.max_iter):
        current = _hard_m_step(z, w, labels, current, standard.sd_floor_z, options.tied_sd)
        new_labels, ll, cll = _assign(z, current, w)
        models.append(standard.model_from_z(current))
        lls.append(ll - offset)
        clls.append(cll - offset)
        gain = (clls[-1] - clls[-2]) / abs(clls[-1])
        # a fixed point (the next step changes nothing), or steps that no longer matter
        if np.array_equal(new_labels, labels) or gain < options.tol:
            stop_reason = "converged"
            break
        labels = new_labels
    history = history_table(models, lls)
    counts = np.bincount(labels, minlength=options.n_components)
    history.attrs.update(
        method="hard",
        converged=stop_reason == "converged",
        stop_reason=stop_reason,
        decreased=False,
        last_gain=float((lls[-1] - lls[-2]) / abs(lls[-1])) if len(lls) > 1 else float("nan"),
        n_iter=len(models) - 1,
        tol=options.tol,
        max_iter=options.max_iter,
        init="given" if init_params is not None else options.init,
        n_points=int(given.size),
        total_weight=total,
        n_components=options.n_components,
        n_init=1,
        tied_sd=options.tied_sd,
        sd_floor=standard.sd_floor,
        outlier_dominates=standard.outlier_dominates,
        start_log_likelihoods=[float(lls[-1])],
        classification_log_likelihoods=[float(v) for v in clls],
        empty_components=[int(c) for c in component_numbers(options.n_components)[counts == 0]],
    )
    return history


@dataclass(frozen=True)
class HardSoft:
    """How a hard fit differs from EM's from the same start (``compare_hard_soft``).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per EM component, sorted by EM's mean: ``component`` (EM's number),
        ``hard_component``, ``mean``, ``hard_mean``, ``sd``, ``hard_sd``, ``weight``,
        ``hard_weight``.
    log_likelihood, hard_log_likelihood : float
        The mixture's log-likelihood of each final fit.
    mean_spread, hard_mean_spread : float
        The distance from the lowest mean to the highest.
    sd_ratio : float
        The hard sds over EM's, averaged (geometrically) over the components.
    differ : bool
        Whether a mean differs by more than ``DIFFERENCE`` of EM's sd, or an sd by more than
        ``DIFFERENCE`` of itself.
    """

    table: pd.DataFrame
    log_likelihood: float
    hard_log_likelihood: float
    mean_spread: float
    hard_mean_spread: float
    sd_ratio: float
    differ: bool


def compare_hard_soft(soft: pd.DataFrame, hard: pd.DataFrame) -> HardSoft:
    """Pair the final components of a hard fit with EM's (by mean, ``matching``) and measure
    how far apart their means are and how their sds compare."""
    soft_model, hard_model = final_model(soft), final_model(hard)
    matched = match_components(soft_model, hard_model)  # one row per hard component
    pairs = matched.dropna(subset=["true_component"])
    table = pd.DataFrame(
        {
            "component": pairs["true_component"].astype(int).to_numpy(),
            "hard_component": pairs["fit_component"].to_numpy(),
            "mean": pairs["true_mean"].to_numpy(),
            "hard_mean": pairs["mean"].to_numpy(),
            "sd": pairs["true_sd"].to_numpy(),
            "hard_sd": pairs["sd"].to_numpy(),
            "weight": pairs["true_weight"].to_numpy(),
            "hard_weight": pairs["weight"].to_numpy(),
        }
    ).sort_values("mean", kind="stable", ignore_index=True)
    mean_moved = np.abs(table["hard_mean"] - table["mean"]) > DIFFERENCE * table["sd"]
    sd_moved = np.abs(table["hard_sd"] / table["sd"] - 1.0) > DIFFERENCE
    return HardSoft(
        table=table,
        log_likelihood=float(soft["log_likelihood"].iloc[-1]),
        hard_log_likelihood=float(hard["log_likelihood"].iloc[-1]),
        mean_spread=float(np.ptp(soft_model.means)),
        hard_mean_spread=float(np.ptp(hard_model.means)),
        sd_ratio=float(np.exp(np.mean(np.log(table["hard_sd"] / table["sd"])))),
        differ=bool(np.any(mean_moved) or np.any(sd_moved)),
    )

"""The options of a fit, checked once at the entry points (``fit_em``, ``fit_starts`` and
the Dask backend's ``emgmm.dask.fit_em_dask``), with messages that name the argument; and
the starts they ask for (``make_start``), in EM's units (``scaling``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._types import FloatArray
from .initialization import INIT_METHODS, initial_model
from .model import GMM
from .scaling import Standardisation, subsample, weighted_quantiles
from .validation import check_float, check_int

#: A start's means and sds are kept within this many data spans (or sd floors) of the
#: data, in z units: further out a component is as far as it gets, and every square stays finite.
START_REACH = 2.0**200


@dataclass(frozen=True)
class Options:
    """``fit_em``'s options, checked (``check_options``)."""

    n_components: int
    max_iter: int
    tol: float
    init: str
    init_params: GMM | None
    n_init: int
    tied_sd: bool


def check_options(
    n_components: int,
    max_iter: int,
    tol: float,
    init: str,
    init_params: GMM | None,
    n_init: int,
    tied_sd: bool,
    *,
    n_init_name: str = "n_init",
) -> Options:
    """``fit_em``'s options, checked, with messages that name the argument (the number of
    starts as ``n_init_name``: ``em.fit_starts`` calls it ``n_starts``)."""
    n_components = check_int("n_components", n_components, 1)
    max_iter = check_int("max_iter", max_iter, 1)
    tol = check_float("tol", tol, 0.0)
    n_init = check_int(n_init_name, n_init, 1)
    if not isinstance(init, str) or init not in INIT_METHODS:
        raise ValueError(f"init: expected one of {', '.join(INIT_METHODS)}; got {init!r}.")
    if init_params is not None:
        if not isinstance(init_params, GMM):
            raise TypeError(f"init_params: expected a GMM, got {type(init_params).__name__}.")
        if init_params.n_components != n_components:
            raise ValueError(
                f"init_params: has {init_params.n_components} components but n_components is {n_components}."
            )
        if n_init != 1:
            raise ValueError(
                f"{n_init_name}: init_params gives a single start, so {n_init_name} must be 1, got {n_init}."
            )
    return Options(n_components, max_iter, tol, init, init_params, n_init, bool(tied_sd))


def feasible_start(start: GMM, sd_floor: float, tied_sd: bool) -> GMM:
    """The start (z units), with sds floored, and tied (pooled by weight) when the model ties
    them: EM only guarantees a rising likelihood from a start inside the model's family."""
    sds = np.maximum(start.sds, sd_floor)
    if tied_sd:
        pooled = float(np.sqrt(np.sum(start.weights * sds**2)))
        sds = np.full(start.n_components, max(pooled, sd_floor))  # weights sum to 1 - eps
    return GMM(start.weights, start.means, sds)


def given_start(start: GMM, standard: Standardisation, sd_floor: float, tied_sd: bool) -> tuple[GMM, GMM]:
    """A start given in the data's units: (the start EM runs from, in z units; the start the
    history records: ``start`` itself unless flooring, tying or bounds changed it)."""
    z = standard.model_to_z(start)
    lo, hi = standard.to_z(np.array([standard.lo, standard.hi]))
    reach = START_REACH * max(hi - lo, sd_floor)
    bounded = GMM(z.weights, np.clip(z.means, lo - reach, hi + reach), np.minimum(z.sds, reach))
    feasible = feasible_start(bounded, sd_floor, tied_sd)
    unchanged = np.array_equal(feasible.means, z.means) and np.array_equal(feasible.sds, z.sds)
    return feasible, start if unchanged else standard.model_from_z(feasible)


def named_start(
    x: FloatArray,
    weights: FloatArray | None,
    standard: Standardisation,
    options: Options,
    sd_floor: float,
    rng: np.random.Generator,
) -> GMM:
    """The named start in z units (``initialization.initial_model``), from the points (of
    positive weight). With weights, "quantile" puts the means at weighted quantiles
    (``scaling.weighted_quantiles``) and the sds at the weighted sd / k, of the same
    subsample: for whole-number weights, the start of the repeated data (when it is no
    larger than the subsample). "kmeans++" seeds on the points, each once; "random" reads none."""
    if weights is None or options.init != "quantile":
        return initial_model(x, standard, options.n_components, options.init, sd_floor, rng)
    k = options.n_components
    z, w = standard.to_z(subsample(x)), subsample(weights)
    mean = float(np.sum(w * z) / np.sum(w))
    sd = float(np.sqrt(np.sum(w * (z - mean) ** 2) / np.sum(w)))
    return GMM(
        np.full(k, 1.0 / k),
        weighted_quantiles(z, w, (np.arange(k) + 0.5) / k),
        np.full(k, max(sd / k, sd_floor)),
    )


def make_start(
    options: Options,
    x: FloatArray,
    weights: FloatArray | None,
    standard: Standardisation,
    rng: np.random.Generator,
) -> tuple[GMM, GMM]:
    """The start of one run: (the start EM runs from, in z units; the start the history
    records, in the data's units). ``init_params`` when given (``given_start``), else the
    named start (``named_start``), made feasible (``feasible_start``)."""
    sd_floor, tied = standard.sd_floor_z, options.tied_sd
    if options.init_params is not None:
        return given_start(options.init_params, standard, sd_floor, tied)
    z = feasible_start(named_start(x, weights, standard, options, sd_floor, rng), sd_floor, tied)
    return z, standard.model_from_z(z)


def fit_attrs(
    options: Options,
    standard: Standardisation,
    n_points: int,
    weights: FloatArray | None,
    weight_exponent: int = 0,
) -> dict[str, object]:
    """The attrs that describe a fit's options and data, whichever start is kept (in memory,
    regularised or on a Dask cluster: one list of keys)."""
    return dict(
        tol=options.tol,
        max_iter=options.max_iter,
        init="given" if options.init_params is not None else options.init,
        n_points=n_points,
        total_weight=float(
            n_points if weights is None else math.ldexp(float(weights.sum()), weight_exponent)
        ),
        n_components=options.n_components,
        n_init=options.n_init,
        tied_sd=options.tied_sd,
        sd_floor=standard.sd_floor,
        outlier_dominates=standard.outlier_dominates,
    )

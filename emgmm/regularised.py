"""EM with mclust's two additions: a conjugate prior on the components (MAP EM, ``prior``)
and a uniform noise component (``noise``). ``fit_em(..., prior=..., noise=...)`` runs here;
fits without them never do, so they stay as they were.

``prior``: None (none), True (mclust's default for this K, ``prior.default_prior``:
shrinkage 0.01, the data's mean, dof 3, scale ``var(x) / K**2``) or an ``emgmm.prior.Prior``.
EM then maximises the log posterior ``log L + log_prior`` (``prior.log_prior``; the weights
get no prior): the stop test, ``attrs["last_gain"]``, ``attrs["start_log_likelihoods"]`` and
the callback's value are the log posterior's; the history gains a column ``log_posterior``
and its ``log_likelihood`` stays ``log L`` of each iteration's parameters, as mclust reports
its ``loglik`` and computes BIC from it. ``attrs["prior"]`` holds the hyperparameters (a
dict, or None).

``noise``: a uniform component over ``[min(x), max(x)]`` (``emgmm.noise``), component 0 of
the history (``weight`` its weight, ``mean`` and ``sd`` the uniform's, for tables; the
Gaussians keep the numbers 1..K), starting at weight ``noise.NOISE_START``;
``attrs["noise_range"]`` is ``(min(x), max(x))`` (None without noise), and
``noise.final_noisy_model(history)`` the fitted mixture (``history.final_model`` would read
the uniform as a normal: use it only without noise).

The loop is ``convergence.run_em``'s, on data standardised by ``scaling`` as every fit; the
E-step is a plain chunked pass (``_sums``) whose model carries the noise, when there is one,
as component 0 (its density the uniform's); the M-step (``_step``) is the ML or the MAP one
(``prior.map_moments``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import numpy as np
import pandas as pd

from ._types import FloatArray, RngLike
from .convergence import Report, Run, run_em
from .history import history_table
from .model import GMM
from .noise import NOISE_START
from .options import Options, fit_attrs, make_start
from .prior import Prior, default_prior, log_prior_of, map_moments
from .scaling import Standardisation, standardisation_for
from .steps import MIN_MASS, Stats
from .validation import check_rng, check_sample, positive_points, relative_weights

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
#: Points per chunk of the E-step: a (K + 1, chunk) array per quantity stays small.
_CHUNK = 8192
_SQRT12 = math.sqrt(12.0)


def _ignore(*_args: object) -> None:
    pass


def resolve_prior(
    prior: object, x: FloatArray, weights: FloatArray | None, n_components: int, standard: Standardisation
) -> tuple[Prior, dict[str, float]] | None:
    """``fit_em``'s ``prior`` argument in z units, and its hyperparameters in the data's units
    (for ``attrs["prior"]``): None or False, none; True or "default", mclust's default for this
    K (``prior.default_prior``, computed on z, so that a variance beyond float64's range in
    the data's units still has one); a ``Prior``, itself."""
    if prior is None or prior is False:
        return None
    if isinstance(prior, Prior):
        return prior.to_z(standard), prior.to_dict()
    if prior is True or prior == "default":
        z = default_prior(standard.to_z(x), n_components, weights=weights)
        mean = float(standard.location_from_z(np.array([z.mean]))[0])
        with np.errstate(over="ignore", under="ignore"):
            scale = float(np.ldexp(z.scale, 2 * standard.exponent))
        shown = {**z.to_dict(), "mean": mean, "scale": scale}
        return z, shown  # the scale may round to 0 or inf in the data's units: shown only
    raise TypeError(
        f"prior: expected None, True (mclust's default prior) or an emgmm.prior.Prior, got {prior!r}."
    )


def _sums(
    x: FloatArray,
    standard: Standardisation,
    model: GMM,
    log_noise: float | None,
    weights: FloatArray | None,
) -> Stats:
    """One E-step (z units): log-likelihood of z, and per component the mass, and the sums of
    r (z - mean_k) and r (z - mean_k)^2; row 0 is the noise when ``log_noise`` (the log of
    its density in z) is given."""
    k = model.n_components
    with np.errstate(divide="ignore"):
        c = np.log(model.weights) - np.log(model.sds) - _LOG_SQRT_2PI
    gaussian = np.ones(k)
    if log_noise is not None:
        gaussian[0] = 0.0
    mass, dev, dev2 = np.zeros(k), np.zeros(k), np.zeros(k)
    ll = slope = abs_terms = log_max_resp = 0.0
    for start in range(0, x.size, _CHUNK):
        z = standard.to_z(x[start : start + _CHUNK])
        d = z[None, :] - model.means[:, None]
        log_p = c[:, None] - 0.5 * (d / model.sds[:, None]) ** 2
        if log_noise is not None:
            with np.errstate(divide="ignore"):
                log_p[0] = math.log(model.weights[0]) + log_noise
        top = log_p.max(axis=0)  # shift, exponentiate, sum, undo shift
        r = np.exp(log_p - top)
        total = r.sum(axis=0)
        terms = np.log(total) + top
        r /= total
        w = np.ones(z.size) if weights is None else weights[start : start + _CHUNK]
        r *= w
        ll += float(np.sum(w * terms))
        abs_terms += float(np.sum(w * np.abs(terms)))
        log_max_resp -= float(np.sum(w * np.log(total)))
        mass += r.sum(axis=1)
        dev += (r * d).sum(axis=1)
        dev2 += (r * d * d).sum(axis=1)
        # d log p / dz = -sum_k r_k (z - mean_k) / sd_k^2; the uniform's slope is 0
        slope += float(np.abs(((r * d) * (gaussian / model.sds**2)[:, None]).sum(axis=0)).sum())
    return Stats(ll, mass, dev, dev2, slope, abs_terms, log_max_resp)


def _step(model: GMM, stats: Stats, noisy: bool, prior: Prior | None, tied: bool, sd_floor: float) -> GMM:
    """The M-step (z units): weights ``mass / n``; the Gaussians' ML or MAP means and sds (a
    component of vanishing mass keeps its own); the noise's mean and sd stay."""
    g = slice(1, None) if noisy else slice(None)
    mass = stats.mass[g]
    alive = mass > MIN_MASS
    safe = np.where(alive, mass, 1.0)
    xbar = model.means[g] + stats.dev[g] / safe
    within = np.maximum(stats.dev2[g] - stats.dev[g] ** 2 / safe, 0.0)
    gaussian_mass = float(mass.sum())
    if prior is not None:
        means, variances = map_moments(mass, xbar, within, prior, tied, gaussian_mass)
    elif tied:
        means = xbar
        variances = np.full(mass.size, float(np.sum(np.where(alive, within, 0.0))) / gaussian_mass)
    else:
        means, variances = xbar, within / safe
    means = np.where(alive, means, model.means[g])
    sds = np.maximum(np.sqrt(variances), sd_floor)
    sds = sds if tied else np.where(alive, sds, model.sds[g])
    floored = np.maximum(stats.mass, MIN_MASS)
    if noisy:
        means = np.concatenate([model.means[:1], means])
        sds = np.concatenate([model.sds[:1], sds])
    return GMM(floored / floored.sum(), means, sds)


def _with_noise(start: GMM, middle: float, spread: float) -> GMM:
    """``start`` with the noise as component 0: weight ``NOISE_START``, the uniform's mean and sd."""
    weights = np.concatenate([[NOISE_START], (1.0 - NOISE_START) * start.weights])
    return GMM(weights, np.concatenate([[middle], start.means]), np.concatenate([[spread], start.sds]))


@dataclass(frozen=True)
class _Problem:
    """The checked data and what its passes need: the noise's log density in z (None: no
    noise), the prior in z (None: none), and the offsets from z's densities to x's."""

    data: FloatArray
    weights: FloatArray | None
    standard: Standardisation
    n: float
    log_noise: float | None
    prior_z: Prior | None
    tied: bool

    def run(
        self, start: tuple[GMM, GMM], max_iter: int, tol: float, report: Report
    ) -> tuple[Run, list[float]]:
        """EM from ``start`` (``convergence.run_em``), and the log-likelihood (of x) of each
        iteration's parameters: with a prior, ``run.lls`` are log posteriors."""
        plain: list[float] = []
        offset = self.n * self.standard.log_scale
        g = slice(None) if self.log_noise is None else slice(1, None)
        # the prior's density in x: each component's (mean, variance) density divides by scale^3
        prior_offset = 3 * start[0].means[g].size * self.standard.log_scale

        def passes(model: GMM, shift: FloatArray | None = None, detail: bool = False) -> Stats:
            stats = _sums(self.data, self.standard, model, self.log_noise, self.weights)
            if shift is None and not detail:  # the pass of each iteration, in order
                plain.append(stats.log_likelihood - offset)
            if self.prior_z is None:
                return stats
            log_prior = log_prior_of(model.means[g], model.sds[g], self.prior_z) - prior_offset
            return replace(
                stats,
                log_likelihood=stats.log_likelihood + log_prior,
                abs_terms=stats.abs_terms + abs(log_prior),
            )

        def step(model: GMM, stats: Stats) -> GMM:
            noisy = self.log_noise is not None
            return _step(model, stats, noisy, self.prior_z, self.tied, self.standard.sd_floor_z)

        return run_em(passes, step, self.n, self.standard, start, max_iter, tol, report), plain


def fit_regularised(
    x: object,
    options: Options,
    prior: object,
    noise: object,
    weights: object,
    rng: RngLike,
    callback: Callable[[int, int, GMM, float], object] | None,
) -> pd.DataFrame:
    """``fit_em`` with a prior or a noise component (see ``fit_em`` and the module)."""

    if not isinstance(noise, bool | np.bool_):
        raise TypeError(f"noise: expected True or False, got {noise!r}.")
    given, w = check_sample(x, options.n_components, weights)
    data, w = positive_points(given, w)
    standard = standardisation_for(data)
    chosen = resolve_prior(prior, data, w, options.n_components, standard)
    exponent = 0
    if chosen is None and w is not None:
        # without a prior, weights are relative (as in fit_em): any positive scale fits the
        # same; a prior's strength is set against the weights as counts, so they stay
        w, exponent = relative_weights(w)
    lo_z, hi_z = (float(v) for v in standard.to_z(np.array([standard.lo, standard.hi])))
    problem = _Problem(
        data,
        w,
        standard,
        float(data.size if w is None else w.sum()),
        -math.log(hi_z - lo_z) if noise else None,
        None if chosen is None else chosen[0],
        options.tied_sd,
    )
    generator = check_rng(rng)
    best: tuple[Run, list[float]] | None = None
    finals = []
    for start_index in range(options.n_init):
        z_start, recorded = make_start(options, data, w, standard, generator)
        if noise:
            z_start = _with_noise(z_start, (lo_z + hi_z) / 2, (hi_z - lo_z) / _SQRT12)
            middle = standard.lo / 2 + standard.hi / 2
            recorded = _with_noise(recorded, middle, standard.span / _SQRT12)
        report: Report = _ignore if callback is None else partial(callback, start_index)
        run, plain = problem.run((z_start, recorded), options.max_iter, options.tol, report)
        finals.append(run.lls[-1])
        if best is None or run.lls[-1] > best[0].lls[-1]:
            best = (run, plain)
    assert best is not None  # n_init >= 1
    run, plain = best
    plain = [math.ldexp(v, exponent) for v in plain]
    finals = [math.ldexp(v, exponent) for v in finals]
    history = history_table(run.models, plain)
    per_iteration = run.models[0].n_components
    if noise:
        history["component"] -= 1  # the noise is component 0, the Gaussians 1..K
    if chosen is not None:
        history["log_posterior"] = np.repeat(np.asarray(run.lls, dtype=np.float64), per_iteration)
    history.attrs.update(
        converged=run.stop_reason == "converged",
        stop_reason=run.stop_reason,
        decreased=run.stop_reason == "decreased",
        last_gain=run.last_gain,
        n_iter=len(run.models) - 1,
        **fit_attrs(options, standard, given.size, w, exponent),
        start_log_likelihoods=[float(v) for v in finals],
        prior=None if chosen is None else chosen[1],
        noise_range=(standard.lo, standard.hi) if noise else None,
    )
    return history

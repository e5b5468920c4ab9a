"""The bound EM climbs, checked against Q(theta | theta_t) + H(q_t) and log L summed point
by point with scipy.stats.norm, on fixed cases and as a property over random data and frames."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from emgmm import GMM, fit_em, model_at, random_model, sample
from emgmm.bound import bound_curves, bound_values, moving_most
from emgmm.mstep import frame_sums, history_sums, m_step_sums


def naive_curves(x, model, j, means, w=None):
    """log L and Q + H along mean j, every term written out: the definitions, not the algebra."""
    w = np.ones(x.size) if w is None else w
    logs_t = np.array(
        [
            np.log(a) + norm.logpdf(x, m, s)
            for a, m, s in zip(model.weights, model.means, model.sds, strict=True)
        ]
    )
    q = np.exp(logs_t - np.logaddexp.reduce(logs_t, axis=0))  # responsibilities under theta_t
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.nansum(np.where(q > 0, q * np.log(q), 0.0), axis=0)
    lls, bounds = [], []
    for mu in means:
        mus = model.means.copy()
        mus[j] = mu
        logs = np.array(
            [np.log(a) + norm.logpdf(x, m, s) for a, m, s in zip(model.weights, mus, model.sds, strict=True)]
        )
        lls.append(float(w @ np.logaddexp.reduce(logs, axis=0)))
        bounds.append(float(w @ ((q * logs).sum(axis=0) + entropy)))  # Q(theta | theta_t) + H(q_t)
    return np.array(lls), np.array(bounds), (w * q[j] * x).sum() / (w * q[j]).sum()


def check_bound(x, history, t, component, w=None):
    sums = frame_sums(history, t, x, w)
    bound = bound_curves(x, sums, component, weights=w)
    j = bound.component - 1
    curves = bound.curves
    lls, bounds, update = naive_curves(x, sums.model, j, curves["mean"].to_numpy(), w)
    scale = abs(bound.log_likelihood)
    rounding = 1e-9 * scale
    # the exact curves, not a fit: both equal the definitions
    np.testing.assert_allclose(curves["log_likelihood"], lls, rtol=1e-9, atol=rounding)
    np.testing.assert_allclose(curves["bound"], bounds, rtol=1e-9, atol=rounding)
    # below the log-likelihood, touching it at theta_t
    assert (curves["bound"] <= curves["log_likelihood"] + rounding).all()
    at = curves[curves["mean"] == bound.current].iloc[0]
    assert at["bound"] == pytest.approx(at["log_likelihood"], abs=rounding)
    assert at["bound"] == pytest.approx(bound.log_likelihood, abs=rounding)
    # its argmax is the M-step's new mean: the history's next iteration, and the textbook's
    assert bound.update == pytest.approx(update, rel=1e-9, abs=1e-12)
    if t < int(history["iteration"].iloc[-1]):
        assert bound.update == pytest.approx(model_at(history, t + 1).means[j], rel=1e-9, abs=1e-12)
    top = curves["bound"].max()
    assert bound_values(sums, bound.component, np.array([bound.update]))[0] >= top - rounding
    return bound


def test_the_bound_touches_and_tops_out_at_the_m_step_on_an_overlapping_fit():
    x, _ = sample(GMM([0.5, 0.5], [0.0, 1.5], [1.0, 1.0]), 400, rng=1)
    history = fit_em(x, 2, rng=0, max_iter=10, tol=0.0)
    for t in (0, 4, 10):
        bound = check_bound(x, history, t, None)
        assert bound.exact and bound.n_used == x.size
    sums = history_sums(history, 0)
    assert moving_most(sums) == 1 + int(np.argmax(np.abs(sums.means - sums.model.means) / sums.model.sds))


def test_weighted_points_and_tied_sds():
    x, _ = sample(GMM([0.3, 0.7], [0.0, 2.0], [1.0, 0.6]), 300, rng=2)
    w = np.random.default_rng(3).uniform(0.0, 3.0, size=x.size)
    history = fit_em(x, 2, weights=w, tied_sd=True, rng=0, max_iter=5, tol=0.0)
    for component in (1, 2):
        check_bound(x, history, 2, component, w)


def test_a_subsample_keeps_the_bound_exact_and_the_curve_above_it():
    x, _ = sample(GMM([0.5, 0.5], [0.0, 2.0], [1.0, 1.0]), 3000, rng=4)
    history = fit_em(x, 2, rng=0, max_iter=4, tol=0.0)
    sums = history_sums(history, 1)
    full, part = bound_curves(x, sums, 2), bound_curves(x, sums, 2, max_points=500)
    assert not part.exact and part.n_used == 500 and full.exact
    np.testing.assert_array_equal(part.curves["bound"], full.curves["bound"])
    assert (part.curves["log_likelihood"] >= part.curves["bound"]).all()
    at = part.curves["mean"] == part.current
    assert part.curves.loc[at, "log_likelihood"].iat[0] == pytest.approx(sums.log_likelihood, rel=1e-12)
    # the gap is estimated: close to the exact curve's, relative to its size
    gap_full = full.curves["log_likelihood"] - full.curves["bound"]
    gap_part = part.curves["log_likelihood"] - part.curves["bound"]
    assert np.abs(gap_part - gap_full).max() <= 0.25 * gap_full.max()


def test_a_component_without_points_has_a_flat_bound_and_stays_put():
    x = np.array([0.0, 0.1, 0.2, 0.3, 5.0, 5.1])
    history = fit_em(x, 3, init_params=GMM([0.4, 0.4, 0.2], [0.1, 5.0, 1e3], [0.5, 0.5, 0.5]), max_iter=3)
    bound = bound_curves(x, history_sums(history, 1), 3)
    assert bound.update == bound.current and np.isfinite(bound.curves.to_numpy()).all()
    assert np.ptp(bound.curves["bound"]) == 0.0


def test_a_component_is_numbered_from_one():
    x, _ = sample(GMM([0.5, 0.5], [0.0, 2.0], [1.0, 1.0]), 100, rng=4)
    sums = m_step_sums(x, GMM([0.5, 0.5], [0.0, 2.0], [1.0, 1.0]))
    with pytest.raises(ValueError, match="component: expected 1 to 2, got 3"):
        bound_curves(x, sums, 3)


@pytest.mark.slow
@settings(max_examples=30)
@given(
    seed=st.integers(0, 2**16),
    k=st.integers(1, 3),
    n=st.integers(20, 300),
    frame=st.floats(0.0, 1.0),
    weighted=st.booleans(),
    tied=st.booleans(),
)
def test_the_bound_is_below_touches_and_tops_out_at_the_m_step(seed, k, n, frame, weighted, tied):
    rng = np.random.default_rng(seed)
    x, _ = sample(random_model(k, rng=rng), n, rng=rng)
    w = rng.uniform(0.0, 2.0, size=n) if weighted else None
    history = fit_em(x, k, weights=w, tied_sd=tied, rng=rng, max_iter=6)
    last = int(history["iteration"].iloc[-1])
    t = min(int(frame * (last + 1)), last)
    check_bound(x, history, t, 1 + int(rng.integers(k)), w)

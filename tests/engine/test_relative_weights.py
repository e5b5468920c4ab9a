"""Issue 20, the engine: weights are relative (any positive scale fits the same), and a
value at the largest float fits or is refused by name, never a bare OverflowError."""

import math

import numpy as np
import pytest

from emgmm import GMM, fit_em, sample
from emgmm.bootstrap import bootstrap
from emgmm.em import fit_starts
from emgmm.scaling import float_step, standardisation_for
from emgmm.validation import check_weights, relative_weights

MAX = float(np.finfo(np.float64).max)
EPS = float(np.finfo(np.float64).eps)

#: A scale that is not a power of two rounds each weight once (one eps), and every sum
#: and ratio EM forms from them by a few more: far below 1e-12, which EM, a contraction
#: near its fixed point, does not amplify.
SCALE_RTOL = 1e-12


@pytest.fixture(scope="module")
def x():
    return sample(GMM([0.5, 0.5], [0.0, 5.0], [1.0, 1.0]), 200, rng=0)[0]


@pytest.mark.parametrize("scale", [5e-324, 1e-300, 1e-20, 3.0, 1e20, 1e300])
def test_weights_of_any_scale_fit_as_unit_weights(x, scale):
    # issue 20: weights all 1e-20 (or 5e-324) stopped after one iteration (MIN_MASS is absolute)
    unit = fit_em(x, 2, weights=np.ones(x.size), rng=0)
    scaled = fit_em(x, 2, weights=np.full(x.size, scale), rng=0)
    assert scaled.attrs["n_iter"] == unit.attrs["n_iter"] > 1
    assert scaled.attrs["stop_reason"] == unit.attrs["stop_reason"]
    for column in ("weight", "mean", "sd"):
        np.testing.assert_allclose(scaled[column], unit[column], rtol=SCALE_RTOL, err_msg=column)
    # the log-likelihood of the weights as given: scale times the unit one, to the
    # precision of its own magnitude (a subnormal keeps only its few bits)
    ll, expected = scaled["log_likelihood"].to_numpy(), scale * unit["log_likelihood"].to_numpy()
    np.testing.assert_allclose(ll, expected, rtol=SCALE_RTOL, atol=4 * float_step(float(np.max(np.abs(ll)))))
    assert scaled.attrs["total_weight"] == pytest.approx(scale * x.size, rel=x.size * EPS)


def test_fit_starts_reports_log_likelihoods_of_the_weights_as_given(x):
    seen = []
    table = fit_starts(
        x, 2, 2, weights=np.full(x.size, 1e-20), rng=0, callback=lambda s, i, m, ll: seen.append(ll)
    )
    unit = fit_starts(x, 2, 2, weights=np.ones(x.size), rng=0)
    np.testing.assert_allclose(table["log_likelihood"], 1e-20 * unit["log_likelihood"], rtol=SCALE_RTOL)
    assert seen[-1] == table["log_likelihood"].iloc[-1]


def test_relative_weights_are_an_exact_power_of_two_apart():
    w = np.array([3e-300, 1e-20, 7.0])
    relative, exponent = relative_weights(w)
    assert 1.0 <= relative.max() < 2.0
    np.testing.assert_array_equal(np.ldexp(relative, exponent), w)


def test_weights_summing_past_the_largest_float_are_refused_with_what_to_do():
    # issue 20: a weight column of 1e308 twice; the page now asks this check
    with pytest.raises(ValueError, match=r"weights: sum beyond float64's range .* divide them by a constant"):
        check_weights(np.array([1e308, 1e308, 1.0]), 3)


@pytest.mark.parametrize(
    "x", [[1.0, 2.0, 3.0, MAX], [MAX, 1.0, 2.0], [-MAX, MAX, 0.0, 1.0], [MAX, np.nextafter(MAX, 0.0), 1.0]]
)
def test_a_value_at_the_largest_float_fits(x):
    # issue 20: np.spacing(MAX) is inf, and the sd floor's log2 raised a bare OverflowError
    data = np.array(x)
    standard = standardisation_for(data)
    assert math.isfinite(standard.sd_floor) and standard.sd_floor > 0
    history = fit_em(data, 2, rng=0)
    assert np.all(np.isfinite(history[["weight", "mean", "sd"]].to_numpy()))
    assert float_step(MAX) == 2.0**971


@pytest.mark.parametrize("kind", ["nonparametric", "parametric"])
def test_a_bootstrap_of_weights_standing_for_too_many_observations_is_refused_by_name(x, kind):
    # weights of 1e20 fit as unit weights, but the bootstrap reads them as counts: 2e22
    # observations per replicate used to raise numpy's OverflowError (a crash on the page)
    weights = np.full(x.size, 1e20)
    fit = fit_em(x, 2, weights=weights, rng=0)
    with pytest.raises(ValueError, match=r"weights: sum to 2e\+22 observations, more than the 5,000,000"):
        bootstrap(x, fit, 20, kind=kind, rng=0, weights=weights)


@pytest.mark.slow
@pytest.mark.parametrize("scale", [5e-324, 1e-20, 1e300])
def test_a_noise_fit_is_the_same_at_any_scale_of_its_weights(scale):
    """Weights are relative with a noise component too (the fit on unit weights)."""
    from emgmm import fit_em, random_model, sample
    from emgmm.noise import final_noisy_model

    x, _ = sample(random_model(2, rng=0), 400, rng=1)
    unit = fit_em(x, 2, rng=0, noise=True)
    scaled = fit_em(x, 2, rng=0, noise=True, weights=np.full(x.size, scale))
    assert scaled.attrs["n_iter"] == unit.attrs["n_iter"]
    got, want = final_noisy_model(scaled), final_noisy_model(unit)
    np.testing.assert_allclose(got.gaussians.means, want.gaussians.means, rtol=1e-12)
    assert got.noise_weight == pytest.approx(want.noise_weight, rel=1e-12)

"""A uniform noise component (mclust's noise, Vinv = 1 / range), against a straightforward
EM written out here, and what it is for: a few outliers no longer bend the Gaussians."""

import json

import numpy as np
import pytest
from scipy.special import logsumexp

from emgmm import GMM, NoisyMixture, final_model, final_noisy_model, fit_em, load_fitted, predict
from emgmm.noise import NOISE_START, noisy_model_at
from emgmm.selection import n_parameters, select_k

RNG = np.random.default_rng(7)
CLEAN = np.concatenate([RNG.normal(0.0, 1.0, 300), RNG.normal(6.0, 1.0, 300)])
OUTLIERS = np.array([40.0, 45.0, 50.0, 55.0, 60.0, -30.0])
DIRTY = np.concatenate([CLEAN, OUTLIERS])


def reference_noise_em(x, weights, means, variances, n_iter):
    """EM with a uniform over [min x, max x] as component 0, written out (mclust's me1v with
    Vinv): E-step with log(Vinv) for the noise, ML M-step for the Gaussians, pro = n_k / n."""
    log_vinv = -np.log(x.max() - x.min())
    lls = []
    for _ in range(n_iter + 1):
        gauss = np.log(weights[1:]) - 0.5 * (
            np.log(2 * np.pi * variances) + (x[:, None] - means) ** 2 / variances
        )
        log_p = np.column_stack([np.log(weights[0]) + log_vinv + 0 * x, gauss])
        hood = logsumexp(log_p, axis=1)
        lls.append(hood.sum())
        z = np.exp(log_p - hood[:, None])
        mass = z.sum(axis=0)
        weights = mass / x.size
        means = (z[:, 1:] * x[:, None]).sum(axis=0) / mass[1:]
        variances = (z[:, 1:] * (x[:, None] - means) ** 2).sum(axis=0) / mass[1:]
    return np.array(lls)


def test_noise_em_follows_the_written_out_em():
    start = GMM([0.5, 0.5], [-1.0, 5.0], [2.0, 2.0])
    h = fit_em(DIRTY, 2, noise=True, init_params=start, tol=0, max_iter=40)
    ours = h.groupby("iteration")["log_likelihood"].first().to_numpy()
    weights = np.array([NOISE_START, *(1 - NOISE_START) * start.weights])
    expected = reference_noise_em(DIRTY, weights, start.means, start.sds**2, ours.size - 1)
    np.testing.assert_allclose(ours, expected, rtol=1e-12)


def test_history_names_the_noise_component_zero():
    h = fit_em(DIRTY, 2, noise=True, rng=0)
    assert sorted(h["component"].unique()) == [0, 1, 2]
    assert h.attrs["noise_range"] == (DIRTY.min(), DIRTY.max())
    noise_rows = h[h["component"] == 0]
    assert np.allclose(noise_rows["mean"], (DIRTY.min() + DIRTY.max()) / 2)
    assert np.allclose(noise_rows["sd"], (DIRTY.max() - DIRTY.min()) / np.sqrt(12))
    np.testing.assert_allclose(h.groupby("iteration")["weight"].sum(), 1.0, rtol=1e-12)
    assert h.attrs["n_components"] == 2 and h.attrs["prior"] is None
    assert fit_em(DIRTY, 2, rng=0).attrs.get("noise_range") is None


def test_outliers_go_to_the_noise_and_leave_the_gaussians_as_without_them():
    clean = final_model(fit_em(CLEAN, 2, rng=1, n_init=3))
    bent = final_model(fit_em(DIRTY, 2, rng=1, n_init=3))
    noisy = final_noisy_model(fit_em(DIRTY, 2, noise=True, rng=1, n_init=3))
    assert np.abs(bent.sds - clean.sds).max() > 0.5  # the outliers widen the ML fit
    np.testing.assert_allclose(np.sort(noisy.gaussians.means), np.sort(clean.means), atol=0.05)
    np.testing.assert_allclose(np.sort(noisy.gaussians.sds), np.sort(clean.sds), rtol=0.05)
    # the outliers' share, and some of the clusters' tails (the uniform's density is everywhere)
    assert OUTLIERS.size / DIRTY.size <= noisy.noise_weight < 1.5 * OUTLIERS.size / DIRTY.size
    table = predict(DIRTY, noisy)
    assert (table["label"].to_numpy()[-OUTLIERS.size :] == "noise").all()
    assert (table["component"].to_numpy()[: CLEAN.size] > 0).mean() > 0.99


def test_noisy_responsibilities_are_the_naive_formula():
    model = NoisyMixture(0.1, -5.0, 15.0, GMM([0.4, 0.6], [0.0, 8.0], [1.0, 2.0]))
    x = np.array([-5.0, 0.0, 4.0, 8.0, 30.0, 1e6])
    dens = np.column_stack(
        [np.full(x.size, 0.1 / 20.0)]
        + [
            0.9 * w * np.exp(-0.5 * ((x - m) / s) ** 2) / (s * np.sqrt(2 * np.pi))
            for w, m, s in zip([0.4, 0.6], [0.0, 8.0], [1.0, 2.0], strict=True)
        ]
    )
    np.testing.assert_allclose(
        model.responsibilities(x), dens / dens.sum(axis=1, keepdims=True), rtol=1e-12, atol=1e-300
    )
    np.testing.assert_allclose(model.logpdf(x[:4]), np.log(dens[:4].sum(axis=1)), rtol=1e-13)
    np.testing.assert_allclose(model.weights, [0.1, 0.36, 0.54])


def test_a_saved_noisy_model_reads_back(tmp_path):
    model = final_noisy_model(fit_em(DIRTY, 2, noise=True, rng=0))
    path = tmp_path / "m.json"
    path.write_text(json.dumps(model.to_dict()))
    back = load_fitted(path)
    assert isinstance(back, NoisyMixture) and back.gaussians == model.gaussians
    assert (back.noise_weight, back.low, back.high) == (model.noise_weight, model.low, model.high)
    assert load_fitted(path).to_dict() == model.to_dict()


def test_noisy_model_at_every_iteration_and_a_plain_history_is_refused():
    h = fit_em(DIRTY, 2, noise=True, rng=0)
    start = noisy_model_at(h, 0)
    assert start.noise_weight == pytest.approx(NOISE_START)
    with pytest.raises(ValueError, match="noise=True"):
        final_noisy_model(fit_em(DIRTY, 2, rng=0))


def test_noise_with_a_prior_and_with_weights_as_repeated_points():
    h = fit_em(DIRTY, 2, noise=True, prior=True, rng=0)
    assert "log_posterior" in h.columns and h.attrs["stop_reason"] == "converged"
    counts = np.ones(DIRTY.size)
    counts[:10] = 2.0
    r = fit_em(np.concatenate([DIRTY, DIRTY[:10]]), 2, noise=True, rng=0, init="quantile")
    w = fit_em(DIRTY, 2, noise=True, rng=0, weights=counts, init="quantile")
    assert w["log_likelihood"].iloc[-1] == pytest.approx(r["log_likelihood"].iloc[-1], rel=1e-9)


def test_select_k_counts_the_noise_weight():
    assert n_parameters(2, noise=True) == n_parameters(2) + 1
    table = select_k(DIRTY, range(1, 4), rng=0, n_init=1, noise=True)
    row = table[table["k"] == 2].iloc[0]
    assert row["bic"] == pytest.approx(-2 * row["log_likelihood"] + 6 * np.log(DIRTY.size))
    assert (table["icl"] >= table["bic"] - 1e-9).all()


@pytest.mark.parametrize(("a", "b"), [(1e-300, 0.0), (1e280, 0.0), (1e-3, -5.0)])
def test_prior_and_noise_fit_at_any_magnitude(a, b):
    """The default prior is computed in EM's units: a variance of 1e-600 or 1e560 in the
    data's units (beyond float64) still gives the same fit, transformed, step for step."""
    from emgmm.datasets import load_example

    x = load_example("galaxies")
    ref = noisy_model_at(fit_em(x, 3, prior=True, noise=True, rng=0, tol=0, max_iter=15), 15)
    got = noisy_model_at(fit_em(a * x + b, 3, prior=True, noise=True, rng=0, tol=0, max_iter=15), 15)
    np.testing.assert_allclose((got.gaussians.means - b) / a, ref.gaussians.means, rtol=1e-9)
    np.testing.assert_allclose(got.gaussians.sds / a, ref.gaussians.sds, rtol=1e-9)
    assert got.noise_weight == pytest.approx(ref.noise_weight, rel=1e-9)


@pytest.mark.slow
def test_noisy_health_counts_each_components_points_as_the_responsibilities_sum():
    """``noisy_health``: the noise first (its points, never degenerate), then the Gaussians
    judged as ``degeneracy.component_health`` judges them; chunks add up to one pass."""
    from emgmm.degeneracy import HEALTH_COLUMNS
    from emgmm.noise import HEALTH_CHUNK, noisy_health

    rng = np.random.default_rng(2)
    x = np.concatenate([rng.normal(0, 1, HEALTH_CHUNK + 10), [80.0, -70.0]])
    h = fit_em(x, 2, noise=True, rng=0, max_iter=20)
    model = final_noisy_model(h)
    table = noisy_health(x, model, float(h.attrs["sd_floor"]))
    assert list(table.columns) == list(HEALTH_COLUMNS) and table["component"].tolist() == [0, 1, 2]
    np.testing.assert_allclose(table["effective_n"], model.responsibilities(x).sum(axis=0), rtol=1e-9)
    assert table["effective_n"].iloc[0] >= 2 - 1e-6 and not table["degenerate"].iloc[0]
    np.testing.assert_allclose(table["weight"], model.weights)
    counts = np.ones_like(x)
    np.testing.assert_allclose(noisy_health(x, model, 0.0, counts)["effective_n"], table["effective_n"])

"""Classification EM against a loop written from its definition with scipy.stats.norm, and
how its fit differs from EM's."""

import numpy as np
import pytest
from scipy.stats import norm

from emgmm import GMM, fit_em, model_at, sample
from emgmm.hard import compare_hard_soft, fit_hard
from emgmm.history import HISTORY_COLUMNS

START = GMM([0.5, 0.5], [-1.0, 2.5], [1.0, 1.0])
OVERLAP = GMM([0.5, 0.5], [0.0, 2.0], [1.0, 1.0])


def naive_hard(x, start, n_iter):
    """Hard EM by its definition, in the data's units: every point to its argmax of
    w_i N(x | mu_i, sd_i), then each component's count share, mean and (population) sd."""
    w, m, s = (np.array(a, dtype=float) for a in (start.weights, start.means, start.sds))
    models = [(w.copy(), m.copy(), s.copy())]
    for _ in range(n_iter):
        labels = np.argmax([wi * norm.pdf(x, mi, si) for wi, mi, si in zip(w, m, s, strict=True)], axis=0)
        w = np.array([np.mean(labels == i) for i in range(w.size)])
        m = np.array([x[labels == i].mean() for i in range(w.size)])
        s = np.array([x[labels == i].std() for i in range(w.size)])
        models.append((w, m, s))
    return models


def test_hard_em_follows_its_definition_from_the_same_start():
    x, _ = sample(OVERLAP, 400, rng=1)
    history = fit_hard(x, 2, init_params=START)
    assert tuple(history.columns) == HISTORY_COLUMNS and history.attrs["method"] == "hard"
    n_iter = history.attrs["n_iter"]
    assert history.attrs["stop_reason"] == "converged" and n_iter < 300
    for t, (w, m, s) in enumerate(naive_hard(x, START, n_iter)):
        model = model_at(history, t)
        np.testing.assert_allclose(model.weights, w, rtol=1e-9)
        np.testing.assert_allclose(model.means, m, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(model.sds, s, rtol=1e-9)
        ll = np.log(sum(wi * norm.pdf(x, mi, si) for wi, mi, si in zip(w, m, s, strict=True))).sum()
        assert history["log_likelihood"].iat[2 * t] == pytest.approx(ll, rel=1e-12)
    # the same start as EM's, from the same arguments
    soft = fit_em(x, 2, init_params=START)
    assert model_at(soft, 0) == model_at(history, 0)
    clls = history.attrs["classification_log_likelihoods"]
    assert len(clls) == n_iter + 1 and np.all(np.diff(clls) >= -1e-9 * abs(clls[-1]))


def test_a_point_of_weight_two_counts_twice_and_named_starts_match_fit_em():
    x, _ = sample(OVERLAP, 150, rng=2)
    w = np.random.default_rng(0).integers(0, 4, size=x.size)
    weighted = fit_hard(x, 2, weights=w, init_params=START)
    repeated = fit_hard(np.repeat(x, w), 2, init_params=START)
    np.testing.assert_allclose(
        weighted[["weight", "mean", "sd"]], repeated[["weight", "mean", "sd"]], rtol=1e-9
    )
    np.testing.assert_allclose(weighted["log_likelihood"], repeated["log_likelihood"], rtol=1e-12)
    assert weighted.attrs["total_weight"] == w.sum() and weighted.attrs["n_points"] == x.size
    assert model_at(fit_hard(x, 2, rng=5), 0) == model_at(fit_em(x, 2, rng=5), 0)


def test_a_component_that_takes_no_point_keeps_its_parameters_without_nan():
    x = np.array([0.0, 0.1, 0.2, 5.0, 5.1, 5.2])
    history = fit_hard(x, 3, init_params=GMM([0.4, 0.4, 0.2], [0.1, 5.1, 100.0], [1.0, 1.0, 1.0]))
    assert np.isfinite(history[["weight", "mean", "sd", "log_likelihood"]].to_numpy()).all()
    last = model_at(history, history.attrs["n_iter"])
    assert last.means[2] == 100.0 and last.sds[2] == 1.0 and last.weights[2] < 1e-14
    assert history.attrs["empty_components"] == [3]


def test_a_component_of_one_value_gets_the_sd_floor():
    x = np.array([0.0, 0.0, 0.0, 5.0, 5.5, 6.0])
    history = fit_hard(x, 2, init_params=GMM([0.5, 0.5], [0.0, 5.0], [1.0, 1.0]))
    assert model_at(history, 1).sds[0] == history.attrs["sd_floor"]


def test_on_overlapping_components_hard_means_move_apart_and_sds_shrink():
    x, _ = sample(OVERLAP, 2000, rng=3)
    start = GMM([0.5, 0.5], [-0.5, 2.5], [1.0, 1.0])
    comparison = compare_hard_soft(fit_em(x, 2, init_params=start), fit_hard(x, 2, init_params=start))
    assert comparison.differ
    assert comparison.hard_mean_spread > comparison.mean_spread
    assert comparison.sd_ratio < 0.95
    assert comparison.hard_log_likelihood < comparison.log_likelihood
    assert list(comparison.table["component"]) == [1, 2]


def test_on_separated_components_hard_and_soft_agree():
    x, _ = sample(GMM([0.5, 0.5], [0.0, 20.0], [1.0, 1.0]), 500, rng=3)
    comparison = compare_hard_soft(fit_em(x, 2, init_params=START), fit_hard(x, 2, init_params=START))
    assert not comparison.differ
    assert comparison.hard_log_likelihood == pytest.approx(comparison.log_likelihood, rel=1e-6)

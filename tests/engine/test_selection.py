from typing import Any

import numpy as np
import pytest

from emgmm import GMM, final_model, fit_em, sample
from emgmm.matching import match_components
from emgmm.selection import best_k, n_parameters, select_k


def test_parameter_counts():
    assert n_parameters(1) == 2 and n_parameters(3) == 8 and n_parameters(3, tied_sd=True) == 6


def test_criteria_follow_their_definitions():
    x, _ = sample(GMM([0.5, 0.5], [-3.0, 3.0], [1.0, 1.0]), 400, rng=0)
    t = select_k(x, [1, 2], n_init=1, rng=0)
    for row in t.itertuples():
        assert row.bic == pytest.approx(-2 * row.log_likelihood + row.n_parameters * np.log(400))
        assert row.aic == pytest.approx(-2 * row.log_likelihood + 2 * row.n_parameters)


# one seed in the fast tier, all eight in the full suite
@pytest.mark.parametrize(
    "seed", [pytest.param(s, marks=[pytest.mark.slow] if s >= 1 else []) for s in range(8)]
)
def test_bic_picks_three_well_separated_components(seed):
    true = GMM([0.3, 0.3, 0.4], [-8.0, 0.0, 8.0], [1.0, 1.5, 1.0])
    x, _ = sample(true, 600, rng=seed)
    assert best_k(select_k(x, range(1, 7), n_init=2, rng=seed)) == 3


def test_k_above_distinct_values_is_left_out():
    t = select_k(np.array([1.0, 1.0, 2.0, 2.0, 3.0]), range(1, 6), n_init=1, rng=0)
    assert t["k"].tolist() == [1, 2, 3]


def test_tied_fit_matches_a_direct_computation():
    x, _ = sample(GMM([0.4, 0.6], [-2.0, 2.0], [0.5, 1.5]), 800, rng=3)
    start = GMM([0.5, 0.5], [-1.0, 1.0], [1.0, 1.0])
    h = fit_em(x, 2, init_params=start, max_iter=1, tol=0, tied_sd=True)
    one = final_model(h)
    dens = start.component_pdfs(x)
    r = dens / dens.sum(axis=0)
    nk = r.sum(axis=1)
    mu = r @ x / nk
    pooled = np.sqrt((r * (x - mu[:, None]) ** 2).sum() / x.size)
    np.testing.assert_allclose(one.means, mu, rtol=1e-12)
    np.testing.assert_allclose(one.sds, [pooled, pooled], rtol=1e-12)
    last = final_model(fit_em(x, 2, tied_sd=True, rng=0))
    assert last.sds[0] == last.sds[1]


@pytest.mark.parametrize(
    "seed", [pytest.param(s, marks=[pytest.mark.slow] if s >= 1 else []) for s in range(5)]
)
def test_restarts_never_return_a_worse_fit_than_any_single_start(seed):
    x, _ = sample(GMM([0.2, 0.3, 0.5], [-1.0, 0.5, 2.0], [0.3, 0.6, 0.8]), 500, rng=seed)
    multi = fit_em(x, 4, n_init=4, rng=seed, init="random")
    starts = multi.attrs["start_log_likelihoods"]
    assert len(starts) == 4
    assert multi["log_likelihood"].iloc[-1] == max(starts)
    single = fit_em(x, 4, n_init=1, rng=seed, init="random")
    assert single.attrs["start_log_likelihoods"][0] == starts[0]


def test_matching_pairs_components_by_mean():
    true = GMM([0.5, 0.5], [0.0, 10.0], [1.0, 1.0])
    fitted = GMM([0.3, 0.4, 0.3], [10.2, -0.1, 5.0], [1.0, 1.0, 1.0])
    t = match_components(true, fitted)
    assert t["mean"].tolist() == [-0.1, 5.0, 10.2]
    assert t["true_component"].tolist()[0] == 1 and t["true_component"].tolist()[2] == 2
    assert t["true_component"].isna().tolist() == [False, True, False]
    assert t["mean_error"].iloc[0] == pytest.approx(-0.1)


@pytest.mark.parametrize(
    "k_values, exc, match",
    [
        ([1, 2.5], TypeError, r"^k_values: expected an integer, got 2\.5"),
        ([True, 2], TypeError, r"^k_values: expected an integer, got True"),
        ([], ValueError, r"^k_values: is empty"),
        ([0, 1], ValueError, r"^k_values: must be at least 1, got 0"),
        ("123", TypeError, r"^k_values: expected an iterable of integers"),
        (3, TypeError, r"^k_values: expected an iterable of integers"),
    ],
)
def test_select_k_refuses_bad_k_values_by_name(k_values, exc, match):
    with pytest.raises(exc, match=match):
        select_k(np.arange(10.0), k_values, n_init=1, rng=0)


def test_select_k_on_one_distinct_value_says_so():
    with pytest.raises(ValueError, match=r"^x: every value equals 4\.0; .*two distinct values"):
        select_k(np.full(20, 4.0), n_init=1, rng=0)


def test_select_k_reports_progress_once_per_k():
    x, _ = sample(GMM([0.5, 0.5], [-3.0, 3.0], [1.0, 1.0]), 300, rng=0)
    seen: list[int] = []
    ks: list[Any] = [3, 1, 2, np.int64(2)]
    t = select_k(x, ks, n_init=1, rng=0, callback=seen.append)
    assert seen == [1, 2, 3] == t["k"].tolist()
    assert set(t["stop_reason"]) <= {"converged", "max_iter", "decreased"}
    with pytest.raises(TypeError, match=r"^callback: expected a callable"):
        select_k(x, [1], callback="print")  # type: ignore[arg-type]

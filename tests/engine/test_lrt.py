import numpy as np
import pandas as pd
import pytest

from emgmm import GMM, final_model, fit_em, sample
from emgmm.lrt import REPLICATE_COLUMNS, TABLE_COLUMNS, bootstrap_lrt

#: Two components eight sds apart: one component is clearly too few, three too many.
TWO = GMM([0.4, 0.6], [-4.0, 4.0], [1.0, 1.0])
B = 99


@pytest.fixture(scope="module")
def two_components():
    x, _ = sample(TWO, 200, rng=0)
    # tol 1e-5 (mclust's EM default) keeps the K = 3 fits of two-component data short
    return x, bootstrap_lrt(x, max_k=4, n_boot=B, n_init=2, tol=1e-5, rng=0)


@pytest.mark.slow  # 99 bootstrap sets of four fits each
def test_one_component_is_rejected_and_two_are_kept(two_components):
    _, result = two_components
    table = result.table
    assert tuple(table.columns) == TABLE_COLUMNS
    # the sequence stopped at the first K kept: 3 against 4 was never tested
    assert table["k"].tolist() == [1, 2] and table["k_alt"].tolist() == [2, 3]
    first, second = table.iloc[0], table.iloc[1]
    # with B = 99 the smallest p-value is 1 / (B + 1) = 0.01: no simulated LRT came near
    assert first["p_value"] == 1 / (B + 1)
    assert second["p_value"] > 0.05
    assert result.selected_k == 2


@pytest.mark.slow
def test_p_values_follow_their_definition(two_components):
    x, result = two_components
    reps = result.replicates
    assert tuple(reps.columns) == REPLICATE_COLUMNS
    for row in result.table.itertuples():
        stars = reps.loc[reps["k"] == row.k, "lrt"].to_numpy()
        assert stars.size == row.b == B and row.n_failed == 0
        assert row.p_value == (1 + np.sum(stars >= row.lrt)) / (row.b + 1)
        assert row.lrt == max(0.0, 2 * (row.log_likelihood_alt - row.log_likelihood))
        assert stars.min() >= 0.0  # a K + 1 fit below the K fit missed its maximum: floored
        np.testing.assert_array_equal(reps.loc[reps["k"] == row.k, "replicate"], np.arange(1, B + 1))
    # the null of the second test is the alternative of the first: one fit of K = 2
    assert result.table["log_likelihood"].iloc[1] == result.table["log_likelihood_alt"].iloc[0]
    one = fit_em(x, 1)
    assert result.table["log_likelihood"].iloc[0] == pytest.approx(one["log_likelihood"].iloc[-1], rel=1e-12)


@pytest.mark.slow
def test_a_replicate_is_the_lrt_of_a_set_drawn_from_the_null():
    x, _ = sample(TWO, 150, rng=1)
    result = bootstrap_lrt(x, max_k=2, n_boot=4, n_init=2, rng=5)
    null = final_model(fit_em(x, 1))
    test_rng = np.random.default_rng(5).spawn(2)[1]  # the data's fits, then one per test
    for i, child in enumerate(test_rng.spawn(4)):
        data, _ = sample(null, x.size, rng=child)
        ll_null = fit_em(data, 1, init_params=null)["log_likelihood"].iloc[-1]
        ll_alt = fit_em(data, 2, n_init=2, rng=child)["log_likelihood"].iloc[-1]
        assert result.replicates["lrt"].iloc[i] == pytest.approx(max(0.0, 2 * (ll_alt - ll_null)), rel=1e-12)


@pytest.mark.slow
def test_replicates_do_not_depend_on_how_many_there_are():
    x, _ = sample(TWO, 100, rng=2)
    short = bootstrap_lrt(x, max_k=2, n_boot=5, n_init=1, rng=3)
    long = bootstrap_lrt(x, max_k=2, n_boot=9, n_init=1, rng=3)
    pd.testing.assert_frame_equal(short.replicates, long.replicates.iloc[:5], check_exact=True)


@pytest.mark.slow
def test_callback_reports_each_simulated_set():
    x, _ = sample(TWO, 100, rng=2)
    calls: list[tuple[int, int, int]] = []
    bootstrap_lrt(x, max_k=2, n_boot=3, n_init=1, rng=0, callback=lambda *a: calls.append(a))
    assert calls == [(1, 1, 3), (1, 2, 3), (1, 3, 3)]


@pytest.mark.slow
def test_weighted_data_tests_like_the_repeated_data():
    x, _ = sample(TWO, 80, rng=4)
    w = np.random.default_rng(5).integers(1, 4, size=x.size)
    weighted = bootstrap_lrt(x, max_k=2, n_boot=3, n_init=3, weights=w, rng=6)
    repeated = bootstrap_lrt(np.repeat(x, w), max_k=2, n_boot=3, n_init=3, rng=6)
    row, same = weighted.table.iloc[0], repeated.table.iloc[0]
    # the same maximum (well-separated components), found from starts drawn differently
    assert row["lrt"] == pytest.approx(same["lrt"], rel=1e-6)
    # the null is the same model and the simulated sets have sum(w) points: the same draws
    np.testing.assert_allclose(weighted.replicates["lrt"], repeated.replicates["lrt"], rtol=1e-6, atol=1e-6)


def test_bad_arguments_name_themselves():
    x, _ = sample(TWO, 50, rng=0)
    with pytest.raises(ValueError, match="max_k: x has only 3 distinct values"):
        bootstrap_lrt([1.0, 2.0, 3.0, 3.0], max_k=4)
    with pytest.raises(ValueError, match="max_k: must be at least 2"):
        bootstrap_lrt(x, max_k=1)
    with pytest.raises(ValueError, match="level: must be less than 1"):
        bootstrap_lrt(x, level=1.0)
    with pytest.raises(ValueError, match="n_boot: must be at least 1"):
        bootstrap_lrt(x, n_boot=0)
    with pytest.raises(ValueError, match="n_init: must be at least 1"):
        bootstrap_lrt(x, n_init=0)

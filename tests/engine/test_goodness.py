import numpy as np
import pytest
from scipy import stats

from emgmm import GMM, sample
from emgmm.goodness import (
    ECDF_COLUMNS,
    QQ_COLUMNS,
    ecdf_table,
    ks_distance,
    mixture_cdf,
    mixture_isf,
    mixture_quantile,
    mixture_sf,
    qq_table,
)

EPS = np.finfo(np.float64).eps
MODEL = GMM([0.3, 0.7], [-2.0, 3.0], [1.0, 0.5])


def naive_cdf(x, model):
    """The mixture CDF written out with scipy.stats.norm."""
    x = np.asarray(x, dtype=np.float64)
    return sum(
        w * stats.norm.cdf(x, m, s) for w, m, s in zip(model.weights, model.means, model.sds, strict=True)
    )


def naive_sf(x, model):
    x = np.asarray(x, dtype=np.float64)
    return sum(
        w * stats.norm.sf(x, m, s) for w, m, s in zip(model.weights, model.means, model.sds, strict=True)
    )


@pytest.fixture(scope="module")
def data():
    x, _ = sample(MODEL, 800, rng=0)
    return x


def test_cdf_and_sf_match_scipy_norm_summed_over_components():
    x = np.linspace(-12.0, 10.0, 301)
    np.testing.assert_allclose(mixture_cdf(x, MODEL), naive_cdf(x, MODEL), rtol=1e-14, atol=0)
    np.testing.assert_allclose(mixture_sf(x, MODEL), naive_sf(x, MODEL), rtol=1e-14, atol=0)


def test_far_tails_keep_their_digits():
    # 30 sds out, F and 1 - F are about 1e-198: a difference from 1 would give 0
    low, high = -2.0 - 30.0, 3.0 + 30 * 0.5
    assert mixture_cdf([low], MODEL)[0] == pytest.approx(0.3 * stats.norm.cdf(-30.0), rel=1e-13)
    assert mixture_sf([high], MODEL)[0] == pytest.approx(0.7 * stats.norm.sf(30.0), rel=1e-13)
    assert 1.0 - mixture_cdf([high], MODEL)[0] == 0.0  # why the sf exists


def test_far_points_stay_finite():
    values = mixture_cdf([-1e308, 1e308], MODEL)
    np.testing.assert_array_equal(values, [0.0, 1.0])


def test_quantile_inverts_the_cdf_in_both_tails():
    p = np.array([1e-300, 1e-12, 1e-3, 0.1, 0.3, 0.5, 0.7, 0.9, 0.999])
    q = mixture_quantile(p, MODEL)
    # found to a few float64 steps in x; F moves by |x| f(x) per unit of relative x
    slack = 8 * EPS * np.abs(q) * np.exp(MODEL.logpdf(q))
    assert np.all(np.abs(naive_cdf(q, MODEL) - p) <= slack + 4 * EPS * p)
    # the upper tail, 1 - F = q, down to q = 1e-200, where 1 - q rounds to 1
    upper = np.array([1e-200, 1e-12, 1e-3, 0.1, 0.5, 0.9])
    qu = mixture_isf(upper, MODEL)
    slack = 8 * EPS * np.abs(qu) * np.exp(MODEL.logpdf(qu))
    assert np.all(np.abs(naive_sf(qu, MODEL) - upper) <= slack + 4 * EPS * upper)
    assert mixture_isf([0.5], MODEL)[0] == pytest.approx(mixture_quantile([0.5], MODEL)[0], rel=1e-14)


def test_one_component_quantile_is_the_normal_quantile():
    p = np.linspace(0.001, 0.999, 41)
    one = GMM([1.0], [2.0], [3.0])
    np.testing.assert_allclose(mixture_quantile(p, one), stats.norm.ppf(p, 2.0, 3.0), rtol=1e-13, atol=1e-13)


def test_quantiles_of_zero_and_one_are_infinite_and_outside_is_refused():
    np.testing.assert_array_equal(mixture_quantile([0.0, 1.0], MODEL), [-np.inf, np.inf])
    np.testing.assert_array_equal(mixture_isf([0.0, 1.0], MODEL), [np.inf, -np.inf])
    assert mixture_quantile(np.array([[0.5]]), MODEL).shape == (1, 1)
    for bad in (-0.1, 1.5, np.nan):
        with pytest.raises(ValueError, match="p: every probability"):
            mixture_quantile([bad], MODEL)


@pytest.mark.parametrize("decimals", [None, 1])  # continuous data, and data with many ties
def test_ks_distance_matches_scipy_kstest(data, decimals):
    x = data if decimals is None else np.round(data, decimals)
    expected = stats.kstest(x, lambda v: naive_cdf(v, MODEL)).statistic
    assert ks_distance(x, MODEL) == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_weighted_ks_and_ecdf_equal_those_of_the_repeated_data(data):
    x = np.round(data[:300], 1)
    w = np.random.default_rng(1).integers(0, 4, size=x.size)  # zeros included: no point
    repeated = np.repeat(x, w)
    assert ks_distance(x, MODEL, weights=w) == pytest.approx(ks_distance(repeated, MODEL), rel=1e-12)
    weighted, plain = ecdf_table(x, MODEL, weights=w), ecdf_table(repeated, MODEL)
    np.testing.assert_array_equal(weighted["x"], plain["x"])
    np.testing.assert_allclose(weighted["ecdf"], plain["ecdf"], rtol=1e-12)
    np.testing.assert_allclose(weighted["cdf"], plain["cdf"], rtol=1e-14)


def test_ecdf_table_counts_ties_once_per_value():
    table = ecdf_table([3.0, 1.0, 2.0, 1.0], MODEL)
    assert tuple(table.columns) == ECDF_COLUMNS
    np.testing.assert_array_equal(table["x"], [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(table["ecdf"], [0.5, 0.75, 1.0])
    np.testing.assert_allclose(table["cdf"], naive_cdf([1.0, 2.0, 3.0], MODEL), rtol=1e-14)


def test_qq_positions_are_the_plotting_positions_and_quantiles_invert(data):
    table = qq_table(data, MODEL)
    n = data.size
    assert tuple(table.columns) == QQ_COLUMNS and len(table) == n
    np.testing.assert_allclose(table["position"], (np.arange(1, n + 1) - 0.5) / n, rtol=1e-15)
    np.testing.assert_array_equal(table["sample"], np.sort(data))
    np.testing.assert_allclose(naive_cdf(table["theoretical"], MODEL), table["position"], rtol=1e-12)


def test_weighted_qq_position_is_the_middle_of_the_repeated_points(data):
    x = data[:50]
    w = np.random.default_rng(2).integers(1, 5, size=x.size)
    weighted, plain = qq_table(x, MODEL, weights=w), qq_table(np.repeat(x, w), MODEL)
    order = np.argsort(x, kind="stable")
    ends = np.cumsum(w[order])
    middles = [plain["position"].iloc[end - k : end].mean() for end, k in zip(ends, w[order], strict=True)]
    np.testing.assert_allclose(weighted["position"], middles, rtol=1e-12)
    np.testing.assert_array_equal(weighted["sample"], x[order])


def test_tables_are_thinned_but_the_distance_uses_every_point():
    x, _ = sample(MODEL, 20_000, rng=3)
    ecdf, qq = ecdf_table(x, MODEL, max_rows=500), qq_table(x, MODEL, max_rows=500)
    assert len(qq) == 500 and len(ecdf) <= 501
    assert ecdf["x"].iloc[0] == x.min() and ecdf["x"].iloc[-1] == x.max()
    assert qq["sample"].iloc[0] == x.min() and qq["sample"].iloc[-1] == x.max()
    full = stats.kstest(x, lambda v: naive_cdf(v, MODEL))
    assert ks_distance(x, MODEL) == pytest.approx(full.statistic, rel=1e-12)
    assert full.statistic_location in set(ecdf["x"])  # the widest step is always kept


def test_bad_arguments_name_themselves(data):
    with pytest.raises(TypeError, match="model: expected a GMM"):
        ks_distance(data, "model")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="weights"):
        ecdf_table(data, MODEL, weights=np.ones(3))
    with pytest.raises(ValueError, match="max_rows"):
        qq_table(data, MODEL, max_rows=1)
    with pytest.raises(ValueError, match="x:"):
        ks_distance([np.nan, 1.0], MODEL)

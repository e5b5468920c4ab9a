"""Weighted observations: a point of weight w counts like w copies of it."""

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from emgmm import GMM, final_model, fit_em, model_at, random_model, sample
from emgmm.initialization import INIT_METHODS
from emgmm.scaling import standardisation_for, weighted_quantiles
from emgmm.selection import select_k
from emgmm.steps import e_pass

#: Two fits of the same weighted data run on different standardisations (the centre and
#: the power-of-two scale are read from the points, repeated or not), so their z values
#: differ by a rounding and their sums by the order of the terms: about 1e-15 relative,
#: which EM (a contraction near its fixed point) does not amplify. 1e-10 leaves room.
REPEAT_RTOL = 1e-10

#: Weights of 1 against none: the same points, sums in a different order (the weighted
#: pass adds log p_n as one term, the unweighted pass its two parts separately).
ONES_RTOL = 1e-12

PARAMS = ["weight", "mean", "sd", "log_likelihood"]


@pytest.fixture(scope="module")
def data():
    x, _ = sample(GMM([0.3, 0.3, 0.4], [-2.0, 0.5, 3.0], [0.8, 1.0, 1.2]), 400, rng=1)
    counts = np.random.default_rng(2).integers(0, 5, x.size)  # zeros included: absent points
    return x, counts


def assert_same_history(got, expected, rtol):
    assert got.attrs["n_iter"] == expected.attrs["n_iter"]
    assert got.attrs["stop_reason"] == expected.attrs["stop_reason"]
    for column in PARAMS:
        np.testing.assert_allclose(got[column], expected[column], rtol=rtol, atol=0, err_msg=column)


@pytest.mark.slow
@pytest.mark.parametrize("tied_sd", [False, True])
@pytest.mark.parametrize("start", ["quantile", "given"])
def test_integer_weights_fit_like_the_repeated_points(data, start, tied_sd):
    """Every iteration's parameters and log-likelihood, weights against np.repeat. The starts
    coincide: "quantile" takes weighted quantiles (``scaling.weighted_quantiles``, equal to
    the quantiles of the repeated points), a given start is the same start. (k-means++
    draws other points from the repeated data than from the weighted, so its starts differ.)"""
    x, counts = data
    kwargs = dict(tied_sd=tied_sd, max_iter=100)
    if start == "given":
        kwargs["init_params"] = GMM([0.2, 0.3, 0.5], [-3.0, 0.0, 3.0], [1.0, 1.0, 1.0])
    else:
        kwargs["init"] = "quantile"
    weighted = fit_em(x, 3, weights=counts, **kwargs)
    repeated = fit_em(np.repeat(x, counts), 3, **kwargs)
    assert weighted.attrs["n_iter"] > 10  # EM moved a long way from the start
    assert_same_history(weighted, repeated, REPEAT_RTOL)
    assert weighted.attrs["n_points"] == x.size
    assert weighted.attrs["total_weight"] == counts.sum() == repeated.attrs["total_weight"]


@pytest.mark.slow
@pytest.mark.parametrize("init", INIT_METHODS)
def test_unit_weights_fit_like_no_weights(data, init):
    x, _ = data
    plain = fit_em(x, 3, init=init, n_init=2, rng=5)
    ones = fit_em(x, 3, init=init, n_init=2, rng=5, weights=np.ones(x.size))
    assert_same_history(ones, plain, ONES_RTOL)
    assert plain.attrs["total_weight"] == x.size == plain.attrs["n_points"]


@pytest.mark.slow
@pytest.mark.parametrize("init", INIT_METHODS)
def test_points_of_weight_zero_count_like_no_points(data, init):
    """Bit for bit the fit of the other points, even when a weightless point lies at 1e300
    (it would set the data's range): no start reads it, no pass sees it."""
    x, counts = data
    far = np.concatenate([x, [1e300, -5e299]])
    far_counts = np.concatenate([counts, [0, 0]])
    got = fit_em(far, 3, init=init, weights=far_counts, rng=3)
    kept = counts > 0
    expected = fit_em(x[kept], 3, init=init, weights=counts[kept], rng=3)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.attrs["n_points"] == far.size and expected.attrs["n_points"] == kept.sum()


@pytest.mark.parametrize("tied_sd", [False, True])
def test_a_weighted_step_is_the_textbook_weighted_em_step(data, tied_sd):
    x, _ = data
    w = np.random.default_rng(4).uniform(0.0, 3.0, x.size)
    start = GMM([0.2, 0.3, 0.5], [-3.0, 0.0, 3.0], [1.0, 1.0, 1.0])
    h = fit_em(x, 3, init_params=start, max_iter=1, tol=0, tied_sd=tied_sd, weights=w)
    dens = start.component_pdfs(x)
    r = dens / dens.sum(axis=0) * w  # weighted responsibilities, (k, n)
    nk = r.sum(axis=1)
    mu = r @ x / nk
    var = (r * (x - mu[:, None]) ** 2).sum(axis=1)
    sd = np.full(3, np.sqrt(var.sum() / w.sum())) if tied_sd else np.sqrt(var / nk)
    one = model_at(h, 1)
    np.testing.assert_allclose(one.weights, nk / w.sum(), rtol=1e-12)
    np.testing.assert_allclose(one.means, mu, rtol=1e-12)
    np.testing.assert_allclose(one.sds, sd, rtol=1e-12)
    for it in (0, 1):
        ll = h.loc[h.iteration == it, "log_likelihood"].iloc[0]
        assert ll == pytest.approx(np.sum(w * model_at(h, it).logpdf(x)), rel=1e-12)


@pytest.mark.parametrize("shifted", [False, True])
def test_a_weighted_pass_sums_what_a_direct_sum_gives(shifted):
    """``e_pass`` over several chunks, against the (k, n) sums written out."""
    x, _ = sample(GMM([0.5, 0.5], [-1.0, 2.0], [1.0, 0.5]), 70_000, rng=0)
    w = np.random.default_rng(1).uniform(0.0, 2.0, x.size)
    standard = standardisation_for(x)
    model = standard.model_to_z(GMM([0.4, 0.6], [-0.5, 1.5], [1.2, 0.7]))
    shift = model.means + 0.3 if shifted else None
    stats = e_pass(x, standard, model, shift=shift, detail=True, weights=w)
    z = standard.to_z(x)
    log_p = np.log(model.weights)[:, None] - np.log(model.sds)[:, None] - 0.5 * np.log(2 * np.pi)
    log_p = log_p - 0.5 * ((z - model.means[:, None]) / model.sds[:, None]) ** 2
    log_mix = np.logaddexp(log_p[0], log_p[1])
    r = np.exp(log_p - log_mix)
    a = 1.0 / (np.sqrt(2.0) * model.sds)
    u = (z - (model.means if shift is None else shift)[:, None]) * a[:, None]
    slope = np.abs(np.sum(r * (z - model.means[:, None]) / model.sds[:, None] ** 2, axis=0))
    expected = dict(
        log_likelihood=np.sum(w * log_mix),
        mass=(w * r).sum(axis=1),
        dev=(w * r * u).sum(axis=1),
        dev2=(w * r * u * u).sum(axis=1),
        abs_terms=np.sum(w * np.abs(log_mix)),
        log_max_resp=np.sum(w * np.log(r.max(axis=0))),
    )
    if shift is None:  # the slope is of the pass about the means (``convergence``)
        expected["slope"] = np.sum(w * slope)
    for field, value in expected.items():
        np.testing.assert_allclose(getattr(stats, field), value, rtol=1e-10, err_msg=field)


@pytest.mark.slow
def test_a_weighted_fit_never_copies_the_data():
    """Weights all positive: no copy of the points or the weights, no chunk-sized temporary."""
    x, _ = sample(random_model(3, rng=0), 1_000_000, rng=1)
    w = np.random.default_rng(2).uniform(0.5, 2.0, x.size)
    tracemalloc.start()
    fit_em(x, 3, init="quantile", max_iter=1, weights=w)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 0.5 * x.nbytes, peak


def test_weighted_quantiles_are_those_of_the_repeated_points():
    rng = np.random.default_rng(0)
    probs = np.array([0.0, 0.1, 0.25, 0.5, 0.77, 1.0])
    for _ in range(200):
        values = rng.integers(0, 6, rng.integers(1, 12)).astype(float) + rng.uniform(size=1)
        counts = rng.integers(1, 5, values.size)
        np.testing.assert_allclose(
            weighted_quantiles(values, counts.astype(float), probs),
            np.quantile(np.repeat(values, counts), probs),
            rtol=1e-15,
        )
        # equal weights of at most one: the plain quantiles; the fraction between two values
        # is found in units of 0.3 (not a binary fraction): a few roundings of the span
        span = np.ptp(values)
        np.testing.assert_allclose(
            weighted_quantiles(values, np.full(values.size, 0.3), probs),
            np.quantile(values, probs),
            rtol=0,
            atol=8 * np.finfo(float).eps * span,
        )


@pytest.mark.slow
def test_select_k_with_weights_scores_like_the_repeated_points(data):
    """BIC's n is the total weight and ICL's sum is weighted (quantile starts coincide)."""
    x, counts = data
    weighted = select_k(x, range(1, 4), n_init=1, init="quantile", weights=counts, rng=0)
    repeated = select_k(np.repeat(x, counts), range(1, 4), n_init=1, init="quantile", rng=0)
    for column in ("log_likelihood", "bic", "aic", "icl"):
        np.testing.assert_allclose(weighted[column], repeated[column], rtol=REPEAT_RTOL, err_msg=column)
    assert weighted["degenerate"].tolist() == repeated["degenerate"].tolist()


@pytest.mark.slow
def test_weighted_fits_are_repeatable(data):
    x, counts = data
    a = fit_em(x, 3, weights=counts, n_init=2, rng=7)
    b = fit_em(x, 3, weights=counts.astype(np.float32), n_init=2, rng=7)
    pd.testing.assert_frame_equal(a, b, check_exact=True)
    assert final_model(a).n_components == 3


@pytest.mark.parametrize(
    "weights, exc, match",
    [
        (np.ones(9), ValueError, r"^weights: expected one weight per point of x, shape \(10,\), got shape \(9,\)"),
        (np.ones((10, 1)), ValueError, r"^weights: expected one weight .* got shape \(10, 1\)"),
        ([1.0] * 9 + [np.nan], ValueError, r"^weights: holds 1 value\(s\) that are NaN or inf.*at index 9 \(nan\)"),
        ([1.0, np.inf] + [1.0] * 8, ValueError, r"^weights: holds 1 .* at index 1 \(inf\)"),
        ([1.0, 2.0, -0.5, -1.0] + [1.0] * 6, ValueError, r"^weights: must be non-negative, got -0\.5 at index 2 \(2 negative"),
        (np.zeros(10), ValueError, r"^weights: every weight is zero"),
        (np.full(10, 1e308), ValueError, r"^weights: sum beyond float64's range"),
        (["a"] * 10, TypeError, r"^weights: expected numbers, got an array of dtype <U1"),
        (np.ma.masked_array(np.ones(10), mask=[True] + [False] * 9), ValueError, r"^weights: a masked array with 1 masked"),
    ],
)  # fmt: skip
def test_bad_weights_are_refused_by_name(weights, exc, match):
    with pytest.raises(exc, match=match):
        fit_em(np.arange(10.0), 2, weights=weights)


def test_too_few_distinct_values_of_positive_weight_are_refused():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    with pytest.raises(
        ValueError, match=r"^n_components: 3 is more than the 2 distinct values in x with positive weight"
    ):
        fit_em(x, 3, weights=[1, 0, 2, 0])
    with pytest.raises(ValueError, match=r"^x: every value with positive weight equals 2\.0"):
        fit_em(x, 1, weights=[0, 1, 0, 0])
    with pytest.raises(ValueError, match=r"^k_values: x has only 2 distinct values"):
        select_k(x, [3, 4], weights=[1, 0, 2, 0])

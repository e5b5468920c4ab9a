"""Any finite data fits, whatever its units: EM runs in the data's own units (``scaling``)
and says when the log-likelihood fell (``convergence``), never calling a fall convergence."""

import functools
import re
import warnings

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import emgmm.in_memory
from emgmm import GMM, final_model, fit_em, model_at, random_model, responsibilities, sample, steps
from emgmm.convergence import loglik_resolution
from emgmm.initialization import INIT_METHODS
from emgmm.scaling import outlier_dominates, sd_floor_for, standardisation_for
from emgmm.steps import e_pass
from tests.support import invariants
from tests.support.invariants import check_history

EPS = np.finfo(np.float64).eps


def logliks(h):
    return h.groupby("iteration")["log_likelihood"].first().to_numpy()


def rises(h):
    """The log-likelihood never falls (beyond 1e-9 of itself) from one iteration to the next."""
    ll = logliks(h)
    return bool(np.all(np.diff(ll) >= -1e-9 * np.abs(ll[1:])))


def quiet_fit(x, k, **kwargs):
    """``fit_em`` with every warning and numpy floating-point error but underflow raised."""
    with (
        warnings.catch_warnings(),
        np.errstate(over="raise", invalid="raise", divide="raise", under="ignore"),
    ):
        warnings.simplefilter("error")
        return fit_em(x, k, **kwargs)


# ----------------------------------------------- the falls that were called convergence


def test_random_start_on_data_of_spread_1e_20_climbs_to_the_data():
    """Before: the demo's start (means in [0, 1), sd 1) lost the data's location to
    rounding; the log-likelihood went -560.9 -> -3.0e10 and the fit said "converged"."""
    x = 1e-20 * np.random.default_rng(0).normal(size=500)
    h = fit_em(x, 1, init="random", rng=0)
    check_history(h, x)
    assert rises(h) and h.attrs["stop_reason"] == "converged"
    fitted = final_model(h)
    assert fitted.means[0] == pytest.approx(np.mean(x), abs=1e-9 * float(np.std(x)))
    assert fitted.sds[0] == pytest.approx(np.std(x), rel=1e-9)


#: Unix times in microseconds, float64 steps (0.25) apart, each value many times over.
MICROSECONDS = 1.7e15 + 0.25 * np.random.default_rng(1).integers(0, 4, size=200)


@pytest.mark.parametrize("init", INIT_METHODS)
@pytest.mark.parametrize("k", [2, 3])
def test_duplicated_times_at_1e15_fit_without_a_fall(k, init):
    """Before: the sd floor (1e-6 of the range, 7.5e-7) was far below float64's step
    there (0.25); components collapsed onto single values and the log-likelihood fell
    (K = 3, quantile: 1172.29 -> 1164.64) while the fit said "converged"."""
    h = fit_em(MICROSECONDS, k, init=init, rng=1)
    check_history(h, MICROSECONDS)
    assert h.attrs["sd_floor"] >= 4 * np.spacing(MICROSECONDS.max())
    assert rises(h) and h.attrs["stop_reason"] == "converged"


@pytest.mark.parametrize("init", INIT_METHODS)
def test_two_neighbouring_floats_fit_without_a_fall(init):
    """Before: K = 1 on [1, nextafter(1)] went 3497.1 -> 3481.8 and said "converged": the
    sd floor (2.2e-22) was far below the data's resolution (2.2e-16)."""
    x = np.array([1.0, np.nextafter(1, 2)] * 50)
    h = fit_em(x, 1, init=init, rng=0)
    check_history(h, x)
    assert h.attrs["sd_floor"] >= 4 * np.spacing(1.0)
    assert rises(h) and h.attrs["stop_reason"] == "converged"


def test_a_fall_beyond_rounding_is_reported_as_a_decrease(monkeypatch):
    """An M-step that lowers the likelihood (here: a broken one, from the third step on)
    stops EM with stop_reason "decreased", converged False, and the negative last gain."""
    true_m_step = steps.m_step
    calls = []

    def broken_m_step(x, standard, model, stats, sd_floor, tied_sd):
        good = true_m_step(x, standard, model, stats, sd_floor, tied_sd)
        calls.append(1)
        return good if len(calls) < 3 else GMM(good.weights, good.means + good.sds, good.sds)

    monkeypatch.setattr(emgmm.in_memory, "m_step", broken_m_step)
    x, _ = sample(GMM([0.5, 0.5], [-3.0, 3.0], [1.0, 1.0]), 500, rng=0)
    h = fit_em(x, 2, rng=0, tol=0)
    check_history(h, x)
    assert h.attrs["stop_reason"] == "decreased" and h.attrs["decreased"]
    assert not h.attrs["converged"] and h.attrs["n_iter"] == 3
    assert h.attrs["last_gain"] < 0


def test_a_fall_within_rounding_is_convergence():
    """With tol 0, EM runs until the log-likelihood stops rising; here it ends on a fall
    of 1.4e-14 (of 76.8): rounding, so "converged"."""
    rng = np.random.default_rng(0)
    x = rng.integers(0, 4, size=int(rng.integers(3, 60))).astype(float)
    h = fit_em(x, 1, rng=0, tol=0)
    check_history(h, x)
    steps = np.diff(logliks(h))
    assert -1e-12 < steps[-1] < 0 and h.attrs["last_gain"] < 0
    assert h.attrs["stop_reason"] == "converged" and not h.attrs["decreased"]


def test_max_iter_stop_reports_its_last_gain():
    x, _ = sample(GMM([0.5, 0.5], [-1.0, 1.0], [1.0, 1.0]), 500, rng=0)
    h = fit_em(x, 2, rng=0, max_iter=3, tol=1e-12)
    assert h.attrs["stop_reason"] == "max_iter" and not h.attrs["converged"]
    ll = logliks(h)
    assert h.attrs["last_gain"] == (ll[-1] - ll[-2]) / abs(ll[-1]) > 1e-12


def test_engine_resolution_matches_the_naive_rule():
    """``convergence.loglik_resolution`` (streamed, z units) against the tests' own (n, k) one."""
    x, _ = sample(GMM([0.3, 0.7], [-2.0, 2.0], [0.5, 1.0]), 3000, rng=1)
    x = 1e6 + x
    h = fit_em(x, 2, rng=0, max_iter=5, tol=0)
    standard = standardisation_for(x)
    for it in (0, 5):
        model = standard.model_to_z(model_at(h, it))
        ours = loglik_resolution(e_pass(x, standard, model, detail=True), standard, model)
        # the arithmetic terms differ (z units here, x units there): a small part
        assert ours == pytest.approx(invariants.loglik_resolution(x, h, it), rel=1e-3)


# ----------------------------------------------------------- the sd floor and outliers


def test_one_outlier_neither_sets_the_sd_floor_nor_merges_the_clusters():
    """Before: the floor was 1e-6 of the range, 1000 here, and merged the two clusters."""
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-3.0, 0.5, 200), rng.normal(3.0, 0.5, 200), [1e9]])
    h = fit_em(x, 3, rng=0)
    check_history(h, x)
    assert h.attrs["sd_floor"] < 1e-5 and h.attrs["outlier_dominates"]
    fitted = final_model(h)
    order = np.argsort(fitted.means)
    np.testing.assert_allclose(fitted.means[order], [-3.0, 3.0, 1e9], rtol=0.1)
    np.testing.assert_allclose(fitted.sds[order][:2], 0.5, rtol=0.2)


def test_ordinary_data_is_not_dominated_by_outliers():
    x, _ = sample(GMM([0.5, 0.5], [-3.0, 3.0], [1.0, 1.0]), 10_000, rng=0)
    assert not outlier_dominates(x) and not fit_em(x, 2, rng=0).attrs["outlier_dominates"]
    assert outlier_dominates(np.r_[x, 1e5])


@pytest.mark.parametrize(
    "x",
    [
        np.array([1e-320, 2e-320, 3e-320, 5e-320]),
        np.array([0.0, 5e-324]),
        1.7e15 + np.arange(4.0),
        np.array([1e308, -1e308, 1.0]),
        np.array([1.0, np.nextafter(1.0, 2.0)]),
    ],
)
def test_sd_floor_is_a_few_float64_steps_at_the_data_magnitude_at_least(x):
    floor = sd_floor_for(x)
    assert floor > 0 and np.isfinite(floor)
    assert floor >= 4 * np.spacing(np.abs(x).max())


# ------------------------------------------------------------------- any finite data

EXTREME = {
    "opposite_1e300_and_small": np.array([1e300, -1e300, 1.0, 2.0, 3.0]),
    "opposite_1e308_and_small": np.array([1e308, -1e308, 1.0, 2.0, 3.0]),
    "near_max": np.array([1.7e308, 1.6e308, 1.5e308, -1.7e308]),
    "around_1e200_tiny_spread": 1e200 * (1 + 1e-10 * np.random.default_rng(0).normal(size=100)),
    "subnormal": np.array([1e-320, 2e-320, 3e-320, 5e-320]),
    "smallest_subnormals": np.array([0.0, 5e-324, 1e-323, 1.5e-323] * 3),
    "huge_and_tiny": np.array([1e-300, 2e-300, 1e300, 2e300]),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", EXTREME)
@pytest.mark.parametrize("init", INIT_METHODS)
@pytest.mark.parametrize(("tied", "n_init"), [(False, 1), (True, 2)])
def test_any_finite_data_fits(name, init, tied, n_init):
    x = EXTREME[name]
    for k in (1, 2):
        h = quiet_fit(x, k, init=init, tied_sd=tied, n_init=n_init, rng=0)
        check_history(h, x)
        assert h.attrs["stop_reason"] != "decreased"


def test_a_start_far_beyond_the_data_is_bounded_and_recorded():
    x = np.array([1e-320, 2e-320, 3e-320, 5e-320])
    start = GMM([0.5, 0.5], [1.0, 1e300], [1e300, 1.0])  # a float64 apart from the data
    h = quiet_fit(x, 2, init_params=start, max_iter=5)
    check_history(h, x)
    assert model_at(h, 0) != start  # what EM started from, in the data's units


def test_a_tied_start_on_the_sd_floor_stays_on_it():
    """Found by fuzzing: pooling four sds on the floor with weights summing to 1 - 1.1e-16
    gave a start just below the floor."""
    rng = np.random.default_rng(2568169937)
    c = 1e-188 * (1 + 1e8)
    x = c + np.spacing(c) * rng.integers(0, 4, size=161)
    h = fit_em(x, 4, tied_sd=True, rng=2568169937)
    check_history(h, x)


def test_huge_sds_stay_valid_and_far_points_keep_finite_responsibilities():
    m = GMM([0.5, 0.5], [0.0, 1e300], [1e300, 1e-10])
    assert m.pdf([0.0]).shape == (1,)  # may underflow: that is fine
    r = responsibilities([1e308, -1e308, 5e299, 1e300 + 1e285], m)
    assert np.all(np.isfinite(r))
    np.testing.assert_allclose(r.sum(axis=1), 1.0)
    tiny = GMM([0.5, 0.5], [-1e290, 1e290], [1e-10, 1e-10])  # z**2 overflows for both
    np.testing.assert_array_equal(responsibilities([-1e300, 1e300], tiny), [[1.0, 0.0], [0.0, 1.0]])


def test_a_spread_near_1e308_gives_data_or_names_spread():
    with pytest.raises(ValueError, match=r"^spread: 1e\+308 puts a component mean beyond"):
        random_model(5, spread=1e308, rng=2)
    x, _ = sample(random_model(5, spread=1e308, rng=0), 500, rng=0)
    check_history(quiet_fit(x, 5, rng=0), x)


# --------------------------------------------------------- units are not the model's


BASE = sample(GMM([0.3, 0.7], [-2.0, 2.0], [0.5, 1.0]), 400, rng=7)[0]


@functools.cache
def _reference(init):
    return fit_em(BASE, 2, init=init, rng=3, tol=0, max_iter=40)


def _transforms():
    """(a, b) with ``a * x + b`` finite and resolved to at least six digits of the spread."""
    cases = []
    for a in (1e-300, 1e-8, 1.0, 1e8, 1e300):
        for b in (0.0, 3 * a, -1e6 * a, 1e15, 1e300, -1e300):
            with np.errstate(over="ignore"):
                top = abs(b) + 5 * a
                resolved = EPS * top / a <= 1e-6
            if np.isfinite(top) and resolved:
                cases.append((a, b))
    return cases


@pytest.mark.slow
@pytest.mark.parametrize(("a", "b"), _transforms())
@pytest.mark.parametrize("init", INIT_METHODS)
def test_fit_of_ax_plus_b_is_the_fit_of_x_transformed(a, b, init):
    """Same rng, tol 0: after the same number of steps, the parameters of the fit of
    ``a x + b`` are ``a mean + b`` and ``a sd`` to 1e-12, or to the transformed data's
    resolution where ``b`` dominates."""
    x, ref = BASE, _reference(init)
    y = a * x + b
    got = fit_em(y, 2, init=init, rng=3, tol=0, max_iter=40)
    it = min(ref.attrs["n_iter"], got.attrs["n_iter"])
    one, two = model_at(ref, it), model_at(got, it)
    tol = 1e-12 + 2 * EPS * np.abs(y).max() / a  # in units of x
    np.testing.assert_allclose(two.weights, one.weights, rtol=0, atol=tol)
    np.testing.assert_allclose((two.means - b) / a, one.means, rtol=0, atol=tol * np.std(x))
    np.testing.assert_allclose(two.sds / a, one.sds, rtol=tol)


@st.composite
def data_of_any_magnitude(draw):
    """Data from 1e-320 to 1e300, at offsets to 1e15 spreads, with duplicates and outliers."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(2, 150))
    kind = draw(st.sampled_from(["normal", "duplicates", "two_values", "integers", "outlier", "ulps"]))
    if kind == "normal":
        base = rng.normal(size=n)
    elif kind == "duplicates":
        base = rng.choice(rng.normal(size=max(2, n // 10)), size=n)
    elif kind == "two_values":
        base = np.where(rng.random(n) < 0.5, 0.0, 1.0)
    elif kind == "integers":
        base = rng.integers(0, 5, size=n).astype(float)
    elif kind == "outlier":
        base = rng.normal(size=n)
        base[0] = 1e12
    else:  # a few float64 steps apart
        base = rng.integers(0, 4, size=n).astype(float)
    offset = draw(st.sampled_from([0.0, 1.0, -1e3, 1e8, 1e15]))
    magnitude = 10.0 ** draw(st.integers(-320, 300))
    with np.errstate(over="ignore", under="ignore"):
        if kind == "ulps":
            centre = (1.0 + offset) * magnitude
            return centre + np.spacing(centre) * base, seed
        x = (offset + base) * magnitude
    return x, seed


@pytest.mark.slow
@settings(max_examples=100)
@example(data=(np.array([1e300, -1e300, 1.0, 2.0, 3.0]), 0), k=2, init="random", n_init=2, tied=True)
@example(data=(MICROSECONDS, 1), k=3, init="quantile", n_init=1, tied=False)
@given(
    data=data_of_any_magnitude(),
    k=st.integers(1, 4),
    init=st.sampled_from(INIT_METHODS),
    n_init=st.integers(1, 2),
    tied=st.booleans(),
)
def test_every_magnitude_fits_or_is_refused_by_name(data, k, init, n_init, tied):
    x, seed = data
    if not np.all(np.isfinite(x)):
        with pytest.raises(ValueError, match=r"^x: holds \d+ value"):
            fit_em(x, k)
        return
    try:
        h = quiet_fit(x, k, init=init, n_init=n_init, tied_sd=tied, rng=seed, max_iter=60)
    except (ValueError, TypeError) as err:
        assert re.match(r"^(x|n_components): ", str(err)), err
        assert np.unique(x).size < max(k, 2)
    else:
        check_history(h, x)
        assert h.attrs["stop_reason"] != "decreased"

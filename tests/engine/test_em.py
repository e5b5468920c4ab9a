import tracemalloc

import numpy as np
import pandas as pd
import pytest

from emgmm import GMM, final_model, fit_em, iteration_table, model_at, random_model, sample
from emgmm.em import MIN_MASS
from emgmm.history import HISTORY_COLUMNS, models_by_iteration
from emgmm.initialization import INIT_METHODS
from emgmm.scaling import robust_scale, sd_floor_for, standardisation_for


@pytest.fixture(scope="module")
def data():
    x, _ = sample(random_model(3, spread=3.0, rng=2), 1500, rng=3)
    return x


def test_history_has_one_row_per_iteration_and_component(data):
    h = fit_em(data, 3, rng=0)
    assert tuple(h.columns) == HISTORY_COLUMNS
    n_iter = h.attrs["n_iter"]
    assert len(h) == 3 * (n_iter + 1)
    np.testing.assert_array_equal(h["iteration"], np.repeat(np.arange(n_iter + 1), 3))
    np.testing.assert_array_equal(h["component"], np.tile([1, 2, 3], n_iter + 1))  # numbered from 1
    assert h.groupby("iteration")["log_likelihood"].nunique().eq(1).all()
    for key in ("converged", "n_iter", "tol", "max_iter", "init", "n_points"):
        assert key in h.attrs
    assert h.attrs["n_points"] == data.size and h.attrs["init"] == "kmeans++"


@pytest.mark.slow
def test_models_by_iteration_are_model_at_each_iteration_exactly(data):
    h = fit_em(data, 3, rng=0)
    models = models_by_iteration(h)
    assert len(models) == h.attrs["n_iter"] + 1
    for i, model in enumerate(models):
        assert model == model_at(h, i)  # equality of GMMs is exact, parameter by parameter


def test_log_likelihood_column_is_the_data_likelihood_of_that_row(data):
    h = fit_em(data, 3, max_iter=5, rng=0)
    for it in range(6):
        ll = h.loc[h.iteration == it, "log_likelihood"].iloc[0]
        assert ll == pytest.approx(model_at(h, it).logpdf(data).sum(), rel=1e-12)


def test_iteration_zero_holds_given_start_and_one_holds_a_textbook_em_step(data):
    start = GMM([0.2, 0.3, 0.5], [-3.0, 0.0, 3.0], [1.0, 1.0, 1.0])
    h = fit_em(data, 3, init_params=start, max_iter=1, tol=0)
    assert model_at(h, 0) == start
    # one EM step written the naive way
    dens = start.component_pdfs(data)
    r = dens / dens.sum(axis=0)
    nk = r.sum(axis=1)
    mu = r @ data / nk
    sd = np.sqrt((r * (data - mu[:, None]) ** 2).sum(axis=1) / nk)
    one = model_at(h, 1)
    np.testing.assert_allclose(one.weights, nk / data.size, rtol=1e-12)
    np.testing.assert_allclose(one.means, mu, rtol=1e-12)
    np.testing.assert_allclose(one.sds, sd, rtol=1e-12)
    assert h.attrs["init"] == "given"


@pytest.mark.slow
def test_same_seed_gives_same_fit_bit_for_bit(data):
    a = fit_em(data, 4, rng=11)
    b = fit_em(data, 4, rng=11)
    pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_converges_by_the_relative_gain_rule(data):
    h = fit_em(data, 3, tol=1e-6, rng=0)
    table = iteration_table(h)
    gains = np.diff(table["log_likelihood"]) / np.abs(table["log_likelihood"].to_numpy()[1:])
    assert h.attrs["converged"]
    assert gains[-1] < 1e-6 and np.all(gains[:-1] >= 1e-6)


def test_stops_at_max_iter_without_converging(data):
    h = fit_em(data, 3, max_iter=2, tol=0, init="random", rng=0)
    assert h.attrs["n_iter"] == 2 and not h.attrs["converged"]
    assert h["iteration"].max() == 2


@pytest.mark.parametrize("init", ["kmeans++", "quantile", "random"])
def test_each_init_recovers_well_separated_components(init):
    true = GMM([0.3, 0.7], [-10.0, 10.0], [1.0, 1.0])
    x, _ = sample(true, 4000, rng=5)
    fitted = final_model(fit_em(x, 2, init=init, rng=1))
    order = np.argsort(fitted.means)
    np.testing.assert_allclose(fitted.means[order], true.means, atol=0.1)
    np.testing.assert_allclose(fitted.weights[order], true.weights, atol=0.03)


def test_random_init_is_the_original_demo_start_in_the_data_units(data):
    """The demo's recipe (means uniform in [0, 1), sds 1, the same draws) in units of the
    data's robust scale, about its centre (a data value)."""
    start = model_at(fit_em(data, 4, init="random", max_iter=1, rng=0), 0)
    standard = standardisation_for(data)
    assert standard.robust == robust_scale(data) and standard.centre in data
    np.testing.assert_allclose(start.weights, 0.25)
    np.testing.assert_allclose(start.sds, standard.robust, rtol=1e-15)
    u = np.random.default_rng(0).uniform(0.0, 1.0, size=4)
    np.testing.assert_allclose(start.means, standard.centre + standard.robust * u, rtol=1e-15)


def test_quantile_init_puts_means_at_quantiles(data):
    start = model_at(fit_em(data, 4, init="quantile", max_iter=1), 0)
    np.testing.assert_allclose(start.means, np.quantile(data, [0.125, 0.375, 0.625, 0.875]))


def test_model_at_rejects_iterations_out_of_range(data):
    h = fit_em(data, 2, max_iter=3, tol=0, rng=0)
    with pytest.raises(ValueError, match="between 0 and 3"):
        model_at(h, 4)
    assert final_model(h) == model_at(h, 3)


def test_collapsed_component_keeps_sd_at_floor_and_finite_likelihood():
    # ten identical points and a broad cloud: one component wants to shrink onto the ten
    rng = np.random.default_rng(0)
    x = np.concatenate([np.full(10, 2.0), rng.normal(0.0, 1.0, 200)])
    start = GMM([0.1, 0.9], [2.0, 0.0], [0.5, 1.0])
    h = fit_em(x, 2, init_params=start, max_iter=200)
    floor = h.attrs["sd_floor"]
    assert floor == sd_floor_for(x) == pytest.approx(1e-6 * robust_scale(x))
    assert np.all(np.isfinite(h[["weight", "mean", "sd", "log_likelihood"]].to_numpy()))
    assert h["sd"].min() >= floor
    assert final_model(h).sds.min() == pytest.approx(floor)


def test_component_that_loses_all_responsibility_keeps_its_parameters():
    x = np.linspace(-1.0, 1.0, 101)
    # the second component sits a million sds away: its responsibility underflows to 0
    start = GMM([0.5, 0.5], [0.0, 1e7], [1.0, 1.0])
    h = fit_em(x, 2, init_params=start, max_iter=3, tol=0)
    assert np.all(np.isfinite(h[["weight", "mean", "sd", "log_likelihood"]].to_numpy()))
    last = final_model(h)
    assert last.means[1] == 1e7 and last.sds[1] == 1.0
    assert 0 < last.weights[1] < 1e-12 and last.weights[1] == pytest.approx(MIN_MASS / (x.size + MIN_MASS))


def test_points_far_from_every_component_do_not_underflow():
    x = np.array([-1e5, -1e5 + 1, 1e5, 1e5 + 2])
    h = fit_em(x, 2, init_params=GMM([0.5, 0.5], [0.0, 1.0], [1.0, 1.0]), max_iter=5, tol=0)
    assert np.all(np.isfinite(h[["weight", "mean", "sd", "log_likelihood"]].to_numpy()))
    np.testing.assert_allclose(np.sort(final_model(h).means), [-1e5 + 0.5, 1e5 + 1], rtol=1e-9)


def test_float32_and_list_input_are_accepted(data):
    ref = fit_em(data, 2, rng=0)
    assert fit_em(list(data), 2, rng=0).equals(ref)
    assert fit_em(data.astype(np.float32), 2, rng=0).attrs["n_points"] == data.size


@pytest.mark.slow
@pytest.mark.parametrize("init", INIT_METHODS)
def test_a_fit_never_copies_the_data(init):
    """Validation, the start (quantiles of a bounded subsample, k-means++ on a bounded
    draw) and the passes allocate a fixed amount, a fraction of a million points' 8 MB."""
    x, _ = sample(random_model(3, rng=0), 1_000_000, rng=1)
    tracemalloc.start()
    fit_em(x, 3, init=init, max_iter=1, rng=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 0.5 * x.nbytes, peak


@pytest.mark.slow
def test_a_fit_makes_no_blas_call(monkeypatch):
    """The passes reduce with numpy's own loops: BLAS's thread pool would fight the threads
    of concurrent fits (one pass at N = 1e6, K = 2 took 31 ms instead of 8)."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("a BLAS-backed call in the engine")

    for name in ("dot", "vdot", "vecdot", "matmul", "inner", "tensordot", "einsum"):
        monkeypatch.setattr(np, name, refuse)
    x, _ = sample(random_model(3, rng=0), 5000, rng=1)
    for init in INIT_METHODS:
        fit_em(x, 3, init=init, rng=0, max_iter=5, n_init=2, tied_sd=init == "quantile")

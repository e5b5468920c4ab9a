"""The teaching tables, checked against the history and independent computations."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from emgmm import GMM, fit_em, model_at, responsibilities, sample
from emgmm.app.exports import point_table as exports_point_table
from emgmm.history import iteration_table
from emgmm.teaching import (
    PARAMETERS,
    RESPONSIBILITY_GRID,
    half_steps,
    parameter_paths,
    point_table,
    responsibility_curves,
    uncertainty,
)

MODEL = GMM([0.2, 0.3, 0.5], [-2.0, 0.5, 3.0], [0.3, 1.0, 0.6])


@pytest.fixture(scope="module")
def fit():
    x, _ = sample(MODEL, 600, rng=0)
    return x, fit_em(x, 3, rng=0, max_iter=12)


def test_responsibility_curves_match_the_naive_formula_and_sum_to_one():
    curves = responsibility_curves(MODEL, -4.0, 5.0, n_grid=91)
    assert list(curves.columns) == ["x", "component", "responsibility"]
    assert len(curves) == 91 * 3 and sorted(set(curves["component"])) == [1, 2, 3]
    xs = np.linspace(-4.0, 5.0, 91)
    dens = np.array(
        [w * norm.pdf(xs, m, s) for w, m, s in zip(MODEL.weights, MODEL.means, MODEL.sds, strict=True)]
    )
    for k in (1, 2, 3):
        rows = curves[curves["component"] == k]
        np.testing.assert_array_equal(rows["x"], xs)
        np.testing.assert_allclose(rows["responsibility"], dens[k - 1] / dens.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(curves.groupby("x")["responsibility"].sum(), 1.0, rtol=1e-15)
    assert len(responsibility_curves(MODEL, 0.0, 1.0)) == RESPONSIBILITY_GRID * 3


def test_responsibility_curves_stay_finite_far_from_the_components():
    """Where every density underflows, the naive ratio is 0/0; the curves still sum to one,
    and each far end belongs to the widest component, as ``responsibilities`` says."""
    narrow = GMM([0.5, 0.5], [0.0, 1.0], [0.01, 0.02])
    curves = responsibility_curves(narrow, -1e6, 1e6, n_grid=11)
    assert np.all(np.isfinite(curves["responsibility"]))
    np.testing.assert_allclose(curves.groupby("x")["responsibility"].sum(), 1.0, rtol=1e-15)
    xs = np.linspace(-1e6, 1e6, 11)
    wide = curves.pivot(index="x", columns="component", values="responsibility").to_numpy()
    np.testing.assert_array_equal(wide, responsibilities(xs, narrow))
    assert wide[0, 1] == 1.0 and wide[-1, 1] == 1.0


@pytest.mark.parametrize(
    ("lo", "hi", "n_grid", "match"),
    [
        (1.0, 1.0, 10, "lo, hi: expected finite numbers with lo < hi"),
        (0.0, np.inf, 10, "lo, hi"),
        (0.0, 1.0, 1, "n_grid: expected an integer >= 2, got 1"),
        (0.0, 1.0, 2.5, "n_grid"),
    ],
)
def test_responsibility_curves_refuse_a_bad_grid(lo, hi, n_grid, match):
    with pytest.raises(ValueError, match=match):
        responsibility_curves(MODEL, lo, hi, n_grid=n_grid)


def test_half_steps_alternate_e_and_m_frames_as_documented(fit):
    _, history = fit
    n = int(history["iteration"].max())
    frames = half_steps(history)
    assert len(frames) == 2 * n + 1
    assert [f.kind for f in frames] == ["start"] + ["E", "M"] * n
    start = frames[0]
    assert (start.step, start.params_iteration, start.resp_iteration, start.faint_iteration) == (
        0,
        0,
        0,
        None,
    )
    for i in range(1, n + 1):
        e, m = frames[2 * i - 1], frames[2 * i]
        # the E-step: the curves of i - 1 and the responsibilities they give
        assert (e.step, e.params_iteration, e.resp_iteration, e.faint_iteration) == (i, i - 1, i - 1, None)
        # the M-step: the new curves, from the same responsibilities, the old ones faint
        assert (m.step, m.params_iteration, m.resp_iteration, m.faint_iteration) == (i, i, i - 1, i - 1)
        assert (e.label, m.label) == (f"E-step {i}", f"M-step {i}")
        assert e.title.startswith(f"E-step {i}:") and f"iteration {i - 1}" in e.title
        # each E frame draws the curves the frame before it drew
        assert e.params_iteration == frames[2 * i - 2].params_iteration


def test_half_step_titles_quote_the_histories_log_likelihood(fit):
    _, history = fit
    ll = iteration_table(history)["log_likelihood"].to_numpy()
    frames = half_steps(history)
    assert frames[0].title.endswith(f"-LL = {-ll[0]:,.2f}")
    for frame in frames[2::2]:
        assert frame.title.startswith(f"M-step {frame.step}:")
        assert frame.title.endswith(f"-LL = {-ll[frame.params_iteration]:,.2f}")


def test_each_m_frame_draws_the_m_step_of_the_responsibilities_it_shows(fit):
    """What the frames claim about EM: the parameters of iteration i are the weighted
    means of the data under the responsibilities of iteration i - 1."""
    x, history = fit
    for frame in half_steps(history)[2::2]:
        r = responsibilities(x, model_at(history, frame.resp_iteration))
        mass = r.sum(axis=0)
        means = r.T @ x / mass
        sds = np.sqrt((r * (x[:, None] - means) ** 2).sum(axis=0) / mass)
        drawn = model_at(history, frame.params_iteration)
        np.testing.assert_allclose(drawn.weights, mass / x.size, rtol=1e-9)
        np.testing.assert_allclose(drawn.means, means, rtol=1e-9)
        np.testing.assert_allclose(drawn.sds, sds, rtol=1e-9)


def test_half_steps_of_a_start_alone_is_one_frame():
    x, _ = sample(MODEL, 200, rng=1)
    history = fit_em(x, 2, rng=0, max_iter=1)
    history = history[history["iteration"] == 0]
    assert [f.kind for f in half_steps(history)] == ["start"]


def test_parameter_paths_are_the_histories_columns(fit):
    _, history = fit
    paths = parameter_paths(history)
    assert list(paths.columns) == ["iteration", "component", "parameter", "value"]
    assert len(paths) == 3 * len(history)
    assert list(pd.unique(paths["parameter"])) == list(PARAMETERS) == ["weight", "mean", "sd"]
    for name in PARAMETERS:
        rows = paths[paths["parameter"] == name]
        np.testing.assert_array_equal(rows["iteration"], history["iteration"])
        np.testing.assert_array_equal(rows["component"], history["component"])
        np.testing.assert_array_equal(rows["value"], history[name])
    with pytest.raises(TypeError, match="history"):
        parameter_paths(history.drop(columns="sd"))


def test_uncertainty_is_one_minus_the_largest_responsibility():
    x = np.array([-1e9, -2.0, 0.5, 1.9, 3.0, 1e9])
    u = uncertainty(x, MODEL)
    np.testing.assert_allclose(u, 1.0 - responsibilities(x, MODEL).max(axis=1), rtol=0, atol=0)
    assert u[0] == 0.0 and u[-1] == 0.0  # far out, one component takes the point
    assert np.all((u >= 0) & (u <= 1 - 1 / 3))
    # two equal components share their midpoint equally: the most uncertain a point can be
    assert uncertainty([0.5], GMM([0.5, 0.5], [0.0, 1.0], [1.0, 1.0]))[0] == pytest.approx(0.5, abs=1e-15)


def test_point_table_is_the_dashboards_points_download(fit):
    x, history = fit
    table = point_table(x, model_at(history, int(history["iteration"].max())))
    pd.testing.assert_frame_equal(table, exports_point_table(x, history))
    assert list(table.columns) == ["value", "component", "r1", "r2", "r3"]

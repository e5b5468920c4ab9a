"""One point worked out, the M-step's sums of a frame, and the formulas' values, each
checked against a direct computation with scipy.stats.norm and the fit's own history."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from emgmm import GMM, fit_em, model_at, responsibilities, sample
from emgmm.mstep import frame_sums, history_sums, m_step_sums
from emgmm.teaching import half_steps, responsibility_grid
from emgmm.viz import teaching as tv
from emgmm.why import (
    most_shared_point,
    parameter_text,
    point_share,
    responsibility_text,
    step_text,
    step_values,
    worked_point,
)

MODEL = GMM([0.3, 0.7], [0.0, 2.0], [1.0, 0.8])


@pytest.fixture(scope="module")
def fit():
    x, _ = sample(MODEL, 500, rng=3)
    return x, fit_em(x, 2, rng=0, max_iter=8, tol=0.0)


def naive_sums(x, model, w=None):
    """N_i, the new means and log L by the textbook formulas, with scipy's normal density
    (and the new sds, as ``naive_sds``)."""
    w = np.ones(x.size) if w is None else np.asarray(w, dtype=float)
    dens = np.array(
        [wt * norm.pdf(x, m, s) for wt, m, s in zip(model.weights, model.means, model.sds, strict=True)]
    )
    r = dens / dens.sum(axis=0)
    mass = (r * w).sum(axis=1)
    return mass, (r * w * x).sum(axis=1) / mass, float((w * np.log(dens.sum(axis=0))).sum())


def naive_sds(x, model, w=None, tied=False):
    w = np.ones(x.size) if w is None else np.asarray(w, dtype=float)
    dens = np.array(
        [a * norm.pdf(x, m, s) for a, m, s in zip(model.weights, model.means, model.sds, strict=True)]
    )
    r = dens / dens.sum(axis=0) * w
    mass = r.sum(axis=1)
    means = (r * x).sum(axis=1) / mass
    var = (r * (x - means[:, None]) ** 2).sum(axis=1)
    return np.full(mass.size, np.sqrt(var.sum() / w.sum())) if tied else np.sqrt(var / mass)


def test_worked_point_matches_scipy_and_the_frames_responsibilities():
    table = worked_point(1.3, MODEL)
    assert list(table.columns) == [
        "component", "weight", "mean", "sd", "density", "product", "sum", "responsibility"
    ]  # fmt: skip
    density = norm.pdf(1.3, MODEL.means, MODEL.sds)
    np.testing.assert_allclose(table["density"], density, rtol=1e-13)
    np.testing.assert_allclose(table["product"], MODEL.weights * density, rtol=1e-13)
    np.testing.assert_allclose(table["sum"], (MODEL.weights * density).sum(), rtol=1e-13)
    np.testing.assert_allclose(table["responsibility"], table["product"] / table["sum"], rtol=1e-12)
    # the very numbers the E-frames draw
    np.testing.assert_array_equal(table["responsibility"], responsibilities([1.3], MODEL)[0])


def test_the_most_shared_point_is_the_one_nearest_an_even_split():
    x = np.linspace(-3.0, 5.0, 801)
    chosen = most_shared_point(x, MODEL)
    r = MODEL.weights * norm.pdf(x[:, None], MODEL.means, MODEL.sds)
    r /= r.sum(axis=1, keepdims=True)
    assert chosen == x[np.argmin(np.abs(r[:, 0] - 0.5))]


def test_a_far_point_is_worked_out_without_nan():
    table = worked_point(1e6, MODEL)
    assert (table["density"] == 0).all() and (table["sum"] == 0).all()
    assert np.isfinite(table["responsibility"]).all() and table["responsibility"].sum() == pytest.approx(1.0)


def test_sums_from_the_history_equal_the_engines_pass_and_the_textbook(fit):
    x, history = fit
    for t in (0, 3, 7):
        from_history, from_pass = history_sums(history, t), m_step_sums(x, model_at(history, t))
        mass, means, ll = naive_sums(x, model_at(history, t))
        for sums in (from_history, from_pass):
            np.testing.assert_allclose(sums.mass, mass, rtol=1e-9)
            np.testing.assert_allclose(sums.means, means, rtol=1e-9)
            assert sums.log_likelihood == pytest.approx(ll, rel=1e-12)
            assert sums.total == x.size


def test_sums_after_the_last_iteration_come_from_a_pass(fit):
    x, history = fit
    last = int(history["iteration"].iloc[-1])
    with pytest.raises(ValueError, match="m_step_sums"):
        history_sums(history, last)
    _, means, _ = naive_sums(x, model_at(history, last))
    np.testing.assert_allclose(frame_sums(history, last, x).means, means, rtol=1e-9)


def test_weighted_sums_count_a_point_of_weight_two_twice():
    x, _ = sample(MODEL, 200, rng=5)
    w = np.random.default_rng(1).integers(0, 4, size=x.size).astype(float)
    history = fit_em(x, 2, weights=w, rng=0, max_iter=4, tol=0.0)
    repeated = fit_em(np.repeat(x, w.astype(int)), 2, init_params=model_at(history, 0), max_iter=4, tol=0.0)
    mass, means, ll = naive_sums(x, model_at(history, 2), w)
    for sums in (history_sums(history, 2), m_step_sums(x, model_at(history, 2), w)):
        np.testing.assert_allclose(sums.mass, mass, rtol=1e-9)
        np.testing.assert_allclose(sums.means, means, rtol=1e-9)
        assert sums.log_likelihood == pytest.approx(ll, rel=1e-12)
    np.testing.assert_allclose(history_sums(repeated, 2).means, means, rtol=1e-9)


def test_every_points_contribution_adds_up_to_the_m_frames_new_mean(fit):
    x, history = fit
    sums = history_sums(history, 2)
    shares = pd.concat([point_share(v, sums) for v in x[:50]])
    assert list(shares.columns) == [
        "component",
        "responsibility",
        "mass",
        "share",
        "contribution",
        "new_mean",
    ]
    # all points: the contributions sum to the mean the M-frame shows (iteration 3)
    r = responsibilities(x, sums.model)
    total = (r * x[:, None]).sum(axis=0) / sums.mass
    np.testing.assert_allclose(total, model_at(history, 3).means, rtol=1e-9)
    one = point_share(x[0], sums)
    np.testing.assert_allclose(one["contribution"], r[0] * x[0] / sums.mass, rtol=1e-12)
    np.testing.assert_allclose(one["new_mean"], model_at(history, 3).means)


def test_an_empty_components_share_is_zero_not_nan():
    x = np.array([0.0, 0.1, 0.2, 0.3, 5.0, 5.1])
    history = fit_em(x, 3, init_params=GMM([0.4, 0.4, 0.2], [0.1, 5.0, 1e3], [0.5, 0.5, 0.5]), max_iter=3)
    share = point_share(0.1, history_sums(history, 1))
    assert np.isfinite(share.to_numpy(dtype=float)).all() and share["share"].iat[2] == 0.0


@pytest.mark.parametrize("tied", [False, True])
def test_the_steps_new_sds_from_a_pass_equal_the_history_and_the_textbook(tied):
    x, _ = sample(MODEL, 300, rng=8)
    w = np.random.default_rng(2).uniform(0.5, 2.0, size=x.size)
    history = fit_em(x, 2, weights=w, tied_sd=tied, rng=0, max_iter=4, tol=0.0)
    expected = naive_sds(x, model_at(history, 2), w, tied)
    np.testing.assert_allclose(model_at(history, 3).sds, expected, rtol=1e-9)
    np.testing.assert_allclose(history_sums(history, 2).sds, expected, rtol=1e-9)
    np.testing.assert_allclose(m_step_sums(x, model_at(history, 2), w, tied).sds, expected, rtol=1e-9)
    last = int(history["iteration"].iloc[-1])
    final = frame_sums(history, last, x, w)  # a pass, tied as the fit is
    np.testing.assert_allclose(final.sds, naive_sds(x, model_at(history, last), w, tied), rtol=1e-9)


def test_step_values_and_their_text(fit):
    x, history = fit
    sums = history_sums(history, 1)
    values = step_values(sums)
    after = model_at(history, 2)
    np.testing.assert_allclose(values["weight"], after.weights, rtol=1e-12)
    np.testing.assert_allclose(values["mass"], after.weights * x.size, rtol=1e-12)
    np.testing.assert_allclose(values[["mean", "sd"]].to_numpy().T, [after.means, after.sds], rtol=1e-12)
    assert step_text(sums) == parameter_text(after, x.size)
    assert step_text(sums)[0].startswith(
        f"N_1 = {after.weights[0] * x.size:,.1f}, w_1 = {after.weights[0]:.4g}, "
    )
    text = parameter_text(GMM([0.4123, 0.5877], [1.84, -2.0], [0.5, 1.0]), 1000.0, -1234.5678)
    assert text == [
        "N_1 = 412.3, w_1 = 0.4123, mu_1 = 1.84, sigma_1 = 0.5",
        "N_2 = 587.7, w_2 = 0.5877, mu_2 = -2, sigma_2 = 1",
        "log L = -1,234.57",
    ]
    lines = responsibility_text(worked_point(1.5, MODEL), 1.5)
    assert lines[0] == "r_1(1.5) = 0.3 x 0.1295 / 0.326 = 0.1192"


def test_the_e_and_m_frames_draw_the_same_numbers(fit):
    x, history = fit
    frames = half_steps(history)
    for frame in frames[1:5]:
        sums = frame_sums(history, frame.resp_iteration, x)
        grid = responsibility_grid(-3.0, 4.0, 8)
        # the E-frame's responsibilities panel (as text, 4 decimals) and the worked table
        records = tv.model_responsibility_records(sums.model, (-3.0, 4.0), 8)
        for v, column in zip(
            grid, np.array([r["responsibility"].split() for r in records], dtype=float).T, strict=True
        ):
            np.testing.assert_allclose(worked_point(v, sums.model)["responsibility"], column, atol=5e-5)
        if frame.kind == "M":  # the M-frame's curves are the step's new means
            np.testing.assert_array_equal(sums.means, model_at(history, frame.params_iteration).means)

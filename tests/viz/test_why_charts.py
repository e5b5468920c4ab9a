"""The why-views' charts and tables, checked without a browser (``chart.to_dict()``)."""

import numpy as np
import pytest

from emgmm import GMM, final_model, fit_em, sample
from emgmm.bound import bound_curves
from emgmm.hard import compare_hard_soft, fit_hard
from emgmm.mstep import history_sums
from emgmm.viz import plotdata, screens, style
from emgmm.viz import why as vw
from emgmm.why import point_share, worked_point
from tests.support.player_page import payload_of

OVERLAP = GMM([0.5, 0.5], [0.0, 2.0], [1.0, 1.0])
START = GMM([0.5, 0.5], [-0.5, 2.5], [1.0, 1.0])


@pytest.fixture(scope="module")
def data():
    x, _ = sample(OVERLAP, 1000, rng=3)
    return x


@pytest.fixture(scope="module")
def bound(data):
    return bound_curves(data, history_sums(fit_em(data, 2, init_params=START, max_iter=5, tol=0.0), 1), 2)


@pytest.mark.slow
def test_bound_chart_draws_both_curves_relative_to_the_touching_point(bound):
    spec = vw.bound_chart(bound).to_dict()
    ll, lower, rules, *words, note = spec["layer"]
    assert [ll["mark"]["type"], lower["mark"]["type"], rules["mark"]["type"]] == ["line", "line", "rule"]
    assert lower["mark"]["strokeDash"] == style.DASH and len(words) == 2 and note["mark"]["type"] == "text"
    records = spec["datasets"][vw.BOUND_CURVES]
    assert {r["curve"] for r in records} == set(vw.CURVES) and len(records) == 2 * len(bound.curves)
    assert {r["colour"] for r in records if r["curve"] == vw.CURVES[1]} == {style.PALETTE[1]}  # C2's colour
    at = [r["gain"] for r in records if r["mean"] == bound.current]
    assert at == pytest.approx([0.0, 0.0], abs=1e-9 * abs(bound.log_likelihood))
    marks = spec["datasets"][vw.BOUND_MARKS]
    assert [m["mean"] for m in marks] == [bound.current, bound.update]
    assert marks[1]["what"] == f"M-step: mu_2 = {bound.update:.4g}"
    assert {m["side"] for m in marks} == {"left", "right"} and spec["datasets"][vw.BOUND_NOTE] == []


@pytest.mark.slow
def test_a_frames_spec_swaps_the_datasets_into_one_template(data, bound):
    assert vw.bound_spec(bound) == vw.bound_chart(bound).to_dict()
    other = bound_curves(data, history_sums(fit_em(data, 2, init_params=START, max_iter=5, tol=0.0), 3), 1)
    assert vw.bound_spec(other) == vw.bound_chart(other).to_dict()


def test_a_subsampled_bound_says_so(data):
    sums = history_sums(fit_em(data, 2, init_params=START, max_iter=3), 1)
    spec = vw.bound_spec(bound_curves(data, sums, max_points=100))
    assert spec["datasets"][vw.BOUND_NOTE] == [{"text": "log L's gap above the bound from 100 of the points"}]


def test_point_display_is_the_worked_table_in_the_pages_digits(data):
    model = GMM([0.3, 0.7], [0.0, 2.0], [1.0, 0.8])
    table = vw.point_display(worked_point(1.5, model))
    assert list(table["component"]) == ["C1", "C2", "sum"]
    assert table["w_i"].tolist() == ["0.3", "0.7", ""]
    assert table["r_i(x)"].iat[-1] == "1"
    sums = history_sums(fit_em(data, 2, init_params=START, max_iter=3), 0)
    shared = vw.point_display(worked_point(1.5, sums.model), point_share(1.5, sums))
    assert {"N_i", "r_i x / N_i", "new mu_i"} <= set(shared.columns)
    assert shared["new mu_i"].iat[0] == f"{sums.means[0]:.4g}"


def test_the_sentence_says_how_hard_and_soft_differ(data):
    soft, hard = fit_em(data, 2, init_params=START), fit_hard(data, 2, init_params=START)
    sentence = vw.hard_soft_sentence(compare_hard_soft(soft, hard))
    assert sentence.startswith("Hard EM ends elsewhere") and "biased apart" in sentence
    far, _ = sample(GMM([0.5, 0.5], [0.0, 20.0], [1.0, 1.0]), 300, rng=1)
    start = GMM([0.5, 0.5], [1.0, 19.0], [1.0, 1.0])
    same = compare_hard_soft(fit_em(far, 2, init_params=start), fit_hard(far, 2, init_params=start))
    assert vw.hard_soft_sentence(same).startswith("Hard and soft EM end at the same fit")


def test_hard_soft_chart_draws_both_fits_over_the_histogram(data):
    domain = plotdata.x_domain(data)
    soft, hard = fit_em(data, 2, init_params=START), fit_hard(data, 2, init_params=START)
    spec = vw.hard_soft_chart(
        plotdata.histogram_table(data, domain), final_model(soft), final_model(hard), domain
    )
    bars, curves = spec.to_dict()["layer"]
    assert bars["mark"]["type"] == "rect" and curves["encoding"]["strokeDash"]["scale"]["domain"] == list(
        vw.FITS
    )
    records = vw.hard_soft_records(final_model(soft), final_model(hard), domain)
    np.testing.assert_allclose(
        records.loc[records["fit"] == "hard EM", "density"],
        final_model(hard).pdf(np.linspace(*domain, vw.FIT_GRID)),
    )


def test_both_fits_log_likelihoods_are_drawn_per_iteration(data):
    soft, hard = fit_em(data, 2, init_params=START), fit_hard(data, 2, init_params=START)
    records = vw.hard_soft_loglik_records(soft, hard)
    assert len(records) == soft.attrs["n_iter"] + hard.attrs["n_iter"] + 2
    last = records.groupby("fit")["log_likelihood"].last()
    assert (
        last["hard EM"] == hard["log_likelihood"].iat[-1]
        and last["EM (soft)"] == soft["log_likelihood"].iat[-1]
    )
    spec = vw.hard_soft_loglik_chart(soft, hard).to_dict()
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == list(vw.FITS)


@pytest.mark.slow
def test_a_hard_history_plays_in_the_playback(data):
    """Hard EM's history is the playback's payload as EM's is: every frame of both sequences."""
    view = screens.data_view(data, 0)
    hard = fit_hard(data, 2, init_params=START, max_iter=4)
    made = payload_of(hard, view, screens.y_ceiling(view, []), settings={"half_steps": True})
    n_iter = int(hard.attrs["n_iter"])
    assert (
        len(made["frames"]["iterations"]) == n_iter + 1
        and len(made["frames"]["half_steps"]) == 2 * n_iter + 1
    )
    assert made["models"]["means"][0] == list(START.means)

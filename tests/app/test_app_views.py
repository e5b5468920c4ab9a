"""The views that show how EM works and how far to trust its fit, on the page (AppTest):
responsibilities, E- and M-steps, uncertainty colouring, degeneracy, goodness of fit, the
bootstrap, Choose K's ICL and likelihood-ratio test, and the local optima explorer."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from emgmm.app import text
from tests.support.apptest import (
    button,
    charts_of,
    fit,
    no_exception,
    player_args,
    skip_to_end,
    start,
    titles,
)

pytestmark = pytest.mark.slow  # each test runs the whole page (AppTest)


def datasets_of(at, name: str) -> list[list[dict]]:
    """Every chart's named dataset ``name``, as records."""
    out = []
    for element in at.get("vega_lite_chart"):
        for ds in element.proto.datasets:
            if ds.name == name:
                out.append(pa.ipc.open_stream(ds.data.data).read_all().to_pylist())
    return out


def skip(at):
    skip_to_end(at)
    no_exception(at)
    return at


def pasted(numbers: str, query: dict[str, str] | None = None):
    at = start({"source": "paste", **(query or {})})
    at.text_area(key="paste").set_value(numbers).run()
    no_exception(at)
    return at


def test_every_frame_has_the_responsibilities_and_the_paths_under_it():
    at = fit(start({"max_iter": "30"}))
    no_exception(at)
    payload = player_args(at)["payload"]
    assert [row for row in payload["rows"]] == [["top"], ["panel"], ["strip"], ["bound"], ["paths", "loglik"]]
    assert "responsibilities" in payload["templates"]["panel"]["datasets"]
    assert "current" in payload["templates"]["paths"]["datasets"]
    # each frame draws its own iteration's parameters and the responsibilities they give
    steps = payload["frames"]["iterations"]
    assert [(s["params"], s["resp"], s["faint"]) for s in steps] == [(i, i, None) for i in range(len(steps))]
    assert len(payload["models"]["means"]) == len(steps) and len(payload["models"]["means"][0]) == 5


def test_show_e_and_m_steps_alternates_titles_and_plays_twice_the_frames():
    at = start({"max_iter": "30", "half_steps": "true"})
    fit(at)
    no_exception(at)
    assert any(t and t.startswith("Start: ") for t in titles(at))
    args = player_args(at)
    assert args["settings"]["half_steps"] is True
    _, e1, m1 = args["payload"]["frames"]["half_steps"][:3]
    assert e1["title"].startswith("E-step 1: ") and m1["title"].startswith("M-step 1: ")
    assert e1["faint"] is None  # an E-step moves no curve
    assert (m1["params"], m1["resp"], m1["faint"]) == (
        1,
        0,
        0,
    )  # new curves, old responsibilities, old curves faint


def test_colouring_the_points_by_uncertainty():
    at = fit(start({"max_iter": "30", "colour_by": "uncertainty"}))
    no_exception(at)
    args = player_args(at)
    assert args["settings"]["colour_by"] == "uncertainty"
    strip = args["payload"]["templates"]["strip_uncertainty"]
    assert strip["encoding"]["color"]["field"] == "uncertainty"
    assert strip["encoding"]["color"]["scale"]["domain"] == [0, 1 - 1 / 5]
    assert args["payload"]["colour_labels"]["uncertainty"] == text.COLOUR_LABELS["uncertainty"]
    assert text.COLOUR_LABELS["uncertainty"] in [o for o in at.selectbox(key="colour_by").options]


def test_a_spike_on_two_points_is_called_degenerate_and_flagged_in_the_table():
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(-3, 1, 150), rng.normal(3, 1, 150), [40.0, 40.0]])
    at = pasted(" ".join(f"{v:.6f}" for v in values), {"n_fit": "3"})
    skip(fit(at))
    warning = " ".join(w.value for w in at.warning)
    assert "Degenerate: C" in warning and "on 2.0 points" in warning
    table = at.dataframe[0].value
    assert table["degenerate"].sum() == 1 and table["points, N_i"].min() == pytest.approx(2.0, abs=0.01)


def test_goodness_of_fit_and_the_bootstrap_in_the_final_view():
    at = skip(fit(start({"max_iter": "60", "n_points": "500"})))
    assert any("Kolmogorov-Smirnov distance D = " in c.value for c in at.caption)
    assert any("Quantile-quantile" in str(s.get("title")) for s in charts_of(at))
    at.number_input(key="n_boot").set_value(20).run()
    button(at, "Run the bootstrap").click().run()
    no_exception(at)
    summary = next(d.value for d in at.dataframe if "standard error" in d.value.columns)
    assert len(summary) == 5 * 3 and (summary["standard error"] > 0).all()
    assert (summary["2.5 %"] <= summary["97.5 %"]).all()


def test_choose_k_scores_icl_and_tests_k_against_k_plus_one():
    rng = np.random.default_rng(1)
    values = np.concatenate([rng.normal(-4, 1, 100), rng.normal(4, 1, 100)])
    at = pasted(" ".join(f"{v:.5f}" for v in values), {"n_fit": "2"})
    button(at, "Compute BIC, AIC and ICL").click().run()
    no_exception(at)
    at.segmented_control(key="criterion").set_value("icl").run()
    assert any("best by ICL: K = 2" in str(s.get("title")) for s in charts_of(at))
    button(at, "Run the test (B = 99)").click().run()
    no_exception(at)
    table = next(d.value for d in at.dataframe if "against K" in d.value.columns)
    assert table["p"].iloc[0] == pytest.approx(0.01) and table["p"].iloc[-1] > 0.05
    assert any(c.value == "Selected: K = 2." for c in at.caption)


def test_explore_starts_counts_those_at_the_best_and_plays_any_of_them():
    at = start({"max_iter": "50", "n_points": "600"})
    at.number_input(key="n_starts").set_value(6).run()
    button(at, "Run 6 starts").click().run()
    no_exception(at)
    assert any("starts reached the best fit" in m.value for m in at.markdown)
    at.selectbox(key="chosen_start_number").set_value(3).run()
    button(at, "Play start 3").click().run()
    no_exception(at)
    assert at.session_state["play_key"][-2:] == ("start", 3)
    assert any(t and t.startswith("Iteration 0: ") for t in titles(at))


def test_explore_starts_runs_mclusts_hc_start_beside_the_random_ones_and_plays_it():
    """The hc start is start S + 1, said in the summary, marked on the chart and playable;
    with hc in the sidebar the random starts are k-means++ (hc would repeat one start)."""
    x = np.round(np.random.default_rng(2).normal(0.0, 1.0, 150) + np.repeat([0.0, 4.0, 9.0], 50), 3)
    at = pasted(" ".join(f"{v:g}" for v in x), {"max_iter": "50", "n_fit": "3", "init": "hc"})
    assert any("(k-means++" in c.value and "mclust's deterministic start" in c.value for c in at.caption)
    at.number_input(key="n_starts").set_value(4).run()
    button(at, "Run 4 starts").click().run()
    no_exception(at)
    summary = next(m.value for m in at.markdown if "random starts reached the best fit" in m.value)
    assert "of 4 random starts" in summary and "mclust's start (hc)" in summary
    assert ("mclust's start (hc) reached the best fit" in summary) != (
        "did not reach the best fit" in summary
    )
    chart = next(
        s for s in charts_of(at) if "Where EM's 4 starts and mclust's hc start ended" in str(s.get("title"))
    )
    assert any(
        layer["mark"].get("shape") == "diamond" for layer in chart["layer"] if isinstance(layer["mark"], dict)
    )
    at.selectbox(key="chosen_start_number").set_value(5).run()
    button(at, "Play mclust's start (hc), 5").click().run()
    no_exception(at)
    assert at.session_state["play_key"][-2:] == ("start", 5)
    from emgmm import fit_em

    expected = fit_em(x, 3, init="hc", max_iter=50)
    played = at.session_state["fit_store"].get(at.session_state["play_key"])
    np.testing.assert_array_equal(played["mean"], expected["mean"])


def test_your_start_from_a_table_edit_is_where_em_starts_bit_for_bit():
    from emgmm import fit_em
    from emgmm.sampling import simulate

    at = start({"init": "custom", "max_iter": "20", "n_fit": "2"})
    at.session_state["start_editor"] = {"edited_rows": {0: {"mean": -2.5, "weight": 3}}}
    at.run()
    no_exception(at)
    assert any("weights divided by their sum, 3.5" in c.value for c in at.caption)
    link = at.query_params["start"]
    fit(at)
    no_exception(at)
    key = at.session_state["play_key"]
    _, x = simulate(5, 1.5, 2000, 1)
    from emgmm.app.custom import decode_start, read_start
    from emgmm.scaling import sd_floor_for

    given, _ = read_start(decode_start(link[0] if isinstance(link, list) else link), float(sd_floor_for(x)))
    assert given.means[0] == -2.5 and given.weights[0] == pytest.approx(3 / 3.5, rel=1e-6)
    expected = fit_em(x, 2, max_iter=20, init_params=given, rng=1)
    assert key[-1] == (link[0] if isinstance(link, list) else link)
    means = player_args(at)["payload"]["models"]["means"][0]
    assert means == expected[expected["iteration"] == 0]["mean"].tolist()


def test_a_click_on_the_data_places_the_next_mean_and_the_link_carries_it():
    at = start({"init": "custom", "n_fit": "2"})
    at.session_state["place_means"] = {"selection": {"place": [{"x": 1.25}]}}
    at.run()
    no_exception(at)
    assert at.session_state["start"].split(",")[0].split(":")[1] == "1.25"
    again = start({"init": "custom", "n_fit": "2", "start": at.session_state["start"]})
    no_exception(again)
    assert again.session_state["start_table"]["mean"].iloc[0] == 1.25


def test_an_upload_with_a_count_column_fits_as_the_repeated_observations():
    from emgmm import fit_em

    rng = np.random.default_rng(3)
    values = np.round(np.concatenate([rng.normal(20, 2, 300), rng.normal(35, 3, 200)]))
    levels, counts = np.unique(values, return_counts=True)
    content = (
        "minutes,count\n" + "\n".join(f"{v:g},{c}" for v, c in zip(levels, counts, strict=True))
    ).encode()
    at = start({"source": "upload", "n_fit": "2", "init": "quantile"})
    at.file_uploader(key="upload").set_value(("binned.csv", content, "text/csv")).run()
    at.selectbox(key="weight_column").set_value("count").run()
    no_exception(at)
    assert any("rows stand for 500 observations" in c.value for c in at.caption)
    skip(fit(at))
    expected = fit_em(np.repeat(levels, counts), 2, init="quantile", rng=1)
    table = at.dataframe[0].value
    np.testing.assert_allclose(
        table["mean"], expected[expected["iteration"] == expected["iteration"].max()]["mean"], rtol=1e-10
    )


def test_your_own_start_with_restarts_set_is_one_start_and_explore_starts_draws_its_own():
    at = start({"init": "custom", "n_init": "4", "max_iter": "20", "n_fit": "2"})
    fit(at)
    no_exception(at)
    assert not at.error
    at.number_input(key="n_starts").set_value(3).run()
    button(at, "Run 3 starts").click().run()
    no_exception(at)
    assert any("starts reached the best fit" in m.value for m in at.markdown)


def test_mclusts_prior_fits_and_says_so_and_the_stop_is_compared_with_other_tools():
    """Galaxies, K = 6: the ML fit puts a component on a couple of velocities (sd 43 km/s);
    with mclust's prior (a Fit option) none collapses, and the page says what it fitted."""
    smallest = {}
    for prior in ("false", "true"):
        at = start({"source": "example", "example": "galaxies", "n_fit": "6", "prior": prior})
        skip(fit(at))
        smallest[prior] = min(player_args(at)["payload"]["models"]["sds"][-1])
        captions = " ".join(c.value for c in at.caption)
        assert ("mclust's default conjugate prior" in captions) is (prior == "true")
        assert "mclust's default tolerance 1e-05 would stop" in captions
    assert smallest["false"] < 100 < smallest["true"]


def test_why_em_works_shows_the_bound_and_plays_hard_em_from_the_same_start():
    at = skip(fit(start({"max_iter": "40", "n_real": "3", "n_fit": "3", "spread": "0.6"})))
    bounds = [s for s in charts_of(at) if "the mean that moves (mu_i)" in str(s)]
    assert len(bounds) == 1  # the bound at iteration 0, for the mean the M-step moves most
    soft_key = at.session_state["play_key"]
    button(at, "Fit hard EM from the same start").click().run()
    no_exception(at)
    assert any("hard EM" in m.value for m in at.markdown)
    first = player_args(at)["payload"]["models"]["means"][0]
    button(at, "Play hard EM").click().run()
    no_exception(at)
    assert at.session_state["play_key"] == (*soft_key, "hard")
    args = player_args(at)
    assert args["mode"] == "play" and args["payload"]["models"]["means"][0] == first  # the same start

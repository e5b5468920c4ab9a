"""The bootstrap, LRT, goodness-of-fit, Choose K and local optima charts, checked without a
browser: layers, marks, encodings, colours, the numbers they carry (against independent
computations) and their sizes."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from emgmm import GMM, final_model, fit_em, random_model, sample
from emgmm.bootstrap import bootstrap
from emgmm.em import fit_starts
from emgmm.goodness import ecdf_table, ks_distance, qq_table
from emgmm.lrt import bootstrap_lrt
from emgmm.selection import best_k, select_k
from emgmm.starts import fit_starts_and_hc
from emgmm.viz import analysis, explore, plotdata, screens, style, trace

MODEL = GMM([0.3, 0.7], [-2.0, 1.5], [0.6, 1.0])
#: Three clusters far apart: a random start now and then merges two of them.
THREE = GMM([0.3, 0.3, 0.4], [-4.0, 0.0, 4.0], [0.5, 0.5, 0.5])


@pytest.fixture(scope="module")
def data():
    x, _ = sample(MODEL, 200, rng=0)
    return x


@pytest.fixture(scope="module")
def fit(data):
    return fit_em(data, 2, rng=0)


@pytest.fixture(scope="module")
def boot(data, fit):
    return bootstrap(data, fit, 40, rng=1)


@pytest.fixture(scope="module")
def starts():
    x, _ = sample(THREE, 150, rng=0)
    return fit_starts(x, 3, 6, rng=5, init="random")


def mark_type(layer: dict) -> str:
    return layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]


def rows_of(spec: dict, layer: dict) -> list[dict]:
    """The rows a layer draws: its named dataset (Altair stores each table once)."""
    return spec["datasets"][layer["data"]["name"]]


def every_dataset(spec) -> list[list]:
    """The rows of every dataset of a spec, named or inline."""
    found = list(spec.get("datasets", {}).values()) if isinstance(spec, dict) else []
    if isinstance(spec, dict):
        if isinstance(spec.get("data"), dict) and isinstance(spec["data"].get("values"), list):
            found.append(spec["data"]["values"])
        found += [rows for key, value in spec.items() if key != "datasets" for rows in every_dataset(value)]
    elif isinstance(spec, list):
        found += [rows for value in spec for rows in every_dataset(value)]
    return found


def component_colours(k: int) -> list[str]:
    return style.colour_scale(k).to_dict()["range"][:k]


def random_replicates(n_boot: int, k: int, seed: int = 0) -> pd.DataFrame:
    """A table shaped like ``Bootstrap.replicates``, without running EM."""
    rng = np.random.default_rng(seed)
    weights = rng.dirichlet(np.ones(k), size=n_boot)
    return pd.DataFrame(
        {
            "replicate": np.repeat(np.arange(1, n_boot + 1), k),
            "component": np.tile(np.arange(1, k + 1), n_boot),
            "weight": weights.ravel(),
            "mean": (np.arange(k) * 3.0 + rng.normal(0, 0.1, size=(n_boot, k))).ravel(),
            "sd": rng.uniform(0.5, 1.5, size=n_boot * k),
        }
    )


# ---------------------------------------------------------------- bootstrap


@pytest.mark.slow
def test_replicate_bins_count_every_finite_replicate(boot):
    failed = pd.DataFrame(
        {"replicate": [41, 41], "component": [1, 2], "weight": np.nan, "mean": np.nan, "sd": np.nan}
    )
    bins = analysis.replicate_bins(pd.concat([boot.replicates, failed], ignore_index=True))
    assert list(bins.groupby(["component", "parameter"], sort=False).size()) == [analysis.REPLICATE_BINS] * 6
    for (k, parameter), rows in bins.groupby(["component", "parameter"]):
        values = boot.replicates.loc[boot.replicates["component"] == k, parameter]
        assert rows["count"].sum() == 40  # the failed replicate is left out
        assert rows["start"].iloc[0] == values.min() and rows["end"].iloc[-1] == values.max()
        np.testing.assert_array_equal(rows["start"].to_numpy()[1:], rows["end"].to_numpy()[:-1])


@pytest.mark.slow
def test_bootstrap_histograms_has_a_panel_per_component_and_parameter(boot):
    spec = analysis.bootstrap_histograms(boot.replicates, boot.summary, boot.level).to_dict()
    assert spec["facet"]["row"]["field"] == "label" and spec["facet"]["row"]["sort"] == ["C1", "C2"]
    assert spec["facet"]["column"]["sort"] == ["weight w_i", "mean μ_i", "sd σ_i"]
    assert spec["resolve"]["scale"] == {"x": "independent", "y": "independent"}
    interval, bars, estimate = spec["spec"]["layer"]
    assert [mark_type(layer) for layer in (interval, bars, estimate)] == ["rect", "rect", "rule"]
    # the bars in the components' colours, the marks from the summary
    assert bars["encoding"]["color"]["scale"]["range"] == component_colours(2)
    assert interval["encoding"]["x"]["field"] == "lower" and interval["encoding"]["x2"]["field"] == "upper"
    rows = pd.DataFrame(spec["datasets"][spec["data"]["name"]])
    marks = rows[rows["kind"] == "summary"].sort_values(["component", "parameter"])
    expected = boot.summary.sort_values(["component", "parameter"])
    np.testing.assert_allclose(
        marks[["estimate", "lower", "upper"]], expected[["estimate", "lower", "upper"]]
    )
    assert set(marks["label"]) == {"C1", "C2"}
    assert "40 replicates" in spec["title"]["text"] and "95% percentile interval" in spec["title"]["subtitle"]


def test_one_component_leaves_out_the_weight_panel():
    replicates = random_replicates(30, 1)
    summary = pd.DataFrame(
        {
            "component": 1,
            "parameter": ["weight", "mean", "sd"],
            "estimate": [1.0, 0.0, 1.0],
            "lower": 0.0,
            "upper": 1.0,
        }
    )
    spec = analysis.bootstrap_histograms(replicates, summary).to_dict()
    assert spec["facet"]["column"]["sort"] == ["mean μ_i", "sd σ_i"]
    assert "weight" not in {row["parameter"] for row in spec["datasets"][spec["data"]["name"]]}


def test_band_table_matches_an_independent_computation(boot, fit, data):
    domain = plotdata.x_domain(data)
    band = analysis.band_table(domain, final_model(fit), boot.replicates, level=0.9, n_grid=50)
    xs = np.linspace(*domain, 50)
    curves = []
    for _, rows in boot.replicates.groupby("replicate"):
        curves.append(
            sum(w * stats.norm.pdf(xs, m, s) for w, m, s in rows[["weight", "mean", "sd"]].to_numpy())
        )
    np.testing.assert_allclose(band["x"], xs)
    np.testing.assert_allclose(band["lower"], np.percentile(curves, 5, axis=0), rtol=1e-10)
    np.testing.assert_allclose(band["upper"], np.percentile(curves, 95, axis=0), rtol=1e-10)
    np.testing.assert_allclose(band["density"], final_model(fit).pdf(xs), rtol=1e-12)


def test_band_contains_the_fitted_density(boot, fit, data):
    band = analysis.band_table(plotdata.x_domain(data), final_model(fit), boot.replicates)
    assert np.all(band["lower"] <= band["density"]) and np.all(band["density"] <= band["upper"])
    assert np.all(band["upper"] - band["lower"] > 0)


def test_band_leaves_out_failed_replicates_and_refuses_a_bad_level(boot, fit, data):
    domain, model = plotdata.x_domain(data), final_model(fit)
    failed = pd.DataFrame(
        {"replicate": [99, 99], "component": [1, 2], "weight": np.nan, "mean": np.nan, "sd": np.nan}
    )
    with_failed = pd.concat([boot.replicates, failed], ignore_index=True)
    pd.testing.assert_frame_equal(
        analysis.band_table(domain, model, with_failed), analysis.band_table(domain, model, boot.replicates)
    )
    with pytest.raises(ValueError, match="level: expected a coverage in"):
        analysis.band_table(domain, model, boot.replicates, level=95)


@pytest.mark.slow
def test_density_band_draws_the_fit_in_its_band_over_the_histogram(boot, fit, data):
    view = screens.data_view(data, 0)
    spec = analysis.density_band(view.domain, final_model(fit), boot.replicates, hist=view.hist).to_dict()
    band, line = spec["layer"][1:]
    assert [mark_type(layer) for layer in spec["layer"]] == ["rect", "area", "line"]
    assert band["encoding"]["y"]["field"] == "lower" and band["encoding"]["y2"]["field"] == "upper"
    assert band["mark"]["color"] == line["mark"]["color"] == style.FIT_COLOUR
    assert line["encoding"]["x"]["scale"]["domain"] == list(view.domain)
    tallest = max(r["upper"] for r in rows_of(spec, band))
    assert line["encoding"]["y"]["scale"]["domain"][1] >= max(tallest, view.hist["density"].max())
    assert spec["title"]["subtitle"]
    bare = analysis.density_band(view.domain, final_model(fit), boot.replicates).to_dict()
    assert [mark_type(layer) for layer in bare["layer"]] == ["area", "line"]


# ---------------------------------------------------------------------- LRT


@pytest.mark.slow
def test_lrt_histogram_marks_the_observed_lrt_and_the_engines_p_value(data):
    tests = bootstrap_lrt(data, 2, n_boot=9, n_init=1, rng=2)
    row = tests.table.iloc[0]
    k, k_alt = int(row["k"]), int(row["k_alt"])
    spec = analysis.lrt_histogram(tests.replicates, row["lrt"], k, k_alt, row["p_value"]).to_dict()
    bars, rule = spec["layer"][:2]
    assert [mark_type(layer) for layer in spec["layer"]] == ["rect", "rule", "text"]
    assert rows_of(spec, rule) == [{"lrt": row["lrt"], "text": f"observed LRT = {row['lrt']:.3g}"}]
    assert sum(r["count"] for r in rows_of(spec, bars)) == row["b"]
    assert f"p = {row['p_value']:.3g}" in spec["title"]["subtitle"]
    # by default, the p-value is the engine's formula
    default = analysis.lrt_histogram(tests.replicates, row["lrt"], k, k_alt).to_dict()
    assert default["title"]["subtitle"] == spec["title"]["subtitle"]


def test_lrt_histogram_draws_only_its_test():
    replicates = pd.DataFrame(
        {
            "k": [1] * 5 + [2] * 3,
            "k_alt": [2] * 5 + [3] * 3,
            "replicate": [1, 2, 3, 4, 5, 1, 2, 3],
            "lrt": np.arange(8.0),
        }
    )
    spec = analysis.lrt_histogram(replicates, 5.5, 2, 3).to_dict()
    assert sum(r["count"] for r in rows_of(spec, spec["layer"][0])) == 3
    # 2 of the 3 LRT* of this test (5, 6, 7) are at least 5.5: p = (1 + 2) / 4
    assert "p = 0.75" in spec["title"]["subtitle"] and "K = 3 better than K = 2" in spec["title"]["text"]
    assert "smallest" in analysis.lrt_histogram(replicates, 100.0, 2, 3).to_dict()["title"]["subtitle"]


# ----------------------------------------------------------- goodness of fit


def test_ks_segment_is_where_scipy_finds_the_ks_distance(data, fit):
    model = final_model(fit)
    table = ecdf_table(data, model)
    widest = explore.ks_segment(table).iloc[0]
    found = stats.kstest(
        data, lambda v: model.weights @ stats.norm.cdf(v[None, :], model.means[:, None], model.sds[:, None])
    )
    assert widest["x"] == pytest.approx(found.statistic_location)
    assert abs(widest["ecdf"] - widest["cdf"]) == pytest.approx(found.statistic)
    assert found.statistic == pytest.approx(ks_distance(data, model))


def test_ks_segment_reaches_down_to_the_step_below_when_the_gap_is_there():
    table = pd.DataFrame({"x": [0.0, 1.0], "ecdf": [0.5, 1.0], "cdf": [0.1, 0.95]})
    # after the steps: 0.4 and 0.05; just below them: 0.1 and 0.45
    assert explore.ks_segment(table).iloc[0].to_dict() == {"x": 1.0, "cdf": 0.95, "ecdf": 0.5}


def test_ecdf_chart_draws_a_step_against_the_fitted_line_with_the_ks_distance(data, fit):
    model = final_model(fit)
    ks = ks_distance(data, model)
    spec = explore.ecdf_chart(ecdf_table(data, model), ks).to_dict()
    steps, line, segment, label = spec["layer"]
    assert [mark_type(layer) for layer in spec["layer"]] == ["line", "line", "rule", "text"]
    assert steps["mark"]["interpolate"] == "step-after" and "interpolate" not in line["mark"]
    assert (steps["encoding"]["y"]["field"], line["encoding"]["y"]["field"]) == ("ecdf", "cdf")
    assert steps["encoding"]["color"]["scale"]["range"] == [explore.DATA_COLOUR, style.FIT_COLOUR]
    assert segment["encoding"]["y"]["field"] == "cdf" and segment["encoding"]["y2"]["field"] == "ecdf"
    assert f"D = {ks:.3g}" in spec["title"]["text"] and spec["title"]["subtitle"]
    assert rows_of(spec, label)[0]["text"] == f"D = {ks:.3g}"


def test_qq_chart_puts_the_points_on_a_square_with_the_identity_line(data, fit):
    table = qq_table(data, final_model(fit))
    spec = explore.qq_chart(table).to_dict()
    identity, points = spec["layer"]
    assert (mark_type(identity), mark_type(points)) == ("line", "circle")
    assert (points["encoding"]["x"]["field"], points["encoding"]["y"]["field"]) == ("theoretical", "sample")
    line = rows_of(spec, identity)
    assert [r["theoretical"] for r in line] == [r["sample"] for r in line]  # y = x
    lo, hi = line[0]["theoretical"], line[1]["theoretical"]
    assert lo < min(table["theoretical"].min(), table["sample"].min())
    assert hi > max(table["theoretical"].max(), table["sample"].max())
    assert points["encoding"]["x"]["scale"] == points["encoding"]["y"]["scale"]
    assert len(rows_of(spec, points)) == len(data)


# ---------------------------------------------------------------- choose K


def selection_table(degenerate: list[bool]) -> pd.DataFrame:
    k = np.arange(1, len(degenerate) + 1)
    bic = np.array([500.0, 420.0, 430.0, 400.0][: k.size])
    return pd.DataFrame({"k": k, "bic": bic, "aic": bic - 10, "icl": bic + 15, "degenerate": degenerate})


def test_selection_chart_without_icl_or_flags_keeps_its_two_criteria():
    spec = trace.selection_chart(selection_table([False] * 4)[["k", "bic", "aic"]], 2).to_dict()
    rule, lines = spec["layer"]
    assert (mark_type(rule), mark_type(lines)) == ("rule", "line") and lines["mark"]["point"] is True
    assert lines["encoding"]["color"]["scale"]["domain"] == ["BIC", "AIC"]
    assert "shape" not in lines["encoding"] and spec["title"] == "BIC and AIC by K (best by BIC: K = 2)"


def test_selection_chart_draws_icl_when_the_table_has_it():
    spec = trace.selection_chart(selection_table([False] * 4).drop(columns="degenerate"), 2).to_dict()
    lines = spec["layer"][1]
    assert lines["encoding"]["color"]["scale"]["domain"] == ["BIC", "AIC", "ICL"]
    assert lines["encoding"]["strokeDash"]["scale"]["range"] == [style.SOLID, style.DASH, trace.DOTTED]
    assert spec["title"].startswith("BIC, AIC and ICL by K")


def test_selection_chart_marks_degenerate_k_with_a_cross():
    table = selection_table([False, False, False, True])
    spec = trace.selection_chart(table, best_k(table)).to_dict()
    rule, points = spec["layer"][0], spec["layer"][2]
    assert [mark_type(layer) for layer in spec["layer"]] == ["rule", "line", "point"]
    shape = points["encoding"]["shape"]
    assert shape["scale"] == {"domain": [trace.SOUND, trace.DEGENERATE], "range": ["circle", "cross"]}
    assert "fewer than 2.5 points or at the sd floor" in trace.DEGENERATE
    flagged = {r["k"] for r in rows_of(spec, points) if r["fit"] == trace.DEGENERATE}
    assert flagged == {4}
    assert "fit" in [t["field"] for t in points["encoding"]["tooltip"]]
    assert rows_of(spec, rule) == [{"k": 2}]  # best_k passes over the degenerate K = 4


@pytest.mark.slow
def test_selection_chart_builds_from_select_k(data):
    table = select_k(data, range(1, 4), n_init=1, rng=0)
    spec = trace.selection_chart(table, best_k(table)).to_dict()
    assert len(spec["layer"]) == 3 and len(rows_of(spec, spec["layer"][2])) == 3 * 3


# ------------------------------------------------------------ local optima


def test_start_summary_numbers_starts_from_one_and_finds_those_at_the_best(starts):
    summary = explore.start_summary(starts)
    finals = starts.attrs["final_log_likelihoods"]
    assert list(summary.columns) == list(explore.SUMMARY_COLUMNS)
    assert summary["start"].tolist() == list(range(1, len(finals) + 1))
    np.testing.assert_array_equal(summary["final_log_likelihood"], finals)
    assert summary["n_iter"].tolist() == starts.attrs["n_iters"]
    assert summary["stop_reason"].tolist() == starts.attrs["stop_reasons"]
    best = max(finals)
    expected = [abs(v - best) / abs(best) < 1e-6 for v in finals]
    assert summary["reached_best"].tolist() == expected
    assert 0 < sum(expected) < len(finals)  # this seed has starts of both kinds
    assert explore.count_at_best(finals) == sum(expected)
    assert summary["reached_best"].iloc[starts.attrs["best_start"]]


def test_count_at_best_is_relative():
    assert explore.count_at_best([-100.0, -100.0 * (1 + 5e-7), -100.0 * (1 + 2e-6)]) == 2
    assert explore.count_at_best([-1e6, -1e6 - 0.5, -1e6 - 2.0]) == 2
    assert explore.count_at_best([0.0, -1e-9]) == 1  # the best counts, even at log L = 0


def test_start_history_is_the_start_fit_em_returns(starts):
    x, _ = sample(THREE, 150, rng=0)
    best = starts.attrs["best_start"] + 1
    expected = fit_em(x, 3, n_init=6, rng=5, init="random")
    pd.testing.assert_frame_equal(explore.start_history(starts, best), expected, check_like=False)
    first = explore.start_history(starts, 1)
    assert len(first) == int((starts["start"] == 0).sum()) and "start" not in first.columns
    with pytest.raises(ValueError, match="number: expected a start from 1 to 6, got 7"):
        explore.start_history(starts, 7)


def test_starts_chart_colours_the_best_and_rings_the_selected_start(starts):
    summary = explore.start_summary(starts)
    lower = int(summary.loc[~summary["reached_best"], "start"].iloc[0])
    spec = explore.starts_chart(summary, max(starts.attrs["final_log_likelihoods"]), selected=lower).to_dict()
    rule, dots, ring = spec["layer"]
    assert [mark_type(layer) for layer in spec["layer"]] == ["rule", "circle", "point"]
    colour = dots["encoding"]["color"]
    assert colour["scale"]["range"] == [style.TRUE_COLOUR, style.FIT_COLOUR]
    best_name, lower_name = colour["scale"]["domain"]
    for row in rows_of(spec, dots):
        assert row["outcome"] == (best_name if row["reached_best"] else lower_name)
        assert row["neg_log_likelihood"] == -row["final_log_likelihood"]
    assert [r["start"] for r in rows_of(spec, ring)] == [lower] and ring["mark"]["filled"] is False
    assert rows_of(spec, rule) == [{"neg_log_likelihood": -max(starts.attrs["final_log_likelihoods"])}]
    tooltip = [t["field"] for t in dots["encoding"]["tooltip"]]
    assert tooltip[:3] == ["start", "neg_log_likelihood", "stop_reason"]
    assert dots["encoding"]["y"]["axis"]["values"] == list(range(1, 7))
    assert "5 reached the best" in spec["title"]["text"] and "numbered from 1" in spec["title"]["subtitle"]
    assert len(explore.starts_chart(summary).to_dict()["layer"]) == 2  # nothing selected


# -------------------------------------------------------------------- sizes


@pytest.mark.slow
def test_no_chart_carries_more_than_5000_rows():
    """999 replicates of 10 components, 9 999 LRT*, 100 000 points, 200 starts."""
    replicates = random_replicates(999, 10)
    summary = pd.DataFrame(
        [(k, p, 1.0, 0.0, 2.0) for k in range(1, 11) for p in ("weight", "mean", "sd")],
        columns=["component", "parameter", "estimate", "lower", "upper"],
    )
    model = GMM(np.full(10, 0.1), np.arange(10) * 3.0, np.ones(10))
    x, _ = sample(model, 100_000, rng=0)
    view = screens.data_view(x, 0)
    stars = pd.DataFrame(
        {"k": 1, "k_alt": 2, "replicate": np.arange(1, 10_000), "lrt": np.linspace(0, 20, 9999)}
    )
    finals = pd.DataFrame(
        {
            "start": np.arange(1, 201),
            "final_log_likelihood": -1000.0 - np.arange(200) % 3,
            "n_iter": 10,
            "stop_reason": "converged",
            "reached_best": np.arange(200) % 3 == 0,
        }
    )
    charts = [
        analysis.bootstrap_histograms(replicates, summary),
        analysis.density_band(view.domain, model, replicates, hist=view.hist),
        analysis.lrt_histogram(stars, 30.0, 1, 2),
        explore.ecdf_chart(ecdf_table(x, model), ks_distance(x, model)),
        explore.qq_chart(qq_table(x, model)),
        explore.starts_chart(finals, selected=3),
    ]
    for chart in charts:
        sizes = [len(rows) for rows in every_dataset(chart.to_dict())]
        assert sizes and max(sizes) <= 5000


def test_a_start_played_alone_carries_its_own_stop_reason_and_iterations():
    x = sample(random_model(3, rng=4), 400, rng=5)[0]
    starts = fit_starts(x, 3, 4, rng=2, max_iter=40)
    for number in range(1, 5):
        one = explore.start_history(starts, number)
        i = number - explore.START_OFFSET
        assert one.attrs["n_iter"] == starts.attrs["n_iters"][i] == int(one["iteration"].max())
        assert one.attrs["stop_reason"] == starts.attrs["stop_reasons"][i]
        assert one.attrs["converged"] == (starts.attrs["stop_reasons"][i] == "converged")
        assert one.attrs["start_log_likelihoods"] == [starts.attrs["final_log_likelihoods"][i]]
        assert one.attrs["sd_floor"] == starts.attrs["sd_floor"] and "best_start" not in one.attrs


@pytest.mark.slow
def test_the_hc_start_is_a_labelled_diamond_and_plays_as_an_hc_fit():
    x = sample(THREE, 150, rng=0)[0]
    starts = fit_starts_and_hc(x, 3, 4, rng=5, init="random")
    summary = explore.start_summary(starts)
    assert summary["hc"].tolist() == [False] * 4 + [True]
    spec = explore.starts_chart(summary, selected=5).to_dict()
    assert [mark_type(layer) for layer in spec["layer"]] == ["rule", "circle", "point", "text", "point"]
    dots, diamond, label = spec["layer"][1:4]
    assert [r["start"] for r in rows_of(spec, dots)] == [1, 2, 3, 4]
    assert [r["start"] for r in rows_of(spec, diamond)] == [5] and diamond["mark"]["shape"] == "diamond"
    assert [r["name"] for r in rows_of(spec, label)] == [explore.HC_NAME]
    assert "EM's 4 starts and mclust's hc start ended" in spec["title"]["text"]
    one = explore.start_history(starts, 5)
    assert one.attrs["init"] == "hc" and "hc_start" not in one.attrs
    pd.testing.assert_frame_equal(one, fit_em(x, 3, init="hc"), check_like=False)
    assert explore.start_history(starts, 1).attrs["init"] == "random"

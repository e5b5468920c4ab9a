"""Chart builders, checked without a browser: layers, fixed axes, data sizes, and the
Vega expressions evaluated in Python against the engine."""

import math
from types import SimpleNamespace

import numpy as np
import pytest

from emgmm import GMM, classify, final_model, fit_em, iteration_table, random_model, sample
from emgmm.noise import NoisyMixture
from emgmm.selection import select_k
from emgmm.viz import charts, plotdata, screens, shown, style, trace
from tests.support.strip import split_strip

MODEL = GMM([0.2, 0.3, 0.5], [-2.0, 0.5, 3.0], [0.3, 1.0, 0.6])


@pytest.fixture(scope="module")
def view():
    x, _ = sample(MODEL, 3000, rng=0)
    return screens.data_view(x, 0)


def spec(chart) -> dict:
    return chart.to_dict()  # validates against the Vega-Lite schema


def layers(chart) -> list[dict]:
    d = spec(chart)
    return d.get("layer", [d])


def datasets_rows(chart) -> list[int]:
    return [len(rows) for rows in spec(chart).get("datasets", {}).values()]


def test_density_expression_is_the_weighted_normal_density():
    xs = np.linspace(-4, 5, 37)
    env = {"exp": math.exp, "pow": math.pow}
    for i in range(MODEL.n_components):
        got = [
            eval(
                shown.DENSITY_EXPR,
                env,
                {
                    "datum": SimpleNamespace(
                        x=x, weight=MODEL.weights[i], mean=MODEL.means[i], sd=MODEL.sds[i]
                    )
                },
            )
            for x in xs
        ]
        np.testing.assert_allclose(got, MODEL.component_pdfs(xs)[i], rtol=1e-12)


def test_the_noise_is_drawn_flat_at_every_x():
    """The uniform's expression equals ``shown.component_densities``' row 0 (the engine's
    constant, beyond the fitted range too); the
    charts' expression picks it for a row with a range (the noise) and the normal otherwise."""
    noisy = NoisyMixture(0.1, -2.0, 4.0, MODEL)
    row = plotdata.params_records(noisy)[0]
    xs = np.linspace(-4, 5, 37)
    got = [eval(shown.UNIFORM_EXPR, {}, {"datum": SimpleNamespace(x=x, **row)}) for x in xs]
    np.testing.assert_allclose(got, shown.component_densities(noisy, xs)[0], rtol=1e-12)
    assert np.all(np.asarray(got) == 0.1 / 6)
    assert f"isValid(datum.low) ? ({shown.UNIFORM_EXPR}) : ({shown.DENSITY_EXPR})" == shown.CURVE_EXPR
    assert [set(r) >= {"low", "high"} for r in plotdata.params_records(noisy)] == [True] + [
        False
    ] * MODEL.n_components


def test_curve_grid_spans_the_domain_with_the_documented_points():
    base = spec(charts.curves_base(plotdata.params_table(MODEL), (-1.0, 2.0)).mark_line())
    expr = base["transform"][0]["calculate"]
    lo, hi, step = (float(v) for v in expr[len("sequence(") : -1].split(","))
    grid = np.arange(lo, hi, step)  # Vega's sequence excludes the stop, like arange
    assert grid.size == plotdata.GRID_POINTS
    assert grid[0] == -1.0 and grid[-1] == pytest.approx(2.0)


@pytest.mark.slow
def test_frame_has_histogram_components_and_dashed_mixture(view):
    top, bottom = screens.frame_screen(view, MODEL, "Iteration 3: -LL = 1.00 (+0.10 %)", 1.0)
    marks = [layer["mark"] for layer in layers(top)]
    assert [m["type"] for m in marks] == ["rect", "line", "line", "text"]
    assert marks[2]["strokeDash"] == style.DASH and "strokeDash" not in marks[1]
    # the heading is data, so frames share one spec
    assert spec(top)["datasets"]["heading"] == [{"text": "Iteration 3: -LL = 1.00 (+0.10 %)"}]
    assert len(spec(top)["datasets"]["params"]) == 3
    assert spec(bottom)["mark"]["type"] == "circle"
    # the axes are fixed by the caller, not by the data
    enc = layers(top)[1]["encoding"]
    assert enc["x"]["scale"]["domain"] == list(view.domain) and enc["y"]["scale"]["domain"] == [0, 1.0]


def test_strip_round_trips_and_colours_by_classification(view):
    record = view.strip(MODEL)
    table = split_strip(record)
    width = view.domain[1] - view.domain[0]
    np.testing.assert_allclose(table["x"], view.strip_x, atol=width * plotdata.STRIP_RESOLUTION)
    np.testing.assert_array_equal(table["component"], classify(view.strip_x, MODEL) + 1)


def test_strip_colours_stay_aligned_with_twelve_components():
    """One number per point for any K (it was one character each: 12 components gave
    2,335 characters for 2,000 points)."""
    model = GMM(np.full(12, 1 / 12), np.linspace(-11, 11, 12), np.full(12, 0.3))
    x = np.linspace(-12, 12, 2000)
    table = split_strip(
        {
            **plotdata.strip_values(x, np.zeros(x.size), (-12.0, 12.0)),
            "component": plotdata.strip_components(x, model),
        }
    )
    assert len(table) == x.size
    np.testing.assert_array_equal(table["component"], classify(x, model) + 1)
    assert set(table["component"]) == set(range(1, 13))


def test_same_component_keeps_its_colour_whatever_k():
    small, large = style.colour_scale(3).to_dict(), style.colour_scale(8).to_dict()
    assert small["range"][:3] == large["range"][:3]
    assert small["domain"][-1] == "mixture" and small["range"][-1] == style.MIXTURE_COLOUR
    assert len(set(large["range"])) == len(large["range"])


def test_strip_colours_by_number_are_the_legends_colours():
    """The strip colours points by component number (text, as its series are), with the
    colour the legends give that component's label."""
    for k in (1, 3, 12):
        by_number, by_label = style.component_number_scale(k).to_dict(), style.colour_scale(k).to_dict()
        assert by_number["domain"] == [str(i) for i in range(1, k + 1)]
        assert by_number["range"] == by_label["range"][:k]


def test_the_strip_is_drawn_on_a_canvas_with_no_expression_per_point(view):
    """A strip's only expressions split its series, once per record; every point's
    x, jitter and colour are read by Vega's scales as they are."""
    for spec in (
        charts.strip_chart(view.strip(), view.domain).to_dict(),
        charts.strip_chart(view.strip(MODEL), view.domain, 3, named=True).to_dict(),
    ):
        assert spec["usermeta"] == {"embedOptions": {"renderer": "canvas"}}
        calculations = [t["calculate"] for t in spec["transform"] if "calculate" in t]
        assert calculations and all(c.startswith("split(datum[") for c in calculations)
        assert next(t for t in spec["transform"] if "flatten" in t)["as"] == list(
            view.strip(MODEL) if "datasets" in spec else view.strip()
        )


def test_params_records_are_the_params_tables_rows():
    for model in (MODEL, GMM([1.0], [-3.5], [1e-3]), random_model(7, rng=1)):
        assert plotdata.params_records(model) == plotdata.params_table(model).to_dict("records")


@pytest.mark.slow
@pytest.mark.parametrize("n_points", [2000, 1_000_000])
def test_no_chart_embeds_more_than_5000_points(n_points):
    x, _ = sample(random_model(5, rng=1), n_points, rng=1)
    view = screens.data_view(x, 1)
    assert view.strip_x.size <= 5000 and view.hist.shape[0] == plotdata.HIST_BINS
    for stacked in (
        screens.data_screen(view),
        screens.frame_screen(view, MODEL, "t", 1.0),
        screens.final_screen(view, MODEL, random_model(5, rng=1)),
    ):
        for chart in stacked:
            assert all(rows <= 5000 for rows in datasets_rows(chart))
            inline = [len(d["values"]) for d in _inline(spec(chart))]
            assert all(rows <= 5000 for rows in inline)
    if n_points > 5000:
        assert "showing 2,000 of 1,000,000 points" in view.strip_caption


def _inline(d):
    found = []
    if isinstance(d, dict):
        if "values" in d and isinstance(d["values"], list):
            found.append(d)
        for v in d.values():
            found += _inline(v)
    elif isinstance(d, list):
        for v in d:
            found += _inline(v)
    return found


def test_strip_is_stable_across_reruns_with_the_same_seed():
    x, _ = sample(MODEL, 10_000, rng=0)
    a, b = screens.data_view(x, 5), screens.data_view(x, 5)
    assert a.strip(MODEL) == b.strip(MODEL)
    assert screens.data_view(x, 6).strip() != a.strip()


def test_final_screen_draws_true_solid_and_fit_dashed_with_fit_weights(view):
    fitted = GMM([0.5, 0.25, 0.25], [-2.0, 0.4, 3.1], [0.3, 1.1, 0.6])
    _top, bottom = screens.final_screen(view, fitted, MODEL)
    params = spec(bottom)["data"]["values"]
    fit_rows = [r for r in params if r["model"] == "Fit"]
    assert [r["weight"] for r in fit_rows] == fitted.weights.tolist()  # not the true weights
    dash = spec(bottom)["encoding"]["strokeDash"]["scale"]
    assert dash["domain"] == ["True", "Fit"] and dash["range"] == [style.SOLID, style.DASH]
    only_fit = screens.final_screen(view, fitted)[1]
    assert {r["model"] for r in spec(only_fit)["data"]["values"]} == {"Fit"}


def test_histogram_is_density_normalised_over_the_widened_range():
    x = np.array([0.0, 1.0, 1.0, 2.0, 10.0])
    lo, hi = plotdata.x_domain(x)
    assert (lo, hi) == (-0.5, 10.5)
    hist = plotdata.histogram_table(x, (lo, hi))
    assert len(hist) == 50
    assert float(((hist["end"] - hist["start"]) * hist["density"]).sum()) == pytest.approx(1.0)


def test_titles_show_the_gain():
    x, _ = sample(MODEL, 500, rng=0)
    h = fit_em(x, 3, rng=0)
    it = iteration_table(h)
    assert screens.history_title(it, 0) == f"Iteration 0: -LL = {-it.log_likelihood[0]:,.2f}"
    gain = 100 * (it.log_likelihood[2] - it.log_likelihood[1]) / abs(it.log_likelihood[2])
    assert screens.history_title(it, 2).endswith(f"({gain:+.3g} %)")
    # a late, tiny gain still reads as a number, not +0.00 %
    assert screens.frame_title(9, -1000.0, -1000.00001).endswith("(+1e-06 %)")
    assert screens.frame_title(0, it.log_likelihood[0]) == screens.history_title(it, 0)


@pytest.mark.slow
def test_loglik_and_selection_charts_build():
    x, _ = sample(MODEL, 500, rng=0)
    h = fit_em(x, 3, rng=0)
    chart = trace.loglik_chart(iteration_table(h), current=4)
    assert [
        layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"] for layer in layers(chart)
    ] == [
        "line",
        "rule",
    ]
    table = select_k(x, range(1, 4), n_init=1, rng=0)
    sel = spec(trace.selection_chart(table, 3))
    assert "best by BIC: K = 3" in sel["title"]


@pytest.mark.slow
def test_frame_spec_stays_small_at_a_million_points():
    x, _ = sample(random_model(10, rng=2), 1_000_000, rng=2)
    view = screens.data_view(x, 2)
    fitted = final_model(fit_em(x[:5000], 10, rng=0, max_iter=5))
    size = sum(len(c.to_json()) for c in screens.frame_screen(view, fitted, "t", 1.0))
    assert size < 100_000


@pytest.mark.parametrize(
    ("offset", "spread"), [(0.0, 1.0), (1e100, 1e90), (1e12, 10.0), (0.0, 1e-320), (1e300, 1e299)]
)
def test_strip_values_stay_short_and_faithful_at_any_magnitude(offset, spread):
    x = offset + spread * np.linspace(-1, 1, 2000)
    domain = plotdata.x_domain(x)
    record = plotdata.strip_values(x, np.zeros(x.size), domain)
    assert len(record["x"]) < 2000 * 25  # at most 17 significant digits and an exponent each
    back = np.array(record["x"].split(), dtype=float)
    width = domain[1] - domain[0]
    np.testing.assert_allclose(
        back, x, rtol=0, atol=max(width * plotdata.STRIP_RESOLUTION, 4 * np.spacing(np.abs(x).max()))
    )

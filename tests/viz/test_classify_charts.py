"""New values against the fit (``viz.classify``): the charts' tables, checked without a
browser (``chart.to_dict()``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from emgmm import GMM, compare_assignments, predict
from emgmm.viz import classify, plotdata, style

MODEL = GMM([0.4, 0.6], [0.0, 6.0], [1.0, 1.5])


def layers_of(spec: dict) -> list[dict]:
    return spec["layer"]


def rows_of(spec: dict, layer: dict) -> list[dict]:
    data = layer.get("data", spec.get("data", {}))
    return spec["datasets"][data["name"]] if "name" in data else data.get("values", [])


def mark_type(layer: dict) -> str:
    mark = layer["mark"]
    return mark["type"] if isinstance(mark, dict) else mark


@pytest.fixture
def new():
    x = np.concatenate([np.random.default_rng(0).normal(6.0, 1.5, 200), [3.0, 25.0]])
    return predict(x, MODEL)


def test_the_domain_holds_the_fitted_one_and_every_new_value():
    assert classify.new_domain((-3.0, 10.0), np.array([0.0, 9.0])) == (-3.0, 10.0)
    lo, hi = classify.new_domain((-3.0, 10.0), np.array([0.0, 30.0]))
    assert lo < -3.0 and hi > 30.0 and (lo, hi) == plotdata.x_domain(np.array([-3.0, 30.0]))
    assert classify.new_domain((-3.0, 10.0), np.array([])) == (-3.0, 10.0)


def test_the_strip_marks_the_uncertain_values_and_colours_by_component(new):
    strip = classify.strip_table(new, 0)
    assert len(strip) == len(new)  # all of them: fewer than the strip's cap
    np.testing.assert_array_equal(strip["x"], new["value"])
    assert strip["component"].tolist() == new["component"].astype(str).tolist()
    uncertain = new["uncertainty"].to_numpy() > classify.UNCERTAIN_ABOVE
    assert 0 < uncertain.sum() < len(new)  # the value at 3.0 lies between the components
    assert (strip["kind"] == classify.POINT_KINDS[1]).tolist() == uncertain.tolist()


def test_a_weighted_strip_draws_rows_by_weight(new):
    weights = np.zeros(len(new))
    weights[-1] = 1.0  # every draw is the last row
    strip = classify.strip_table(new, 0, weights)
    assert len(strip) == plotdata.STRIP_MAX_POINTS and set(strip["x"]) == {25.0}


@pytest.mark.slow
def test_the_new_values_are_drawn_under_the_fit_with_the_fitted_range(new):
    domain = classify.new_domain((-3.0, 10.0), new["value"].to_numpy())
    top, strip = classify.new_values_charts(MODEL, new, (-2.5, 9.5), domain, 0, x_title="minutes")
    spec = top.to_dict()
    hist, components, mixture, rules = layers_of(spec)
    assert [mark_type(layer) for layer in (hist, components, mixture, rules)] == [
        "rect",
        "line",
        "line",
        "rule",
    ]
    bars = pd.DataFrame(rows_of(spec, hist))
    expected = plotdata.histogram_table(new["value"].to_numpy(), domain)
    np.testing.assert_allclose(bars["density"], expected["density"])
    assert [r["x"] for r in rows_of(spec, rules)] == [-2.5, 9.5]
    assert [r["mean"] for r in rows_of(spec, components)] == [0.0, 6.0]
    assert components["encoding"]["color"]["scale"]["domain"] == ["C1", "C2", "mixture"]
    assert components["encoding"]["color"]["scale"]["range"] == [*style.PALETTE[:2], style.MIXTURE_COLOUR]
    assert hist["encoding"]["x"]["title"] == "minutes"
    strip_spec = strip.to_dict()
    points, strip_rules = layers_of(strip_spec)
    assert [r["x"] for r in rows_of(strip_spec, strip_rules)] == [-2.5, 9.5]
    assert points["encoding"]["shape"]["scale"] == {
        "domain": list(classify.POINT_KINDS),
        "range": ["circle", "cross"],
    }
    assert len(rows_of(strip_spec, points)) == len(new)


def test_the_shares_chart_has_each_components_share_of_both_sets(new):
    fitted = predict(np.array([0.0, 0.5, 6.0, 7.0]), MODEL)
    comparison = compare_assignments(fitted, new)
    spec = classify.shares_chart(comparison).to_dict()
    rows = pd.DataFrame(rows_of(spec, spec))
    assert rows["component"].tolist() == ["C1", "C2", "C1", "C2"]
    assert rows["values"].tolist() == [*[classify.SETS[0]] * 2, *[classify.SETS[1]] * 2]
    np.testing.assert_allclose(rows["share"], [0.5, 0.5, *comparison["share_second"]])
    assert spec["encoding"]["xOffset"]["field"] == "values"

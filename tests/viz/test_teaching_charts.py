"""The teaching charts, checked without a browser: layers, encodings, colours, the data
they carry (read back as Vega splits it), sizes, and frames made by swapping datasets."""

import json

import numpy as np
import pytest

from emgmm import GMM, fit_em, model_at, random_model, sample
from emgmm.history import history_table
from emgmm.teaching import parameter_paths, responsibility_curves, uncertainty
from emgmm.viz import charts, screens, style
from emgmm.viz import frames as fr
from emgmm.viz import teaching as tv

MODEL = GMM([0.2, 0.3, 0.5], [-2.0, 0.5, 3.0], [0.3, 1.0, 0.6])


@pytest.fixture(scope="module")
def view():
    x, _ = sample(MODEL, 3000, rng=0)
    return screens.data_view(x, 0)


@pytest.fixture(scope="module")
def history(view):
    return fit_em(view.strip_x, 3, rng=0, max_iter=8, init="random")


def mark_type(layer: dict) -> str:
    return layer["mark"]["type"] if isinstance(layer["mark"], dict) else layer["mark"]


def split(record: dict, field: str) -> np.ndarray:
    """A stored series as Vega's ``split`` and ``toNumber`` read it."""
    return np.array(record[field].split(" "), dtype=float)


def component_colours(k: int) -> list[str]:
    return style.colour_scale(k).to_dict()["range"][:k]


@pytest.mark.slow
def test_responsibility_panel_stacks_the_curves_in_the_component_colours(view):
    curves = responsibility_curves(MODEL, *view.domain)
    spec = tv.responsibility_chart(curves, view.domain).to_dict()  # validates the schema
    assert spec["mark"]["type"] == "area"
    enc = spec["encoding"]
    assert enc["y"]["field"] == "responsibility" and enc["y"]["stack"] == "zero"
    assert enc["y"]["scale"]["domain"] == [0, 1]
    assert enc["color"]["scale"]["domain"] == ["C1", "C2", "C3"]
    assert enc["color"]["scale"]["range"] == component_colours(3)
    assert enc["order"] == {"field": "component", "type": "quantitative", "sort": "ascending"}
    # the density chart's x scale and y-axis width: the panel lines up under the frame
    top, _ = screens.frame_screen(view, MODEL, "t", 1.0)
    frame_x = top.to_dict()["layer"][1]["encoding"]["x"]
    assert enc["x"]["scale"] == frame_x["scale"]
    assert enc["y"]["axis"]["minExtent"] == enc["y"]["axis"]["maxExtent"] == style.AXIS_WIDTH
    assert spec["title"]["text"].startswith("Responsibilities r_i(x) = p(y = i | x): ")


def test_responsibility_records_read_back_as_the_curves(view):
    curves = responsibility_curves(MODEL, *view.domain)
    records = tv.responsibility_records(curves)
    assert [r["component"] for r in records] == [1, 2, 3]  # one record per component
    width = view.domain[1] - view.domain[0]
    for record in records:
        rows = curves[curves["component"] == record["component"]]
        np.testing.assert_allclose(split(record, "x"), rows["x"], rtol=0, atol=width * tv.RESOLUTION)
        np.testing.assert_allclose(split(record, "responsibility"), rows["responsibility"], rtol=0, atol=5e-5)
    stacked = np.sum([split(r, "responsibility") for r in records], axis=0)
    np.testing.assert_allclose(stacked, 1.0, atol=2e-4)  # the areas fill 0 to 1


@pytest.mark.parametrize("n_grid", [2, 150])
def test_a_frames_responsibility_records_are_those_of_the_curves(view, n_grid):
    """Made from the model without the table (a playback makes one a frame): the same records."""
    for model in (MODEL, GMM([1.0], [0.0], [1.0]), random_model(6, rng=3)):
        lo, hi = view.domain
        expected = tv.responsibility_records(responsibility_curves(model, lo, hi, n_grid=n_grid))
        assert tv.model_responsibility_records(model, view.domain, n_grid) == expected


def test_bare_panel_leaves_its_x_axis_to_the_chart_below(view):
    curves = responsibility_curves(MODEL, *view.domain)
    axis = tv.responsibility_chart(curves, view.domain, None).to_dict()["encoding"]["x"]["axis"]
    assert axis["labels"] is False and axis["title"] is None


@pytest.mark.slow
def test_parameter_paths_chart_has_three_panels_with_a_swappable_rule(history):
    paths = parameter_paths(history)
    spec = tv.parameter_paths_chart(paths, current=3).to_dict()
    assert [p["title"] for p in spec["hconcat"]] == ["weight", "mean", "sd"]
    for panel in spec["hconcat"]:
        line, rule = panel["layer"]
        assert (mark_type(line), mark_type(rule)) == ("line", "rule")
        assert line["data"] == {"name": tv.PATHS} and rule["data"] == {"name": tv.CURRENT}
        assert line["encoding"]["x"]["field"] == rule["encoding"]["x"]["field"] == "iteration"
        assert line["encoding"]["color"]["scale"]["range"] == component_colours(3)
    assert spec["datasets"][tv.CURRENT] == [{"iteration": 3}]


def read_paths(records: list[dict]) -> dict[tuple[str, int], tuple[np.ndarray, np.ndarray]]:
    """Each (parameter, component)'s iterations and values, as the chart's transforms
    make them (``sequence(first, first + step * n, step)``), its records joined."""
    lines: dict[tuple[str, int], tuple[list, list]] = {}
    for record in records:
        values = split(record, "values")
        its, vs = lines.setdefault((record["parameter"], record["component"]), ([], []))
        its += list(range(record["first"], record["first"] + record["step"] * values.size, record["step"]))
        vs += list(values)
    return {key: (np.array(its), np.array(vs)) for key, (its, vs) in lines.items()}


def test_path_records_read_back_as_the_history(history):
    paths = parameter_paths(history)
    records = tv.path_records(paths)
    assert len(records) == 3 * 3  # one per parameter and component, however many iterations
    for (name, k), (iterations, values) in read_paths(records).items():
        rows = history[history["component"] == k]
        np.testing.assert_array_equal(iterations, rows["iteration"])
        span = np.ptp(paths[paths["parameter"] == name]["value"])
        np.testing.assert_allclose(values, rows[name], rtol=0, atol=span * tv.RESOLUTION)
    with pytest.raises(ValueError, match="consecutive iterations"):
        tv.path_records(paths[paths["iteration"] != 2])


def long_history(n_iter: int, k: int):
    rng = np.random.default_rng(0)
    models = [random_model(k, rng=rng) for _ in range(n_iter + 1)]
    return history_table(models, list(np.linspace(-1e4, -9e3, n_iter + 1)))


@pytest.mark.slow
@pytest.mark.parametrize("n_iter", [199, 300, 1000])  # 199: the most points unthinned
def test_long_paths_are_thinned_to_the_panel_keeping_both_ends(n_iter):
    """10 components, every parameter jumping at random (the most digits): a line keeps
    every step-th iteration, the start and the last, and the chart stays small."""
    history = long_history(n_iter, 10)
    chart = tv.parameter_paths_chart(parameter_paths(history))
    records = chart.to_dict()["datasets"][tv.PATHS]
    assert len(records) <= 2 * 30
    for (name, k), (iterations, values) in read_paths(records).items():
        assert iterations[0] == 0 and iterations[-1] == n_iter and iterations.size <= tv.PATH_POINTS + 1
        assert np.all(np.diff(iterations) > 0)
        rows = history[history["component"] == k].set_index("iteration")[name]
        span = np.ptp(history[name])
        np.testing.assert_allclose(values, rows.loc[iterations], rtol=0, atol=span * tv.RESOLUTION)
    assert len(chart.to_json()) < 100_000


def test_uncertainty_strip_colours_points_on_a_fixed_sequential_scale(view):
    record = tv.uncertainty_record(view, MODEL)
    spec = tv.uncertainty_strip_chart(record, view.domain, 3).to_dict()
    colour = spec["encoding"]["color"]
    assert colour["field"] == "uncertainty" and colour["type"] == "quantitative"
    assert colour["scale"]["scheme"]["name"] == "orangered"
    assert colour["scale"]["domain"] == [0, pytest.approx(2 / 3)]  # 0 to 1 - 1/K
    assert spec["data"] == {"name": "strip"} and spec["datasets"]["strip"] == [record]
    # the same axes as the component strip, so either can sit under the frame
    plain = charts.strip_chart(record, view.domain).to_dict()["encoding"]
    assert spec["encoding"]["x"] == plain["x"] and spec["encoding"]["y"] == plain["y"]
    np.testing.assert_allclose(split(record, "uncertainty"), uncertainty(view.strip_x, MODEL), atol=0.005)
    assert record["x"] == view.strip()["x"] and record["jitter"] == view.strip()["jitter"]


@pytest.mark.slow
def test_faint_previous_curves_sit_behind_the_current_ones_in_their_colours(view):
    top, _ = screens.frame_screen(view, MODEL, "M-step 1", 1.0)
    previous = GMM([0.3, 0.3, 0.4], [-1.0, 0.0, 2.0], [1.0, 1.0, 1.0])
    spec = tv.with_previous_curves(top, previous, view.domain, 1.0).to_dict()
    layers = spec["layer"]
    assert [mark_type(layer) for layer in layers] == ["rect", "line", "line", "line", "text"]
    faint = layers[1]
    assert faint["data"] == {"name": tv.PREVIOUS} and faint["mark"]["opacity"] < 1
    assert faint["encoding"]["color"] == {"field": "colour", "type": "nominal", "scale": None}
    rows = spec["datasets"][tv.PREVIOUS]
    assert [r["colour"] for r in rows] == component_colours(3)
    assert [r["mean"] for r in rows] == previous.means.tolist()
    assert spec["datasets"]["params"] == top.to_dict()["datasets"]["params"]  # the frame's own, kept
    assert tv.with_previous_curves(top, None, view.domain, 1.0).to_dict()["datasets"][tv.PREVIOUS] == []


@pytest.mark.slow
def test_live_frame_stays_small_at_a_million_points_and_ten_components():
    x, _ = sample(random_model(10, rng=2), 1_000_000, rng=2)
    view = screens.data_view(x, 2)
    history = fit_em(x[:5000], 10, rng=0, max_iter=3)
    stacked = fr.live_frame(view, model_at(history, 2), "Iteration 2", 1.0, "uncertainty")
    assert sum(len(json.dumps(spec)) for spec in stacked) < 100_000
    for spec in stacked:
        assert all(len(rows) <= 5000 for rows in spec["datasets"].values())
        assert all(len(rows) <= 5000 for rows in inline_data(spec))


def inline_data(spec) -> list[list]:
    """The rows of every inline dataset (``"data": {"values": [...]}``) in a spec."""
    found = []
    if isinstance(spec, dict):
        if isinstance(spec.get("data"), dict) and isinstance(spec["data"].get("values"), list):
            found.append(spec["data"]["values"])
        found += [rows for value in spec.values() for rows in inline_data(value)]
    elif isinstance(spec, list):
        found += [rows for value in spec for rows in inline_data(value)]
    return found

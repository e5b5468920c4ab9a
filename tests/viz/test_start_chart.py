"""The chart a start is placed on, checked without a browser."""

import numpy as np

from emgmm import GMM
from emgmm.viz import screens, start, style


def test_a_click_picks_the_nearest_bin_centre_and_the_start_is_drawn_over_the_data():
    x = np.random.default_rng(0).normal(size=500)
    view = screens.data_view(x, 0, "minutes", 40)
    model = GMM([0.4, 0.6], [-1.0, 1.0], [0.5, 0.5])
    spec = start.placing_chart(view, model, 1.0).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["rect", "line", "line", "point"]
    targets = spec["layer"][3]
    (param,) = spec["params"]  # Altair lifts a layer's selection to the top, bound to its view
    assert param["name"] == start.PLACE and param["views"] == [targets["name"]]
    assert param["select"] == {
        "type": "point",
        "on": "click",
        "nearest": True,
        "fields": ["x"],
        "clear": False,
    }
    centres = [row["x"] for row in spec["datasets"][targets["data"]["name"]]]
    edges = view.hist[["start", "end"]].to_numpy()
    np.testing.assert_allclose(centres, edges.mean(axis=1))  # a placed mean is within half a bin of the click
    assert "value" in targets["encoding"]["y"]  # one line: nearest means nearest in x
    colours = spec["layer"][1]["encoding"]["color"]["scale"]
    assert colours["domain"] == ["C1", "C2", "mixture"] and colours["range"] == style.colour_scale(2).range


def test_the_strips_tooltip_gives_each_points_responsibilities_as_the_engine_does():
    """The tooltip's r_i(x) are Vega expressions over the frame's parameters: evaluated
    here (the same expressions, with Python's math), they equal ``responsibilities``."""
    import math
    import re

    from emgmm import fit_em, model_at, responsibilities
    from emgmm.viz import frames

    x = np.concatenate(
        [np.random.default_rng(1).normal(-2, 1, 300), np.random.default_rng(2).normal(3, 1, 300)]
    )
    history = fit_em(x, 3, rng=0, max_iter=5)
    view = screens.data_view(x, 0)
    frame_set = frames.frame_set(history, view, 1.0, True, "component")
    spec = frame_set.specs(3)["strip"]  # E-step 2: responsibilities under iteration 1
    (record,) = spec["datasets"][frames.RESP_PARAMS]
    model = model_at(history, frame_set.steps[3].resp_iteration)
    assert record["m2"] == model.means[1] and record["s3"] == model.sds[2]
    calcs = [t for t in spec["transform"] if "calculate" in t]
    for value in (-6.0, 0.3, 3.1, 40.0):  # 40: far from every component, still finite
        datum = {**record, "x": repr(value)}  # the strip's values are text
        for t in calcs:
            expr = re.sub(r"datum\.(\w+)", r"datum['\1']", t["calculate"]).replace("pow(", "math.pow(")
            if not re.fullmatch(r"l\d+|top|total|r\d+", t["as"]):
                continue  # the strip's own: splitting the points, their labels
            datum[t["as"]] = eval(
                expr,
                {
                    "math": math,
                    "log": math.log,
                    "exp": math.exp,
                    "max": max,
                    "toNumber": float,
                    "datum": datum,
                },
            )
        got = [datum[f"r{i}"] for i in (1, 2, 3)]
        np.testing.assert_allclose(got, responsibilities(np.array([value]), model)[0], rtol=1e-9, atol=1e-300)
    titles = [t["title"] for t in spec["encoding"]["tooltip"]]
    assert titles == ["x", "r_1(x)", "r_2(x)", "r_3(x)"]
    moving = frame_set.specs(3, moving=True)["strip"]  # a playing frame's: no tooltip to evaluate
    assert "tooltip" not in moving["encoding"] and frames.RESP_PARAMS not in moving["datasets"]
    assert moving["mark"]["tooltip"] is None  # not even Streamlit's default one
    assert not [t for t in moving.get("transform", []) if "lookup" in t]

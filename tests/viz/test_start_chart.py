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

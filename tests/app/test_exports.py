import json

import numpy as np

from emgmm import (
    classify,
    final_model,
    final_noisy_model,
    fit_em,
    load_fitted,
    random_model,
    responsibilities,
    sample,
)
from emgmm.app.exports import model_json, point_table
from emgmm.app.text import count, number_format


def fitted():
    x, _ = sample(random_model(3, rng=2), 400, rng=3)
    return x, fit_em(x, 3, rng=0)


def test_model_json_holds_the_final_parameters_and_settings():
    _, h = fitted()
    doc = json.loads(model_json(h, {"n_fit": 3}))
    m = final_model(h)
    assert doc["weights"] == m.weights.tolist() and doc["means"] == m.means.tolist()
    assert doc["sds"] == m.sds.tolist() and doc["n_components"] == 3 and doc["n_points"] == 400
    assert doc["log_likelihood"] == float(h["log_likelihood"].iloc[-1])
    assert doc["settings"] == {"n_fit": 3}


def test_point_table_numbers_components_from_one_and_rows_sum_to_one():
    x, h = fitted()
    t = point_table(x, h)
    assert list(t.columns) == ["value", "component", "r1", "r2", "r3"]
    np.testing.assert_array_equal(t["component"], classify(x, final_model(h)) + 1)
    np.testing.assert_allclose(t[["r1", "r2", "r3"]].to_numpy(), responsibilities(x, final_model(h)))
    np.testing.assert_allclose(t[["r1", "r2", "r3"]].sum(axis=1), 1.0, rtol=1e-12)


def test_number_format_keeps_close_large_values_apart():
    fmt = number_format([1e12, 1e12 + 10, 1e12 + 20])
    assert len({fmt % v for v in (1e12, 1e12 + 10, 1e12 + 20)}) == 3
    assert number_format([0.5, 1.25]) == "%.4g"
    assert number_format([3.0]) == "%.4g"


def test_counts_read_naturally():
    assert count(1, "value") == "1 value" and count(2000, "value") == "2,000 values"


def test_number_format_holds_values_at_float64s_ends():
    # issue 20: means of -1.8e308 and 1.8e308 are further apart than the largest float, and
    # 1e300 beside 5e-324 needs more digits than float64 has: a math error on the final view
    top = float(np.finfo(np.float64).max)
    assert number_format([-top, top]) == "%.4g"
    assert number_format([0.0, 5e-324, 1e300]) == "%.17g"


def test_a_noisy_fits_downloads_keep_the_noise(tmp_path):
    """The model JSON reads back as the ``NoisyMixture`` fitted; the points' table gives each
    point's noise share ``r0`` and labels the noise's points "noise"."""
    x = np.concatenate([np.random.default_rng(0).normal(0, 1, 200), [60.0]])
    h = fit_em(x, 1, noise=True, rng=0)
    doc = json.loads(model_json(h, {"noise": True}))
    assert doc["noise"]["high"] == 60.0 and len(doc["weights"]) == 1
    t = point_table(x, h)
    assert t["label"].iloc[-1] == "noise" and t["r0"].iloc[-1] > 0.99 and t["component"].iloc[0] == 1
    np.testing.assert_allclose(t[["r0", "r1"]].to_numpy(), final_noisy_model(h).responsibilities(x))
    path = tmp_path / "em_model.json"
    path.write_text(model_json(h, {}))
    assert load_fitted(path).to_dict() == final_noisy_model(h).to_dict()

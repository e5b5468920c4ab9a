import doctest
import json

import numpy as np
import pytest
from scipy.stats import norm

from emgmm import GMM, classify, final_model, fit_em, responsibilities, sample
from emgmm import model as model_module
from emgmm.app.exports import model_json
from emgmm.model import load_model


def test_gmm_is_immutable():
    m = GMM([0.5, 0.5], [0.0, 1.0], [1.0, 2.0])
    with pytest.raises(AttributeError):
        m.means = np.zeros(2)  # type: ignore[misc]
    with pytest.raises(ValueError):
        m.means[0] = 5.0


def test_gmm_copies_its_inputs():
    means = np.array([0.0, 1.0])
    m = GMM([0.5, 0.5], means, [1.0, 1.0])
    means[0] = 99.0
    assert m.means[0] == 0.0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(weights=[0.5, 0.5], means=[0.0], sds=[1.0, 1.0]), "same length"),
        (dict(weights=[0.7, 0.2], means=[0.0, 1.0], sds=[1.0, 1.0]), r"sum\(weights\) = 0.9"),
        (dict(weights=[1.2, -0.2], means=[0.0, 1.0], sds=[1.0, 1.0]), "weights: must be >= 0"),
        (dict(weights=[0.5, 0.5], means=[0.0, np.nan], sds=[1.0, 1.0]), "means: every value must be finite"),
        (dict(weights=[0.5, 0.5], means=[0.0, 1.0], sds=[1.0, 0.0]), "sds: must be > 0"),
        (dict(weights=[], means=[], sds=[]), "non-empty"),
    ],
)
def test_gmm_rejects_bad_fields_naming_them(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GMM(**kwargs)


def test_pdf_matches_scipy_mixture():
    m = GMM([0.2, 0.3, 0.5], [-1.0, 0.5, 3.0], [0.3, 1.0, 2.0])
    x = np.linspace(-5, 8, 101)
    expected = sum(w * norm.pdf(x, mu, sd) for w, mu, sd in zip(m.weights, m.means, m.sds, strict=False))
    np.testing.assert_allclose(m.pdf(x), expected, rtol=1e-12)
    np.testing.assert_allclose(m.component_pdfs(x).sum(axis=0), expected, rtol=1e-12)
    np.testing.assert_allclose(m.logpdf(x), np.log(expected), rtol=1e-12)
    assert m.component_pdfs(x).shape == (3, 101)


def test_logpdf_stays_finite_far_from_every_component():
    m = GMM([0.5, 0.5], [0.0, 1.0], [0.1, 0.1])
    x = np.array([1e4, -1e4])
    # exact value: the nearer component dominates
    expected = np.log(0.5) - np.log(0.1) - 0.5 * np.log(2 * np.pi) - 0.5 * ((x - [1.0, 0.0]) / 0.1) ** 2
    np.testing.assert_allclose(m.logpdf(x), expected, rtol=1e-12)


def test_responsibilities_far_points_stay_finite_and_normalised():
    m = GMM([0.5, 0.5], [0.0, 1.0], [0.1, 0.1])
    x = np.array([-1e6, 0.4, 0.6, 1e6])
    r = responsibilities(x, m)
    assert r.shape == (4, 2)
    assert np.all(np.isfinite(r))
    np.testing.assert_allclose(r.sum(axis=1), 1.0)
    np.testing.assert_array_equal(classify(x, m), [0, 0, 1, 1])


def test_responsibilities_match_naive_formula_for_moderate_values():
    m = GMM([0.3, 0.7], [0.0, 2.0], [1.0, 0.5])
    x = np.linspace(-2, 4, 13)
    dens = np.array([w * norm.pdf(x, mu, sd) for w, mu, sd in zip(m.weights, m.means, m.sds, strict=False)])
    np.testing.assert_allclose(responsibilities(x, m), (dens / dens.sum(axis=0)).T, rtol=1e-12)


def test_hash_agrees_with_equality_for_signed_zeros():
    plus, minus = GMM([1.0], [0.0], [1.0]), GMM([1.0], [-0.0], [1.0])
    assert plus == minus and hash(plus) == hash(minus) and len({plus, minus}) == 1
    assert GMM([0.5, 0.5], [0.0, 1.0], [1.0, 1.0]) != GMM([0.5, 0.5], [0.0, 2.0], [1.0, 1.0])


def test_sds_of_1e300_are_valid():
    m = GMM([0.5, 0.5], [-1e300, 1e300], [1e300, 1e300])
    assert np.all(np.isfinite(m.logpdf([0.0, 1e300, -1e308])))


def test_responsibilities_sum_to_one_midway_between_narrow_components():
    """Both log densities are -1.25e19: log-sum-exp's log 2 was lost to rounding and the
    two probabilities came out as 1 and 1."""
    r = responsibilities([0.5, 0.4], GMM([0.5, 0.5], [0.0, 1.0], [1e-10, 1e-10]))
    np.testing.assert_array_equal(r, [[0.5, 0.5], [1.0, 0.0]])


# --- the model's dict form (GMM.to_dict / GMM.from_dict / load_model) -------------------

ROUND_TRIP_MODELS = [
    GMM([1 / 3, 1 / 3, 1 / 3], [-1.0, 0.1, 2.0 / 3.0], [0.1, 1.0, np.pi]),
    GMM([1.0], [-0.0], [5e-324]),  # a signed zero and the smallest subnormal sd
    GMM([0.5, 0.5], [-1e308, 1e308], [1e300, 1e-300]),
    GMM([0.0, 1.0], [0.0, 1.0], [1.0, 1.0]),  # a weight of zero
]


@pytest.mark.parametrize("model", ROUND_TRIP_MODELS)
def test_dict_form_round_trips_exactly_through_json(model):
    d = model.to_dict()
    assert list(d) == ["weights", "means", "sds"]
    assert all(type(v) is float for values in d.values() for v in values)  # plain JSON numbers
    back = GMM.from_dict(json.loads(json.dumps(d)))
    assert back == model
    for field in ("weights", "means", "sds"):  # bit for bit, signed zeros included
        assert getattr(back, field).tobytes() == getattr(model, field).tobytes()


def test_from_dict_reads_the_dashboards_model_download():
    x, _ = sample(GMM([0.4, 0.6], [0.0, 5.0], [1.0, 1.0]), 300, rng=0)
    history = fit_em(x, 2, rng=0)
    document = json.loads(model_json(history, {"n_fit": 2, "seed": 0}))
    assert {"log_likelihood", "n_points", "n_components", "settings"} <= set(document)  # extra keys
    assert GMM.from_dict(document) == final_model(history)


@pytest.mark.parametrize(
    ("document", "match"),
    [
        ({"means": [0.0], "sds": [1.0]}, "missing key 'weights'"),
        ({"weights": [1.0], "sds": [1.0]}, "missing key 'means'"),
        ({"weights": [1.0], "means": [0.0]}, "missing key 'sds'"),
        ({"weights": [1.0], "means": 0.0, "sds": [1.0]}, "key 'means' should be a list of numbers, got 0.0"),
        ({"weights": [1.0], "means": ["0"], "sds": [1.0]}, "key 'means' should be a list of numbers"),
        ({"weights": [1.0], "means": [0.0], "sds": [True]}, "key 'sds' should be a list of numbers"),
        ({"weights": [1.0], "means": [0.0], "sds": [None]}, "key 'sds' should be a list of numbers"),
        ({"weights": {"a": 1.0}, "means": [0.0], "sds": [1.0]}, "key 'weights' should be a list"),
        ({"weights": [0.5, 0.5], "means": [0.0], "sds": [1.0]}, "same length"),
        ({"weights": [0.5, 0.4], "means": [0, 1], "sds": [1, 1]}, r"weights: should be normalized"),
        ({"weights": [1.0], "means": [0.0], "sds": [0.0]}, "sds: must be > 0"),
        ({"weights": [1.0], "means": [float("nan")], "sds": [1.0]}, "means: every value must be finite"),
    ],
)
def test_from_dict_says_what_is_wrong_naming_the_key(document, match):
    with pytest.raises(ValueError, match=match):
        GMM.from_dict(document)


def test_from_dict_refuses_what_is_not_a_mapping():
    with pytest.raises(TypeError, match=r"expected a dict .* got list"):
        GMM.from_dict([[1.0], [0.0], [1.0]])  # type: ignore[arg-type]


def test_from_dict_accepts_integers_and_numpy_numbers():
    model = GMM.from_dict({"weights": [1], "means": [np.float64(2.5)], "sds": [np.int64(2)]})
    assert model == GMM([1.0], [2.5], [2.0])


def test_load_model_reads_a_file_and_names_it_in_every_error(tmp_path):
    good = tmp_path / "model.json"
    good.write_text(json.dumps({**ROUND_TRIP_MODELS[0].to_dict(), "note": "ignored"}))
    assert load_model(good) == ROUND_TRIP_MODELS[0]
    for name, text, match in (
        ("absent.json", None, "absent.json: No such file"),
        ("bad.json", "{weights: 1", "bad.json: not JSON: Expecting property name"),
        ("list.json", "[1, 2]", "list.json: GMM.from_dict: expected a dict"),
        ("short.json", '{"weights": [1.0], "means": [0.0]}', "short.json: GMM.from_dict: missing key 'sds'"),
    ):
        path = tmp_path / name
        if text is not None:
            path.write_text(text)
        with pytest.raises(ValueError, match=match):
            load_model(path)


def test_classify_docstring_example_holds():
    """The example in ``classify``'s docstring: new values, a far one included."""
    assert doctest.testmod(model_module, verbose=False).failed == 0
    model = GMM.from_dict({"weights": [0.5, 0.5], "means": [0.0, 10.0], "sds": [1.0, 1.0]})
    np.testing.assert_array_equal(classify([-1.0, 4.0, 6.0, 1e9], model), [0, 0, 1, 1])

import numpy as np
import pytest

from emgmm import GMM, fit_em

X = np.array([0.1, 0.5, 1.2, 3.3, 3.9, 4.4, 5.0])


@pytest.mark.parametrize(
    "x, kwargs, exc, match",
    [
        (X.reshape(-1, 1), {}, ValueError, r"1-D array.*shape \(7, 1\)"),
        (np.array([]), {}, ValueError, "empty"),
        (np.array([1.0, np.nan, 2.0, np.inf, 3.0]), {}, ValueError, "holds 2 value.*first at index 1"),
        (np.array(["a", "b"]), {}, TypeError, "expected numbers"),
        (np.array([1.0, "x"], dtype=object), {}, TypeError, "expected numbers"),
        (X, dict(n_components=0), ValueError, "n_components: must be at least 1"),
        (X, dict(n_components=2.0), TypeError, "n_components: expected an integer"),
        (np.array([1.0, 1.0, 2.0, 2.0]), dict(n_components=3), ValueError, "more than the 2 distinct values"),
        (np.full(5, 4.0), dict(n_components=1), ValueError, "at least two distinct values"),
        (X, dict(max_iter=0), ValueError, "max_iter: must be at least 1"),
        (X, dict(tol=-1e-3), ValueError, "tol: must be at least 0"),
        (X, dict(tol=float("nan")), ValueError, "tol: must be a finite number"),
        (X, dict(init="magic"), ValueError, "kmeans\\+\\+, quantile, random"),
        (X, dict(n_init=0), ValueError, "n_init: must be at least 1"),
        (X, dict(init_params=GMM([1.0], [0.0], [1.0])), ValueError, "init_params: has 1 components"),
        (X, dict(init_params="kmeans"), TypeError, "init_params: expected a GMM"),
        (X, dict(rng=-1), ValueError, "rng: a seed must be a non-negative integer"),
    ],
)
def test_bad_input_is_refused_with_a_message_that_names_it(x, kwargs, exc, match):
    kwargs = {"n_components": 2, **kwargs}
    before = x.copy()
    with pytest.raises(exc, match=match):
        fit_em(x, **kwargs)
    np.testing.assert_array_equal(x, before)


def test_fit_never_modifies_the_input():
    x = np.random.default_rng(0).normal(size=5000)
    before = x.copy()
    fit_em(x, 3, rng=0, max_iter=20)
    assert x.tobytes() == before.tobytes()


def test_fit_preconditions_are_stated_once_by_the_engine():
    from emgmm.validation import check_fittable

    np.testing.assert_array_equal(check_fittable([1.0, 2.0, 3.0], 2), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"^x: every value equals 3.0; .*two distinct values"):
        check_fittable(np.full(10, 3.0), 2)
    with pytest.raises(ValueError, match="use at most 2 components"):
        check_fittable(np.array([1.0, 2.0]), 3)
    with pytest.raises(ValueError, match="use at most 2 components"):
        check_fittable(np.array([1.0, 1.0, 2.0, 2.0]), 3)


@pytest.mark.parametrize(
    "x, kwargs, exc, match",
    [
        (np.full(5, np.float64(4.0)), {}, ValueError, r"^x: every value equals 4\.0;"),
        (
            X,
            dict(n_components=np.float64(2.0)),
            TypeError,
            r"^n_components: expected an integer, got 2\.0 \(float64\)",
        ),
        (X, dict(tol=np.str_("small")), TypeError, r"^tol: expected a number, got 'small'"),
        (
            [[1.0, 2.0], [3.0]],
            {},
            ValueError,
            r"^x: cannot be read as an array of numbers \(nested sequences",
        ),
        (
            np.ma.masked_array(X, mask=np.array([0, 1, 0, 0, 1, 0, 0], dtype=bool)),
            {},
            ValueError,
            r"^x: a masked array with 2 masked",
        ),
    ],
)
def test_messages_name_the_argument_and_show_plain_values(x, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        fit_em(x, **{"n_components": 2, **kwargs})
    assert "np.float64" not in match


def test_a_masked_array_without_masked_values_is_its_data():
    ref = fit_em(X, 2, rng=0)
    assert fit_em(np.ma.masked_array(X), 2, rng=0).equals(ref)

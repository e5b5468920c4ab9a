import numpy as np
import pytest
from scipy.stats import norm

from emgmm import GMM, classify, responsibilities


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

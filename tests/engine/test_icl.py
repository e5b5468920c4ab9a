"""ICL in ``select_k``: BIC plus twice the classification's entropy-like penalty."""

import numpy as np
import pytest

from emgmm import GMM, final_model, fit_em, responsibilities, sample
from emgmm.selection import CRITERIA, best_k, select_k

#: ICL's penalty here is a sum of n logs of probabilities near 1, each rounded at about
#: 1e-16 absolute, in a value of order 1e3: 1e-12 relative holds with room.
RTOL = 1e-12


def independent_icl(x, ks, seed, weights=None, **kwargs):
    """ICL from the same fits (the generator drawn in the same order as ``select_k`` draws
    it), with responsibilities from ``emgmm.responsibilities``."""
    generator = np.random.default_rng(seed)
    w = np.ones(x.size) if weights is None else np.asarray(weights, dtype=float)
    values = []
    for k in ks:
        history = fit_em(x, k, n_init=2, rng=generator, weights=weights, **kwargs)
        ll = history["log_likelihood"].iloc[-1]
        p = 3 * k - 1
        bic = -2 * ll + p * np.log(w.sum())
        r = responsibilities(x, final_model(history))
        values.append(bic - 2 * np.sum(w * np.log(r.max(axis=1))))
    return np.array(values)


@pytest.fixture(scope="module")
def overlapping():
    x, _ = sample(GMM([0.5, 0.3, 0.2], [-1.0, 1.0, 3.5], [1.0, 0.8, 0.7]), 600, rng=3)
    return x


@pytest.mark.slow
def test_icl_is_bic_minus_twice_the_log_of_the_largest_responsibilities(overlapping):
    ks = range(1, 5)
    table = select_k(overlapping, ks, n_init=2, rng=11)
    np.testing.assert_allclose(table["icl"], independent_icl(overlapping, ks, 11), rtol=RTOL)
    # one component: every largest responsibility is 1, so ICL is BIC exactly
    assert table["icl"].iloc[0] == table["bic"].iloc[0]
    # overlapping components pay: ICL > BIC
    assert (table["icl"].iloc[1:] > table["bic"].iloc[1:] + 1.0).all()


@pytest.mark.slow
def test_weighted_icl_weighs_each_point(overlapping):
    w = np.random.default_rng(0).uniform(0.0, 3.0, overlapping.size)
    ks = [1, 2, 3]
    table = select_k(overlapping, ks, n_init=2, rng=4, weights=w, init="random")
    np.testing.assert_allclose(
        table["icl"], independent_icl(overlapping, ks, 4, weights=w, init="random"), rtol=RTOL
    )


@pytest.mark.slow
def test_icl_prefers_separated_clusters_where_bic_splits_an_overlap():
    """Two heavily overlapping components: BIC finds the second one worth its parameters;
    ICL, which charges for the points they share, keeps one."""
    x, _ = sample(GMM([0.5, 0.5], [0.0, 2.5], [1.0, 1.0]), 1000, rng=0)
    table = select_k(x, range(1, 4), n_init=2, rng=0)
    assert best_k(table, "bic") > best_k(table, "icl") == 1


def test_best_k_accepts_only_known_criteria(overlapping):
    table = select_k(overlapping, [1, 2], n_init=1, rng=0)
    assert CRITERIA == ("bic", "aic", "icl")
    for criterion in CRITERIA:
        assert best_k(table, criterion) in (1, 2)
    with pytest.raises(ValueError, match=r"^criterion: expected one of bic, aic, icl; got 'BIC'"):
        best_k(table, "BIC")

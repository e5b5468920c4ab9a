"""init="hc": model-based hierarchical agglomeration (mclust's hcV), against a brute-force
agglomeration written out here that recomputes every cluster's sum of squares from its members."""

import numpy as np
import pytest

from emgmm import fit_em, model_at
from emgmm.hierarchical import HC_ALPHA, HC_SUBSAMPLE, hc_labels, init_hc


def brute_force_hc(z, k):
    """Start from the distinct values (repeats together); merge the pair whose merge costs
    least, n_ij log((W_ij + a) / n_ij) - n_i log((W_i + a) / n_i) - n_j log((W_j + a) / n_j),
    each W from the members; first of equal costs in the order of the clusters' lowest values."""
    alpha = HC_ALPHA * np.var(z)
    clusters = [z[z == v] for v in np.unique(z)]

    def term(members):
        return members.size * np.log((np.sum((members - members.mean()) ** 2) + alpha) / members.size)

    while len(clusters) > k:
        best, pair = np.inf, (0, 1)
        for i in range(len(clusters)):
            for j in range(i + 1, len(clusters)):
                cost = (
                    term(np.concatenate([clusters[i], clusters[j]])) - term(clusters[i]) - term(clusters[j])
                )
                if cost < best:
                    best, pair = cost, (i, j)
        i, j = pair
        clusters[i] = np.concatenate([clusters[i], clusters[j]])
        del clusters[j]
        clusters.sort(key=lambda c: c.min())
    means = [c.mean() for c in clusters]
    rank = {float(v): r for r, c in enumerate(sorted(clusters, key=np.mean)) for v in c}
    assert sorted(means) == [c.mean() for c in sorted(clusters, key=np.mean)]
    return np.array([rank[float(v)] for v in z])


def _three_groups(seed, size):
    rng = np.random.default_rng(seed)
    sizes = (5 * size, 4 * size, 3 * size)
    return np.concatenate(
        [rng.normal(0, 1, sizes[0]), rng.normal(4, 0.5, sizes[1]), rng.normal(-3, 2, sizes[2])]
    )


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "k"), [(0, 2), (1, 3), (2, 5)])
def test_agglomeration_is_the_brute_force_one(seed, k):
    z = _three_groups(seed, 2)
    np.testing.assert_array_equal(hc_labels(z, k), brute_force_hc(z, k))


@pytest.mark.slow
@pytest.mark.parametrize(("seed", "k"), [(3, 2), (4, 3), (5, 4)])
def test_agglomeration_of_sixty_points_is_the_brute_force_one(seed, k):
    z = _three_groups(seed, 5)
    np.testing.assert_array_equal(hc_labels(z, k), brute_force_hc(z, k))


def test_repeated_values_stay_together_and_units_do_not_matter():
    z = np.round(np.random.default_rng(4).normal(size=120), 1)
    labels = hc_labels(z, 3)
    for v in np.unique(z):
        assert np.unique(labels[z == v]).size == 1
    np.testing.assert_array_equal(hc_labels(1e-3 * z + 7.0, 3), labels)


def test_start_is_one_m_step_of_the_classification_and_deterministic():
    x = np.random.default_rng(5).normal(size=300)
    h = fit_em(x, 3, init="hc", rng=1, max_iter=3)
    assert fit_em(x, 3, init="hc", rng=99, max_iter=3).equals(h)
    start = model_at(h, 0)
    labels = hc_labels(x, 3)
    counts = np.bincount(labels, minlength=3)
    np.testing.assert_allclose(start.weights, counts / x.size, rtol=1e-12)
    means = np.array([x[labels == c].mean() for c in range(3)])
    np.testing.assert_allclose(start.means, means, rtol=1e-9, atol=1e-12)
    sds = np.array([x[labels == c].std() for c in range(3)])
    np.testing.assert_allclose(start.sds, sds, rtol=1e-9)


def test_large_data_reads_a_bounded_sample():
    z = np.random.default_rng(6).normal(size=20 * HC_SUBSAMPLE)
    start = init_hc(z, 2, 1e-6)
    assert start.n_components == 2 and np.isclose(start.weights.sum(), 1.0)

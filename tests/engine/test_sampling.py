import tracemalloc

import numpy as np
import pytest

from emgmm import GMM, random_model, sample


def test_random_model_follows_the_demo_recipe():
    m = random_model(200, spread=3.0, rng=1)
    np.testing.assert_allclose(m.weights, 1 / 200)
    assert m.sds.min() >= 0.1 and m.sds.max() < 1.0
    assert np.any(m.sds == 0.1)  # the floor binds for about 10 % of draws
    assert 2.0 < np.std(m.means) < 4.0


def test_same_seed_gives_same_data_bit_for_bit():
    x1, l1 = sample(random_model(4, rng=7), 1000, rng=8)
    x2, l2 = sample(random_model(4, rng=7), 1000, rng=8)
    assert x1.tobytes() == x2.tobytes() and np.array_equal(l1, l2)
    x3, _ = sample(random_model(4, rng=7), 1000, rng=9)
    assert not np.array_equal(x1, x3)


def test_global_random_state_is_untouched():
    np.random.seed(123)  # noqa: NPY002  (the legacy global state is what is checked)
    before = np.random.get_state(legacy=False)["state"]["key"].copy()  # noqa: NPY002
    sample(random_model(3, rng=None), 100, rng=None)
    assert np.array_equal(np.random.get_state(legacy=False)["state"]["key"], before)  # noqa: NPY002


def test_sample_matches_component_moments():
    m = GMM([0.25, 0.75], [-5.0, 5.0], [0.5, 2.0])
    x, labels = sample(m, 200_000, rng=0)
    assert x.dtype == np.float64 and x.shape == (200_000,)
    assert abs(np.mean(labels == 0) - 0.25) < 0.005
    for k in range(2):
        assert abs(x[labels == k].mean() - m.means[k]) < 0.02
        assert abs(x[labels == k].std() - m.sds[k]) < 0.02


@pytest.mark.parametrize(
    "bad, exc, match",
    [(0, ValueError, "n_points: must be at least 1"), (2.5, TypeError, "n_points: expected an integer")],
)
def test_sample_rejects_bad_sizes(bad, exc, match):
    with pytest.raises(exc, match=match):
        sample(random_model(2, rng=0), bad, rng=0)


def test_rng_rejects_non_seed():
    with pytest.raises(TypeError, match="rng"):
        random_model(2, rng="seed")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="spread"):
        random_model(2, spread=0.0)


def test_sample_draws_what_rng_choice_draws():
    """The labels and points of the recipe ``rng.choice(k, p=weights)`` then
    ``rng.standard_normal``: the demo's data for a seed does not change."""
    m = GMM([0.2, 0.3, 0.5], [-4.0, 0.0, 4.0], [0.5, 1.0, 2.0])
    x, labels = sample(m, 10_000, rng=3)
    rng = np.random.default_rng(3)
    expected_labels = rng.choice(3, size=10_000, p=m.weights)
    expected = rng.standard_normal(10_000) * m.sds[expected_labels] + m.means[expected_labels]
    np.testing.assert_array_equal(labels, expected_labels)
    np.testing.assert_array_equal(x, expected)


def test_sample_allocates_nothing_of_n_points_beyond_its_outputs():
    m = random_model(5, rng=0)
    n = 1_000_000
    tracemalloc.start()
    x, labels = sample(m, n, rng=1)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    outputs = x.nbytes + labels.nbytes
    assert peak < outputs + 0.1 * x.nbytes, (peak, outputs)

"""Degenerate components: flagged on a spike, not on a small real cluster; ``best_k``
passes over the K whose fit holds one."""

import numpy as np
import pandas as pd
import pytest

from emgmm import GMM, final_model, fit_em, responsibilities, sample
from emgmm.datasets import load_example
from emgmm.degeneracy import HEALTH_COLUMNS, MIN_EFFECTIVE_POINTS, component_health
from emgmm.selection import best_k, select_k


@pytest.fixture(scope="module")
def spiked():
    """A clear two-component mixture and two identical points far from it."""
    x, _ = sample(GMM([0.5, 0.5], [-3.0, 3.0], [1.0, 1.0]), 400, rng=0)
    return np.concatenate([x, [40.0, 40.0]])


@pytest.fixture(scope="module")
def galaxies():
    return load_example("galaxies")


def test_a_component_on_two_identical_points_is_degenerate(spiked):
    start = GMM([0.45, 0.45, 0.1], [-3.0, 3.0, 39.0], [1.0, 1.0, 1.0])
    h = fit_em(spiked, 3, init_params=start)
    health = component_health(spiked, final_model(h), h.attrs["sd_floor"])
    assert tuple(health.columns) == HEALTH_COLUMNS
    assert health["component"].tolist() == [1, 2, 3]
    assert health["degenerate"].tolist() == [False, False, True]
    spike = health.iloc[2]
    assert spike["sd_at_floor"] and spike["sd"] == h.attrs["sd_floor"]
    assert spike["effective_n"] == pytest.approx(2.0, abs=1e-9)


def test_effective_n_is_the_weighted_sum_of_responsibilities(spiked):
    w = np.random.default_rng(0).uniform(0.0, 2.0, spiked.size)
    model = GMM([0.3, 0.6, 0.1], [-2.5, 3.5, 20.0], [1.5, 0.8, 2.0])
    health = component_health(spiked, model, 1e-6, weights=w)
    expected = (w[:, None] * responsibilities(spiked, model)).sum(axis=0)
    np.testing.assert_allclose(health["effective_n"], expected, rtol=1e-12)
    # the component at 20, between the cluster and the spike, holds almost nothing
    assert health["degenerate"].tolist() == [False, False, True]
    assert health["effective_n"].iloc[2] < MIN_EFFECTIVE_POINTS and not health["sd_at_floor"].iloc[2]


def test_an_sd_at_the_floor_is_degenerate_whatever_its_mass(spiked):
    """Fifty identical values: a component on them holds 50 points, and is still a spike."""
    x = np.concatenate([spiked, np.full(50, 7.0)])
    floor = 1e-3
    model = GMM([0.45, 0.45, 0.1], [-3.0, 3.0, 7.0], [1.0, 1.0, floor])
    health = component_health(x, model, floor)
    assert health["sd_at_floor"].tolist() == [False, False, True]
    assert health["effective_n"].iloc[2] == pytest.approx(50.0, abs=1e-3)  # all but a 1e-6 share
    assert health["degenerate"].tolist() == [False, False, True]
    above = component_health(x, GMM(model.weights, model.means, [1.0, 1.0, 1.001 * floor]), floor)
    assert not above["degenerate"].any()


def test_the_galaxies_cluster_of_three_is_not_degenerate(galaxies):
    h = fit_em(galaxies, 3, n_init=2, rng=0)
    health = component_health(galaxies, final_model(h), h.attrs["sd_floor"])
    smallest = health["effective_n"].min()
    assert smallest == pytest.approx(3.0, abs=0.01)  # the three fastest galaxies
    assert not health["degenerate"].any()


@pytest.mark.slow
def test_select_k_on_the_galaxies_picks_three_by_bic(galaxies):
    """The fits with K = 5 and 6 hold a pair (N_k = 2) or a single galaxy at the sd floor."""
    table = select_k(galaxies, range(1, 7), n_init=2, rng=0)
    assert table["degenerate"].tolist() == [False] * 4 + [True] * 2
    assert best_k(table, "bic") == 3
    # with the flagged rows, the lowest BIC over all rows (here K = 3 as well: the pair
    # at K = 5 scores 1574.71 against 1574.48)
    everything = best_k(table, "bic", include_degenerate=True)
    assert everything == int(table.loc[table["bic"].idxmin(), "k"])


@pytest.mark.slow
def test_select_k_passes_over_a_spike_that_bic_would_choose(spiked):
    table = select_k(spiked, range(1, 5), n_init=2, rng=0)
    assert table["degenerate"].tolist() == [False, False, True, True]
    assert best_k(table, "bic", include_degenerate=True) == 3  # the spike buys BIC
    assert best_k(table, "bic") == 2


def test_best_k_falls_back_to_every_row_when_every_row_is_degenerate():
    table = pd.DataFrame(
        {"k": [1, 2, 3], "bic": [10.0, 5.0, 7.0], "aic": [9.0, 8.0, 1.0], "icl": [1.0, 6.0, 8.0]}
    )
    assert best_k(table) == 2  # no flags: every row counts
    table["degenerate"] = [False, True, False]
    assert best_k(table) == 3 and best_k(table, include_degenerate=True) == 2
    assert best_k(table, "icl") == 1 and best_k(table, "aic") == 3
    table["degenerate"] = True
    assert best_k(table) == 2


def test_component_health_checks_its_arguments(spiked):
    model = GMM([1.0], [0.0], [1.0])
    with pytest.raises(TypeError, match=r"^model: expected a GMM, got dict"):
        component_health(spiked, {"weights": [1.0]}, 1e-6)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"^sd_floor: must be at least 0\.0, got -1\.0"):
        component_health(spiked, model, -1.0)
    with pytest.raises(ValueError, match=r"^weights: expected one weight per point"):
        component_health(spiked, model, 1e-6, weights=[1.0, 2.0])

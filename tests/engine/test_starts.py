"""``fit_starts``: the history of every start, from the loop that ``fit_em`` runs."""

import numpy as np
import pandas as pd
import pytest

from emgmm import GMM, fit_em, random_model, sample
from emgmm.em import fit_starts
from emgmm.history import HISTORY_COLUMNS
from emgmm.starts import fit_starts_and_hc


@pytest.fixture(scope="module")
def data():
    x, _ = sample(random_model(4, spread=2.0, rng=5), 800, rng=6)
    return x


def block(table, start):
    rows = table[table["start"] == start].drop(columns="start")
    return rows.reset_index(drop=True)


@pytest.mark.slow
@pytest.mark.parametrize("init", ["kmeans++", "random"])
def test_the_best_start_is_fit_em_bit_for_bit(data, init):
    table = fit_starts(data, 4, 5, init=init, rng=3)
    expected = fit_em(data, 4, n_init=5, init=init, rng=3)
    best = table.attrs["best_start"]
    pd.testing.assert_frame_equal(block(table, best), expected, check_exact=True)
    assert table.attrs["final_log_likelihoods"] == expected.attrs["start_log_likelihoods"]
    assert table.attrs["stop_reasons"][best] == expected.attrs["stop_reason"]
    assert table.attrs["n_iters"][best] == expected.attrs["n_iter"]
    finals = table.attrs["final_log_likelihoods"]
    assert best == int(np.argmax(finals)) > 0  # the seed makes a later start the best


@pytest.mark.slow
@pytest.mark.parametrize("init", ["kmeans++", "random"])
def test_each_start_is_the_fit_its_rng_draws(data, init):
    """The first start is ``fit_em`` with n_init=1 and the same seed; each block is a whole
    history, numbered from iteration 0, with its final log-likelihood in attrs."""
    table = fit_starts(data, 4, 3, init=init, rng=2)
    assert tuple(table.columns) == ("start", *HISTORY_COLUMNS)
    assert table["start"].unique().tolist() == [0, 1, 2]
    pd.testing.assert_frame_equal(block(table, 0), fit_em(data, 4, init=init, rng=2), check_exact=True)
    for start in range(3):
        rows = block(table, start)
        n_iter = table.attrs["n_iters"][start]
        np.testing.assert_array_equal(rows["iteration"], np.repeat(np.arange(n_iter + 1), 4))
        assert rows["log_likelihood"].iloc[-1] == table.attrs["final_log_likelihoods"][start]
    assert len(table.attrs["stop_reasons"]) == len(table.attrs["last_gains"]) == 3
    assert table.attrs["n_init"] == 3 and table.attrs["n_components"] == 4


def test_the_callback_numbers_starts_as_the_start_column(data):
    seen = []
    table = fit_starts(data, 2, 3, rng=1, callback=lambda s, i, _m, ll: seen.append((s, i, ll)))
    per_iteration = table.drop_duplicates(["start", "iteration"])
    assert seen == list(
        zip(per_iteration["start"], per_iteration["iteration"], per_iteration["log_likelihood"], strict=True)
    )


def test_weighted_starts_match_fit_em(data):
    w = np.random.default_rng(0).integers(0, 4, data.size)
    table = fit_starts(data, 3, 3, weights=w, rng=4)
    expected = fit_em(data, 3, n_init=3, weights=w, rng=4)
    pd.testing.assert_frame_equal(block(table, table.attrs["best_start"]), expected, check_exact=True)
    assert table.attrs["total_weight"] == w.sum() and table.attrs["n_points"] == data.size


def test_fit_starts_names_n_starts_in_its_messages(data):
    with pytest.raises(ValueError, match=r"^n_starts: must be at least 1, got 0"):
        fit_starts(data, 2, 0)
    with pytest.raises(
        ValueError, match=r"^n_starts: init_params gives a single start, so n_starts must be 1"
    ):
        fit_starts(data, 2, 2, init_params=GMM([0.5, 0.5], [-1.0, 1.0], [1.0, 1.0]))
    with pytest.raises(ValueError, match=r"^n_init: must be at least 1, got 0"):
        fit_em(data, 2, n_init=0)


@pytest.mark.slow
def test_the_hc_start_follows_the_random_starts_as_fit_em_gives_it(data):
    """``fit_starts_and_hc``: the random starts as ``fit_starts`` gives them, then one start
    that is ``fit_em(init="hc")`` whatever the seed; the best over all of them."""
    seen = []
    table = fit_starts_and_hc(data, 4, 3, rng=2, callback=lambda s, i, _m, _ll: seen.append(s))
    random = fit_starts(data, 4, 3, rng=2)
    pd.testing.assert_frame_equal(table[table["start"] < 3], random, check_exact=True)
    for seed in (0, 9):
        pd.testing.assert_frame_equal(block(table, 3), fit_em(data, 4, init="hc", rng=seed), check_exact=True)
    finals = table.attrs["final_log_likelihoods"]
    assert len(finals) == len(table.attrs["stop_reasons"]) == len(table.attrs["n_iters"]) == 4
    assert finals[:3] == random.attrs["final_log_likelihoods"]
    assert table.attrs["best_start"] == int(np.argmax(finals))
    assert table.attrs["hc_start"] == 3 and table.attrs["n_init"] == 4
    assert sorted(set(seen)) == [0, 1, 2, 3]

"""The Dask backend fits what ``fit_em`` fits: same history to 1e-10 relative, same errors."""

import os
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

from emgmm import GMM, fit_em, sample, steps
from emgmm.history import HISTORY_COLUMNS
from emgmm.initialization import INIT_METHODS
from emgmm.scaling import standardisation_for
from emgmm.steps import e_pass

if os.environ.get("CI") == "true":  # in CI a missing Dask is a failure, not a skip
    import dask.array as da
    import distributed
else:
    distributed = pytest.importorskip("distributed")
    da = pytest.importorskip("dask.array")

from emgmm.dask import fit_em_dask
from emgmm.dask.fit import BlockPass, _first_pass

pytestmark = [pytest.mark.dask, pytest.mark.slow]  # a cluster of worker processes: not in the fast tier

RTOL = 1e-10


@pytest.fixture(scope="module")
def large():
    """More than 10 000 points: the starts read a subsample gathered from the blocks."""
    x, _ = sample(GMM([0.2, 0.5, 0.3], [-4.0, 0.0, 5.0], [1.0, 0.7, 2.0]), 24_000, rng=2)
    return x


def assert_same_fit(expected: pd.DataFrame, got: pd.DataFrame, exact: bool = False) -> None:
    """The same history: columns, iterations, parameters and log-likelihoods (to RTOL, or
    bit for bit), and the same attrs."""
    if exact:
        pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert tuple(got.columns) == HISTORY_COLUMNS and got.shape == expected.shape
    np.testing.assert_array_equal(got[["iteration", "component"]], expected[["iteration", "component"]])
    for column in ("weight", "mean", "sd", "log_likelihood"):
        np.testing.assert_allclose(got[column], expected[column], rtol=RTOL, atol=0, err_msg=column)
    floats = ("last_gain", "start_log_likelihoods")
    assert {k: v for k, v in got.attrs.items() if k not in floats} == {
        k: v for k, v in expected.attrs.items() if k not in floats
    }
    np.testing.assert_allclose(
        got.attrs["start_log_likelihoods"], expected.attrs["start_log_likelihoods"], rtol=RTOL
    )
    # a difference of two log-likelihoods over one of them: known to about 1e-16 absolute
    assert got.attrs["last_gain"] == pytest.approx(expected.attrs["last_gain"], rel=1e-4, abs=1e-13)


@pytest.mark.parametrize("tied_sd", [False, True])
@pytest.mark.parametrize("init", INIT_METHODS)
def test_every_init_and_tied_sd_fit_as_in_memory_over_uneven_blocks(client, large, init, tied_sd):
    x = da.from_array(large, chunks=((3, 7000, 1, 12_000, 4996),))
    kwargs: dict[str, Any] = dict(init=init, tied_sd=tied_sd, rng=7, max_iter=40)
    assert_same_fit(fit_em(large, 3, **kwargs), fit_em_dask(x, 3, **kwargs))


def test_a_single_block_fits_bit_for_bit_as_in_memory(client, large):
    assert_same_fit(
        fit_em(large, 3, rng=1), fit_em_dask(da.from_array(large, chunks=-1), 3, rng=1), exact=True
    )


@pytest.mark.parametrize(
    "chunks",
    [(2,) * 30, (1, 1, 0, 5, 0, 53), (60,)],
    ids=["blocks-smaller-than-k", "empty-blocks", "one-block"],
)
def test_small_data_fits_as_in_memory_whatever_the_blocks(client, chunks):
    """At most 10 000 points: the starts read every point, gathered from the blocks."""
    x, _ = sample(GMM([0.3, 0.3, 0.4], [-3.0, 0.0, 4.0], [0.5, 0.5, 1.0]), 60, rng=4)
    for init in INIT_METHODS:
        expected = fit_em(x, 3, init=init, rng=3, max_iter=30)
        assert_same_fit(
            expected, fit_em_dask(da.from_array(x, chunks=(chunks,)), 3, init=init, rng=3, max_iter=30)
        )


def test_n_init_and_callback_run_as_in_memory(client, large):
    seen: dict[str, list[tuple[Any, ...]]] = {"memory": [], "dask": []}

    def recorder(key):
        return lambda start, iteration, model, ll: seen[key].append((start, iteration, model, ll))

    kwargs: dict[str, Any] = dict(n_init=3, rng=5, max_iter=8, init="random")
    expected = fit_em(large, 3, callback=recorder("memory"), **kwargs)
    got = fit_em_dask(da.from_array(large, chunks=6000), 3, callback=recorder("dask"), **kwargs)
    assert_same_fit(expected, got)
    assert [s[:2] for s in seen["dask"]] == [s[:2] for s in seen["memory"]]
    for (*_, m1, ll1), (*_, m2, ll2) in zip(seen["memory"], seen["dask"], strict=True):
        np.testing.assert_allclose(m2.means, m1.means, rtol=RTOL)
        assert ll2 == pytest.approx(ll1, rel=RTOL)


def test_a_given_far_start_recentres_as_in_memory(client, large, monkeypatch):
    """A start far off in sd units makes the M-step take its second pass about the new
    means (``steps.m_step_from``'s ``recentre``): in memory, and over the blocks."""
    shifts = []
    engine_pass = steps.e_pass

    def spy(x, standard, model, shift=None, detail=False):
        shifts.append(shift is not None)
        return engine_pass(x, standard, model, shift, detail)

    monkeypatch.setattr(steps, "e_pass", spy)  # the in-memory M-step's second pass
    kwargs: dict[str, Any] = dict(init_params=GMM([0.3, 0.3, 0.4], [300.0, 400.0, 500.0], [1.0, 1.0, 1.0]))
    expected = fit_em(large, 3, **kwargs)
    assert any(shifts)
    monkeypatch.undo()  # the workers import the engine's pass by name: the spy stays here
    assert_same_fit(expected, fit_em_dask(da.from_array(large, chunks=5000), 3, **kwargs))


@pytest.mark.parametrize("detail", [False, True])
def test_a_pass_over_blocks_sums_what_the_engine_pass_sums(client, large, detail):
    standard = standardisation_for(large)
    model = standard.model_to_z(GMM([0.2, 0.5, 0.3], [-4.0, 0.1, 5.0], [1.0, 0.7, 2.0]))
    shift = model.means + 0.25
    passes = BlockPass(da.from_array(large, chunks=3333).persist(), standard)
    for kwargs in ({}, {"shift": shift}):
        expected, got = (
            e_pass(large, standard, model, detail=detail, **kwargs),
            passes(model, detail=detail, **kwargs),
        )
        for field in ("log_likelihood", "mass", "dev", "dev2", "slope", "abs_terms"):
            np.testing.assert_allclose(
                getattr(got, field), getattr(expected, field), rtol=1e-12, err_msg=field
            )


@pytest.mark.parametrize(
    "values",
    [
        np.concatenate([np.random.default_rng(0).normal(size=30_000), [1e9]]),  # one far outlier
        1e15 + np.random.default_rng(1).integers(0, 50, size=20_001).astype(float),  # far from 0
        np.random.default_rng(2).normal(scale=1e-300, size=12_345),  # subnormal spreads
        np.arange(10_000.0),
    ],
    ids=["outlier", "far", "tiny", "exactly-10k"],
)
def test_standardisation_is_the_engines(client, values):
    x = da.from_array(values, chunks=4096).persist()
    standard, _ = _first_pass(x, 2)
    assert standard == standardisation_for(values)


def test_integers_and_unknown_block_sizes_fit_as_in_memory(client):
    """A column of a dask DataFrame: integer values, block sizes unknown until computed."""
    import dask.dataframe as dd

    values = np.random.default_rng(3).integers(0, 40, size=3000) + np.repeat([0, 100], 1500)
    column = dd.from_pandas(pd.Series(values), npartitions=3).to_dask_array()
    assert np.isnan(column.shape[0])
    assert_same_fit(fit_em(values, 2, rng=0), fit_em_dask(column, 2, rng=0))


def messages(x, n_components=2):
    """What ``fit_em`` and ``fit_em_dask`` raise for ``x`` (as a dask array in blocks of 3)."""
    found = []
    for fit, data in ((fit_em, x), (fit_em_dask, da.from_array(x, chunks=3 if x.ndim == 1 else -1))):
        with pytest.raises((TypeError, ValueError)) as info:
            fit(data, n_components)
        found.append((info.type, str(info.value)))
    return found


@pytest.mark.parametrize(
    ("x", "n_components", "match"),
    [
        (np.zeros((4, 2)), 2, "expected a 1-D array"),
        (np.array([]), 2, "the data is empty"),
        (np.array([1.0, 2, 3, 4, 5, 6, np.nan, 8, np.inf, 9]), 2, "holds 2 value.* the first at index 6"),
        (np.array(["a", "b", "c"]), 2, "expected numbers"),
        (np.array([True, False, True]), 2, "expected numbers"),
        (np.full(10, 3.5), 2, "every value equals 3.5"),
        (np.array([1.0, 2.0] * 10), 3, "more than the 2 distinct values"),
    ],
    ids=["2-d", "empty", "nan-in-a-later-block", "strings", "booleans", "constant", "few-distinct"],
)
def test_bad_data_raises_the_engines_error(client, x, n_components, match):
    (memory_type, memory), (dask_type, got) = messages(x, n_components)
    assert dask_type is memory_type and got == memory
    assert re.search(match, got)


def test_bad_options_raise_before_the_data_is_read(client):
    x = da.from_array(np.arange(10.0), chunks=5)
    with pytest.raises(ValueError, match="init: expected one of"):
        fit_em_dask(x, 2, init="best")
    with pytest.raises(TypeError, match="n_components: expected an integer"):
        fit_em_dask(x, 2.5)  # type: ignore[arg-type]


def test_data_in_memory_is_refused_with_a_pointer_to_fit_em():
    with pytest.raises(TypeError, match=r"x: expected a dask.array.Array, got ndarray; .* emgmm.fit_em"):
        fit_em_dask(np.arange(10.0), 2)  # type: ignore[arg-type]


def test_a_worker_killed_in_the_middle_of_a_fit_gives_the_same_result(client, large):
    """At iteration 2 one worker is restarted by its nanny: the blocks it held are read
    again from the graph on the other worker, and the fit goes on to the same result."""
    restarted: list[str] = []

    def kill_one(start, iteration, model, ll):
        if iteration == 2 and not restarted:
            holders = sorted(w for w, keys in client.has_what().items() if keys)
            client.restart_workers([holders[0]])
            restarted.append(holders[0])

    x = da.from_array(large, chunks=4000)
    got = fit_em_dask(x, 3, rng=2, callback=kill_one)
    assert restarted
    assert_same_fit(fit_em(large, 3, rng=2), got)
    client.wait_for_workers(2)

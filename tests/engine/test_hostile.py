"""The engine under hostile input: every shape of data a user can upload or the app can
make. Each history must keep every invariant; each refusal must leave the input alone."""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from emgmm import GMM, fit_em
from tests.support.invariants import check_history

SETTINGS = settings(max_examples=200)


@st.composite
def hostile_data(draw):
    """Data with duplicates, near-constant runs, huge offsets, tiny or huge spreads."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(2, 400))
    kind = draw(st.sampled_from(["normal", "duplicates", "constant_but_few", "integers", "two_values"]))
    offset = draw(st.sampled_from([0.0, 1e-12, -1e6, 1e9, 1e12]))
    scale = draw(st.sampled_from([1e-12, 1e-6, 1.0, 1e3, 1e12]))
    if kind == "normal":
        base = rng.normal(size=n)
    elif kind == "duplicates":
        base = rng.choice(rng.normal(size=max(2, n // 10)), size=n)
    elif kind == "constant_but_few":
        base = np.zeros(n)
        base[rng.choice(n, size=min(n - 1, draw(st.integers(1, 3))), replace=False)] = rng.normal(size=1) + 1
    elif kind == "integers":
        base = rng.integers(0, 5, size=n).astype(float)
    else:
        base = np.where(rng.random(n) < 0.5, 0.0, 1.0)
        base[:2] = [0.0, 1.0]
    x = offset + scale * base
    return x, seed


#: Data two or three float64 steps apart: the log-likelihood is rounding noise
#: (it went 40.80160 then 40.80136; the invariant now allows for the data's resolution).
NEAR_CONSTANT = 1e9 + 1e-6 * np.random.default_rng(0).normal(size=3)


@pytest.mark.slow
@SETTINGS
@example(data=(NEAR_CONSTANT, 0), k=1, init="kmeans++", n_init=1, tied=False)
@example(data=(NEAR_CONSTANT, 1), k=1, init="quantile", n_init=2, tied=True)
@given(
    data=hostile_data(),
    k=st.integers(1, 6),
    init=st.sampled_from(["kmeans++", "quantile", "random"]),
    n_init=st.integers(1, 3),
    tied=st.booleans(),
)
def test_every_history_keeps_the_invariants(data, k, init, n_init, tied):
    x, seed = data
    before = x.copy()
    distinct = np.unique(x).size
    if distinct < max(k, 2):
        with pytest.raises(ValueError, match="distinct values"):
            fit_em(x, k, init=init, n_init=n_init, tied_sd=tied, rng=seed)
    else:
        h = fit_em(x, k, init=init, n_init=n_init, tied_sd=tied, rng=seed, max_iter=60)
        check_history(h, x)
    assert np.array_equal(x, before)


@st.composite
def refused_input(draw):
    """Arrays fit_em must refuse, each with the exception it must raise."""
    n = draw(st.integers(5, 60))
    x = np.random.default_rng(draw(st.integers(0, 1000))).normal(size=n)
    kind = draw(st.sampled_from(["nan", "inf", "2d", "empty", "text", "bool_k", "big_k"]))
    if kind in ("nan", "inf"):
        bad = draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=5, unique=True))
        x[bad] = np.nan if kind == "nan" else -np.inf
        return x, 2, ValueError, f"holds {len(bad)} value.*first at index {min(bad)}"
    if kind == "2d":
        return x.reshape(1, -1), 2, ValueError, "1-D"
    if kind == "empty":
        return np.array([]), 2, ValueError, "empty"
    if kind == "text":
        return x.astype(str), 2, TypeError, "expected numbers"
    if kind == "bool_k":
        return x, True, TypeError, "n_components"
    return x, n + 1, ValueError, "distinct values"


@pytest.mark.slow
@SETTINGS
@given(case=refused_input())
def test_refused_inputs_raise_and_leave_the_array_alone(case):
    x, k, exc, match = case
    before = x.copy()
    with pytest.raises(exc, match=match):
        fit_em(x, k, rng=0)
    assert np.array_equal(x, before) or (x.dtype.kind == "f" and np.array_equal(x, before, equal_nan=True))


def test_n_points_equal_to_n_components():
    x = np.array([1.0, 2.0, 3.0])
    h = fit_em(x, 3, rng=0)
    check_history(h, x)
    assert np.all(np.isfinite(h["log_likelihood"]))


def test_start_exactly_on_the_points_stays_finite():
    x = np.array([0.0, 0.0, 1.0, 1.0])
    h = fit_em(x, 2, init_params=GMM([0.5, 0.5], [0.0, 1.0], [1e-3, 1e-3]), max_iter=20)
    check_history(h, x)

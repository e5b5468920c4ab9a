"""Property tests: the EM invariants hold for every model, size, seed and option."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from emgmm import fit_em, random_model, sample
from emgmm.em import HISTORY_COLUMNS

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_history(h, x):
    """Every invariant a history must satisfy."""
    assert tuple(h.columns) == HISTORY_COLUMNS
    values = h[["weight", "mean", "sd", "log_likelihood"]].to_numpy()
    assert np.all(np.isfinite(values)), "NaN or inf in the history"
    k = h.attrs["n_components"]
    n_iter = h.attrs["n_iter"]
    np.testing.assert_array_equal(h["iteration"], np.repeat(np.arange(n_iter + 1), k))
    sums = h.groupby("iteration")["weight"].sum().to_numpy()
    np.testing.assert_allclose(sums, 1.0, atol=1e-9)
    assert h["sd"].min() >= h.attrs["sd_floor"] > 0
    ll = h.groupby("iteration")["log_likelihood"].first().to_numpy()
    steps = np.diff(ll)
    assert np.all(steps >= -1e-9 * np.abs(ll[1:])), f"log-likelihood decreased: {steps.min()}"
    gains = steps / np.abs(ll[1:])
    tol = h.attrs["tol"]
    if h.attrs["converged"]:
        assert gains[-1] < tol and np.all(gains[:-1] >= tol)
    else:
        assert n_iter == h.attrs["max_iter"] and np.all(gains >= tol)


@SETTINGS
@given(
    n_real=st.integers(1, 6),
    n_fit=st.integers(1, 6),
    spread=st.floats(0.05, 20.0),
    n_points=st.integers(20, 3000),
    seed=st.integers(0, 2**32 - 1),
    init=st.sampled_from(["kmeans++", "quantile", "random"]),
    tied=st.booleans(),
)
def test_loglik_never_decreases(n_real, n_fit, spread, n_points, seed, init, tied):
    x, _ = sample(random_model(n_real, spread, rng=seed), n_points, rng=seed + 1)
    h = fit_em(x, n_fit, max_iter=150, init=init, tied_sd=tied, rng=seed)
    check_history(h, x)

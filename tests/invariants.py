"""The invariants every EM history must keep, shared by the property tests."""

import numpy as np

from emgmm.history import HISTORY_COLUMNS


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

"""The invariants every EM history must keep, shared by the property tests."""

import numpy as np
import pandas as pd

from emgmm.history import HISTORY_COLUMNS, model_at
from emgmm.model import responsibilities

EPS = np.finfo(np.float64).eps

#: A fall of the log-likelihood up to this many times the two values' resolutions is rounding.
RESOLUTION_MULTIPLE = 4.0
#: The arithmetic's own rounding: this many epsilons of sum_n |log p(x_n)|.
ARITHMETIC_ULPS = 16.0


def loglik_resolution(x: np.ndarray, h: pd.DataFrame, iteration: int) -> float:
    """How far the log-likelihood of iteration ``iteration`` is known, given float64.

    The rule: data and means are stored to one unit in the last place at their
    magnitude, ``eps * max(|x|, |mean|)``. Moving every point by that much moves
    ``log L = sum_n log p(x_n)`` by about ``sum_n |d log p / dx|(x_n)`` times it, with
    ``d log p / dx = -sum_k r_nk (x_n - mean_k) / sd_k^2``. A change of the log-likelihood
    smaller than a few times that is rounding, not a step of EM: on data a few float64
    steps apart (``1e9 + 1e-6 * normal(size=3)``) it is of the order of 1, where a fixed
    relative tolerance of 1e-9 of |log L| (about 4e-8) is far too strict. Add the
    arithmetic's own rounding, ``ARITHMETIC_ULPS * eps * sum_n |log p(x_n)|``.

    Computed the naive way, with an (n, k) matrix in the data's units, independently of
    the engine's streamed ``convergence.loglik_resolution``; every product is arranged
    to stay finite from 1e-300 to 1e300.
    """
    model = model_at(h, iteration)
    r = responsibilities(x, model)
    ulp = EPS * max(float(np.abs(x).max()), float(np.abs(model.means).max()))
    # (x - mean) / sd * (ulp / sd): each factor stays in range at any magnitude
    z = (x[:, None] / 2 - model.means[None, :] / 2) / model.sds[None, :] * 2
    moved = np.abs((r * z * (ulp / model.sds)[None, :]).sum(axis=1)).sum()
    return float(moved + ARITHMETIC_ULPS * EPS * np.abs(model.logpdf(x)).sum())


def check_history(h, x):
    """Every invariant a history must satisfy.

    The log-likelihood never falls beyond rounding, except at the last step of a fit that
    says so (``stop_reason`` "decreased"); the stop reason agrees with the gains.
    """
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
    reason = h.attrs["stop_reason"]
    assert reason in ("converged", "max_iter", "decreased")
    assert h.attrs["converged"] == (reason == "converged")
    assert h.attrs["decreased"] == (reason == "decreased")
    for i in np.flatnonzero(steps < -1e-9 * np.abs(ll[1:])):
        allowed = RESOLUTION_MULTIPLE * (
            loglik_resolution(x, h, int(i)) + loglik_resolution(x, h, int(i) + 1)
        )
        if steps[i] < -1e-9 * abs(ll[i + 1]) - allowed:
            assert reason == "decreased" and i == n_iter - 1, (
                f"log-likelihood decreased by {-steps[i]:.6g} at iteration {i + 1}, "
                f"more than its float64 resolution allows ({allowed:.3g}), and the fit says {reason!r}"
            )
    with np.errstate(divide="ignore", invalid="ignore"):
        gains = steps / np.abs(ll[1:])
    np.testing.assert_equal(h.attrs["last_gain"], gains[-1])
    tol = h.attrs["tol"]
    assert np.all(gains[:-1] >= tol)
    if reason == "converged":
        assert gains[-1] < tol
    elif reason == "decreased":
        assert steps[-1] < 0
    else:
        assert n_iter == h.attrs["max_iter"] and gains[-1] >= tol

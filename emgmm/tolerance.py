"""Where other tools' default convergence tests would have stopped on a fit's own path, so
that numbers compared across tools are read knowing why their last digits differ.

emgmm stops when the relative gain ``(L_i - L_{i-1}) / |L_i|`` falls below ``tol`` (1e-8 by
default). mclust (``emControl(tol = 1e-5)``, its ``me*`` Fortran) stops when
``|L_i - L_{i-1}| / (1 + |L_i|)`` falls below 1e-5, and scikit-learn's ``GaussianMixture``
(``tol=1e-3``) when the change of the mean log-likelihood per point, ``|L_i - L_{i-1}| / n``,
does. ``tolerance_comparison`` applies those tests to a history's log-likelihoods.

Counting iterations as the history does (iteration i holds the parameters after the i-th
M-step), and giving each tool the fit's start:

- mclust starts from responsibilities and runs M-step then E-step, comparing each
  log-likelihood with the previous one (the first with none): it would stop at the first
  i >= 2 whose test passes, with the parameters of iteration i;
- scikit-learn's bound at its iteration i is the log-likelihood of the parameters before its
  i-th M-step (the start's at i = 1, compared with -inf): it would stop at i + 1 for the first
  i >= 1 whose test passes, with the parameters of iteration i + 1.

With a prior, the tests read the history's ``log_likelihood`` (as mclust's do), while emgmm's own
stop reads the log posterior.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .history import iteration_table
from .validation import check_float

#: mclust's default tolerance (``emControl()$tol[1]``) on ``|L_i - L_{i-1}| / (1 + |L_i|)``.
MCLUST_TOL = 1e-5
#: scikit-learn's default ``GaussianMixture(tol=1e-3)`` on ``|L_i - L_{i-1}| / n``.
SKLEARN_TOL = 1e-3


@dataclass(frozen=True)
class ToleranceComparison:
    """emgmm's stop, and where mclust's and scikit-learn's tests would have stopped.

    Attributes
    ----------
    n_iter : int
        The fit's iterations.
    tol, last_gain : float
        emgmm's ``tol`` and the relative gain it stopped at (``attrs["last_gain"]``).
    mclust_tol, sklearn_tol : float
        The other tools' tolerances compared.
    mclust_gain, sklearn_gain : float
        Their measures at the fit's last iteration: ``|dL| / (1 + |L|)`` and ``|dL| / n``
        (NaN for a fit of no iteration).
    mclust_stop, sklearn_stop : int or None
        The iteration each would have stopped at on this path, or None if not by the fit's last.
    """

    n_iter: int
    tol: float
    last_gain: float
    mclust_tol: float
    mclust_gain: float
    mclust_stop: int | None
    sklearn_tol: float
    sklearn_gain: float
    sklearn_stop: int | None

    def sentence(self) -> str:
        """One line for the fit's final view, e.g. "Stopped at iteration 73, at a relative
        gain of 3e-09 (tol 1e-08); mclust's default tolerance 1e-05 would stop at iteration
        41, scikit-learn's 0.001 at iteration 12."."""

        def where(stop: int | None) -> str:
            return f"at iteration {stop}" if stop is not None else f"after iteration {self.n_iter} (not yet)"

        return (
            f"Stopped at iteration {self.n_iter}, at a relative gain of {self.last_gain:.2g} "
            f"(tol {self.tol:g}); mclust's default tolerance {self.mclust_tol:g} would stop "
            f"{where(self.mclust_stop)}, scikit-learn's {self.sklearn_tol:g} {where(self.sklearn_stop)}."
        )


def _first(passed: np.ndarray, first_index: int) -> int | None:
    hits = np.flatnonzero(passed[first_index:])
    return int(hits[0]) + first_index if hits.size else None


def tolerance_comparison(
    history: pd.DataFrame, *, mclust_tol: float = MCLUST_TOL, sklearn_tol: float = SKLEARN_TOL
) -> ToleranceComparison:
    """emgmm's stop beside where mclust's and scikit-learn's default tests would stop on the
    same path (see the module for how iterations are counted).

    Parameters
    ----------
    history : pandas.DataFrame
        As returned by ``fit_em``: reads ``log_likelihood`` per iteration and ``attrs``
        ``tol``, ``last_gain`` and ``total_weight`` (n for scikit-learn's mean).
    mclust_tol, sklearn_tol : float
        The tolerances compared (>= 0), by default the tools' defaults.

    Returns
    -------
    ToleranceComparison
        Its ``sentence()`` says it in a line.
    """
    mclust_tol = check_float("mclust_tol", mclust_tol, 0.0)
    sklearn_tol = check_float("sklearn_tol", sklearn_tol, 0.0)
    ll = iteration_table(history)["log_likelihood"].to_numpy()
    n = float(history.attrs.get("total_weight", history.attrs.get("n_points", 0)) or 0)
    if n <= 0:
        raise ValueError("history: attrs has no total_weight; pass the table fit_em returned.")
    change = np.full(ll.size, np.nan)
    change[1:] = np.abs(np.diff(ll))
    mclust = change / (1.0 + np.abs(ll))
    sklearn = change / n
    mclust_stop = _first(mclust < mclust_tol, 2)
    sklearn_at = _first(sklearn < sklearn_tol, 1)
    sklearn_stop = sklearn_at + 1 if sklearn_at is not None and sklearn_at + 1 < ll.size else None
    return ToleranceComparison(
        n_iter=ll.size - 1,
        tol=float(history.attrs.get("tol", np.nan)),
        last_gain=float(history.attrs.get("last_gain", np.nan)),
        mclust_tol=mclust_tol,
        mclust_gain=float(mclust[-1]),
        mclust_stop=mclust_stop,
        sklearn_tol=sklearn_tol,
        sklearn_gain=float(sklearn[-1]),
        sklearn_stop=sklearn_stop,
    )

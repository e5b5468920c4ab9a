"""What the command lines print: numbers, an iteration's line, why EM stopped, a table
written to a file. ``emgmm.cli`` and ``emgmm.dask.command`` both print through here, so
neither imports the other's module for its words."""

from __future__ import annotations

import sys

import pandas as pd


def number_text(value: float) -> str:
    """Four decimals, or four significant digits with an exponent far from 1."""
    return f"{value:.4f}" if value == 0 or 1e-4 <= abs(value) < 1e9 else f"{value:.4e}"


def iteration_line(iteration: int, neg_log_likelihood: float, gain_pct: float) -> str:
    """One iteration as the command line prints it."""
    change = "" if iteration == 0 else f" ({gain_pct:+.6f} %)"
    return f"Iteration {iteration}: -LL = {neg_log_likelihood:.6f}{change}"


def stop_line(history: pd.DataFrame) -> str:
    """Why EM stopped, from the history's attrs."""
    n_iter, reason, gain, tol = (history.attrs[key] for key in ("n_iter", "stop_reason", "last_gain", "tol"))
    if reason == "converged":
        return f"Converged after {n_iter} iterations"
    if reason == "decreased":
        return (
            f"Stopped after {n_iter} iterations: the log-likelihood fell by more than rounding ({gain:+.3g})"
        )
    return f"Did not converge after {n_iter} iterations (last relative gain {gain:.3g}, tol {tol:g})"


def write_history(history: pd.DataFrame, out: str, what: str = "History") -> int:
    """Write the history (or another table, ``what``) to ``out`` (CSV); the exit status."""
    try:
        history.to_csv(out, index=False)
    except OSError as err:
        print(f"error: cannot write --out {out}: {err}", file=sys.stderr)
        return 2
    print(f"{what} written to {out} ({len(history)} rows)")
    return 0

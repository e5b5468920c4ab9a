"""emgmm beside R's mclust and mixtools and scikit-learn, on the same data in one run.

Run: python -m benchmarks.compare_tools [--repeats 3]

Needs R with mclust and mixtools (Debian: ``apt-get install r-base-core r-cran-mclust
r-cran-mixtools``) and scikit-learn; a tool that is missing is said and left out.

For Old Faithful's waiting times (K = 2), the galaxies' velocities (K = 3 and 6) and 2,000
points drawn from 5 Gaussians (``simulate(5, 1.5, 2000, 1)``, K = 5), each tool fits
Gaussians with a variance each (mclust's model "V") and prints the final log-likelihood
(the plain one, also for the MAP fits, as mclust reports it), the iterations and the
median time of a fit:

- emgmm: ``fit_em`` with 10 starts (k-means++), its default tolerance (1e-8, relative gain
  of log L), then from one quantile start (as mclust's), then 10 starts with mclust's default
  prior (``prior=True``); at most 10,000 iterations, as the others;
- mclust: ``Mclust(x, G = K, modelNames = "V")``, its default start (quantile classes in one
  dimension) and tolerance (1e-5), then the same to 1e-13, then with ``priorControl()``;
- mixtools: ``normalmixEM(x, k = K, epsilon = 1e-8)``, the best of 10 seeds;
- scikit-learn: ``GaussianMixture(K, n_init = 10)`` at its default tolerance (1e-3, on the
  mean log-likelihood per point) and at 1e-10.

Times include each tool's own start; R's are measured inside R (``system.time``), so the
Python start-up of the others is not in them either.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from emgmm import fit_em
from emgmm.datasets import load_example
from emgmm.sampling import simulate

#: (name, data, K) of each comparison.
CASES: list[tuple[str, Callable[[], np.ndarray], int]] = [
    ("Old Faithful, waiting (272)", lambda: load_example("old_faithful"), 2),
    ("galaxies (82)", lambda: load_example("galaxies"), 3),
    ("galaxies (82)", lambda: load_example("galaxies"), 6),
    ("5 Gaussians (2,000)", lambda: simulate(5, 1.5, 2000, 1)[1], 5),
]

R_SCRIPT = r"""
suppressMessages({library(mclust); library(mixtools)})
args <- commandArgs(trailingOnly = TRUE)
x <- scan(args[1], quiet = TRUE); k <- as.integer(args[2]); repeats <- as.integer(args[3])
timed <- function(f) { out <- NULL; s <- replicate(repeats, system.time(out <<- f())[["elapsed"]]); list(out, median(s)) }
row <- function(tool, ll, iters, s) {
  cat(sprintf('{"tool": "%s", "loglik": %.10f, "iterations": %s, "seconds": %.4f}\n', tool, ll, iters, s))
}
# Mclust's iterations are not in its result: meV from its one-dimensional start (the
# quantile classes) runs the same EM and says them
mclust_row <- function(tool, control, prior = NULL) {
  r <- timed(function() Mclust(x, G = k, modelNames = "V", control = control, prior = prior, verbose = FALSE))
  z <- unmap(mclust:::qclass(x, k))
  same <- if (is.null(prior)) meV(x, z, control = control) else meV(x, z, control = control, prior = priorControl())
  row(tool, r[[1]]$loglik, attr(same, "info")[["iterations"]], r[[2]])
}
mclust_row("mclust V, tol 1e-5 (its default)", emControl())
mclust_row("mclust V, tol 1e-13", emControl(tol = c(1e-13, sqrt(.Machine$double.eps))))
mclust_row("mclust V, priorControl()", emControl(), priorControl())
r <- timed(function() {
  best <- NULL
  for (seed in 1:10) {
    set.seed(seed)
    f <- tryCatch(normalmixEM(x, k = k, epsilon = 1e-8, maxit = 10000), error = function(e) NULL)
    if (!is.null(f) && (is.null(best) || f$loglik > best$loglik)) best <- f
  }
  best })
row("mixtools normalmixEM, best of 10 seeds", r[[1]]$loglik, length(r[[1]]$all.loglik) - 1, r[[2]])
"""


#: The reference values of tests/engine/test_mclust_prior.py: mclust's MAP fits run to 1e-13.
R_REFERENCE = r"""
suppressMessages(library(mclust))
args <- commandArgs(trailingOnly = TRUE)
x <- scan(args[1], quiet = TRUE); k <- as.integer(args[2])
m <- Mclust(x, G = k, modelNames = "V", prior = priorControl(),
            control = emControl(tol = c(1e-13, sqrt(.Machine$double.eps))), verbose = FALSE)
cat(sprintf("mclust %s: loglik %.12f, bic %.12f\n", packageVersion("mclust"), m$loglik, m$bic))
"""


def mclust_reference(folder: Path) -> None:
    """Print mclust's MAP log-likelihood and BIC for Faithful (K = 2) and the galaxies (3, 6)."""
    for name, k in (("old_faithful", 2), ("galaxies", 3), ("galaxies", 6)):
        data, script = folder / "x.txt", folder / "reference.R"
        data.write_text("\n".join(repr(float(v)) for v in load_example(name)))
        script.write_text(R_REFERENCE)
        run = subprocess.run(
            ["Rscript", str(script), str(data), str(k)], capture_output=True, text=True, check=True
        )
        print(f"{name}, K = {k}: {run.stdout.strip()}")


def _median_time(fit: Callable[[], Any], repeats: int) -> tuple[Any, float]:
    out, times = None, []
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fit()
        times.append(time.perf_counter() - t0)
    return out, float(np.median(times))


def python_rows(x: np.ndarray, k: int, repeats: int) -> list[dict[str, Any]]:
    """emgmm's fits and scikit-learn's, as rows."""
    rows = []
    runs: tuple[tuple[str, dict[str, Any]], ...] = (
        ("emgmm, 10 starts, tol 1e-8", {"n_init": 10}),
        ("emgmm, quantile start (as mclust's), tol 1e-8", {"init": "quantile"}),
        ("emgmm, 10 starts, mclust's prior", {"n_init": 10, "prior": True}),
    )
    for label, options in runs:
        # max_iter as the others': every fit runs to its tolerance
        h, seconds = _median_time(lambda o=options: fit_em(x, k, rng=0, max_iter=10_000, **o), repeats)  # type: ignore[misc]
        ll = float(h["log_likelihood"].iat[-1])
        rows.append({"tool": label, "loglik": ll, "iterations": int(h.attrs["n_iter"]), "seconds": seconds})
    try:
        from sklearn.mixture import GaussianMixture
    except ImportError:
        print("scikit-learn is not installed: left out")
        return rows
    for tol in (1e-3, 1e-10):
        gm, seconds = _median_time(
            lambda t=tol: GaussianMixture(k, n_init=10, tol=t, max_iter=10_000, random_state=0).fit(
                x[:, None]
            ),  # type: ignore[misc]
            repeats,
        )
        rows.append(
            {
                "tool": f"scikit-learn, 10 starts, tol {tol:g}",
                "loglik": float(gm.score(x[:, None]) * x.size),
                "iterations": int(gm.n_iter_),
                "seconds": seconds,
            }
        )
    return rows


def r_rows(x: np.ndarray, k: int, repeats: int, folder: Path) -> list[dict[str, Any]]:
    """mclust's and mixtools' fits, run by Rscript on the same values (17 significant digits)."""
    data, script = folder / "x.txt", folder / "fit.R"
    data.write_text("\n".join(repr(float(v)) for v in x))
    script.write_text(R_SCRIPT)
    run = subprocess.run(
        ["Rscript", str(script), str(data), str(k), str(repeats)], capture_output=True, text=True, check=True
    )
    return [json.loads(line) for line in run.stdout.splitlines() if line.startswith("{")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--mclust-reference",
        action="store_true",
        help="print the mclust values tests/engine/test_mclust_prior.py holds",
    )
    args = parser.parse_args()
    if args.mclust_reference:
        with tempfile.TemporaryDirectory() as tmp:
            mclust_reference(Path(tmp))
        return
    has_r = shutil.which("Rscript") is not None
    if not has_r:
        print("Rscript is not on the PATH: mclust and mixtools left out")
    print(f"# medians of {args.repeats} fits")
    print("| data | K | tool | log L | iterations | time (s) |")
    print("|---|---:|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, make, k in CASES:
            x = np.asarray(make(), dtype=np.float64)
            rows = python_rows(x, k, args.repeats) + (r_rows(x, k, args.repeats, Path(tmp)) if has_r else [])
            for row in rows:
                iterations = "" if row["iterations"] is None else row["iterations"]
                print(
                    f"| {name} | {k} | {row['tool']} | {row['loglik']:,.6f} | {iterations} | {row['seconds']:.3f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()

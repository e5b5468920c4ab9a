"""Bootstrap and likelihood-ratio test: speed, interval coverage, SEs, and the LRT's decisions.

Run from the repository root: python -m benchmarks.bench_bootstrap [--parts speed,coverage,se,lrt]

1. speed: ``bootstrap`` of Old Faithful's waiting times (272 points, K = 2), 999
   replicates, nonparametric and parametric (target < 5 s); and 200 nonparametric
   replicates of 100 000 points drawn from ``LARGE`` (K = 3; target < 60 s). Medians of
   ``--repeats`` runs, the full-data fit excluded.
2. coverage: ``--coverage-sets`` data sets of 500 points from ``TRUE`` (two components
   eight sds apart); each is fitted (3 starts), bootstrapped (``--coverage-boot``
   replicates) and its 95% percentile interval of each parameter checked against the truth
   (components paired with the true ones by ``bootstrap.match_order``). Target for
   the means: 90-99%. A fraction of 200 is itself uncertain by about 1.5 points.
3. se: parametric over nonparametric standard errors on Old Faithful (999 replicates
   each; do they agree within 20%?).
4. lrt: ``bootstrap_lrt`` with B = 99 on ``--lrt-seeds`` data sets of ``--lrt-n``
   points from ``TRUE``: in how many is K = 1 against 2 rejected (p <= 0.01, the
   smallest p-value B = 99 allows: 1 / (B + 1)) and 2 against 3 not (p > 0.05)?
   Target: at least 9 of 10.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from benchmarks.bench_em import cpu_model
from emgmm import GMM, final_model, fit_em, sample
from emgmm.bootstrap import bootstrap
from emgmm.datasets import load_example
from emgmm.lrt import bootstrap_lrt
from emgmm.replicates import match_order

#: The truth of the coverage and LRT parts: two components eight sds apart.
TRUE = GMM([0.4, 0.6], [-4.0, 4.0], [1.0, 1.0])

#: The mixture the 100 000 points of the speed part are drawn from (as ``bench_dask``'s).
LARGE = GMM([0.2, 0.5, 0.3], [-4.0, 0.0, 5.0], [1.0, 0.7, 2.0])


def timed(fn: Callable[[], object], repeats: int) -> str:
    """The median of ``repeats`` runs, with the fastest and slowest: the machine is shared."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return f"{np.median(times):.2f} s (runs {min(times):.2f} to {max(times):.2f} s)"


def speed(args: argparse.Namespace) -> None:
    print(f"## 1. Speed (medians of {args.repeats} runs; full-data fit excluded)")
    x = load_example("old_faithful")
    history = fit_em(x, 2, n_init=3, rng=0)
    for kind in ("nonparametric", "parametric"):

        def run(kind: str = kind) -> None:
            bootstrap(x, history, 999, kind=kind, rng=1)

        print(
            f"Old Faithful waiting (n=272, K=2), 999 {kind} replicates: {timed(run, args.repeats)} (target < 5 s)"
        )
    large, _ = sample(LARGE, 100_000, rng=2)
    history = fit_em(large, 3, n_init=3, rng=3)
    seconds = timed(lambda: bootstrap(large, history, 200, rng=4), args.repeats)
    print(f"n=100 000 from LARGE (K=3), 200 nonparametric replicates: {seconds} (target < 60 s)")


def coverage(args: argparse.Namespace) -> None:
    sets, b = args.coverage_sets, args.coverage_boot
    print(
        f"\n## 2. Coverage of 95% percentile intervals ({args.coverage_kind}): {sets} data sets of 500 "
        f"points from TRUE = {describe(TRUE)}, {b} replicates each"
    )
    covered = {name: np.zeros((sets, 2), dtype=bool) for name in ("weight", "mean", "sd")}
    failed = not_converged = 0
    for i in range(sets):
        x, _ = sample(TRUE, 500, rng=10_000 + i)
        result = bootstrap(x, fit_em(x, 2, n_init=3, rng=i), b, kind=args.coverage_kind, rng=20_000 + i)
        failed += result.n_failed
        not_converged += int((~result.replicates["converged"]).sum() // 2)
        # the fit's component j estimates the true component paired with it
        truth = match_order(result.estimate, TRUE)
        for name, values in (("weight", TRUE.weights), ("mean", TRUE.means), ("sd", TRUE.sds)):
            rows = result.summary[result.summary["parameter"] == name]
            true_values = values[truth]
            covered[name][i] = (rows["lower"].to_numpy() <= true_values) & (
                true_values <= rows["upper"].to_numpy()
            )
    error = 100 * np.sqrt(0.95 * 0.05 / sets)
    for name, hits in covered.items():
        cells = ", ".join(f"component {j + 1}: {100 * hits[:, j].mean():.1f}%" for j in range(2))
        target = " (target 90-99%)" if name == "mean" else ""
        print(f"{name:>6}: {cells}{target}")
    print(
        f"(one binomial sd at 95% over {sets} sets: {error:.1f} points; failed replicates: {failed}, "
        f"replicates stopped before converging: {not_converged})"
    )


def describe(model: GMM) -> str:
    def shown(values: np.ndarray) -> str:
        return "[" + ", ".join(f"{v:.4g}" for v in values) + "]"

    return f"weights {shown(model.weights)}, means {shown(model.means)}, sds {shown(model.sds)}"


def standard_errors(args: argparse.Namespace) -> None:
    print("\n## 3. Old Faithful waiting times: parametric / nonparametric SE (999 replicates each)")
    x = load_example("old_faithful")
    history = fit_em(x, 2, n_init=3, rng=0)
    tables = {
        kind: bootstrap(x, history, 999, kind=kind, rng=5).summary for kind in ("nonparametric", "parametric")
    }
    merged = tables["nonparametric"].merge(
        tables["parametric"][["component", "parameter", "se"]],
        on=["component", "parameter"],
        suffixes=("_np", "_p"),
    )
    merged["ratio"] = merged["se_p"] / merged["se_np"]
    with pd.option_context("display.float_format", "{:.4g}".format, "display.width", 120):
        print(merged[["component", "parameter", "estimate", "se_np", "se_p", "ratio"]].to_string(index=False))
    inside = int(np.sum(np.abs(merged["ratio"] - 1) <= 0.2))
    print(f"ratios within 20% of 1: {inside} of {len(merged)}; estimate: {describe(final_model(history))}")


def lrt(args: argparse.Namespace) -> None:
    b, n = args.lrt_boot, args.lrt_n
    print(f"\n## 4. Bootstrap LRT, B={b}, n={n} from TRUE, n_init=3, tol=1e-8 (fit_em's default)")
    print("| seed | p(1 vs 2) | p(2 vs 3) | selected K | seconds |")
    print("|---:|---:|---:|---:|---:|")
    right = 0
    for seed in range(args.lrt_seeds):
        x, _ = sample(TRUE, n, rng=30_000 + seed)
        t0 = time.perf_counter()
        table = bootstrap_lrt(x, max_k=3, n_boot=b, rng=seed).table
        seconds = time.perf_counter() - t0
        p = table.set_index("k")["p_value"]
        p2 = p.get(2, np.nan)
        ok = p[1] <= 1 / (b + 1) + 1e-12 and p2 > 0.05
        right += bool(ok)
        chosen = 1 if p[1] > 0.05 else (2 if p2 > 0.05 else 3)
        print(f"| {seed} | {p[1]:.3f} | {p2:.3f} | {chosen} | {seconds:.1f} |", flush=True)
    print(f"1 vs 2 rejected and 2 vs 3 kept in {right} of {args.lrt_seeds} seeds (target: at least 9 of 10)")


PARTS = {"speed": speed, "coverage": coverage, "se": standard_errors, "lrt": lrt}


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    add = parser.add_argument
    add("--parts", default="speed,coverage,se,lrt", help="parts to run, of: " + ",".join(PARTS))
    add("--repeats", type=int, default=3, help="runs per speed figure; the median is printed")
    add("--coverage-sets", type=int, default=200, help="data sets in the coverage part")
    add("--coverage-boot", type=int, default=499, help="replicates per data set in the coverage part")
    add("--coverage-kind", default="nonparametric", choices=("nonparametric", "parametric"))
    add("--lrt-seeds", type=int, default=10, help="data sets in the LRT part")
    add("--lrt-boot", type=int, default=99, help="B of the LRT part")
    add("--lrt-n", type=int, default=500, help="points per data set in the LRT part")
    args = parser.parse_args()
    parts = [p for p in args.parts.split(",") if p]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"--parts: unknown {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")
    print(
        f"# {cpu_model()}, {os.cpu_count()} cores; numpy {np.__version__}, pandas {pd.__version__}, "
        f"python {platform.python_version()}; one process; load average at start {os.getloadavg()[0]:.2f}"
    )
    start = time.perf_counter()
    for part in parts:
        t0 = time.perf_counter()
        PARTS[part](args)
        print(
            f"({part}: {time.perf_counter() - t0:.0f} s; load average {os.getloadavg()[0]:.2f})", flush=True
        )
    print(f"\n# total {time.perf_counter() - start:.0f} s; load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

"""Per-iteration speed of fit_em against scikit-learn and the numpy.exp floor; threads; memory.

Run from the repository root: python -m benchmarks.bench_em [--repeats 5] [--sizes 1e3,1e5,1e6,1e7]

1. For each N and K, the median per-iteration time of ``fit_em``, of scikit-learn's
   ``GaussianMixture`` (covariance_type "spherical" and "full", same data and start),
   their ratios, and the floor: one ``numpy.exp`` over a (K, N) float64 array into a
   buffer allocated once (what the E-step must at least do), timed in the same run.
   A per-iteration time is the difference of two fits (1 + m and 1 iterations) over the
   iterations actually run (``attrs["n_iter"]``), which cancels the fixed costs.
2. Threads, at N = --thread-n: per-iteration time with the default BLAS settings over
   the same under ``threadpoolctl.threadpool_limits(1)`` (target <= 1.1: no BLAS pool
   in the E-step), and 2 and 4 fits run at once in threads: each fit's time over a lone
   fit's (target <= 3 with 4, on any number of cores).
3. The peak memory ``fit_em`` allocates beyond its input at N = --memory-n, K = 10 (tracemalloc).
"""

from __future__ import annotations

import argparse
import os
import platform
import threading
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits  # type: ignore[import-untyped]

from emgmm import GMM, fit_em, random_model, sample


def median_time(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def blas_text() -> str:
    pools = [
        f"{p['internal_api']} {p.get('version', '')} ({p['num_threads']} threads)" for p in threadpool_info()
    ]
    coretype = os.environ.get("OPENBLAS_CORETYPE")
    return ", ".join(pools) + (f", OPENBLAS_CORETYPE={coretype}" if coretype else "")


def start_for(x: np.ndarray, k: int) -> GMM:
    return GMM(
        np.full(k, 1 / k),
        np.quantile(x[:: max(1, x.size // 10_000)], (np.arange(k) + 0.5) / k),
        np.full(k, np.std(x) / k),
    )


def extra_iterations(n: int, k: int) -> int:
    """Enough iterations that the timed difference is well above the timer's noise."""
    return int(np.clip(2e7 / (n * k), 3, 200))


def emgmm_per_iter(x: np.ndarray, start: GMM, repeats: int, m: int | None = None) -> float:
    """Median per-iteration time of fit_em: the difference of two fits cancels the fixed
    costs (validation, table building), over the iterations the longer one really ran."""
    m = m or extra_iterations(x.size, start.n_components)
    runs: dict[int, int] = {}

    def fit(n_iter: int) -> Callable[[], None]:
        def run() -> None:
            h = fit_em(x, start.n_components, init_params=start, max_iter=n_iter, tol=0)
            runs[n_iter] = h.attrs["n_iter"]

        return run

    long, short = median_time(fit(1 + m), repeats), median_time(fit(1), repeats)
    return (long - short) / max(runs[1 + m] - runs[1], 1)


def sklearn_per_iter(x: np.ndarray, start: GMM, repeats: int, covariance_type: str) -> float:
    from sklearn.mixture import GaussianMixture

    precision = 1 / start.sds**2
    precisions = precision if covariance_type == "spherical" else precision[:, None, None]

    def fit(n: int) -> Callable[[], None]:
        def run() -> None:
            gm = GaussianMixture(
                start.n_components,
                covariance_type=covariance_type,
                max_iter=n,
                tol=0,
                reg_covar=0,
                weights_init=start.weights,
                means_init=start.means[:, None],
                precisions_init=precisions,
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                gm.fit(x[:, None])

        return run

    m = min(extra_iterations(x.size, start.n_components), 20 if x.size < 1e6 else 5)
    return (median_time(fit(1 + m), repeats) - median_time(fit(1), repeats)) / m


def exp_floor(n: int, k: int, repeats: int) -> float:
    """One exp of a (k, n) array into a buffer allocated once, as the E-step does."""
    src = np.random.default_rng(0).uniform(-5, 0, size=(k, n))
    buf = np.empty_like(src)
    return median_time(lambda: np.exp(src, out=buf), repeats)


def speed_table(args: argparse.Namespace) -> None:
    print(f"## 1. Per EM iteration, ms (medians of {args.repeats} runs; of at most 3 from N = 1e6)")
    print(
        f"| {'N':>8} | {'K':>2} | {'fit_em':>9} | {'sk spher':>9} | {'sk full':>9} | {'spher/ours':>10} "
        f"| {'full/ours':>9} | {'exp floor':>9} | {'ours/exp':>8} |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in (int(float(s)) for s in args.sizes.split(",")):
        repeats = args.repeats if n < 1e6 else min(args.repeats, 3)
        for k in (int(s) for s in args.ks.split(",")):
            x, _ = sample(random_model(k, rng=k), n, rng=n)
            start = start_for(x, k)
            ours = emgmm_per_iter(x, start, repeats)
            floor = exp_floor(n, k, repeats)
            cells = []
            for kind in ("spherical", "full"):
                if n <= args.skip_sklearn_above:
                    sk = sklearn_per_iter(x, start, repeats, kind)
                    cells.append((f"{sk * 1e3:9.2f}", f"{sk / ours:.1f}"))
                else:
                    cells.append((f"{'-':>9}", "-"))
            print(
                f"| {n:>8.0e} | {k:>2} | {ours * 1e3:9.2f} | {cells[0][0]} | {cells[1][0]} | {cells[0][1]:>10} "
                f"| {cells[1][1]:>9} | {floor * 1e3:9.2f} | {ours / floor:8.2f} |",
                flush=True,
            )


def concurrent_times(x: np.ndarray, start: GMM, n_iter: int, n_threads: int) -> list[float]:
    """Each fit's wall time when ``n_threads`` identical fits start together in threads."""
    barrier = threading.Barrier(n_threads)
    times = [0.0] * n_threads

    def work(i: int) -> None:
        barrier.wait()
        t0 = time.perf_counter()
        fit_em(x, start.n_components, init_params=start, max_iter=n_iter, tol=0)
        times[i] = time.perf_counter() - t0

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def fit_seconds(x: np.ndarray, start: GMM, n_iter: int, single_blas: bool = False) -> float:
    """One fit's time, optionally with every BLAS pool limited to one thread."""
    if single_blas:
        with threadpool_limits(1):
            return concurrent_times(x, start, n_iter, 1)[0]
    return concurrent_times(x, start, n_iter, 1)[0]


def thread_table(args: argparse.Namespace) -> None:
    """Each ratio is the median over rounds of (this round's time / the same round's lone
    fit): the measurements alternate, so a change in the machine's load hits both."""
    n = int(float(args.thread_n))
    m = args.thread_iter
    print(f"\n## 2. Threads at N = {n:.0e} (medians of {args.repeats} interleaved rounds)")
    counts = [int(c) for c in args.threads.split(",")]
    print(
        f"| {'K':>2} | {'ms/iter default':>15} | {'ms/iter 1 thread':>16} | {'default/1':>9} | "
        f"{'lone fit s':>10} | " + " | ".join(f"{c} at once: each/lone" for c in counts) + " |"
    )
    print("|---:|---:|---:|---:|---:|" + "---:|" * len(counts))
    for k in (int(s) for s in args.ks.split(",")):
        x, _ = sample(random_model(k, rng=k), n, rng=n)
        start = start_for(x, k)
        per_iter: dict[bool, list[float]] = {False: [], True: []}
        lone_times: list[float] = []
        ratios: dict[int, list[float]] = {c: [] for c in counts}
        for _ in range(args.repeats):
            for single in (False, True):  # per iteration: a fit of 1 + m iterations minus one of 1
                long, short = fit_seconds(x, start, 1 + m, single), fit_seconds(x, start, 1, single)
                per_iter[single].append((long - short) / m)
            for c in counts:
                lone = fit_seconds(x, start, m)
                lone_times.append(lone)
                ratios[c].extend(t / lone for t in concurrent_times(x, start, m, c))
        default, single_thread = float(np.median(per_iter[False])), float(np.median(per_iter[True]))
        cells = [f"{np.median(r):.2f} (max {max(r):.2f})" for r in ratios.values()]
        print(
            f"| {k:>2} | {default * 1e3:15.2f} | {single_thread * 1e3:16.2f} | {default / single_thread:9.2f} | "
            f"{np.median(lone_times):10.3f} | " + " | ".join(f"{c:>20}" for c in cells) + " |",
            flush=True,
        )


def peak_memory(n: int, k: int) -> float:
    x, _ = sample(random_model(k, rng=0), n, rng=1)
    tracemalloc.start()
    fit_em(x, k, max_iter=3, tol=0, rng=0)  # the default init, k-means++, included
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    add = parser.add_argument
    add("--repeats", type=int, default=5, help="runs per timing; the median is printed")
    add("--sizes", default="1e3,1e5,1e6,1e7", help="values of N for the speed table")
    add("--ks", default="2,5,10", help="values of K")
    add("--skip-sklearn-above", type=float, default=1e6, help="no scikit-learn timing above this N")
    add("--thread-n", default="1e6", help="N of the threads section")
    add("--thread-iter", type=int, default=10, help="iterations per fit (m) in the threads section")
    add("--threads", default="2,4", help="numbers of fits run at once")
    add("--memory-n", default="1e7", help="N of the peak-memory line (0: skip)")
    add("--skip", default="", help="sections to leave out, e.g. speed,threads,memory")
    args = parser.parse_args()
    skip = set(args.skip.split(","))
    print(
        f"# {cpu_model()}, {os.cpu_count()} cores; numpy {np.__version__}, python {platform.python_version()}; "
        f"BLAS: {blas_text()}; load average at start {os.getloadavg()[0]:.2f}"
    )
    t0 = time.perf_counter()
    if "speed" not in skip:
        speed_table(args)
    if "threads" not in skip:
        thread_table(args)
    n = int(float(args.memory_n))
    if "memory" not in skip and n > 0:
        k = 10
        print(
            f"\n## 3. Peak memory of fit_em beyond the input at N={n:.0e}, K={k} (tracemalloc): "
            f"{peak_memory(n, k):.1f} MiB (input: {n * 8 / 2**20:.0f} MiB)"
        )
    print(f"\n# total {time.perf_counter() - t0:.0f} s; load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

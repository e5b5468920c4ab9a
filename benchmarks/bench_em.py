"""Per-iteration speed of fit_em against scikit-learn and the numpy.exp floor; peak memory.

Run: python -m benchmarks.bench_em [--repeats 5] [--skip-sklearn-above 10000000]

For each N and K it prints the median per-iteration time of ``fit_em``, of scikit-learn's
``GaussianMixture`` on the same data and start, their ratio, and the floor: one
``numpy.exp`` over an N x K float64 array, timed in the same run. Then the peak memory
``fit_em`` allocates beyond its input at N = 1e7, K = 10 (tracemalloc).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import tracemalloc
import warnings

import numpy as np

from emgmm import GMM, fit_em, random_model, sample


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def start_for(x: np.ndarray, k: int) -> GMM:
    return GMM(
        np.full(k, 1 / k),
        np.quantile(x[:: max(1, x.size // 10_000)], (np.arange(k) + 0.5) / k),
        np.full(k, np.std(x) / k),
    )


def extra_iterations(n: int, k: int) -> int:
    """Enough iterations that the timed difference is well above the timer's noise."""
    return int(np.clip(2e7 / (n * k), 3, 200))


def emgmm_per_iter(x, start, repeats):
    # the difference of two fits cancels the fixed costs (validation, table building)
    m = extra_iterations(x.size, start.n_components)

    def fit(n_iter):
        return lambda: fit_em(x, start.n_components, init_params=start, max_iter=n_iter, tol=0)

    return (median_time(fit(1 + m), repeats) - median_time(fit(1), repeats)) / m


def sklearn_per_iter(x, start, repeats):
    from sklearn.mixture import GaussianMixture

    def fit(n):
        gm = GaussianMixture(
            start.n_components,
            covariance_type="full",
            max_iter=n,
            tol=0,
            reg_covar=0,
            weights_init=start.weights,
            means_init=start.means[:, None],
            precisions_init=(1 / start.sds**2)[:, None, None],
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            gm.fit(x[:, None])

    m = min(extra_iterations(x.size, start.n_components), 20)
    return (median_time(lambda: fit(1 + m), repeats) - median_time(lambda: fit(1), repeats)) / m


def peak_memory(n: int, k: int) -> float:
    x, _ = sample(random_model(k, rng=0), n, rng=1)
    start = start_for(x, k)
    tracemalloc.start()
    fit_em(x, k, max_iter=3, tol=0, rng=0)  # the default init, k-means++, included
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del start
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--skip-sklearn-above", type=float, default=1e7, help="no scikit-learn timing above this N"
    )
    parser.add_argument("--sizes", default="1e3,1e5,1e6,1e7")
    args = parser.parse_args()
    print(
        f"# {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"numpy {np.__version__}, python {platform.python_version()}"
    )
    print(f"# medians of {args.repeats} runs; times per EM iteration in ms")
    print(
        f"| {'N':>8} | {'K':>2} | {'fit_em':>9} | {'sklearn':>9} | {'sk/ours':>7} | {'exp floor':>9} | {'ours/exp':>8} |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n in (int(float(s)) for s in args.sizes.split(",")):
        for k in (2, 5, 10):
            x, _ = sample(random_model(k, rng=k), n, rng=n)
            start = start_for(x, k)
            ours = emgmm_per_iter(x, start, args.repeats)
            # the floor: one exp of a (k, n) array into a buffer allocated once, as the E-step does
            src = np.random.default_rng(0).uniform(-5, 0, size=(k, n))
            buf = np.empty_like(src)
            floor = median_time(lambda src=src, buf=buf: np.exp(src, out=buf), args.repeats)
            del src, buf
            if n <= args.skip_sklearn_above:
                sk = sklearn_per_iter(x, start, max(1, args.repeats if n < 1e7 else 1))
                sk_text, ratio = f"{sk * 1e3:9.2f}", f"{sk / ours:7.1f}"
            else:
                sk_text, ratio = f"{'-':>9}", f"{'-':>7}"
            print(
                f"| {n:>8.0e} | {k:>2} | {ours * 1e3:9.2f} | {sk_text} | {ratio} | "
                f"{floor * 1e3:9.2f} | {ours / floor:8.2f} |",
                flush=True,
            )
    n, k = 10_000_000, 10
    print(
        f"\npeak memory of fit_em beyond the input at N={n:.0e}, K={k} (tracemalloc): {peak_memory(n, k):.1f} MiB "
        f"(input: {n * 8 / 2**20:.0f} MiB)"
    )


if __name__ == "__main__":
    main()

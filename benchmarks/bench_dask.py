"""EM per iteration in one process against a local Dask cluster of worker processes.

Run from the repository root: python -m benchmarks.bench_dask [--n 1e8] [--k 3] [--iters 8]
[--workers 2] [--blocks-per-worker 4] [--read-csv ROWS]

1. In memory: ``fit_em`` on N points (float64, N * 8 bytes) in this process.
2. Dask: ``fit_em_dask`` on the same values, generated block by block on the workers of a
   ``LocalCluster`` (``--workers`` single-threaded processes) and persisted there, so the
   data is never shipped: the client holds one copy and the workers one.
3. Scheduler overhead: the same fit on a tiny array (1 000 points), in one block and in
   as many blocks as the large one: what an iteration costs beyond the arithmetic.

A per-iteration time is the median interval between two calls of the fit's callback
(one M-step and one E-step), over ``--iters`` iterations from the same given start
(``tol=0``): the checks, the first pass and the start are left out. The parameters of
the two fits are compared (largest relative difference). Targets: at N = 1e8 on 2
workers at least 1.5x the in-memory speed per iteration, and under 50 ms of overhead.

With ``--read-csv ROWS``, instead: the time to read a column of a CSV file of ROWS rows
(``emgmm.dask.read_column``, computed on the same cluster), median of ``--repeats``. The
file has a value column (three decimals) and a text column, plain so that Dask's own
reader (before issue 21) reads it too; it is written once, in a temporary directory.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np
import pandas as pd

from emgmm import GMM, fit_em, sample
from emgmm.history import final_model

#: The mixture the values are drawn from, and the start both fits run from.
TRUE = GMM([0.2, 0.5, 0.3], [-4.0, 0.0, 5.0], [1.0, 0.7, 2.0])


def start_for(k: int) -> GMM:
    return GMM(np.full(k, 1 / k), np.linspace(-5.0, 6.0, k), np.full(k, 2.0))


def block_values(seed: int, index: int, size: int) -> np.ndarray:
    """Block ``index`` of the data: the same values wherever it is drawn."""
    x, _ = sample(TRUE, size, rng=np.random.default_rng([seed, index]))
    return x


def block_sizes(n: int, blocks: int) -> tuple[int, ...]:
    base, extra = divmod(n, blocks)
    return tuple(base + (i < extra) for i in range(blocks))


def per_iteration(fit: object, *args: object, **kwargs: object) -> tuple[float, pd.DataFrame]:
    """Median seconds between two callbacks of ``fit(*args, callback=..., **kwargs)``, and the history."""
    stamps: list[float] = []
    history = fit(*args, callback=lambda *_: stamps.append(time.perf_counter()), **kwargs)  # type: ignore[operator]
    return float(np.median(np.diff(stamps))), history


def largest_difference(a: pd.DataFrame, b: pd.DataFrame) -> float:
    ma, mb = final_model(a), final_model(b)
    pa = np.concatenate([ma.weights, ma.means, ma.sds])
    pb = np.concatenate([mb.weights, mb.means, mb.sds])
    return float(np.max(np.abs(pa - pb) / np.abs(pa)))


def csv_text(rows: int, seed: int) -> tuple[str, np.ndarray]:
    """A CSV of ``rows`` rows (value, label) and its values: plain, so that any reader reads it."""
    x = np.round(np.random.default_rng(seed).normal(1_000, 400, rows), 3)
    frame = pd.DataFrame({"value": [f"{v:.3f}" for v in x], "label": [f"row {i}" for i in range(rows)]})
    return frame.to_csv(index=False), x


def read_csv_time(rows: int, workers: int, repeats: int, seed: int) -> None:
    """Print the median time ``read_column`` takes to read the CSV's value column."""
    import tempfile

    from distributed import Client, LocalCluster

    from emgmm.dask import read_column

    text, x = csv_text(rows, seed)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "values.csv")
        with open(path, "w") as file:
            file.write(text)
        size = os.path.getsize(path)
        print(f"CSV of {rows:,} rows ({size / 1e6:.0f} MB), {workers} workers, {os.cpu_count()} cores")
        print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            Client(cluster),
        ):
            times, read = [], np.empty(0)
            for _ in range(repeats):
                t0 = time.perf_counter()
                column = read_column([path], "value")
                read = np.asarray(column.compute(), dtype=np.float64)
                times.append(time.perf_counter() - t0)
        print(f"read_column: median {np.median(times):.2f} s of {' '.join(f'{t:.2f}' for t in times)}")
        print(f"  {column.numblocks[0]} blocks, {size / 1e6 / np.median(times):.0f} MB/s")
        same = read.size == x.size and bool(np.array_equal(read, x))
        print(f"values read as written: {same} ({read.size:,} of {x.size:,})")
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=float, default=1e8, help="number of points (default 1e8: 800 MB)")
    parser.add_argument("--k", type=int, default=3, help="components (default 3)")
    parser.add_argument("--iters", type=int, default=8, help="EM iterations timed (default 8)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--blocks-per-worker", type=int, default=4, help="blocks per worker (default 4)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--read-csv", type=float, default=0, help="time reading a CSV of this many rows instead"
    )
    parser.add_argument("--repeats", type=int, default=3, help="reads timed with --read-csv (default 3)")
    args = parser.parse_args()
    if args.read_csv:
        read_csv_time(int(args.read_csv), args.workers, args.repeats, args.seed)
        return

    import dask
    import dask.array as da
    from distributed import Client, LocalCluster, wait

    from emgmm.dask import fit_em_dask

    n, k, blocks = int(args.n), args.k, args.workers * args.blocks_per_worker
    sizes = block_sizes(n, blocks)
    options = dict(init_params=start_for(k), max_iter=args.iters, tol=0.0)
    print(f"N = {n:.3g} ({n * 8 / 1e6:.0f} MB), K = {k}, {args.iters} iterations, {os.cpu_count()} cores")
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")

    x = np.empty(n)
    for i, (lo, size) in enumerate(zip(np.cumsum((0, *sizes[:-1])), sizes, strict=True)):
        x[lo : lo + size] = block_values(args.seed, i, size)
    memory_time, memory_history = per_iteration(fit_em, x, k, **options)
    del x  # the client keeps no copy while the workers hold theirs
    print(f"in memory, 1 process:        {memory_time * 1e3:9.1f} ms per iteration")

    with (
        LocalCluster(
            n_workers=args.workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        parts = [
            da.from_delayed(dask.delayed(block_values)(args.seed, i, size), (size,), np.float64)
            for i, size in enumerate(sizes)
        ]
        t0 = time.perf_counter()
        xd = da.concatenate(parts).persist()
        wait(xd)
        held = {worker: len(keys) for worker, keys in client.has_what().items()}
        print(
            f"data drawn on the workers:   {time.perf_counter() - t0:9.1f} s, blocks per worker {sorted(held.values())}"
        )
        t0 = time.perf_counter()
        dask_time, dask_history = per_iteration(fit_em_dask, xd, k, **options)
        print(f"Dask, {args.workers} workers, {blocks} blocks: {dask_time * 1e3:9.1f} ms per iteration")
        print(f"  whole fit incl. first pass: {time.perf_counter() - t0:9.1f} s")
        del xd
        tiny = sample(TRUE, 1000, rng=1)[0]
        overheads = []
        for tiny_blocks in (1, blocks):
            xt = da.from_array(tiny, chunks=(block_sizes(tiny.size, tiny_blocks),)).persist()
            overheads.append(per_iteration(fit_em_dask, xt, k, **options)[0])
        print(
            f"tiny array (1 000 points):   {overheads[0] * 1e3:9.1f} ms per iteration in 1 block, "
            f"{overheads[1] * 1e3:.1f} ms in {blocks} blocks"
        )

    print(f"speedup per iteration:       {memory_time / dask_time:9.2f}x  (target >= 1.5x)")
    print(f"scheduler overhead:          {overheads[1] * 1e3:9.1f} ms per iteration  (target < 50 ms)")
    print(
        f"largest relative difference of the fitted parameters: {largest_difference(memory_history, dask_history):.2e}"
    )
    print(
        f"log-likelihoods: {memory_history['log_likelihood'].iloc[-1]:.10g} (memory), "
        f"{dask_history['log_likelihood'].iloc[-1]:.10g} (Dask)"
    )
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()

"""What two threads of short NumPy calls cost on this machine, against two processes.

Run from the repository root: python -m benchmarks.bench_gil [--repeats 5]

A NumPy call lets go of the GIL while it computes and takes it back after. Each row runs
the same work (``calls`` calls of ``numpy.exp`` on arrays of ``elements`` float64, into a
buffer) once alone, then twice at once: in two threads of this process, and in two
processes. On two free cores both pairs would take the lone time (ratio 1); a ratio of 2
means the pair ran one after the other. The E-step's calls are of the sizes in the rows:
per point, 65,536 / K elements a chunk; per point and component, 65,536
(``steps.CHUNK_ELEMENTS``). Medians of ``--repeats`` interleaved rounds.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import threading
import time

import numpy as np

#: Elements a lone run handles in all: the same work in every row, split into calls.
TOTAL_ELEMENTS = 400_000_000


def work(elements: int) -> None:
    """One worker's share: ``TOTAL_ELEMENTS // elements`` calls of exp on ``elements`` values."""
    a, out = np.linspace(0.0, 1.0, elements), np.empty(elements)
    for _ in range(TOTAL_ELEMENTS // elements):
        np.exp(a, out=out)


def at_once(elements: int, n: int, kind: str) -> float:
    """Wall time of ``n`` workers (threads or processes) doing ``work`` together."""
    maker = threading.Thread if kind == "threads" else multiprocessing.get_context("fork").Process
    workers = [maker(target=work, args=(elements,)) for _ in range(n)]
    t0 = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sizes", default="4096,13107,65536,262144", help="elements per call")
    args = parser.parse_args()
    print(f"# {os.cpu_count()} cores; load average at start {os.getloadavg()[0]:.2f}")
    print("| elements a call | lone (s) | 2 threads / lone | 2 processes / lone |")
    print("|---:|---:|---:|---:|")
    for elements in (int(s) for s in args.sizes.split(",")):
        lone, threads, processes = [], [], []
        for _ in range(args.repeats):
            t1 = at_once(elements, 1, "threads")
            lone.append(t1)
            threads.append(at_once(elements, 2, "threads") / t1)
            processes.append(at_once(elements, 2, "processes") / t1)
        print(
            f"| {elements:,} | {np.median(lone):.3f} | {np.median(threads):.2f} | {np.median(processes):.2f} |",
            flush=True,
        )
    print(f"# load average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
